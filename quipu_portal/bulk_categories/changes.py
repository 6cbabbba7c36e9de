"""The category fields of one document: read them, change them, write them back, tell them apart.

A document's *category state* is a small JSON-able dict:

    {"accounting_category": "133", "accounting_subcategory": None, "analytic_categories": ["7"],
     "items": [{"id": "3399147", "accounting_category": "133", "accounting_subcategory": "12"}]}

Everything here is pure: no HTTP, no database.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quipu_portal.quipu.jsonapi import item_to_input, serialise_value
from quipu_portal.quipu.records import BookEntry, ItemInput, RecordInput

# Only these documents' lines take their own categories (items.md).
ITEM_CATEGORY_RESOURCES = frozenset({"invoices", "simplified_invoices", "additional_incomes"})
# Quipu sets the category of a paysheet itself; only its subcategory can be written.
FIXED_CATEGORY_RESOURCES = frozenset({"paysheets"})

SCOPE_DOCUMENT, SCOPE_ITEMS, SCOPE_BOTH = "document", "items", "both"
ANALYTIC_KEEP, ANALYTIC_ADD, ANALYTIC_REMOVE, ANALYTIC_REPLACE = "keep", "add", "remove", "replace"


@dataclass(frozen=True)
class CategoryChange:
    """What the accountant asked for. ``category_id`` None leaves the accounting categories alone."""

    scope: str = SCOPE_DOCUMENT
    category_id: str | None = None
    category_kind: str | None = None
    subcategory_id: str | None = None
    analytic_action: str = ANALYTIC_KEEP
    analytic_ids: tuple[str, ...] = ()

    def as_params(self) -> dict:
        return {
            "scope": self.scope,
            "category_id": self.category_id,
            "category_kind": self.category_kind,
            "subcategory_id": self.subcategory_id,
            "analytic_action": self.analytic_action,
            "analytic_ids": list(self.analytic_ids),
        }

    @classmethod
    def from_params(cls, params: dict) -> "CategoryChange":
        return cls(
            scope=params.get("scope", SCOPE_DOCUMENT),
            category_id=params.get("category_id"),
            category_kind=params.get("category_kind"),
            subcategory_id=params.get("subcategory_id"),
            analytic_action=params.get("analytic_action", ANALYTIC_KEEP),
            analytic_ids=tuple(params.get("analytic_ids") or ()),
        )

    @property
    def touches_document(self) -> bool:
        return self.category_id is not None and self.scope in (SCOPE_DOCUMENT, SCOPE_BOTH)

    @property
    def touches_items(self) -> bool:
        return self.category_id is not None and self.scope in (SCOPE_ITEMS, SCOPE_BOTH)


def resource_of(record) -> str:
    return "additional_incomes" if record.type == "additional_income" else record.type


def _id(ref) -> str | None:
    return ref.id if ref is not None else None


def category_state(record: BookEntry) -> dict:
    state = {
        "accounting_category": _id(record.accounting_category),
        "accounting_subcategory": _id(record.accounting_subcategory),
        "analytic_categories": sorted(ref.id for ref in record.analytic_categories),
    }
    if resource_of(record) in ITEM_CATEGORY_RESOURCES:
        state["items"] = [
            {
                "id": item.id,
                "accounting_category": _id(item.accounting_category),
                "accounting_subcategory": _id(item.accounting_subcategory),
            }
            for item in record.items
        ]
    return state


def fingerprint(record: BookEntry) -> str:
    """A hash of everything a write sends back: the category state and every line as it would be sent.
    Two reads with the same fingerprint mean nothing we would overwrite has changed in between."""
    items = [
        {
            "id": item.id,
            **{name: serialise_value(value) for name, value in item_to_input(item).attributes.items()},
        }
        for item in record.items
    ]
    body = json.dumps({"state": category_state(record), "items": items}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def not_applicable_reason(record: BookEntry, change: CategoryChange) -> str | None:
    """Why this change cannot apply to this document at all, or None."""
    resource = resource_of(record)
    if change.category_kind and record.kind and change.category_kind != record.kind:
        if record.kind == "income":
            return _("The chosen category is for expenses and this is an income document.")
        return _("The chosen category is for income and this is an expense document.")
    lines_only = (
        change.scope == SCOPE_ITEMS and change.category_id and change.analytic_action == ANALYTIC_KEEP
    )
    if lines_only and resource not in ITEM_CATEGORY_RESOURCES:
        return _("Lines of this document type cannot have their own categories.")
    if resource in FIXED_CATEGORY_RESOURCES and change.touches_document:
        current = _id(record.accounting_category)
        if current != change.category_id:
            return _("Quipu sets the category of paysheets itself; only the subcategory can change.")
    return None


def target_state(state: dict, change: CategoryChange, *, resource: str) -> dict:
    """The category state after applying the change."""
    target = json.loads(json.dumps(state))
    if change.touches_document:
        target["accounting_category"] = change.category_id
        target["accounting_subcategory"] = change.subcategory_id
    if change.touches_items and "items" in target and resource in ITEM_CATEGORY_RESOURCES:
        for item in target["items"]:
            item["accounting_category"] = change.category_id
            item["accounting_subcategory"] = change.subcategory_id
    current = set(target["analytic_categories"])
    wanted = set(change.analytic_ids)
    if change.analytic_action == ANALYTIC_ADD:
        current |= wanted
    elif change.analytic_action == ANALYTIC_REMOVE:
        current -= wanted
    elif change.analytic_action == ANALYTIC_REPLACE:
        current = wanted
    target["analytic_categories"] = sorted(current)
    return target


def write_input(record: BookEntry, target: dict) -> RecordInput:
    """The PATCH body: absolute category values and, when line categories change, the FULL item list
    with ids and every writable attribute as read, so repeating it changes nothing and no line is
    dropped or altered."""
    resource = resource_of(record)
    relationships = {
        "accounting_subcategory": target["accounting_subcategory"],
        "analytic_categories": list(target["analytic_categories"]),
    }
    if resource not in FIXED_CATEGORY_RESOURCES:
        relationships["accounting_category"] = target["accounting_category"]
    items = None
    # Lines are sent only when their categories change: otherwise Quipu keeps them as they are, so
    # a line edited in Quipu since the document was read cannot be overwritten.
    lines_change = target.get("items") != category_state(record).get("items")
    if resource != "paysheets" and record.items_loaded and lines_change:
        by_id = {item["id"]: item for item in target.get("items", ())}
        items = []
        for item in record.items:
            sent = item_to_input(item)
            wanted = by_id.get(item.id)
            if wanted is not None:
                sent.relationships = {
                    "accounting_category": wanted["accounting_category"],
                    "accounting_subcategory": wanted["accounting_subcategory"],
                }
            else:
                sent.relationships = {}
            items.append(ItemInput(attributes=sent.attributes, id=sent.id, relationships=sent.relationships))
    return RecordInput(attributes={}, relationships=relationships, items=items)


def state_differences(expected: dict, actual: dict) -> list[str]:
    """The flat field names whose values differ (see ``flatten``)."""
    left, right = flatten(expected), flatten(actual)
    return [name for name in sorted(set(left) | set(right)) if left.get(name) != right.get(name)]


def flatten(state: dict) -> dict:
    """``{"accounting_category": "1", "items[55].accounting_category": "2", ...}``."""
    flat = {
        "accounting_category": state.get("accounting_category"),
        "accounting_subcategory": state.get("accounting_subcategory"),
        "analytic_categories": list(state.get("analytic_categories") or ()),
    }
    for item in state.get("items") or ():
        flat[f"items[{item['id']}].accounting_category"] = item.get("accounting_category")
        flat[f"items[{item['id']}].accounting_subcategory"] = item.get("accounting_subcategory")
    return flat
