"""Forms that create something are acted on once: a double click shows the first result, not a copy.

Each rendered form carries a one-time token (``{% once_field %}``). The first POST with a token claims
it (a row unique per user, token and data sent) and records where its result is once created. A
second POST of the same form waits for the first to finish and shows its result. A POST whose data
differs (the user changed something and sent again) is a new submission. When nothing was created
(refused, Quipu busy) the claim is released, so the same form can be sent again; when the answer was
lost, the claim stays "uncertain" and the view looks before it sends again (never repeat blindly a
POST that may have been processed).
"""

import datetime
import hashlib
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from quipu_portal.core.models import SentForm

ONCE_FIELD = "once_token"
# How long a second POST waits for the first one to finish (a create may wait for the rate budget).
WAIT_SECONDS = 30.0
KEEP = datetime.timedelta(days=1)
_IGNORED = {"csrfmiddlewaretoken"}


def once_token(request) -> str:
    """The token of the form being drawn: the posted one on a redraw (a line added), else a new one."""
    posted = request.POST.get(ONCE_FIELD, "") if request.method == "POST" else ""
    return posted or secrets.token_urlsafe(18)


@dataclass
class OnceClaim:
    """``row`` is None when the form carried no token (then nothing is protected)."""

    row: SentForm | None = None
    first: bool = True

    @property
    def result_url(self) -> str:
        """Where the first submission's result is, when it finished."""
        if self.row is not None and not self.first and self.row.state == SentForm.State.DONE:
            return self.row.result_url
        return ""

    @property
    def uncertain(self) -> bool:
        """An earlier submission of this form got no answer: it may have been applied."""
        return self.row is not None and self.row.state == SentForm.State.UNCERTAIN

    @property
    def seconds_since(self) -> float:
        """Since the earlier submission last changed state."""
        if self.row is None:
            return 0.0
        return (timezone.now() - self.row.updated_at).total_seconds()

    @property
    def context(self) -> dict:
        return dict(self.row.context or {}) if self.row is not None else {}

    @property
    def sending(self) -> bool:
        """The first submission is still being sent (after waiting for it)."""
        return self.row is not None and not self.first and self.row.state == SentForm.State.SENDING


def _key(token: str, data) -> str:
    sent = sorted((name, values) for name, values in data.lists() if name not in _IGNORED)
    return hashlib.sha256(repr((token, sent)).encode()).hexdigest()


def once_claim(request) -> OnceClaim:
    """Claim this POST's form, or find the earlier submission of the same form (waiting for it)."""
    token = request.POST.get(ONCE_FIELD)
    if not token:
        return OnceClaim()
    key = _key(token, request.POST)
    SentForm.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                return OnceClaim(SentForm.objects.create(owner=request.user, key=key), first=True)
        except IntegrityError:
            pass
        row = SentForm.objects.filter(owner=request.user, key=key).first()
        if row is not None and (row.state != SentForm.State.SENDING or time.monotonic() > deadline):
            return OnceClaim(row, first=False)
        time.sleep(0.2)  # the first submission is being sent, or was just released


def once_done(claim: OnceClaim, *, url: str) -> None:
    if claim.row is not None:
        SentForm.objects.filter(pk=claim.row.pk).update(
            state=SentForm.State.DONE, result_url=url[:500], updated_at=timezone.now()
        )


def once_release(claim: OnceClaim) -> None:
    """Nothing was created: the same form may be sent again."""
    if claim.row is not None:
        SentForm.objects.filter(pk=claim.row.pk, state=SentForm.State.SENDING).delete()


@contextmanager
def sent_once(request):
    """``once_claim`` for the block; an error escaping it releases a claim still being sent (the view
    records ``once_done`` or ``once_uncertain`` itself)."""
    claim = once_claim(request)
    try:
        yield claim
    except BaseException:
        if claim.first:
            once_release(claim)
        raise


def once_uncertain(claim: OnceClaim, *, context: dict) -> None:
    """Sent, but the answer was lost: a repeat of this form must look before it sends again, with
    ``context`` (what to look for)."""
    if claim.row is not None:
        SentForm.objects.filter(pk=claim.row.pk).update(
            state=SentForm.State.UNCERTAIN, context=context, updated_at=timezone.now()
        )


def once_take_over(claim: OnceClaim) -> bool:
    """After looking and finding nothing: this submission sends it again, and owns the claim. False
    when another submission of the same form took it over first."""
    if claim.row is None:
        return True
    taken = SentForm.objects.filter(pk=claim.row.pk, state=SentForm.State.UNCERTAIN).update(
        state=SentForm.State.SENDING, updated_at=timezone.now()
    )
    claim.first = bool(taken)
    return claim.first


def once_forget(*, owner, url: str) -> None:
    """What a form created is gone (a draft discarded): sending the same form again creates anew."""
    SentForm.objects.filter(owner=owner, result_url=url).delete()
