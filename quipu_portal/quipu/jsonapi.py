"""JSON API documents <-> typed records, and the request bodies for create and update."""

import datetime
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from .errors import QuipuMalformedResponseError
from .records import (
    RECORD_TYPES,
    BookEntry,
    BookEntryItem,
    ItemInput,
    Record,
    RecordInput,
    Ref,
    UnknownRecord,
    canonical_type,
)
from .resources import ITEM_READ_ONLY, ITEM_RELATIONSHIPS, ITEM_WRITABLE, ResourceSpec, spec_for_type

ITEM_TYPE = "book_entry_items"


# Values ---------------------------------------------------------------------------------------


def parse_decimal(value: Any) -> Decimal | None:
    """Money and percentages arrive as "2333.0", 0.0 or 931: all become Decimal, never float."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise QuipuMalformedResponseError(f"Expected a number, got {value!r}")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise QuipuMalformedResponseError(f"Expected a number, got {value!r}") from None


def parse_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:  # the docs' own examples also use D-M-YYYY
        return datetime.datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        raise QuipuMalformedResponseError(f"Expected a date, got {value!r}") from None


def parse_timestamp(value: Any) -> int | datetime.datetime | None:
    """``last_sent_at``: a unix time in the Markdown docs, an ISO date-time in openapi.yaml."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QuipuMalformedResponseError(f"Expected a timestamp, got {value!r}") from None


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes"):
        return True
    if str(value).strip().lower() in ("false", "0", "no"):
        return False
    raise QuipuMalformedResponseError(f"Expected true or false, got {value!r}")


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise QuipuMalformedResponseError(f"Expected an integer, got {value!r}") from None


def parse_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _tuple_of(parse):
    def parse_many(value: Any) -> tuple:
        if value is None or value == "":
            return ()
        if not isinstance(value, list | tuple):
            value = [value]
        return tuple(parsed for parsed in (parse(v) for v in value) if parsed is not None)

    return parse_many


_SCALARS = {
    Decimal: parse_decimal,
    datetime.date: parse_date,
    bool: parse_bool,
    int: parse_int,
    str: parse_str,
}


def _converter(hint) -> typing.Callable[[Any], Any]:
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        return _tuple_of(_converter(args[0]))
    if origin in (typing.Union, types.UnionType):
        if set(args) == {int, datetime.datetime}:
            return parse_timestamp
        return _converter(args[0])
    return _SCALARS.get(hint, lambda value: value)


@dataclass(frozen=True)
class _FieldPlan:
    attributes: tuple[tuple[str, typing.Callable], ...]
    to_one: tuple[str, ...]
    to_many: tuple[str, ...]


@cache
def _plan(cls: type[Record]) -> _FieldPlan:
    hints = typing.get_type_hints(cls)
    skip = {"id", "type", "raw_attributes", "raw_relationships", "included", "item_refs", "items"}
    attributes, to_one, to_many = [], [], []
    for f in fields(cls):
        if f.name in skip:
            continue
        kind = f.metadata.get("relationship")
        if kind == "one":
            to_one.append(f.name)
        elif kind == "many":
            to_many.append(f.name)
        else:
            attributes.append((f.name, _converter(hints[f.name])))
    return _FieldPlan(tuple(attributes), tuple(to_one), tuple(to_many))


# Documents -> records -----------------------------------------------------------------------------


def _ref(value: Any) -> Ref | None:
    if value is None:
        return None
    if not isinstance(value, dict) or "id" not in value or "type" not in value:
        raise QuipuMalformedResponseError(f"Bad relationship linkage: {value!r}")
    return Ref(canonical_type(str(value["type"])), str(value["id"]))


def _linkage(relationships: Mapping, name: str):
    member = relationships.get(name)
    if not isinstance(member, dict):
        return None
    return member.get("data")


