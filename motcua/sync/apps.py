from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "motcua.sync"
    verbose_name = "Đồng bộ Cổng Dịch vụ công quốc gia"
