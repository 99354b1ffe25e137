"""Dossier stamps without the counter row on PostgreSQL: the writing transaction's id and a real sequence."""

from django.db import migrations, models


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS changes_stamp_seq")
    # Continue after every number already handed out by the counter row, so `seq` keeps growing.
    schema_editor.execute(
        "SELECT setval('changes_stamp_seq', GREATEST(1, (SELECT max(seq) FROM changes_dossierstamp),"
        " (SELECT max(seq) FROM changes_changeclock)))")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS changes_stamp_seq")


class Migration(migrations.Migration):

    dependencies = [
        ("changes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierstamp",
            name="xid",
            field=models.BigIntegerField(db_index=True, default=0),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
