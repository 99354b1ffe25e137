from django import template

from motcua.usage.report import display

register = template.Library()


@register.filter
def vn(value) -> str:
    """1.234.567; 96,49%; 05/11/2025; "—" for a number not known yet."""
    return display(value)


@register.filter
def is_number(value) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))
