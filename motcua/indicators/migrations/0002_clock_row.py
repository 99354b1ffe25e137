import uuid

from django.db import migrations


def create_clock(apps, schema_editor):
    """The one row of counters exists from the start, so that the first change never has to create it
    (and never replaces the token that a running engine has read)."""
    IndexClock = apps.get_model("indicators", "IndexClock")
    IndexClock.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_clock, migrations.RunPython.noop),
    ]
