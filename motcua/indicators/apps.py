from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "motcua.indicators"
    verbose_name = "Bộ chỉ số 766"
