from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "motcua.standins.identity.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"
