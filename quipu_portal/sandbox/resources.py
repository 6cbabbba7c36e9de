"""One handler class per API resource: list, show, create, update, delete, with their filters and sorts."""

import re
import secrets
from dataclasses import dataclass
from datetime import date

from . import documents, listing
from .documents import (
    BLANK,
    NOT_FOUND,
    NOT_IN_LIST,
    PAYMENT_METHODS,
    Errors,
    attr_pointer,
    check_subcategory,
    document_parts,
    parse_id,
    rel_pointer,
    relationship,
)
from .http import BadRequest, Forbidden, NotFound, Request, Response
from .jsonapi import EMPTY_STATS, Renderer, contact_is, contact_stats, derived
from .money import iban_is_valid


@dataclass
class Context:
    store: object
    account: object
    request: Request
    render: Renderer

    @property
    def query(self) -> dict:
        return self.request.query


def ok(payload, status: int = 200) -> Response:
    return Response.json(status, payload)


def listed(ctx: Context, records: list, to_resource, included=None) -> Response:
    page, meta = listing.paginate(records, ctx.query)
    payload = {"data": [to_resource(r) for r in page], "meta": meta}
    if included is not None:
        payload["included"] = included(page)
    return ok(payload)


class Resource:
    """Answers 404 for the actions a resource does not have (as an unknown route does)."""

    def list(self, ctx):
        raise NotFound()

    def show(self, ctx, record_id):
        raise NotFound()

    def create(self, ctx):
        raise NotFound()

    def update(self, ctx, record_id):
        raise NotFound()

    def delete(self, ctx, record_id):
        raise NotFound()


def _get(records: dict, record_id: str):
    record = records.get(parse_id(record_id))
    if record is None:
        raise NotFound()
    return record


