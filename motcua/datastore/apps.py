from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "motcua.datastore"
    verbose_name = "Kho dữ liệu cá nhân"
