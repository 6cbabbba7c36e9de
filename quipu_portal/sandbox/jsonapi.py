"""Records -> JSON API resources, shaped like Quipu's documents (ids as strings, decimals as strings)."""

import hashlib
import hmac
from datetime import UTC, date, datetime

from quipu_portal.quipu.contract import ITEM_AMOUNT_FIELDS

from .money import ZERO, dec

ITEM_TYPE = "book_entry_items"  # what the Markdown docs and every writer use; openapi.yaml says "items"
EPHEMERAL_LIFETIME = 3600

# The relationship naming the amended document, and the one listing the amending ones, per type.
AMENDING_RELATIONSHIPS = {
    "invoices": ("amended_invoice", "amending_invoices"),
    "simplified_invoices": ("amended_simplified_invoice", "amending_simplified_invoices"),
    "tickets": ("amended_ticket", "amending_tickets"),
}
PDF_TYPES = {"invoices", "simplified_invoices", "tickets"}
COUNTERPART_FIELDS = ("name", "tax_id", "address", "phone", "town", "zip_code", "country_code")


CONTACT_DEFAULTS = (
    "pdf_language",
    "incomes_due_date",
    "incomes_payment_method",
    "expenses_due_date",
    "expenses_payment_method",
    "contact_analytic_value_ids",
)
CONTACT_RELATIONSHIPS = {
    "income_category": "accounting_categories",
    "income_subcategory": "accounting_subcategories",
    "expense_category": "accounting_categories",
    "expense_subcategory": "accounting_subcategories",
}


def linkage(kind: str, record_id) -> dict:
    return {"data": None if record_id is None else {"id": str(record_id), "type": kind}}


def linkages(kind: str, ids) -> dict:
    return {"data": [{"id": str(i), "type": kind} for i in ids]}


