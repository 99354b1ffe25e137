from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "motcua.changes"
    verbose_name = "Theo dõi thay đổi"
