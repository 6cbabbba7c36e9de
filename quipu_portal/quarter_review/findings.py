"""The pre-close review of a quarter, worked out from the documents' facts (facts.py); no I/O here.

Each finding is a JSON-able dict with a ``code`` (templates word it in the reader's language), the
documents it concerns (``documents``: id, resource, label and a detail) and, when a document list
filter shows exactly what it is about, the list's ``namespace`` and ``query``.
"""

import datetime
import re
from collections import Counter, defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from quipu_portal.quarter_review.periods import quarter_query

UNCATEGORISED = "uncategorised"
SUPPLIER_CATEGORIES = "supplier_categories"
TICKET_VAT = "ticket_vat"
NO_ATTACHMENT = "no_attachment"
NUMBERING_GAP = "numbering_gap"
MISSING_NIF = "missing_nif"
FINDING_ORDER = (UNCATEGORISED, SUPPLIER_CATEGORIES, TICKET_VAT, NO_ATTACHMENT, NUMBERING_GAP, MISSING_NIF)

# Countries of the EU other than Spain (lower case, as Quipu sends them; Greece also as "el").
EU_COUNTRIES = frozenset(
    [
        "at",
        "be",
        "bg",
        "cy",
        "cz",
        "de",
        "dk",
        "ee",
        "el",
        "gr",
        "fi",
        "fr",
        "hr",
        "hu",
        "ie",
        "it",
        "lt",
        "lu",
        "lv",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "se",
        "si",
        "sk",
    ]
)
MISSING_SHOWN = 20
NUMBER = re.compile(r"^(.*?)(\d+)$")


def _ref(fact: dict, **detail) -> dict:
    return {"id": fact["id"], "resource": fact["resource"], "label": fact["label"], **detail}


def is_uncategorised(fact: dict) -> bool:
    """No category on the document, nor on every one of its lines."""
    if fact["category"]:
        return False
    return fact["lines"] == 0 or fact["lines_without_category"] > 0 or not fact["booked_category"]


def uncategorised(facts: list[dict]) -> list[dict]:
    documents = [
        _ref(fact, lines=fact["lines"], lines_without_category=fact["lines_without_category"])
        for fact in facts
        if is_uncategorised(fact)
    ]
    return [{"code": UNCATEGORISED, "documents": documents}] if documents else []


def _supplier_key(fact: dict) -> str | None:
    if fact["contact"]:
        return f"contact:{fact['contact']}"
    return f"name:{fact['counterpart'].casefold()}" if fact["counterpart"] else None