# ── contacts ─────────────────────────────────────────────────────────────
CONTACT_TEXT_FIELDS = (
    "name",
    "tax_id",
    "phone",
    "email",
    "address",
    "town",
    "zip_code",
    "client_number",
    "supplier_number",
    "employee_number",
    "bank_account_number",
    "bank_account_swift_bic",
    "document_type",
    "description",
    "pdf_language",
    "incomes_due_date",
    "incomes_payment_method",
    "expenses_payment_method",
    "expenses_due_date",
    "a3_nom_id",
)
CONTACT_FLAGS = (
    "is_supplier_of_direct_goods",
    "equivalence_subcharge",
    "is_client",
    "is_supplier",
    "is_employee",
)
DOCUMENT_TYPES = {
    "NIF",
    "passport",
    "official_id_from_residence_country",
    "residence_permit",
    "other",
    "none",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTACT_PAYMENT_METHODS = ("incomes_payment_method", "expenses_payment_method")
# The default categories of a contact's documents: (relationship prefix, category kinds it accepts, detail).
CONTACT_DEFAULT_CATEGORIES = (
    ("income", {"income"}, "must be an income category"),
    ("expense", {"expenses", "assets"}, "must be an expense or asset category"),
)


def _tax_id_key(value: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value or "").upper()
    return compact[2:] if re.match(r"^[A-Z]{2}[0-9A-Z]", compact) and len(compact) > 9 else compact


class Contacts(Resource):
    SORTS = {
        "name": lambda row: row[0]["name"].lower(),
        "total_paid_income": lambda row: row[1]["paid_incomes"],
        "total_unpaid_income": lambda row: row[1]["unpaid_incomes"],
        "total_paid_expenses": lambda row: row[1]["paid_expenses"],
        "total_unpaid_expenses": lambda row: row[1]["unpaid_expenses"],
    }

    def list(self, ctx):
        flt = listing.filters(ctx.query)
        stats = contact_stats(ctx.account)
        rows = [(c, stats.get(c["id"], EMPTY_STATS)) for c in ctx.account.contacts.values()]
        if "q" in flt:
            term = flt["q"].strip().lower()
            rows = [
                r
                for r in rows
                if term in r[0]["name"].lower()
                or term in (r[0].get("tax_id") or "").lower()
                or term in (r[0].get("email") or "").lower()
            ]
        if "kind" in flt:
            if flt["kind"] not in ("client", "supplier", "employee"):
                raise BadRequest("Bad request: filter[kind] must be client, supplier or employee")
            rows = [r for r in rows if contact_is(r[0], r[1], flt["kind"])]
        if "tax_id" in flt:
            wanted = _tax_id_key(flt["tax_id"])
            rows = [r for r in rows if _tax_id_key(r[0].get("tax_id")) == wanted]
        if "country" in flt:
            countries = {c.lower() for c in listing.comma_list(flt["country"])}
            rows = [r for r in rows if (r[0].get("country_code") or "").lower() in countries]
        if "email" in flt:
            rows = [r for r in rows if (r[0].get("email") or "").lower() == flt["email"].strip().lower()]
        rows.sort(key=lambda r: r[0]["id"])
        listing.apply_sort(rows, listing.sort_spec(ctx.query, set(self.SORTS)), self.SORTS)
        return listed(ctx, rows, lambda r: ctx.render.contact(r[0]))

    def show(self, ctx, record_id):
        return ok({"data": ctx.render.contact(_get(ctx.account.contacts, record_id))})

    def create(self, ctx):
        contact = {"id": ctx.account.new_id(), "name": ""}
        self._apply(ctx, contact, ctx.request.json())
        ctx.account.contacts[contact["id"]] = contact
        ctx.account.touch()
        return ok({"data": ctx.render.contact(contact)}, 201)

    def update(self, ctx, record_id):
        contact = dict(_get(ctx.account.contacts, record_id))
        self._apply(ctx, contact, ctx.request.json())
        ctx.account.contacts[contact["id"]] = contact
        ctx.account.touch()
        return ok({"data": ctx.render.contact(contact)})

    def delete(self, ctx, record_id):
        contact = _get(ctx.account.contacts, record_id)
        if contact_stats(ctx.account).get(contact["id"], {}).get("documents"):
            raise Forbidden()
        del ctx.account.contacts[contact["id"]]
        ctx.account.touch()
        return Response.empty()

    def _apply(self, ctx, contact: dict, payload: dict) -> None:
        attributes, relationships = document_parts(payload)
        errors = Errors()
        for name in CONTACT_TEXT_FIELDS:
            if name in attributes:
                value = attributes[name]
                contact[name] = None if value is None else str(value)
        for name in CONTACT_FLAGS:
            if name in attributes:
                contact[name] = bool(attributes[name])
        for name in CONTACT_PAYMENT_METHODS:
            if contact.get(name) and contact[name] not in PAYMENT_METHODS:
                errors.add(NOT_IN_LIST, attr_pointer(name))
        if "contact_analytic_value_ids" in attributes:
            contact["contact_analytic_value_ids"] = _analytic_value_ids(
                ctx.account, attributes["contact_analytic_value_ids"], errors
            )
        _apply_default_categories(ctx, contact, relationships, errors)
        country = attributes.get("country_code", attributes.get("country"))
        if country is not None:
            if country and not re.fullmatch(r"[A-Za-z]{2}", str(country)):
                errors.add("must be a 2 letter ISO country code", attr_pointer("country_code"))
            contact["country_code"] = str(country).lower()
        if not (contact.get("name") or "").strip():
            errors.add(BLANK, attr_pointer("name"))
        if contact.get("email") and not EMAIL.match(contact["email"]):
            errors.add("is not a valid email", attr_pointer("email"))
        if contact.get("bank_account_number") and not iban_is_valid(contact["bank_account_number"]):
            errors.add(
                "This Iban is not valid, please contact your bank and provide a new one.",
                attr_pointer("bank_account_number"),
            )
        if contact.get("document_type") and contact["document_type"] not in DOCUMENT_TYPES:
            errors.add(NOT_IN_LIST, attr_pointer("document_type"))
        if ctx.account.verifactu:
            for name in ("country_code", "tax_id", "document_type", "zip_code"):
                if not (contact.get(name) or "").strip():
                    errors.add_once(BLANK, attr_pointer(name))
        errors.raise_if_any()


def _analytic_value_ids(account, value, errors: Errors) -> str | None:
    """``contact_analytic_value_ids``: analytic category ids, comma-separated ("12,34")."""
    pointer = attr_pointer("contact_analytic_value_ids")
    parts = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value or "").strip())
    ids = [parse_id(part) for part in parts if str(part).strip()]
    if any(analytic_id is None for analytic_id in ids):
        errors.add("must be analytic category ids separated by commas", pointer)
    elif any(analytic_id not in account.analytic_categories for analytic_id in ids):
        errors.add(NOT_FOUND, pointer)
    return ",".join(str(analytic_id) for analytic_id in ids) or None


