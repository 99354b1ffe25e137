from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "motcua.applications"
    verbose_name = "Nộp hồ sơ trực tuyến (biểu mẫu, bản nháp)"
