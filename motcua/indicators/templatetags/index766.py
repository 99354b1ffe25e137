"""Numbers of the index pages written the Vietnamese way (motcua.lib.vnformat): "96,49%", "+0,05"."""

from django import template

from motcua.lib import vnformat

register = template.Library()


@register.filter
def vn_number(value, places=0):
    return vnformat.number(value, int(places))


@register.filter
def vn_signed(value, places=2):
    return vnformat.number(value, int(places), sign=True)


@register.filter
def vn_percent(rate):
    return vnformat.percent(rate)


@register.filter
def vn_signed_percent(change):
    return vnformat.percent(change, sign=True)


@register.filter
def vn_date(day):
    return vnformat.short_date(day) if day else vnformat.DASH


@register.filter
def vn_signed_int(value):
    return vnformat.DASH if value is None else vnformat.number(value, 0, sign=True)


@register.filter
def vn_moment(value):
    return vnformat.moment(value) if value else vnformat.DASH
