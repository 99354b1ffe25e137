from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "motcua.targets"
    verbose_name = "Chỉ tiêu (chiến dịch, kế hoạch, đơn vị, cán bộ)"
