"""/favicon.ico, which browsers ask for at the site's root whatever the pages link: the static file
motcua/favicon.ico, answered by Django so that it works with or without a static files server."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = "motcua/favicon.ico"


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    path = finders.find(FAVICON)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