def _apply_default_categories(ctx, contact: dict, relationships: dict, errors: Errors) -> None:
    for side, kinds, wrong_kind in CONTACT_DEFAULT_CATEGORIES:
        category_name, subcategory_name = f"{side}_category", f"{side}_subcategory"
        has_category, category_id = relationship(relationships, category_name, errors)
        if has_category:
            category = ctx.store.categories.get(category_id)
            if category_id is not None and category is None:
                errors.add(NOT_FOUND, rel_pointer(category_name))
            elif category is not None and category["kind"] not in kinds:
                errors.add(wrong_kind, rel_pointer(category_name))
            contact[f"{category_name}_id"] = category_id
        has_subcategory, subcategory_id = relationship(relationships, subcategory_name, errors)
        if has_subcategory:
            contact[f"{subcategory_name}_id"] = subcategory_id
        if has_category or has_subcategory:
            check_subcategory(
                ctx.account,
                contact.get(f"{category_name}_id"),
                contact.get(f"{subcategory_name}_id"),
                rel_pointer(subcategory_name),
                errors,
            )


# ── book entries ─────────────────────────────────────────────────────────
TYPE_ALIASES = {
    "invoices": {"invoices"},
    "tickets": {"tickets"},
    "simplified_invoices": {"simplified_invoices"},
    "additional_income": {"additional_incomes"},
    "additional_incomes": {"additional_incomes"},
    "paysheets": {"paysheets"},
}
FIELD_QUERY_FIELDS = {"contact", "concept", "number", "tag", "label", "user", "user_name"}
ENTRY_SORTS = {
    "number": lambda e: listing.natural_key(e.get("number")),
    "issue_date": lambda e: e["issue_date"],
    "counterpart_name": lambda e: (e.get("counterpart_name") or "").lower(),
    "total_amount": lambda e: e["total_amount"],
    "total_amount_without_taxes": lambda e: e["total_amount_without_taxes"],
}
BOOK_ENTRY_INCLUDES = {"items", "contact", "accounting_category", "accounting_subcategory"}
NESTED_ITEM_INCLUDES = {"items.accounting_category", "items.accounting_subcategory"}


def filter_entries(ctx: Context, entries: list[dict]) -> list[dict]:
    flt = listing.filters(ctx.query)
    today = date.fromtimestamp(ctx.store.now()).isoformat()
    if "type" in flt:
        wanted = set()
        for name in listing.comma_list(flt["type"]):
            if name not in TYPE_ALIASES:
                raise BadRequest(f"Bad request: filter[type]={name!r} is not a valid type")
            wanted |= TYPE_ALIASES[name]
        entries = [e for e in entries if e["type"] in wanted]
    if "kind" in flt:
        if flt["kind"] not in ("income", "expenses"):
            raise BadRequest("Bad request: filter[kind] must be income or expenses")
        entries = [e for e in entries if e["kind"] == flt["kind"]]
    period = listing.parse_period(flt)
    if period:
        first, last = period
        entries = [e for e in entries if first <= e["issue_date"] <= last]
    if "payment_status" in flt:
        status = flt["payment_status"]
        if status not in ("paid", "unpaid", "due", "pending"):
            raise BadRequest("Bad request: filter[payment_status] must be paid, unpaid, due or pending")
        entries = [e for e in entries if payment_filter_status(e, today, status)]
    if "contact_id" in flt:
        contact_id = parse_id(flt["contact_id"])
        if contact_id is None:
            raise BadRequest("Bad request: filter[contact_id] must be a contact id")
        entries = [e for e in entries if e.get("contact_id") == contact_id]
    if "validation_status" in flt:
        entries = [e for e in entries if e.get("validation_status") == flt["validation_status"]]
    if "q" in flt:
        term = flt["q"].strip().lower()
        entries = [e for e in entries if term in search_text(e)]
    if "field_query][field" in flt or "field_query][term" in flt:
        field = flt.get("field_query][field", "")
        term = flt.get("field_query][term", "").strip().lower()
        if field not in FIELD_QUERY_FIELDS:
            raise BadRequest(
                f"Bad request: filter[field_query][field] must be one of {sorted(FIELD_QUERY_FIELDS)}"
            )
        entries = [e for e in entries if field_matches(ctx.account, e, field, term)]
    return entries


