from django.apps import AppConfig


class FixfirstConfig(AppConfig):
    name = "motcua.fixfirst"
    verbose_name = "Việc cần làm trước để nâng chỉ số"