class Renderer:
    """Renders records of one account for one request (knows the host for absolute PDF urls)."""

    def __init__(self, store, account, base_url: str, *, detailed_amounts: bool = False):
        self.store = store
        self.account = account
        self.base_url = base_url
        self.detailed_amounts = detailed_amounts
        self._today = date.fromtimestamp(store.now()).isoformat()

    # ── contacts ─────────────────────────────────────────────────────────
    def contact(self, contact: dict) -> dict:
        stats = contact_stats(self.account).get(contact["id"], EMPTY_STATS)
        attributes = {
            "name": contact["name"],
            "tax_id": contact.get("tax_id") or "",
            "phone": contact.get("phone") or "",
            "email": contact.get("email") or "",
            "address": contact.get("address") or "",
            "town": contact.get("town") or "",
            "zip_code": contact.get("zip_code") or "",
            "country_code": (contact.get("country_code") or "").lower(),
            "total_paid_incomes": dec(stats["paid_incomes"]),
            "total_unpaid_incomes": dec(stats["unpaid_incomes"]),
            "total_incomes": dec(stats["paid_incomes"] + stats["unpaid_incomes"]),
            "total_paid_expenses": dec(stats["paid_expenses"]),
            "total_unpaid_expenses": dec(stats["unpaid_expenses"]),
            "total_expenses": dec(stats["paid_expenses"] + stats["unpaid_expenses"]),
            "client_number": contact.get("client_number"),
            "supplier_number": contact.get("supplier_number"),
            "employee_number": contact.get("employee_number"),
            "document_type": contact.get("document_type"),
            "is_client": contact_is(contact, stats, "client"),
            "is_supplier": contact_is(contact, stats, "supplier"),
            "is_employee": contact_is(contact, stats, "employee"),
            "is_supplier_of_direct_goods": bool(contact.get("is_supplier_of_direct_goods")),
            "bank_account_number": contact.get("bank_account_number") or "",
            "bank_account_swift_bic": contact.get("bank_account_swift_bic") or "",
            "description": contact.get("description") or "",
            "deletable": stats["documents"] == 0,
            "account_code": contact_account_code(self.account, contact),
            # Writable per openapi.yaml's ContactWritable; its ContactAttributes does not list them.
            **{name: contact.get(name) for name in CONTACT_DEFAULTS},
            "equivalence_subcharge": bool(contact.get("equivalence_subcharge")),
        }
        relationships = {
            name: linkage(kind, contact.get(f"{name}_id")) for name, kind in CONTACT_RELATIONSHIPS.items()
        }
        return {
            "id": str(contact["id"]),
            "type": "contacts",
            "attributes": attributes,
            "relationships": relationships,
        }

    # ── book entries ─────────────────────────────────────────────────────
    def entry(self, entry: dict, as_type: str | None = None) -> dict:
        kind_of = entry["type"]
        shown = as_type or kind_of
        income = entry["kind"] == "income"
        attributes = {
            "kind": entry["kind"],
            "number": entry.get("number"),
            "filing_number": None if entry.get("filing_number") is None else str(entry["filing_number"]),
            "issue_date": entry["issue_date"],
            "due_dates": list(entry.get("due_dates") or []),
            "paid_at": entry.get("paid_at"),
            "payment_method": entry.get("payment_method") or "",
            "payment_status": "paid" if entry.get("paid_at") else "unpaid",
            "validation_status": entry.get("validation_status", "pending"),
            "total_amount": dec(entry["total_amount"]),
            "total_amount_without_taxes": dec(entry["total_amount_without_taxes"]),
            "vat_amount": dec(entry["vat_amount"]),
            "retention_amount": dec(entry["retention_amount"]),
            "tags": entry.get("tags") or "",
            "notes": entry.get("notes"),
            "accounting_account_code": self.account_code(entry),
        }
        for side in ("issuing", "recipient"):
            for name in COUNTERPART_FIELDS:
                value = entry.get(f"{side}_{name}")
                if name == "country_code" and value:
                    value = value.lower()
                attributes[f"{side}_{name}"] = value if value is not None else ""
        if kind_of == "paysheets":
            for name in (
                "net_pay",
                "gross_pay",
                "employee_ss_amount",
                "employee_retention",
                "company_ss_amount",
            ):
                attributes[name] = dec(entry[name])
        else:
            attributes["last_sent_at"] = _iso_datetime(entry.get("last_sent_at"))
            attributes["concepts"] = list(dict.fromkeys(item["concept"] for item in entry["items"]))
        if shown in ("invoices", "simplified_invoices") and income:
            attributes["stage"] = "final" if entry.get("paid_at") or entry.get("due_dates") else "draft"
        if kind_of in AMENDING_RELATIONSHIPS or kind_of == "additional_incomes":
            attributes["credit_note_reason"] = entry.get("credit_note_reason")
            attributes["counter_reason"] = entry.get("credit_note_reason")
            for name in ("exempt_reason", "collection_type", "canary_island_special_zone"):
                attributes[name] = entry.get(name)
        if kind_of in PDF_TYPES and income:
            path = f"/{shown}/{entry['id']}"
            attributes["download_pdf_url"] = f"{self.base_url}{path}/download"
            if shown != "tickets":
                token = ephemeral_token(
                    self.store, shown, entry["id"], int(self.store.now()) + EPHEMERAL_LIFETIME
                )
                attributes["ephemeral_open_download_pdf_url"] = (
                    f"{self.base_url}{path}/ephemeral_open_download?token={token}"
                )
        elif shown == "additional_incomes":
            attributes["download_pdf_url"] = f"{self.base_url}/additional_incomes/{entry['id']}/download"
        if self.detailed_amounts:
            attributes["detailed_amounts"] = detailed_amounts(entry)

        relationships = {}
        if kind_of != "tickets":
            relationships["contact"] = linkage("contacts", entry.get("contact_id"))
        relationships["numeration"] = linkage("numbering_series", entry.get("numeration_id"))
        relationships["accounting_category"] = linkage(
            "accounting_categories", entry.get("accounting_category_id")
        )
        relationships["accounting_subcategory"] = linkage(
            "accounting_subcategories", entry.get("accounting_subcategory_id")
        )
        relationships["analytic_categories"] = linkages(
            "analytic_categories", entry.get("analytic_category_ids", ())
        )
        if kind_of != "paysheets":
            relationships["items"] = linkages(ITEM_TYPE, (item["id"] for item in entry["items"]))
        relationships["attachments"] = linkages("attachments", entry.get("attachment_ids", ()))
        if kind_of in AMENDING_RELATIONSHIPS:
            amended_name, amending_name = AMENDING_RELATIONSHIPS[kind_of]
            relationships[amended_name] = linkage(kind_of, entry.get("amended_id"))
            relationships[amending_name] = linkages(kind_of, amending_ids(self.account, entry))
        return {
            "id": str(entry["id"]),
            "type": shown,
            "attributes": attributes,
            "relationships": relationships,
        }

    def item(self, item: dict) -> dict:
        attributes = {
            "id": str(item["id"]),
            "concept": item["concept"],
            "description": item.get("description") or "",
        }
        for name in (
            *ITEM_AMOUNT_FIELDS,
            "vat_amount",
            "retention_amount",
            "discount_amount",
            "deductible_vat_amount",
            "total_amount",
        ):
            attributes[name] = dec(item[name])
        attributes["decuctible_vat_amount"] = attributes["deductible_vat_amount"]  # spelled so in the docs
        attributes["kind"] = item.get("kind", "current")
        attributes["equivalence_surcharge"] = bool(item.get("equivalence_surcharge"))
        return {
            "id": str(item["id"]),
            "type": ITEM_TYPE,
            "attributes": attributes,
            "relationships": {
                "accounting_category": linkage("accounting_categories", item.get("accounting_category_id")),
                "accounting_subcategory": linkage(
                    "accounting_subcategories", item.get("accounting_subcategory_id")
                ),
            },
        }

    def account_code(self, record: dict) -> str | None:
        category = self.store.categories.get(record.get("accounting_category_id"))
        if not category:
            return None
        sub = self.account.subcategories.get(record.get("accounting_subcategory_id"))
        return full_account_code(self.account, category, sub["suffix"] if sub else "")

    # ── reference data ───────────────────────────────────────────────────
    def category(self, category: dict) -> dict:
        return {
            "id": str(category["id"]),
            "type": "accounting_categories",
            "attributes": {
                "name": category["name"],
                "prefix": category["prefix"],
                "kind": category["kind"],
                "accounting_digits_number": self.account.accounting_digits_number,
                "active": category["kind"] in ("income", "expenses", "assets"),
            },
        }

    def subcategory(self, sub: dict) -> dict:
        return {
            "id": str(sub["id"]),
            "type": "accounting_subcategories",
            "attributes": {"name": sub["name"], "suffix": str(sub["suffix"])},
            "relationships": {
                "accounting_category": linkage("accounting_categories", sub["accounting_category_id"])
            },
        }

    def series(self, series: dict) -> dict:
        return {
            "id": str(series["id"]),
            "type": "numbering_series",
            "attributes": {
                "prefix": series["prefix"],
                "default": bool(series.get("default")),
                "amending": bool(series.get("amending")),
                "applicable_to": series.get("applicable_to"),
                "applies_to": series.get("applies_to", "new_documents"),
                "is_valid": True,
                "deletable": not series_in_use(self.account, series["id"]),
            },
        }

    def analytic_category(self, category: dict) -> dict:
        children = [
            c["id"] for c in self.account.analytic_categories.values() if c.get("parent_id") == category["id"]
        ]
        return {
            "id": str(category["id"]),
            "type": "analytic_categories",
            "attributes": {"name": category["name"], "root": category.get("parent_id") is None},
            "relationships": {
                "parent": linkage("analytic_categories", category.get("parent_id")),
                "children": linkages("analytic_categories", children),
            },
        }

    def attachment(self, attachment: dict) -> dict:
        base = f"/uploads/book_entry_attachments/{attachment['id']}-{attachment['key']}/"
        attributes = {"url": base + attachment["filename"], "filename": attachment["filename"]}
        if attachment.get("small"):
            attributes["small_url"] = base + "preview_" + attachment["filename"]
            attributes["thumbnail_url"] = base + "thumbnail_" + attachment["filename"]
        entry = self.account.entries.get(attachment["book_entry_id"])
        return {
            "id": str(attachment["id"]),
            "type": "attachments",
            "attributes": attributes,
            "relationships": {
                "book_entry": linkage(entry["type"] if entry else "book_entries", attachment["book_entry_id"])
            },
        }

    def user(self) -> dict:
        user = self.account.user
        return {
            "id": str(user["id"]),
            "type": "users",
            "attributes": {
                "email": user["email"],
                "name": user["name"],
                "surnames": user["surnames"],
                "locale": "es",
                "sign_up_draft_data": None,
                "is_full_admin": False,
                "accepted_commercial_communication": False,
            },
        }

    # ── side-loading ─────────────────────────────────────────────────────
    def included(self, entries: list[dict], include: set[str]) -> list[dict]:
        out: dict[tuple[str, str], dict] = {}

        def add(resource):
            out.setdefault((resource["type"], resource["id"]), resource)

        for entry in entries:
            if "items" in include or any(name.startswith("items.") for name in include):
                for item in entry.get("items", ()):
                    if "items" in include:
                        add(self.item(item))
                    if "items.accounting_category" in include and item.get("accounting_category_id"):
                        add(self.category(self.store.categories[item["accounting_category_id"]]))
                    sub = self.account.subcategories.get(item.get("accounting_subcategory_id"))
                    if "items.accounting_subcategory" in include and sub:
                        add(self.subcategory(sub))
            contact = self.account.contacts.get(entry.get("contact_id"))
            if "contact" in include and contact:
                add(self.contact(contact))
            category = self.store.categories.get(entry.get("accounting_category_id"))
            if "accounting_category" in include and category:
                add(self.category(category))
            sub = self.account.subcategories.get(entry.get("accounting_subcategory_id"))
            if "accounting_subcategory" in include and sub:
                add(self.subcategory(sub))
            if "attachments" in include:
                for attachment_id in entry.get("attachment_ids", ()):
                    add(self.attachment(self.account.attachments[attachment_id]))
        return list(out.values())