def payment_filter_status(entry: dict, today: str, status: str) -> bool:
    """paid; unpaid = due + pending; due = unpaid past its first due date (or issue date without any)."""
    if entry.get("paid_at"):
        return status == "paid"
    if status == "unpaid":
        return True
    due_on = entry["due_dates"][0] if entry.get("due_dates") else entry["issue_date"]
    overdue = due_on < today
    return overdue if status == "due" else (status == "pending" and not overdue)


def search_text(entry: dict) -> str:
    parts = [entry.get("number") or "", entry.get("counterpart_name") or "", entry.get("tags") or ""]
    parts.append(entry.get("notes") or "")
    parts.extend(item["concept"] for item in entry.get("items", ()))
    return "\n".join(parts).lower()


def field_matches(account, entry: dict, field: str, term: str) -> bool:
    if field == "contact":
        return term in (entry.get("counterpart_name") or "").lower()
    if field == "concept":
        return any(term in item["concept"].lower() for item in entry.get("items", ()))
    if field == "number":
        return term in (entry.get("number") or "").lower()
    if field in ("tag", "label"):
        return term in {t.strip().lower() for t in (entry.get("tags") or "").split(",")}
    user = account.user
    return term in f"{user['name']} {user['surnames']}".lower()


class BookEntries(Resource):
    """GET /book_entries and the common part of every document resource."""

    types: tuple[str, ...] = ("invoices", "tickets", "simplified_invoices", "additional_incomes", "paysheets")
    include_values = BOOK_ENTRY_INCLUDES | NESTED_ITEM_INCLUDES
    shown_as: str | None = None  # a type name to render every record with

    def list(self, ctx):
        include = listing.includes(ctx.query, self.include_values)
        entries = [e for e in ctx.account.entries.values() if e["type"] in self.types]
        entries = filter_entries(ctx, entries)
        entries.sort(key=lambda e: e["id"], reverse=True)
        entries.sort(key=lambda e: e["issue_date"], reverse=True)
        listing.apply_sort(entries, listing.sort_spec(ctx.query, set(ENTRY_SORTS)), ENTRY_SORTS)
        return listed(
            ctx,
            entries,
            lambda e: ctx.render.entry(e, self.shown_as),
            (lambda page: ctx.render.included(page, include)) if include else None,
        )


class Documents(BookEntries):
    """invoices, simplified_invoices, additional_incomes, paysheets (and tickets below)."""

    def __init__(self, doc_type: str, include_values: set[str]):
        self.doc_type = doc_type
        self.types = (doc_type,)
        self.include_values = include_values

    def find(self, ctx, record_id) -> dict:
        entry = ctx.account.entries.get(parse_id(record_id))
        if entry is None or entry["type"] not in self.types:
            raise NotFound()
        return entry

    def show(self, ctx, record_id):
        include = listing.includes(ctx.query, self.include_values)
        entry = self.find(ctx, record_id)
        return self.document(ctx, entry, include)

    def document(self, ctx, entry: dict, include: set[str], status: int = 200) -> Response:
        payload = {"data": ctx.render.entry(entry, self.shown_as)}
        if include:
            payload["included"] = ctx.render.included([entry], include)
        return ok(payload, status)

    def create(self, ctx):
        include = listing.includes(ctx.query, self.include_values)
        entry = documents.save_entry(ctx.store, ctx.account, self.doc_type, ctx.request.json())
        return self.document(ctx, entry, include, 201)

    def update(self, ctx, record_id):
        include = listing.includes(ctx.query, self.include_values)
        entry = self.find(ctx, record_id)
        entry = documents.save_entry(
            ctx.store, ctx.account, entry["type"], ctx.request.json(), existing=entry
        )
        return self.document(ctx, entry, include)

    def delete(self, ctx, record_id):
        documents.delete_entry(ctx.account, self.find(ctx, record_id))
        return Response.empty()


