"""Reading a client's documents of a period, with their lines, one listing page per job step.

Tax previews (1 January to the end of a quarter) and the quarter review's scan (the quarter) read the
same way: one ``/book_entries`` listing for every document type, 100 documents per request.
"""

from quipu_portal.jobs.registry import PreparationError
from quipu_portal.resource_admin.selection import Selection, SelectionError, selection_page_read

BOOK_NAMESPACE = "book_entries"
BOOK_INCLUDE = ["items"]


def book_selection(*, period, sort: list[str]) -> Selection:
    """Every book entry of ``period`` (Quipu's ``filter[period]``: ``2026-Q3`` or ``{"from", "to"}``)."""
    return Selection(namespace=BOOK_NAMESPACE, filters={"period": period}, sort=sort)


def book_page_read(*, client, selection: Selection, reading: dict):
    """The next page of the selection with the documents' lines; a filter Quipu refuses ends the job's
    reading with its reason."""
    try:
        return selection_page_read(client=client, selection=selection, reading=reading, include=BOOK_INCLUDE)
    except SelectionError as error:
        raise PreparationError(str(error)) from error
