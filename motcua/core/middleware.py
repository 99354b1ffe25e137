"""The request-body cap: a request announcing a body larger than MOTCUA_MAX_REQUEST_BYTES is answered
413 before any of it is read, so an oversized upload never reaches the disk or the memory of the server
(the per-file limit, MOTCUA_MAX_UPLOAD_BYTES, is then checked on what was accepted). A reverse proxy in
front should cap the body too (docs/deployment.md); this is the application's own line."""

from django.conf import settings
from django.http import HttpResponse

MESSAGE = ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Tệp quá lớn</title></head>"
           "<body><main><h1>Dữ liệu gửi lên quá lớn</h1><p>Tổng dung lượng các tệp gửi trong một lần không được "
           "vượt quá {limit} MB; mỗi tệp tối đa {per_file} MB. Vui lòng quay lại, giảm dung lượng tệp (quét ở độ "
           "phân giải thấp hơn) hoặc gửi từng tệp một.</p></main></body></html>")


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MOTCUA_MAX_REQUEST_BYTES
        if length > limit:
            body = MESSAGE.format(limit=limit // (1024 * 1024),
                                  per_file=settings.MOTCUA_MAX_UPLOAD_BYTES // (1024 * 1024))
            # The WSGI server closes the connection itself when a body is left unread (no hop-by-hop header
            # may be set here).
            return HttpResponse(body, status=413, content_type="text/html; charset=utf-8")
        return self.get_response(request)
