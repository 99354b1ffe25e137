from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "motcua.demo"
