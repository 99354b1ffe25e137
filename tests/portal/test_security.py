"""The portal's guards: the request-body cap (413 before the body is read), CSRF on every form."""

import socket

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.applications.models import Draft, DraftAttachment
from tests.office.conftest import MINIMAL_PDF


def test_a_body_over_the_cap_is_refused_whole(citizen_client, portal_world, settings):
    settings.MOTCUA_MAX_REQUEST_BYTES = 4096
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))
    draft = Draft.objects.get()
    big = SimpleUploadedFile("giay-chung-sinh.pdf", MINIMAL_PDF + b" " * 8192)
    response = citizen_client.post(reverse("portal:draft", args=[draft.pk]),
                                   {"action": "save", "file_birth_certificate": big})
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    assert not DraftAttachment.objects.exists()
    small = SimpleUploadedFile("giay-chung-sinh.pdf", MINIMAL_PDF)
    assert citizen_client.post(reverse("portal:draft", args=[draft.pk]),
                               {"action": "save", "file_birth_certificate": small}).status_code == 302
    assert DraftAttachment.objects.count() == 1


def test_the_cap_answers_before_the_body_is_sent(live_server, settings):
    """A real server: headers announcing 50 MB and no body at all get the 413 at once (nothing waits for
    the body to arrive)."""
    settings.MOTCUA_MAX_REQUEST_BYTES = 1024 * 1024
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /dich-vu-cong/tra-cuu/ HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
                     b"Content-Type: application/octet-stream\r\nContent-Length: 52428800\r\n\r\n")
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")


def test_portal_forms_need_the_csrf_token(portal_world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(portal_world.citizen)
    strict.get(reverse("portal:apply", args=[portal_world.birth.code]))
    draft = Draft.objects.get()
    assert strict.post(reverse("portal:draft", args=[draft.pk]), {"child_name": "X"}).status_code == 403
    assert strict.post(reverse("portal:autosave", args=[draft.pk]), {"child_name": "X"}).status_code == 403
    draft.refresh_from_db()
    assert "child_name" not in draft.answers
