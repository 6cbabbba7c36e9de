"""Helpers shared by the view tests: htmx headers, what a browser would submit, sandbox lookups."""

from html.parser import HTMLParser

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import QueryDict

from quipu_portal.jobs.models import Job
from quipu_portal.jobs.services import job_run_chunk, job_start
from quipu_portal.quipu.records import ItemInput, RecordInput


def cache_clear() -> None:
    """Empty this test worker's cache. On Redis, ``cache.clear()`` empties the whole database, and with
    it the other test worker's cache, the django-q queues and the shared rate budget."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    redis = cache._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        redis.delete(*keys)


def htmx(**extra):
    return {"HX-Request": "true", **extra}


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one <form>: inputs, checked boxes, selected options."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, QueryDict(mutable=True)
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.appendlist(name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None and "disabled" not in attrs:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or (
                [] if self.select["multiple"] else [self.select["first"] or ""]
            )
            for value in chosen:
                self.data.appendlist(self.select["name"], value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.appendlist(self.textarea[0], self.textarea[1].lstrip("\n"))
            self.textarea = None


def form_data(response, form_id: str = "document-form") -> QueryDict:
    """The POST data a browser would send for the form as rendered, to change a few fields of."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return reader.data


def created_id(response) -> str:
    """The id of the document a successful create redirected to."""
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").split("/")[-1]


def items_of(record) -> list[tuple]:
    return [
        (
            item.id,
            item.concept,
            item.quantity,
            item.unitary_amount,
            item.vat_percent,
            item.accounting_category,
        )
        for item in record.items
    ]


def first_document(quipu, json_type: str, *, resource: str, kind=None, with_items=0):
    """The first document of a type (optionally of a kind, with at least N items), fully read."""
    filters = {"type": json_type, **({"kind": kind} if kind else {})}
    for summary in quipu.iterate("book_entries", filters=filters):
        record = quipu.retrieve(resource, summary.id, include=["items"] if with_items else None)
        if len(getattr(record, "items", ())) >= with_items:
            return record
    raise AssertionError(f"the seed has no {json_type} like that")


def read_to_end(job: Job, *, max_chunks: int = 100) -> Job:
    """Run the job's task in this process until it has read its selection, as the cluster would."""
    for _ in range(max_chunks):
        job.refresh_from_db()
        if job.status != "preparing":
            return job
        job_run_chunk(job_id=job.pk)
    raise AssertionError(f"job {job.pk} was still reading after {max_chunks} chunks")


def run_to_end(job: Job, *, max_chunks: int = 200) -> Job:
    """Run the job's task in this process, chunk after chunk, as the cluster would."""
    job.refresh_from_db()
    if job.status == "draft":
        job_start(job=job)
    for _ in range(max_chunks):
        job.refresh_from_db()
        if not job.is_active:
            return job
        job_run_chunk(job_id=job.pk)
    raise AssertionError(f"job {job.pk} did not finish in {max_chunks} chunks")


def foreign_customer_create(quipu) -> str:
    """A customer in France with what Verifactu asks of a contact; returns its id."""
    attributes = {
        "name": "Client SARL",
        "country_code": "fr",
        "tax_id": "FR123",
        "document_type": "other",
        "zip_code": "31000",
    }
    return quipu.create("contacts", RecordInput(attributes=attributes)).id


def exempt_invoice(quipu, customer: str, vat_percent=0, **codes):
    """An income invoice to ``customer`` with one line, VAT-exempt unless told otherwise, and
    Verifactu's codes (R1 unless given; None leaves one out), as Quipu holds it."""
    category = next(
        record.id for record in quipu.iterate("accounting_categories") if str(record.prefix).startswith("705")
    )
    line = ItemInput(
        attributes={
            "concept": "Export",
            "unitary_amount": "100",
            "vat_percent": vat_percent,
            "kind": "current",
            "equivalence_surcharge": False,
        },
        relationships={"accounting_category": category},
    )
    attributes = {
        "kind": "income",
        "issue_date": "2026-06-01",
        "collection_type": "R1",
        "exempt_reason": "R1",
    }
    attributes = {name: value for name, value in {**attributes, **codes}.items() if value is not None}
    return quipu.create(
        "invoices", RecordInput(attributes=attributes, relationships={"contact": customer}, items=[line])
    )
