"""Numbers and dates in Vietnamese formats for the forecasting pages (motcua.lib.vnformat)."""

from django import template

from motcua.lib import vnformat

register = template.Library()


@register.filter
def points(value):
    """"72,35"."""
    return vnformat.number(value, 2)


@register.filter
def signed_points(value):
    return vnformat.number(value, 2, sign=True)


@register.filter
def day(value):
    """"05/11/2025"."""
    return vnformat.padded_date(value) if value else "—"


@register.filter
def when(value):
    """"08:15 05/11/2025" in Vietnam's time."""
    return vnformat.local_moment(value) if value else "—"
