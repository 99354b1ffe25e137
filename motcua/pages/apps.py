from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The top layer: public pages that read every app below (the home page)."""

    name = "motcua.pages"
    verbose_name = "Trang chung"
