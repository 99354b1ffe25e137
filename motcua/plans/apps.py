from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "motcua.plans"
    verbose_name = "Nhiệm vụ kế hoạch và báo cáo định kỳ"
