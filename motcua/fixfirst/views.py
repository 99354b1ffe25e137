"""The fix-first page for unit leaders and the province's monitors: the actions best first, each with
the dossiers, procedures or feedback items it names, linked to the back office's pages."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from motcua.fixfirst import access
from motcua.fixfirst.engine import fix_first
from motcua.fixfirst.forms import FixFirstForm
from motcua.fixfirst.labels import KIND_LABELS, KIND_MEANINGS
from motcua.indicators.rules import load_ruleset
from motcua.office.access import office_required

SHOWN = 200  # items shown per action; the API and the command list them all


@office_required
def page(request):
    if not access.may_use(request.user):
        raise PermissionDenied
    units = access.units_for(request.user)
    form = FixFirstForm(request.GET, units=units, default_unit=access.default_unit(request.user))
    if not form.is_valid():
        return render(request, "fixfirst/page.html", {"form": form}, status=400)
    unit_code = form.cleaned_data["don_vi"]
    if not access.may_see(request.user, unit_code):
        raise PermissionDenied
    rules = form.cleaned_data["bo_chi_so"]
    result = fix_first(form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"], unit_code=unit_code, rules=rules)
    ruleset = load_ruleset(rules)
    labels = {r.id: r.label for r in ruleset.indicators}
    dossier_ids = access.visible_dossiers(request.user, {c for a in result["actions"] for c in a["dossiers"]})
    feedback = access.visible_feedback(request.user, {c for a in result["actions"] for c in a["feedback"]})
    actions = []
    for action in result["actions"]:
        items = ([(code, "dossier" if code in dossier_ids else None) for code in action["dossiers"]]
                 + [(code, None) for code in action["procedures"]]
                 + [(code, "feedback" if code in feedback else None) for code in action["feedback"]])
        actions.append({**action, "label": KIND_LABELS[action["kind"]], "meaning": KIND_MEANINGS[action["kind"]],
                        "indicator_label": labels[action["indicator"]], "count": len(items),
                        "items": items[:SHOWN], "more": max(0, len(items) - SHOWN)})
    unit = next(u for u in units if u.code == unit_code)
    return render(request, "fixfirst/page.html", {
        "form": form, "result": result, "actions": actions, "unit": unit, "ruleset": ruleset,
        "immediate": [a for a in actions if a["at_stake"] is None],
        "preventive": [a for a in actions if a["at_stake"] is not None],
    })
