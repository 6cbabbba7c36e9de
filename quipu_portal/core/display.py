"""How amounts, dates and periods read in the active language."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, translation
from django.utils.translation import gettext, ngettext


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value, currency: str = "EUR") -> str:
    amount = as_decimal(value)
    if amount is None:
        return ""
    number = formats.number_format(amount.quantize(Decimal("0.01")), 2, use_l10n=True, force_grouping=True)
    symbol = "€" if currency.upper() == "EUR" else currency.upper()
    if translation.get_language() == "en":
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}{symbol}{digits}"
    return f"{number}\u00a0{symbol}"


def percent(value) -> str:
    number = as_decimal(value)
    if number is None:
        return ""
    places = 0 if number == number.to_integral() else 2
    return f"{formats.number_format(number, places, use_l10n=True)}\u00a0%"


def quarter_label(day: datetime.date) -> str:
    quarter = (day.month - 1) // 3 + 1
    # Translators: a calendar quarter; Spanish accountants write "1T 2025".
    return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": day.year}


def duration(seconds) -> str:
    """A rough length of time, as people say it: "a few seconds", "about 9 minutes", "about 2 hours"."""
    seconds = max(int(seconds or 0), 0)
    if seconds < 45:
        return gettext("a few seconds")
    minutes = round(seconds / 60)
    if minutes < 90:
        return ngettext("about %(count)d minute", "about %(count)d minutes", minutes) % {"count": minutes}
    hours = round(seconds / 3600)
    return ngettext("about %(count)d hour", "about %(count)d hours", hours) % {"count": hours}