class Tickets(Documents):
    """Deprecated: lists legacy tickets with simplified invoices and additional incomes; creates simplified invoices."""

    shown_as = "tickets"

    def __init__(self):
        super().__init__("tickets", BOOK_ENTRY_INCLUDES | NESTED_ITEM_INCLUDES | {"attachments"})
        self.types = ("tickets", "simplified_invoices", "additional_incomes")

    def create(self, ctx):
        include = listing.includes(ctx.query, self.include_values)
        payload = ctx.request.json()
        _attributes, relationships = document_parts(payload)
        if "amended_ticket" in relationships:
            relationships.setdefault("amended_simplified_invoice", relationships["amended_ticket"])
        entry = documents.save_entry(ctx.store, ctx.account, "simplified_invoices", payload)
        return self.document(ctx, entry, include, 201)


# ── numbering series ─────────────────────────────────────────────────────
APPLICABLE_TO = {"invoices", "tickets", "simplified_invoices", "additional_incomes", "paysheets", "budgets"}
APPLIES_TO = {"new_documents", "existing_documents"}


class NumberingSeries(Resource):
    def list(self, ctx):
        flt = listing.filters(ctx.query)
        series = sorted(ctx.account.series.values(), key=lambda s: s["id"])
        if "prefix" in flt:
            term = flt["prefix"].lower()
            series = [s for s in series if term in s["prefix"].lower()]
        if "applicable_to" in flt:
            if flt["applicable_to"] not in APPLICABLE_TO:
                raise BadRequest(f"Bad request: filter[applicable_to] must be one of {sorted(APPLICABLE_TO)}")
            series = [s for s in series if s.get("applicable_to") == flt["applicable_to"]]
        if "amending" in flt:
            amending = listing.parse_bool("amending", flt["amending"])
            series = [s for s in series if bool(s.get("amending")) == amending]
        if "applies_to" in flt:
            if flt["applies_to"] not in APPLIES_TO:
                raise BadRequest(
                    "Bad request: filter[applies_to] must be new_documents or existing_documents"
                )
            series = [s for s in series if s.get("applies_to", "new_documents") == flt["applies_to"]]
        return listed(ctx, series, ctx.render.series)

    def show(self, ctx, record_id):
        return ok({"data": ctx.render.series(_get(ctx.account.series, record_id))})

    def create(self, ctx):
        series = {"id": ctx.account.new_id(), "prefix": "", "default": False, "amending": False}
        series["applies_to"] = "new_documents"
        self._apply(ctx, series, ctx.request.json(), creating=True)
        return ok({"data": ctx.render.series(series)}, 201)

    def update(self, ctx, record_id):
        series = dict(_get(ctx.account.series, record_id))
        self._apply(ctx, series, ctx.request.json(), creating=False)
        return ok({"data": ctx.render.series(series)})

    def delete(self, ctx, record_id):
        series = _get(ctx.account.series, record_id)
        if derived(ctx.account)["series"].get(series["id"]):
            raise Forbidden()
        del ctx.account.series[series["id"]]
        ctx.account.touch()
        return Response.empty()

    def _apply(self, ctx, series: dict, payload: dict, *, creating: bool) -> None:
        attributes, _ = document_parts(payload)
        errors = Errors()
        if "prefix" in attributes:
            prefix = "" if attributes["prefix"] is None else str(attributes["prefix"]).strip()
            if not creating and prefix != series["prefix"]:
                errors.add("can not be changed", attr_pointer("prefix"))
            series["prefix"] = prefix
        if "applicable_to" in attributes:
            series["applicable_to"] = attributes["applicable_to"]
            if attributes["applicable_to"] not in APPLICABLE_TO:
                errors.add(NOT_IN_LIST, attr_pointer("applicable_to"))
        if "applies_to" in attributes:
            series["applies_to"] = attributes["applies_to"]
            if attributes["applies_to"] not in APPLIES_TO:
                errors.add(NOT_IN_LIST, attr_pointer("applies_to"))
        for name in ("default", "amending"):
            if name in attributes:
                series[name] = bool(attributes[name])
        if not series["prefix"]:
            errors.add(BLANK, attr_pointer("prefix"))
        elif any(
            s["prefix"].lower() == series["prefix"].lower() and s["id"] != series["id"]
            for s in ctx.account.series.values()
        ):
            errors.add("has already been taken", attr_pointer("prefix"))
        if not series.get("applicable_to") and not any(
            p == attr_pointer("applicable_to") for _, p in errors.items
        ):
            errors.add(BLANK, attr_pointer("applicable_to"))
        errors.raise_if_any()
        if series["default"]:
            for other in ctx.account.series.values():
                same_use = other.get("applicable_to") == series["applicable_to"]
                if (
                    other["id"] != series["id"]
                    and same_use
                    and bool(other.get("amending")) == series["amending"]
                ):
                    other["default"] = False
        ctx.account.series[series["id"]] = series
        ctx.account.touch()


