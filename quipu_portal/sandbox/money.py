"""Decimal arithmetic for items and documents, and Ruby-BigDecimal-style output ("2333.0")."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MILL = Decimal("0.001")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

# Recargo de equivalencia by VAT rate (Ley 37/1992, art. 161).
EQUIVALENCE_SURCHARGE = {Decimal(21): Decimal("5.2"), Decimal(10): Decimal("1.4"), Decimal(4): Decimal("0.5")}


def dec(value) -> str | None:
    """Decimal -> "2472.98", "2333.0", "0.0" (BigDecimal#to_s style)."""
    if value is None:
        return None
    number = Decimal(value)
    if number == 0:
        return "0.0"
    text = format(number.normalize(), "f")
    return text if "." in text else text + ".0"


def to_decimal(value) -> Decimal:
    """Accepts numbers and numeric strings (requests send both); raises ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    try:
        number = (
            Decimal(str(value).strip().replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
        )
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    return number


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def mills(value: Decimal) -> Decimal:
    return value.quantize(MILL, rounding=ROUND_HALF_UP)


def compute_item(item: dict, *, expenses: bool) -> None:
    """Fill the read-only amounts of one item from its unit price, quantity and percentages."""
    gross = item["unitary_amount"] * item["quantity"]
    discount = gross * item["discount_percent"] / HUNDRED
    base = gross - discount
    vat = base * item["vat_percent"] / HUNDRED
    retention = base * item["retention_percent"] / HUNDRED
    surcharge_rate = (
        EQUIVALENCE_SURCHARGE.get(item["vat_percent"], ZERO) if item.get("equivalence_surcharge") else ZERO
    )
    surcharge = base * surcharge_rate / HUNDRED
    item["discount_amount"] = mills(discount)
    item["base_amount"] = mills(base)
    item["vat_amount"] = mills(vat)
    item["retention_amount"] = mills(retention)
    item["equalization_tax_amount"] = mills(surcharge)
    deductible = item["deductible_vat_percent"] if expenses else ZERO
    item["deductible_vat_amount"] = mills(vat * deductible / HUNDRED)
    item["total_amount"] = mills(base + vat + surcharge - retention)


def compute_totals(entry: dict) -> None:
    """Document totals from its items (or from the pay figures of a paysheet)."""
    if entry["type"] == "paysheets":
        gross = entry["net_pay"] + entry["employee_ss_amount"] + entry["employee_retention"]
        entry["gross_pay"] = cents(gross)
        entry["total_amount_without_taxes"] = cents(gross + entry["company_ss_amount"])
        entry["vat_amount"] = ZERO
        entry["retention_amount"] = cents(entry["employee_retention"])
        entry["equalization_tax_amount"] = ZERO
        entry["total_amount"] = entry["total_amount_without_taxes"]
        return
    items = entry["items"]
    base = cents(sum((i["base_amount"] for i in items), ZERO))
    vat = cents(sum((i["vat_amount"] for i in items), ZERO))
    retention = cents(sum((i["retention_amount"] for i in items), ZERO))
    surcharge = cents(sum((i["equalization_tax_amount"] for i in items), ZERO))
    entry["total_amount_without_taxes"] = base
    entry["vat_amount"] = vat
    entry["retention_amount"] = retention
    entry["equalization_tax_amount"] = surcharge
    entry["total_amount"] = base + vat + surcharge - retention


def iban_is_valid(iban: str) -> bool:
    compact = iban.replace(" ", "").upper()
    if len(compact) < 15 or len(compact) > 34 or not compact.isalnum() or not compact[:2].isalpha():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def spanish_iban(bank_digits: str) -> str:
    """An IBAN with valid check digits for 20 Spanish account digits, grouped by four."""
    rearranged = bank_digits + "ES00"
    check = 98 - int("".join(str(int(ch, 36)) for ch in rearranged)) % 97
    compact = f"ES{check:02d}{bank_digits}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
