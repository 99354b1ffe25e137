import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

# Imported once in gunicorn's master (`motcua serve` runs it with --preload): workers are forked with every
# view module (Django imports the URL conf lazily, on a worker's first request: about 100 MB and seconds
# per worker), the index's modules, the holidays and the default working calendar already loaded, and
# share those pages. gc.freeze() keeps the collector from writing to every inherited object (which would
# copy each page into every worker).
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

from motcua.indicators.live import prepare_process  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports the views
prepare_process()
gc.freeze()
