"""The error pages' handlers (motcua/urls.py handler400/403/404/500).

400, 403 and 404 are Django's own views with the branded templates (templates/400.html, 403.html,
404.html). The 500 handler renders templates/500.html with no request, no context processors and no
database, and if even that fails (a broken template loader, a missing file), answers a fixed Vietnamese
page, so a server error is never Django's bare English page.
"""

import logging

from django.http import HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

FALLBACK = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Lỗi hệ thống</title></head>'
            '<body><h1>Hệ thống đang gặp sự cố</h1><p>Rất tiếc, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. '
            'Vui lòng thử lại sau ít phút.</p><p><a href="/">Về trang chủ</a></p></body></html>')


def server_error(request, template_name="500.html"):
    try:
        body = loader.get_template(template_name).render()
    except Exception:  # the error page must answer whatever else is broken
        logger.exception("the 500 page could not be rendered")
        body = FALLBACK
    return HttpResponseServerError(body, content_type="text/html; charset=utf-8")