# ── derived data ─────────────────────────────────────────────────────────
EMPTY_STATS = {
    "paid_incomes": ZERO,
    "unpaid_incomes": ZERO,
    "paid_expenses": ZERO,
    "unpaid_expenses": ZERO,
    "documents": 0,
    "income": 0,
    "expenses": 0,
    "paysheets": 0,
}


def derived(account) -> dict:
    """Per-contact totals and usage counts of series and categories, cached until the next write."""
    if account._derived is None:
        contacts: dict[int, dict] = {}
        series: dict[int, int] = {}
        subcategories: dict[int, int] = {}
        analytic: dict[int, int] = {}
        for entry in account.entries.values():
            if entry.get("numeration_id") is not None:
                series[entry["numeration_id"]] = series.get(entry["numeration_id"], 0) + 1
            for sub_id in [entry.get("accounting_subcategory_id")] + [
                i.get("accounting_subcategory_id") for i in entry.get("items", ())
            ]:
                if sub_id is not None:
                    subcategories[sub_id] = subcategories.get(sub_id, 0) + 1
            for analytic_id in entry.get("analytic_category_ids", ()):
                analytic[analytic_id] = analytic.get(analytic_id, 0) + 1
            contact_id = entry.get("contact_id")
            if contact_id is None:
                continue
            row = contacts.get(contact_id)
            if row is None:
                row = contacts[contact_id] = dict(EMPTY_STATS)
            row["documents"] += 1
            paid = "paid" if entry.get("paid_at") else "unpaid"
            if entry["type"] == "paysheets":
                row["paysheets"] += 1
            if entry["kind"] == "income":
                row["income"] += 1
                row[f"{paid}_incomes"] += entry["total_amount"]
            else:
                row["expenses"] += 1
                row[f"{paid}_expenses"] += entry["total_amount"]
        account._derived = {
            "contacts": contacts,
            "series": series,
            "subcategories": subcategories,
            "analytic": analytic,
        }
    return account._derived


