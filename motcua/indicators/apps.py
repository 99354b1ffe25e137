from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "motcua.indicators"
    verbose_name = "Bộ chỉ số 766"

    def ready(self):
        # Cache invalidation only, not business flow: an edit of a small table in the admin (a procedure's
        # publication date, a calendar closure) must reach the live index's next request. Code that writes
        # these tables in bulk (the importer) calls `changes` itself; saves of single rows come here.
        from django.db.models.signals import post_delete, post_save

        from motcua.catalog.models import Authority, Procedure
        from motcua.feedback.models import Feedback
        from motcua.indicators import checks  # noqa: F401 - registers the rule-set start-up check
        from motcua.units.models import CalendarException, Unit

        for model in (Unit, Procedure, Authority, Feedback, CalendarException):
            post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"live-index-{model.__name__}-save")
            post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"live-index-{model.__name__}-delete")


def _catalog_changed(sender, **kwargs):
    from motcua.changes.tracking import catalog_changed

    catalog_changed()