# ── accounting categories ────────────────────────────────────────────────
CATEGORY_KINDS = {"expenses", "income", "assets", "capital", "financial", "creditor_debitor"}


class AccountingCategories(Resource):
    def list(self, ctx):
        flt = listing.filters(ctx.query)
        categories = sorted(ctx.store.categories.values(), key=lambda c: (c["prefix"], c["id"]))
        if "kind" in flt:
            kinds = set(listing.comma_list(flt["kind"]))
            kinds = {"assets" if k == "asset" else k for k in kinds}
            if not kinds or kinds - CATEGORY_KINDS:
                raise BadRequest(f"Bad request: filter[kind] must be among {sorted(CATEGORY_KINDS)}")
            categories = [c for c in categories if c["kind"] in kinds]
        if "prefix" in flt:
            prefixes = listing.comma_list(flt["prefix"])
            if not prefixes or not all(p.isdigit() for p in prefixes):
                raise BadRequest(
                    "Bad request: filter[prefix] must be a comma-separated list of account numbers"
                )
            categories = [c for c in categories if str(c["prefix"]) in prefixes]
        if "id" in flt:
            ids = {parse_id(i) for i in listing.comma_list(flt["id"])}
            if None in ids:
                raise BadRequest("Bad request: filter[id] must be a comma-separated list of ids")
            categories = [c for c in categories if c["id"] in ids]
        if "active" in flt:
            active = listing.parse_bool("active", flt["active"])
            categories = [c for c in categories if (c["kind"] in ("income", "expenses", "assets")) == active]
        return listed(ctx, categories, ctx.render.category)

    def show(self, ctx, record_id):
        return ok({"data": ctx.render.category(_get(ctx.store.categories, record_id))})


