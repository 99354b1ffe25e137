from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OfficeConfig(AppConfig):
    name = "motcua.office"
    label = "office"
    verbose_name = "Hệ thống một cửa cho cán bộ"


class SecureAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by a site that demands the administrators' second factor.

    Listed in INSTALLED_APPS in place of "django.contrib.admin"; `default = False` keeps it from being
    taken as the office app's own configuration.
    """

    default = False
    default_site = "motcua.office.admin_site.SecureAdminSite"