def contact_stats(account) -> dict:
    return derived(account)["contacts"]


def contact_is(contact: dict, stats: dict, role: str) -> bool:
    if contact.get(f"is_{role}") or contact.get(f"{role}_number"):
        return True
    if role == "client":
        return stats["income"] > 0
    if role == "employee":
        return stats["paysheets"] > 0
    return stats["expenses"] - stats["paysheets"] > 0


def contact_account_code(account, contact: dict) -> str | None:
    digits = account.accounting_digits_number
    for prefix, number in (("430", contact.get("client_number")), ("400", contact.get("supplier_number"))):
        if number and str(number).isdigit():
            return prefix + str(number).rjust(digits - len(prefix), "0")
    return None


def full_account_code(account, category: dict, suffix: str) -> str:
    prefix = str(category["prefix"])
    return prefix + str(suffix or "").rjust(account.accounting_digits_number - len(prefix), "0")


def amending_ids(account, entry: dict) -> list[int]:
    return list(entry.get("amending_ids", ()))


def series_in_use(account, series_id: int) -> bool:
    return derived(account)["series"].get(series_id, 0) > 0


def ephemeral_token(store, doc_type: str, doc_id: int, expires: int) -> str:
    message = f"{doc_type}:{doc_id}:{expires}".encode()
    signature = hmac.new(store.secret, message, hashlib.sha256).hexdigest()[:32]
    return f"{expires}.{signature}"


