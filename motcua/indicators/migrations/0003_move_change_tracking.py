from django.db import migrations


class Migration(migrations.Migration):
    """The change counters moved below the apps that write dossiers (`motcua.changes`)."""

    dependencies = [
        ("indicators", "0002_clock_row"),
    ]

    operations = [
        migrations.DeleteModel(name="DossierStamp"),
        migrations.DeleteModel(name="IndexClock"),
    ]
