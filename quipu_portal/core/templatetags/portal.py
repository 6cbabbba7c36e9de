from django import template

from quipu_portal.core import display

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