class AccountingSubcategories(Resource):
    def list(self, ctx):
        flt = listing.filters(ctx.query)
        subs = sorted(ctx.account.subcategories.values(), key=lambda s: s["id"])
        if "accounting_category_id" in flt:
            ids = {parse_id(i) for i in listing.comma_list(flt["accounting_category_id"])}
            if not ids or None in ids:
                raise BadRequest(
                    "Bad request: filter[accounting_category_id] must be a comma-separated list of ids"
                )
            subs = [s for s in subs if s["accounting_category_id"] in ids]
        return listed(ctx, subs, ctx.render.subcategory)

    def show(self, ctx, record_id):
        return ok({"data": ctx.render.subcategory(_get(ctx.account.subcategories, record_id))})

    def create(self, ctx):
        sub = {"id": ctx.account.new_id(), "name": "", "suffix": "", "accounting_category_id": None}
        self._apply(ctx, sub, ctx.request.json())
        return ok({"data": ctx.render.subcategory(sub)}, 201)

    def update(self, ctx, record_id):
        sub = dict(_get(ctx.account.subcategories, record_id))
        self._apply(ctx, sub, ctx.request.json())
        return ok({"data": ctx.render.subcategory(sub)})

    def delete(self, ctx, record_id):
        sub = _get(ctx.account.subcategories, record_id)
        if derived(ctx.account)["subcategories"].get(sub["id"]):
            raise Forbidden()
        del ctx.account.subcategories[sub["id"]]
        ctx.account.touch()
        return Response.empty()

    def _apply(self, ctx, sub: dict, payload: dict) -> None:
        attributes, relationships = document_parts(payload)
        errors = Errors()
        if "name" in attributes:
            sub["name"] = "" if attributes["name"] is None else str(attributes["name"])
        suffix = attributes.get("suffix", attributes.get("prefix"))  # the docs' create example says "prefix"
        if suffix is not None:
            sub["suffix"] = str(suffix).strip()
        present, category_id = relationship(relationships, "accounting_category", errors)
        if present:
            sub["accounting_category_id"] = category_id
        category = ctx.store.categories.get(sub["accounting_category_id"])
        if not sub["name"].strip():
            errors.add(BLANK, attr_pointer("name"))
        if not sub["suffix"]:
            errors.add(BLANK, attr_pointer("suffix"))
        elif not sub["suffix"].isdigit():
            errors.add("is not a number", attr_pointer("suffix"))
        if category is None:
            errors.add(
                BLANK if sub["accounting_category_id"] is None else NOT_FOUND,
                rel_pointer("accounting_category"),
            )
        elif sub["suffix"].isdigit():
            if len(str(category["prefix"])) + len(sub["suffix"]) > ctx.account.accounting_digits_number:
                errors.add("is too long for the account's number of digits", attr_pointer("suffix"))
            if any(
                s["accounting_category_id"] == category["id"] and int(s["suffix"]) == int(sub["suffix"])
                for s in ctx.account.subcategories.values()
                if s["id"] != sub["id"]
            ):
                errors.add("has already been taken", attr_pointer("suffix"))
        errors.raise_if_any()
        ctx.account.subcategories[sub["id"]] = sub
        ctx.account.touch()


# ── analytic categories ──────────────────────────────────────────────────
class AnalyticCategories(Resource):
    def list(self, ctx):
        flt = listing.filters(ctx.query)
        records = sorted(ctx.account.analytic_categories.values(), key=lambda c: c["id"])
        if "parent_id" in flt:
            parent = parse_id(flt["parent_id"])
            records = [c for c in records if c.get("parent_id") == parent]
        return listed(ctx, records, ctx.render.analytic_category)

    def show(self, ctx, record_id):
        return ok({"data": ctx.render.analytic_category(_get(ctx.account.analytic_categories, record_id))})

    def create(self, ctx):
        record = {"id": ctx.account.new_id(), "name": "", "parent_id": None}
        self._apply(ctx, record, ctx.request.json())
        return ok({"data": ctx.render.analytic_category(record)}, 201)

    def update(self, ctx, record_id):
        record = dict(_get(ctx.account.analytic_categories, record_id))
        self._apply(ctx, record, ctx.request.json())
        return ok({"data": ctx.render.analytic_category(record)})

    def delete(self, ctx, record_id):
        record = _get(ctx.account.analytic_categories, record_id)
        has_children = any(
            c.get("parent_id") == record["id"] for c in ctx.account.analytic_categories.values()
        )
        if has_children or derived(ctx.account)["analytic"].get(record["id"]):
            raise Forbidden()
        del ctx.account.analytic_categories[record["id"]]
        ctx.account.touch()
        return Response.empty()

    def _apply(self, ctx, record: dict, payload: dict) -> None:
        attributes, relationships = document_parts(payload)
        errors = Errors()
        if "name" in attributes:
            record["name"] = "" if attributes["name"] is None else str(attributes["name"])
        present, parent_id = relationship(relationships, "parent", errors)
        if present:
            if parent_id is not None and parent_id not in ctx.account.analytic_categories:
                errors.add(NOT_FOUND, rel_pointer("parent"))
            elif parent_id is not None and _is_descendant(ctx.account, parent_id, record["id"]):
                errors.add("can not be the category itself or one of its descendants", rel_pointer("parent"))
            record["parent_id"] = parent_id
        if not record["name"].strip():
            errors.add(BLANK, attr_pointer("name"))
        errors.raise_if_any()
        ctx.account.analytic_categories[record["id"]] = record
        ctx.account.touch()


