from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "motcua.forecasting"
    verbose_name = "Cảnh báo sớm và dự báo"
