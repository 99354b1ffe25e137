"""The public procedure catalog: search (the portal's home page) and one page per procedure. Anyone may
read them; nothing here changes state."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from motcua.catalog.models import Level, OnlineLevel, Procedure
from motcua.portal import catalog

MAX_QUERY = 200


def _criteria(params) -> catalog.Criteria:
    """The filters from the query string; an unknown level or online level is ignored, not an error."""
    level = params.get("level", "")
    online_level = params.get("online", "")
    return catalog.Criteria(
        query=params.get("q", "")[:MAX_QUERY].strip(),
        field=params.get("field", "")[:MAX_QUERY],
        level=level if level in Level.values else "",
        unit=params.get("unit", "")[:40],
        online_level=online_level if online_level in OnlineLevel.values else "",
    )


@require_GET
def catalog_search(request):
    criteria = _criteria(request.GET)
    results = catalog.search(criteria)
    page = Paginator(results, catalog.PAGE_SIZE).get_page(request.GET.get("page"))
    # The other parameters, so that the pager's links keep the filters.
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "portal/catalog.html", {
        "criteria": criteria,
        "choices": catalog.choices(),
        "page": page,
        "total": len(results),
        "kept": kept.urlencode(),
        "online_full": OnlineLevel.FULL,
        "online_partial": OnlineLevel.PARTIAL,
    })


@require_GET
def procedure(request, code):
    found = get_object_or_404(Procedure, code=code)
    return render(request, "portal/procedure.html", {
        "details": catalog.details(found),
        "procedure": found,
        "online_full": OnlineLevel.FULL,
        "online_partial": OnlineLevel.PARTIAL,
    })
