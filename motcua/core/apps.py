from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"

    def ready(self):
        from motcua.core import audit

        audit.connect()
