from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "motcua.usage"
    verbose_name = "Thống kê sử dụng dịch vụ công trực tuyến"
