from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "motcua.outbox"
    verbose_name = "Hàng đợi gửi đi"
