from django import template

from motcua.dossiers.constants import STATUS_COLOURS, Status
from motcua.dossiers.lifecycle import ACTION_LABELS
from motcua.lib.vnformat import long_moment, money

register = template.Library()


@register.filter
def status_colour(value):
    return STATUS_COLOURS.get(Status(value), "#6c757d") if value is not None else "#6c757d"


@register.filter
def status_label(value):
    return Status(value).label if value is not None else "—"


@register.filter
def action_label(action):
    return ACTION_LABELS.get(action, action)


@register.filter
def when(moment):
    return long_moment(moment)


@register.filter
def vnd(amount):
    return money(amount or 0)
