from django import template
from django.utils.html import format_html, format_html_join

from quipu_portal.core import display
from quipu_portal.core.once import ONCE_FIELD, once_token

register = template.Library()


@register.filter
def money(value, currency="EUR"):
    return display.money(value, currency or "EUR")


@register.filter
def percent(value):
    return display.percent(value)


@register.filter
def quarter(value):
    return display.quarter_label(value) if value else ""


@register.filter
def duration(seconds):
    return display.duration(seconds)


@register.simple_tag(takes_context=True)
def once_field(context):
    """The hidden one-time token of a form that creates something (see core/once.py)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', ONCE_FIELD, once_token(context["request"])
    )


@register.simple_tag
def column_headers(*labels):
    """A table's head row: one column header per label, in order."""
    cells = format_html_join("", '<th scope="col">{}</th>', ((label,) for label in labels))
    return format_html("<thead><tr>{}</tr></thead>", cells)
