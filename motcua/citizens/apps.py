from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "motcua.citizens"
    verbose_name = "Công dân, tổ chức (tài khoản định danh)"
