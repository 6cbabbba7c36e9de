"""Job kinds: each kind registers a handler; the runner in services.py knows nothing else about it.

A feature app registers its handlers (and any pages it adds under the jobs URLs) in its
``AppConfig.ready()``; the jobs app imports no feature app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models read kind labels from here
    from quipu_portal.jobs.models import ItemState


@dataclass(frozen=True)
class FieldChange:
    """One field of one document as it was and as it became, for the change log."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Outcome:
    """What became of one item. ``retry`` leaves it pending for a later chunk (a transient error)."""

    state: ItemState
    after: dict | None = None
    fingerprint: str | None = None
    error: str = ""
    changes: tuple[FieldChange, ...] = field(default=())
    retry: bool = False


@dataclass(frozen=True)
class Preparation:
    """One step of reading a job's items in the background (see ``JobHandler.prepare``): the items
    found, where to carry on (stored as ``job.params["preparing"]``), and whether reading is over."""

    items: list = field(default_factory=list)
    state: dict = field(default_factory=dict)
    done: bool = False
    # Hand the worker back after this step (the job is enqueued again): a job paced by its own
    # connection's rate budget then lets jobs of other connections read in between.
    pause: bool = False


class PreparationError(Exception):
    """Reading a job's items cannot go on (e.g. too many documents); the message is for the user."""


class JobRefusedError(Exception):
    """A job cannot be created or acted on (nothing selected, cannot be undone); the message is for
    the user."""


class JobHandler:
    """Override ``process_item``; ``prefetch`` may read many documents at once for a chunk."""

    kind: str = ""
    # What the job pages call a job of this kind that has no title.
    label: str = ""
    # What the job page calls each item state, where the kind has its own words ("Deleted").
    state_labels: dict = {}
    # The documents the job finished with no longer exist: the job page does not link to them.
    removes_documents: bool = False
    # The user confirmed before the items were read (a download): once read, the job runs, no draft.
    starts_when_prepared: bool = False
    # Where an item's ``Outcome.changes`` are recorded, in the item's transaction (the kinds that
    # change documents name the change log's ``audit_record_changes``): called with ``user``,
    # ``connection``, ``resource``, ``document_id``, ``document_label``, ``before``, ``after`` and ``job``.
    change_log: Callable[..., object] | None = None

    def draft_url(self, job) -> str | None:
        """Where a draft of this kind is confirmed (None: the kind has no confirmation page)."""
        return None

    def can_undo(self, job) -> bool:
        """Whether the job page offers to undo the job."""
        return False

    def undo(self, *, job):
        """Start a job undoing ``job`` and return it; raise ``JobRefusedError`` to say why not."""
        raise JobRefusedError("This job cannot be undone.")

    def prepare(self, *, job, client) -> Preparation:
        """Read the next few items of a job created with ``preparing`` state (see jobs.services)."""
        raise NotImplementedError

    def prefetch(self, *, job, items, client) -> dict:
        return {}

    def process_item(self, *, job, item, client, prefetched: dict) -> Outcome:
        raise NotImplementedError

    def finish(self, *, job) -> None:
        """Called once when no item is left pending (e.g. to assemble a file)."""


HANDLERS: dict[str, JobHandler] = {}
# The length of ``Job.kind``.
KIND_MAX_LENGTH = 30
# Modules whose ``urlpatterns`` join the jobs URLs (namespace ``jobs``), e.g. a feature's preview page.
URL_MODULES: list[str] = []


def register_handler(handler: JobHandler) -> JobHandler:
    """Declare a job kind: only registered kinds can be created (see ``jobs.services.job_create``)."""
    if not handler.kind or len(handler.kind) > KIND_MAX_LENGTH:
        raise ValueError(f"A job kind needs a name of 1 to {KIND_MAX_LENGTH} characters: {handler.kind!r}")
    HANDLERS[str(handler.kind)] = handler
    return handler


def kind_label(kind: str) -> str:
    """The label the kind's handler declares, or "" when it declares none."""
    handler = HANDLERS.get(kind)
    return str(handler.label) if handler is not None and handler.label else ""


def handler_for(kind: str) -> JobHandler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No handler registered for job kind {kind!r}") from None


def register_urls(module: str) -> None:
    """Add the ``urlpatterns`` of ``module`` (a dotted path, imported with the URL conf) to the jobs URLs."""
    if module not in URL_MODULES:
        URL_MODULES.append(module)
