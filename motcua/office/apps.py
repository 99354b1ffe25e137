from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class OfficeConfig(AppConfig):
    name = "motcua.office"
    label = "office"
    verbose_name = "Hệ thống một cửa cho cán bộ"


class SecureAdminConfig(AdminConfig):
    """Django's admin, served by a site that demands the administrators' second factor."""

    default_site = "motcua.office.admin_site.SecureAdminSite"
