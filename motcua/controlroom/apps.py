from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "motcua.controlroom"
    verbose_name = "Phòng điều hành của lãnh đạo"
