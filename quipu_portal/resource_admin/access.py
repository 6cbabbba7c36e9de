"""Reading API records generically: attributes, relationships and display names."""

from collections.abc import Iterable
from dataclasses import dataclass, field

# The document type as the API names it -> the URL namespace of its app.
DOCUMENT_NAMESPACES = {
    "invoices": "invoices",
    "simplified_invoices": "simplified_invoices",
    "additional_incomes": "additional_income",
    "additional_income": "additional_income",
    "tickets": "tickets",
    "paysheets": "paysheets",
}


def attr(record, name: str, default=None):
    """An attribute of a record, typed if the dataclass declares it, else as the API sent it."""
    if record is None:
        return default
    if isinstance(record, dict):
        return record.get(name, default)
    value = getattr(record, name, None) if hasattr(record, name) else None
    if value is not None:
        return value
    raw = getattr(record, "raw_attributes", None) or {}
    return raw.get(name, default)


def _ref_id(ref) -> str | None:
    if ref is None:
        return None
    if isinstance(ref, str | int):
        return str(ref)
    if isinstance(ref, dict):
        ref = ref.get("id")
        return str(ref) if ref is not None else None
    ref_id = getattr(ref, "id", None)
    return str(ref_id) if ref_id is not None else None


def _relationship(record, name: str):
    if hasattr(record, name):
        return getattr(record, name)
    raw = (getattr(record, "raw_relationships", None) or {}).get(name)
    return raw.get("data") if isinstance(raw, dict) else raw


def rel_id(record, name: str) -> str | None:
    """The id a to-one relationship points at, or None."""
    value = _relationship(record, name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return _ref_id(value)


def rel_ids(record, name: str) -> list[str]:
    """The ids a to-many relationship points at."""
    value = _relationship(record, name)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    return [ref_id for ref_id in (_ref_id(item) for item in value) if ref_id]


def document_type(record) -> str:
    json_type = str(getattr(record, "type", None) or getattr(record, "json_type", "") or "")
    return "additional_incomes" if json_type == "additional_income" else json_type


def document_number(record) -> str:
    for name in ("number", "filing_number", "filling_number"):
        value = attr(record, name)
        if value:
            return str(value)
    return ""


def counterpart_name(record) -> str:
    """The other party: the recipient of an income document, the issuer of an expense."""
    if attr(record, "kind") == "income":
        return attr(record, "recipient_name") or ""
    return attr(record, "issuing_name") or ""


LOADING_PLACEHOLDER = "…"


@dataclass
class Names:
    """Ids -> names for everything a document points at, so pages never show a bare id."""

    categories: dict[str, str] = field(default_factory=dict)
    subcategories: dict[str, str] = field(default_factory=dict)
    analytic: dict[str, str] = field(default_factory=dict)
    series: dict[str, str] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)
    # True while some names are still being fetched from Quipu: an unknown id shows a placeholder.
    loading: bool = False

    def _name(self, names: dict[str, str], id: str | None) -> str:
        if not id:
            return ""
        return names.get(str(id), LOADING_PLACEHOLDER if self.loading else "")

    def category(self, category_id: str | None) -> str:
        return self._name(self.categories, category_id)

    def subcategory(self, subcategory_id: str | None) -> str:
        return self._name(self.subcategories, subcategory_id)

    def contact(self, contact_id: str | None) -> str:
        return self._name(self.contacts, contact_id)

    def analytic_names(self, ids: Iterable[str]) -> list[str]:
        return [self.analytic.get(str(item), str(item)) for item in ids]

    def numbering(self, series_id: str | None) -> str:
        return self._name(self.series, series_id)
