"""The outbox: what other systems must hear of, written in the same transaction as the change itself.

A row is one message to one system (a dossier version for the national portal, a result copy for the
personal data store, an e-mail, an SMS). The worker (`worker.py`) delivers it until the other side
acknowledges it; nothing is sent from inside the transaction that made the change, so a rolled-back
change sends nothing and a committed one is never lost (interop.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    WAITING = "waiting", _("Chờ gửi")
    ACKNOWLEDGED = "acknowledged", _("Đã được xác nhận")
    FAILED = "failed", _("Bị từ chối")


class Item(models.Model):
    """One message. Items of one `group` (a dossier's code) and kind are delivered one at a time, oldest
    first; `key` is the idempotency key the other side sees (the same on every retry)."""

    kind = models.CharField(_("loại"), max_length=40)
    key = models.CharField(_("khóa chống trùng"), max_length=200)
    group = models.CharField(_("nhóm"), max_length=100, blank=True, default="")
    payload = models.JSONField(default=dict)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"))
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"))
    # A worker holds an item while it sends it; a worker killed mid-request lets the lease run out and
    # another one sends the item again, with the same key, so the other side stores it once.
    leased_until = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")

    class Meta:
        verbose_name = _("thư gửi đi")
        verbose_name_plural = _("hàng đợi gửi đi")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="outbox_item_once")]
        indexes = [
            # The claim's order, so that it reads the first due items instead of sorting the whole backlog.
            models.Index(fields=["state", "next_attempt_at", "id"], name="outbox_due_order"),
            models.Index(fields=["kind", "group", "state"], name="outbox_group"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.state})"