def ephemeral_token_is_valid(store, doc_type: str, doc_id: int, token: str) -> bool:
    expires_text, _, _signature = (token or "").partition(".")
    if not expires_text.isdigit() or int(expires_text) < store.now():
        return False
    return hmac.compare_digest(token, ephemeral_token(store, doc_type, doc_id, int(expires_text)))


def detailed_amounts(entry: dict) -> dict:
    income = entry["kind"] == "income"
    assets = sum(
        (i["base_amount"] for i in entry.get("items", ()) if i.get("kind") in ("assets", "asset")), ZERO
    )
    base = entry["total_amount_without_taxes"]
    vat = entry["vat_amount"]
    deductible = sum((i["deductible_vat_amount"] for i in entry.get("items", ())), ZERO)
    values = {
        "user_amount_without_taxes": base,
        "user_vat_amount": vat,
        "user_equalization_tax_amount": entry.get("equalization_tax_amount", ZERO),
        "user_income_tax_amount": entry["retention_amount"],
        "user_total_amount": entry["total_amount"],
        "income_amount": base if income else ZERO,
        "expense_amount": ZERO if income else base - assets,
        "non_deductible_expense_amount": ZERO,
        "assets_amount": ZERO if income else assets,
        "non_deductible_assets_amount": ZERO,
        "output_vat_amount": vat if income else ZERO,
        "input_vat_amount": ZERO if income else deductible,
        "non_deductible_input_vat_amount": ZERO if income else vat - deductible,
        "non_deductible_assets_vat_amount": ZERO,
        "non_computable_input_vat_amount": ZERO,
        "output_equalization_tax_amount": entry.get("equalization_tax_amount", ZERO) if income else ZERO,
        "input_equalization_tax_amount": ZERO if income else entry.get("equalization_tax_amount", ZERO),
        "income_tax_withheld_amount": entry["retention_amount"] if not income else ZERO,
        "income_tax_deducted_amount": entry["retention_amount"] if income else ZERO,
        "disbursements_amount": sum(
            (i["base_amount"] for i in entry.get("items", ()) if i.get("kind") == "reimbursement"), ZERO
        ),
    }
    return {key: dec(value) for key, value in values.items()}


def _iso_datetime(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
