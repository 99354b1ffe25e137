"""`{% rating_standing dossier as rating %}`: what a page needs to show or ask the rating of a dossier."""

from django import template

from motcua.ratings.criteria import ANSWERS, CRITERIA
from motcua.ratings.rating import standing

register = template.Library()


@register.simple_tag
def rating_standing(dossier):
    state = standing(dossier)
    given = state.rating.criteria if state.rating is not None else {}
    return {"standing": state, "rating": state.rating, "answers": ANSWERS,
            "criteria": [{"key": c.key, "label": c.label, "given": given.get(c.key, "")} for c in CRITERIA]}
