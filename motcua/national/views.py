"""The national comparison page: the province among the 34 in the published national result (`published`),
its total and group points against the national median and the best province, and every province ranked.
Same access as the index pages (back-office officers); without a published result the page says so."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import render

from motcua.indicators.rules import RuleSetError, load_ruleset
from motcua.lib import vnformat
from motcua.national import published as pub
from motcua.office.access import office_required
from motcua.units.models import Unit, UnitKind

TEMPLATE = "national/comparison.html"


def _group_labels(rules: dict) -> dict[str, str]:
    try:
        return {g.id: g.label for g in load_ruleset(rules.get("name") or "").groups}
    except (RuleSetError, FileNotFoundError, KeyError):
        return {}  # a rule set this installation does not have: the groups are shown by their numbers


def _group_rows(result: pub.Published, chosen: dict, labels: dict[str, str]) -> list[dict]:
    best = {g["id"]: g["points"] for g in result.best.get("groups", ())}
    return [{"id": g["id"], "label": labels.get(g["id"], ""), "points": g["points"], "max": g["max"],
             "median": result.median_points(g["id"]), "best": best.get(g["id"])}
            for g in chosen.get("groups", ())]


@office_required
def comparison(request):
    result = pub.published()
    if result is None:
        return render(request, TEMPLATE, {"result": None})
    asked = request.GET.get("tinh")
    code = asked or Unit.objects.filter(kind=UnitKind.PROVINCE).values_list("code", flat=True).first()
    chosen = result.province(code)
    labels = _group_labels(result.rules)
    return render(request, TEMPLATE, {
        "result": result, "code": code, "chosen": chosen,
        "groups": _group_rows(result, chosen, labels) if chosen else [],
        "group_ids": [g["id"] for g in result.best.get("groups", ())],
        "median_total": result.median_total(), "best": result.best,
        "date_from": vnformat.padded_date(date.fromisoformat(result.date_from)),
        "date_to": vnformat.padded_date(date.fromisoformat(result.date_to)),
        "evaluated_at": vnformat.moment(datetime.fromisoformat(result.evaluated_at)) if result.evaluated_at
        else vnformat.DASH,
    }, status=400 if asked and chosen is None else 200)
