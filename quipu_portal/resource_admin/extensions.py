"""What apps above the generic layer lend it, filled by their ``ready()``: the generic layer calls
them without importing those apps."""

from collections.abc import Callable

# Views lent to every document list, by URL name: bulk delete's "bulk" (where the selection's form
# posts) and "bulk-delete" (its confirmation).
LENT_VIEWS: dict[str, Callable] = {}

# What other apps add to a document list's page: each ``addition(request, admin=..., page=...)``
# returns template context (list totals and exports).
LIST_ADDITIONS: list[Callable[..., dict]] = []


def lend_view(url_name: str, view: Callable) -> None:
    LENT_VIEWS[url_name] = view


def add_to_lists(addition: Callable[..., dict]) -> None:
    if addition not in LIST_ADDITIONS:
        LIST_ADDITIONS.append(addition)
