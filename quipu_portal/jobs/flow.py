"""The draft → confirm → run flow every job kind with a confirmation page shares.

A feature's form creates a draft job once per submission (``draft_create_once``: a double click shows
the first draft); the draft's page (``draft_page``) shows the reading progress while a large selection
is read in the background, then the feature's preview, and acts on its buttons: run, discard, read
again. What the page shows and says is the feature's; the flow is here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.htmx import is_partial, render_polled
from quipu_portal.core.once import once_done, once_forget, sent_once
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, Job, JobStatus
from quipu_portal.jobs.services import job_discard, job_prepare_again, job_start


@dataclass(frozen=True)
class Drafted:
    """Where the created draft (or what the first submission created) is; ``created`` is None when
    this submission repeated an earlier one."""

    url: str
    created: object | None


def draft_create_once(request, *, create: Callable[..., object], url_for: Callable[[object], str]) -> Drafted:
    """Create a draft with ``create(owner=..., connection=...)`` (the request's user and connection)
    once per form submission. An error escaping ``create`` (the user is told why) releases the form,
    so it may be sent again."""
    with sent_once(request) as claim:
        if claim.result_url:  # a double click: what the first click made
            return Drafted(claim.result_url, None)
        created = create(owner=request.user, connection=request.connection)
        url = url_for(created)
        once_done(claim, url=url)
    return Drafted(url, created)


@dataclass(frozen=True)
class DraftPage:
    """A feature's confirmation page: its templates (the fragment named ``fragment`` polls while the
    selection is read), its context, where a discarded draft goes and what the user is told."""

    templates: list[str]
    fragment: str
    context: Callable[[bool], dict]  # called with whether the request is a partial one
    discarded_url: str
    discarded_message: str
    started_message: str


def draft_page(request, job: Job, page: DraftPage):
    """Show a draft and act on its buttons; a confirmed job's page is the job's own."""
    if job.status not in UNCONFIRMED_STATUSES:
        return redirect(connection_reverse("jobs:detail", args=[job.pk]))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "discard":
            job_discard(job=job)
            once_forget(owner=request.user, url=request.path)
            messages.info(request, page.discarded_message)
            return redirect(page.discarded_url)
        if action == "read_again":
            job_prepare_again(job=job)
        elif job.status == JobStatus.DRAFT:
            job_start(job=job)
            messages.success(request, page.started_message)
            return redirect(connection_reverse("jobs:detail", args=[job.pk]))
        return redirect(request.path)
    partial = is_partial(request)
    context = page.context(partial)
    if partial:
        templates = [f"{name}#{page.fragment}" for name in page.templates]
        return render_polled(request, templates, context, keep_polling=job.status == JobStatus.PREPARING)
    return render(request, page.templates, context)