def _is_descendant(account, candidate_id: int, ancestor_id: int) -> bool:
    current = candidate_id
    while current is not None:
        if current == ancestor_id:
            return True
        current = account.analytic_categories.get(current, {}).get("parent_id")
    return False


# ── attachments ──────────────────────────────────────────────────────────
class Attachments(Resource):
    def show(self, ctx, record_id):
        return ok({"data": ctx.render.attachment(_get(ctx.account.attachments, record_id))})

    def create(self, ctx):
        from .uploads import make_attachment

        fields, files = ctx.request.form()
        errors = Errors()
        upload = files.get("file")
        if upload is None or not upload[2]:
            errors.add(BLANK, attr_pointer("file"))
        entry = ctx.account.entries.get(parse_id(fields.get("book_entry_id", "")))
        if entry is None:
            errors.add(BLANK if not fields.get("book_entry_id") else NOT_FOUND, rel_pointer("book_entry"))
        errors.raise_if_any()
        filename, content_type, content = upload
        attachment = make_attachment(
            ctx.account.new_id(), secrets.token_hex(16), filename, content_type, content
        )
        attachment["book_entry_id"] = entry["id"]
        ctx.account.attachments[attachment["id"]] = attachment
        entry["attachment_ids"] = [*entry.get("attachment_ids", ()), attachment["id"]]
        ctx.account.touch()
        return ok({"data": ctx.render.attachment(attachment)}, 201)

    def delete(self, ctx, record_id):
        attachment = _get(ctx.account.attachments, record_id)
        entry = ctx.account.entries.get(attachment["book_entry_id"])
        if entry and attachment["id"] in entry.get("attachment_ids", ()):
            entry["attachment_ids"] = [i for i in entry["attachment_ids"] if i != attachment["id"]]
        del ctx.account.attachments[attachment["id"]]
        ctx.account.touch()
        return Response.empty()


class Users(Resource):
    def show(self, ctx, record_id):
        if record_id != "me" and parse_id(record_id) != ctx.account.user["id"]:
            raise NotFound()
        return ok({"data": ctx.render.user()})


class Internal(Resource):
    """Endpoints of accounting integrations (Aplifisa): forbidden for the sandbox's owners."""

    def _refuse(self, *args):
        raise Forbidden()

    list = show = create = update = delete = _refuse


_INVOICE_INCLUDES = BOOK_ENTRY_INCLUDES | NESTED_ITEM_INCLUDES | {"attachments"}
_TICKETLIKE_INCLUDES = {"items", "accounting_category", "accounting_subcategory", "attachments", "contact"}

RESOURCES: dict[str, Resource] = {
    "contacts": Contacts(),
    "book_entries": BookEntries(),
    "invoices": Documents("invoices", _INVOICE_INCLUDES),
    "tickets": Tickets(),
    "simplified_invoices": Documents("simplified_invoices", _TICKETLIKE_INCLUDES | NESTED_ITEM_INCLUDES),
    "additional_incomes": Documents("additional_incomes", _TICKETLIKE_INCLUDES | NESTED_ITEM_INCLUDES),
    "paysheets": Documents(
        "paysheets", {"contact", "accounting_category", "accounting_subcategory", "attachments"}
    ),
    "numbering_series": NumberingSeries(),
    "analytic_categories": AnalyticCategories(),
    "accounting_categories": AccountingCategories(),
    "accounting_subcategories": AccountingSubcategories(),
    "attachments": Attachments(),
    "users": Users(),
    "liquidations": Internal(),
    "money_accounts": Internal(),
    "money_entries": Internal(),
    "economic_activities": Internal(),
}
RESOURCES["additional_income"] = RESOURCES["additional_incomes"]