def _index(included: Any) -> dict[tuple[str, str], dict]:
    if included is None:
        return {}
    if not isinstance(included, list):
        raise QuipuMalformedResponseError("'included' is not a list")
    index = {}
    for obj in included:
        if isinstance(obj, dict) and "id" in obj and "type" in obj:
            index[(canonical_type(str(obj["type"])), str(obj["id"]))] = obj
    return index


def parse_resource(obj: Any, included: Mapping[tuple[str, str], Record] | None = None) -> Record:
    """One resource object -> its typed record; a document's lines are taken from ``included`` (the
    document's included resources, already parsed)."""
    if not isinstance(obj, dict) or "id" not in obj or "type" not in obj:
        raise QuipuMalformedResponseError("A resource object without id or type")
    json_type = canonical_type(str(obj["type"]))
    cls = RECORD_TYPES.get(json_type, UnknownRecord)
    attributes = obj.get("attributes") or {}
    relationships = obj.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise QuipuMalformedResponseError("'attributes' or 'relationships' is not an object")
    included = included or {}
    plan = _plan(cls)
    values: dict[str, Any] = {
        "id": str(obj["id"]),
        "type": json_type,
        "raw_attributes": dict(attributes),
        "raw_relationships": dict(relationships),
    }
    for name, convert in plan.attributes:
        if name in attributes:
            values[name] = convert(attributes[name])
    for name in plan.to_one:
        data = _linkage(relationships, name)
        values[name] = None if isinstance(data, list) else _ref(data)
    for name in plan.to_many:
        data = _linkage(relationships, name)
        if data is not None:
            values[name] = tuple(_ref(item) for item in (data if isinstance(data, list) else [data]))
    if issubclass(cls, BookEntry):
        refs = tuple(_ref(item) for item in (_linkage(relationships, "items") or []))
        values["item_refs"] = refs
        values["items"] = tuple(
            included[(ref.type, ref.id)] for ref in refs if (ref.type, ref.id) in included
        )
    return cls(**values)


def _document(doc: Any) -> dict:
    if not isinstance(doc, dict) or "data" not in doc:
        raise QuipuMalformedResponseError("The answer is not a JSON API document (no 'data')")
    return doc


def _with_included(record: Record, parsed_included: Mapping) -> Record:
    object.__setattr__(record, "included", parsed_included)  # frozen, but still being built here
    return record


def _parse_included(index: dict[tuple[str, str], dict]) -> Mapping[tuple[str, str], Record]:
    return {key: parse_resource(obj) for key, obj in index.items()}


def parse_single(doc: Any) -> Record:
    doc = _document(doc)
    data = doc["data"]
    if isinstance(data, list):  # the docs show one single-record answer wrapped in a list
        if len(data) != 1:
            raise QuipuMalformedResponseError("Expected one record, got a list")
        data = data[0]
    parsed_included = _parse_included(_index(doc.get("included")))
    return _with_included(parse_resource(data, parsed_included), parsed_included)


@dataclass(frozen=True)
class Pagination:
    current_page: int
    total_pages: int
    total_results: int


def parse_collection(doc: Any) -> tuple[list[Record], Pagination]:
    """A list document -> records and pagination. A missing ``meta`` means one page."""
    doc = _document(doc)
    data = doc["data"]
    if not isinstance(data, list):
        raise QuipuMalformedResponseError("Expected a list of records")
    parsed_included = _parse_included(_index(doc.get("included")))
    records = [_with_included(parse_resource(obj, parsed_included), parsed_included) for obj in data]
    info = doc.get("meta", {}).get("pagination_info") if isinstance(doc.get("meta"), dict) else None
    if not isinstance(info, dict):
        return records, Pagination(1, 1, len(records))
    try:
        pagination = Pagination(
            current_page=int(info.get("current_page") or 1),
            total_pages=int(info.get("total_pages") or 1),
            total_results=int(
                info.get("total_results") if info.get("total_results") is not None else len(records)
            ),
        )
    except (TypeError, ValueError):
        raise QuipuMalformedResponseError("Bad pagination_info") from None
    return records, pagination


