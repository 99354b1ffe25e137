from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    verbose_name = "Tài khoản cán bộ và phân quyền"

    def ready(self):
        from motcua.core import audit

        audit.connect()
