from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    verbose_name = "Khảo sát trải nghiệm dịch vụ công"