# Inputs -> request bodies ----------------------------------------------------------------------------


def serialise_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [serialise_value(v) for v in value]
    return value


def _linkage_payload(related_type: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [{"type": related_type, "id": str(v)} for v in value]
    return {"type": related_type, "id": str(value)}


def _item_payload(item: ItemInput, *, categories: bool) -> dict:
    body: dict[str, Any] = {"type": ITEM_TYPE}
    if item.id is not None:
        body["id"] = str(item.id)
    body["attributes"] = {
        name: serialise_value(value) for name, value in item.attributes.items() if name not in ITEM_READ_ONLY
    }
    relationships = {
        name: {"data": _linkage_payload(ITEM_RELATIONSHIPS[name].type, value)}
        for name, value in item.relationships.items()
        if name in ITEM_RELATIONSHIPS and categories
    }
    if relationships:
        body["relationships"] = relationships
    return body


def build_payload(spec: ResourceSpec, data: RecordInput, *, id: str | None = None) -> dict:
    """The request body for create (no id) or update, as the docs show it: items inline under
    ``relationships.items.data`` with their attributes and their own category relationships.
    Read-only attributes and relationships are dropped."""
    read_only = set(spec.read_only) - set(spec.writable_attributes(data.attributes.get("kind")))
    body: dict[str, Any] = {"type": spec.json_type}
    if id is not None:
        body["id"] = str(id)
    body["attributes"] = {
        name: serialise_value(value) for name, value in data.attributes.items() if name not in read_only
    }
    relationships = {}
    for name, value in data.relationships.items():
        rel = spec.relationships.get(name)
        if rel is None:
            raise ValueError(f"{spec.name} has no relationship {name!r}")
        if rel.writable:
            relationships[name] = {"data": _linkage_payload(rel.type, value)}
    if data.items is not None:
        if not spec.has_items:
            raise ValueError(f"{spec.name} has no items")
        relationships["items"] = {
            "data": [_item_payload(item, categories=spec.item_categories) for item in data.items]
        }
    if relationships:
        body["relationships"] = relationships
    return {"data": body}


def _present_relationship(record: Record, name: str, many: bool) -> Any:
    value = getattr(record, name, None)
    if many:
        return [ref.id for ref in value or ()]
    return value.id if value is not None else None


def item_to_input(item: BookEntryItem, *, categories: bool = True) -> ItemInput:
    """An item as input, with its id; its categories only where the document type allows them."""
    attributes = {name: getattr(item, name) for name in ITEM_WRITABLE if name in item.raw_attributes}
    relationships = {
        name: _present_relationship(item, name, False)
        for name in ITEM_RELATIONSHIPS
        if categories and name in item.raw_relationships
    }
    return ItemInput(attributes=attributes, id=item.id, relationships=relationships)


def record_to_input(record: Record) -> RecordInput:
    """Everything writable the record came with, for "change one field and keep the rest".

    Items are carried in full, with their ids, so an update never drops one. When the items were not
    side-loaded (no ``include=items``), ``items`` stays None and Quipu keeps them as they are.
    """
    spec = spec_for_type(record.type or record.json_type)
    if spec is None:
        raise ValueError(f"No resource spec for records of type {record.type!r}")
    kind = getattr(record, "kind", None)
    attributes = {
        name: getattr(record, name, record.raw_attributes.get(name))
        for name in spec.writable_attributes(kind)
        if name in record.raw_attributes
    }
    relationships = {
        name: _present_relationship(record, name, rel.many)
        for name, rel in spec.relationships.items()
        if rel.writable and name in record.raw_relationships and name != "items"
    }
    items = None
    if spec.has_items and isinstance(record, BookEntry) and record.items_loaded:
        items = [item_to_input(item, categories=spec.item_categories) for item in record.items]
    return RecordInput(attributes=attributes, relationships=relationships, items=items)
