"""Install the database triggers that refuse changes to the access log (see audit/triggers.py)."""

from django.db import migrations

from palliare.audit import triggers


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.install(cursor, schema_editor.connection.vendor)


def reverse(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.remove(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse, elidable=False)]