def supplier_categories(facts: list[dict], *, year: int, quarter: int) -> list[dict]:
    """Suppliers whose expenses of the quarter are booked under more than one category; the category
    most of their documents use is offered for the others (none when two categories tie)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for fact in facts:
        if fact["kind"] == "expenses" and fact["resource"] != "paysheets" and fact["booked_category"]:
            key = _supplier_key(fact)
            if key:
                groups[key].append(fact)
    found = []
    for group in groups.values():
        counts = Counter(fact["booked_category"] for fact in group)
        if len(counts) < 2:
            continue
        labels = {fact["booked_category"]: fact["booked_label"] for fact in group}
        ranked = counts.most_common()
        majority = None
        if ranked[0][1] > ranked[1][1]:
            winner = ranked[0][0]
            subcategories = Counter(
                fact["subcategory"] for fact in group if fact["category"] == winner
            ).most_common(1)
            kind = next(fact.get("booked_kind", "") for fact in group if fact["booked_category"] == winner)
            majority = {
                "id": winner,
                "label": labels[winner],
                # The category change offers expense categories only (an unknown kind is tried).
                "fixable": kind in ("expenses", ""),
                "subcategory": subcategories[0][0] if subcategories else None,
                "count": ranked[0][1],
            }
        others = [fact for fact in group if majority is None or fact["booked_category"] != majority["id"]]
        contact = group[0]["contact"]
        query = f"{quarter_query(year, quarter)}&kind=expenses" + (
            f"&{urlencode({'contact': contact})}" if contact else ""
        )
        found.append(
            {
                "code": SUPPLIER_CATEGORIES,
                "supplier": group[0]["counterpart"],
                "contact": contact,
                "categories": [
                    {"id": category_id, "label": labels[category_id], "count": count}
                    for category_id, count in ranked
                ],
                "majority": majority,
                "documents": [_ref(fact, category=fact["booked_label"]) for fact in others],
                # The supplier's documents of the quarter: exactly what the list shows with this filter
                # when the supplier is a contact.
                "namespace": "book_entries" if contact else None,
                "query": query,
            }
        )
    return sorted(found, key=lambda finding: finding["supplier"].casefold())


def ticket_vat(facts: list[dict]) -> list[dict]:
    """Expense tickets that deduct VAT: a ticket that does not identify the buyer deducts none (F2)."""
    documents = [
        _ref(fact, vat=fact["deductible_vat"])
        for fact in facts
        if fact["kind"] == "expenses"
        and fact["resource"] in ("tickets", "simplified_invoices")
        and Decimal(fact["deductible_vat"] or "0") > 0
    ]
    return [{"code": TICKET_VAT, "documents": documents}] if documents else []


def no_attachment(facts: list[dict]) -> list[dict]:
    documents = [_ref(fact) for fact in facts if fact["kind"] == "expenses" and not fact["attachments"]]
    return [{"code": NO_ATTACHMENT, "documents": documents}] if documents else []


def numbering_gaps(facts: list[dict], *, year: int, quarter: int) -> list[dict]:
    """Numbers missing between the lowest and the highest of the quarter, per numbering series of
    income invoices and simplified invoices (credit notes have their own series)."""
    series: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for fact in facts:
        if fact["kind"] != "income" or fact["resource"] not in ("invoices", "simplified_invoices"):
            continue
        match = NUMBER.match(fact["number"])
        if match:
            # Prefixes are unique per series, so the number's prefix tells the series even where
            # Quipu left the document's series out.
            key = (fact["resource"], match.group(1))
            series[key].setdefault(int(match.group(2)), fact)
    found = []
    for (resource, prefix), by_number in sorted(series.items()):
        numbers = sorted(by_number)
        missing, neighbours = [], []
        for low, high in zip(numbers, numbers[1:], strict=False):
            if high - low > 1:
                missing.extend(range(low + 1, high))
                neighbours.extend([by_number[low], by_number[high]])
        if not missing:
            continue
        width = len(NUMBER.match(by_number[numbers[0]]["number"]).group(2))
        label = next((f["series_label"] for f in by_number.values() if f["series_label"]), prefix)
        query = f"{quarter_query(year, quarter)}&kind=income&sort=number"
        if prefix:
            query += "&" + urlencode({"field": "number", "term": prefix})
        found.append(
            {
                "code": NUMBERING_GAP,
                "resource": resource,
                "series": label,
                "missing": [f"{prefix}{str(number).zfill(width)}" for number in missing[:MISSING_SHOWN]],
                "missing_count": len(missing),
                "documents": [_ref(fact) for fact in _unique(neighbours)],
                "namespace": resource,
                "query": query,
            }
        )
    return found


def _unique(facts: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for fact in facts:
        if fact["id"] not in seen:
            seen.add(fact["id"])
            unique.append(fact)
    return unique


def nif_problem(fact: dict) -> str | None:
    """Why an invoice lacks the counterpart's tax id it needs, or None.

    Spanish counterparts (or of unknown country) need their NIF on a complete invoice (F1, and its
    credit notes R1–R4). A foreign one needs only its country and kind of id (SPANISH_TAX §1.3, OCA
    issue 2247), except on an exempt intra-EU supply, which needs the customer's EU VAT number.
    Simplified invoices and tickets need none.
    """
    if fact["resource"] != "invoices" or fact["tax_id"]:
        return None
    if fact["country"] in ("", "es"):
        return "spanish"
    if fact["kind"] == "income" and fact["country"] in EU_COUNTRIES and fact["zero_vat"]:
        return "intra_eu"
    return None


def missing_nif(facts: list[dict], *, year: int, quarter: int) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for fact in facts:
        reason = nif_problem(fact)
        if reason:
            groups[(fact["contact"] or f"name:{fact['counterpart'].casefold()}", reason)].append(fact)
    found = []
    for (_key, reason), group in groups.items():
        contact = group[0]["contact"]
        found.append(
            {
                "code": MISSING_NIF,
                "reason": reason,
                "counterpart": group[0]["counterpart"],
                "contact": contact,
                "documents": [_ref(fact) for fact in group],
                "namespace": "invoices" if contact else None,
                "query": f"{quarter_query(year, quarter)}&{urlencode({'contact': contact})}"
                if contact
                else "",
            }
        )
    return sorted(found, key=lambda finding: finding["counterpart"].casefold())


def review_findings(facts: list[dict], *, year: int, quarter: int) -> list[dict]:
    facts = sorted(facts, key=lambda fact: (fact["issue_date"], fact["label"]))
    return [
        *uncategorised(facts),
        *supplier_categories(facts, year=year, quarter=quarter),
        *ticket_vat(facts),
        *no_attachment(facts),
        *numbering_gaps(facts, year=year, quarter=quarter),
        *missing_nif(facts, year=year, quarter=quarter),
    ]


# Verifactu readiness ----------------------------------------------------------------------------

CORPORATE_TAX_DATE = datetime.date(2027, 1, 1)
OTHERS_DATE = datetime.date(2027, 7, 1)
OK, TODO, CHECK = "ok", "todo", "check"


def taxpayer_kind(tax_id: str) -> str:
    """What the owner's NIF says: a company (corporate tax), a person, an entity whose income is
    attributed to its members (E, J), or unknown. Read from the first character (Orden EHA/451/2008)."""
    first = tax_id.strip().upper()[:1]
    if not first:
        return "unknown"
    if first.isdigit() or first in "KLMXYZ":
        return "person"
    if first in "EJ":
        return "attribution"
    return "company"


def verifactu_checklist(facts: list[dict], findings: list[dict]) -> list[dict]:
    """What the quarter's documents tell about a client's readiness for Verifactu, item by item."""
    issued = [
        fact
        for fact in facts
        if fact["kind"] == "income" and fact["resource"] in ("invoices", "simplified_invoices", "tickets")
    ]
    owner_ids = Counter(fact["owner_tax_id"] for fact in facts if fact["owner_tax_id"])
    owner = owner_ids.most_common(1)[0][0] if owner_ids else ""
    kind = taxpayer_kind(owner)
    deadline = CORPORATE_TAX_DATE if kind == "company" else OTHERS_DATE
    checklist = [
        {
            "code": "deadline",
            "state": CHECK,
            "taxpayer": kind,
            "tax_id": owner,
            "date": deadline.isoformat() if kind != "unknown" else "",
        }
    ]
    unnumbered = [f for f in issued if f["resource"] != "tickets" and not f["series"]]
    checklist.append({"code": "series", "state": TODO if unnumbered else OK, "count": len(unnumbered)})
    gaps = sum(1 for finding in findings if finding["code"] == NUMBERING_GAP)
    checklist.append({"code": "gaps", "state": TODO if gaps else OK, "count": gaps})
    unidentified = [f for f in issued if nif_problem(f)]
    checklist.append(
        {"code": "customer_ids", "state": TODO if unidentified else OK, "count": len(unidentified)}
    )
    no_reason = [f for f in issued if f["amends"] and not f["credit_note_reason"]]
    checklist.append({"code": "credit_reasons", "state": TODO if no_reason else OK, "count": len(no_reason)})
    exempt = [
        f for f in issued if f["zero_vat"] and f["country"] not in ("", "es") and not f["exempt_reason"]
    ]
    checklist.append({"code": "exempt_reasons", "state": TODO if exempt else OK, "count": len(exempt)})
    legacy = [f for f in issued if f["resource"] == "tickets"]
    checklist.append({"code": "legacy_tickets", "state": TODO if legacy else OK, "count": len(legacy)})
    sent = Counter(f["stage"] for f in issued if f["stage"] in ("approved_aeat", "approved_with_errors_aeat"))
    if sent["approved_with_errors_aeat"]:
        state = TODO
    elif sent["approved_aeat"]:
        state = OK
    else:
        state = CHECK
    checklist.append(
        {
            "code": "aeat",
            "state": state,
            "count": sent["approved_aeat"],
            "with_errors": sent["approved_with_errors_aeat"],
        }
    )
    checklist.append({"code": "qr", "state": CHECK})
    return checklist
