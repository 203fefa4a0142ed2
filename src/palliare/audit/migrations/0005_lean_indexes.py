"""The access log keeps only the indexes its readers use (docs/subsystems/audit.md).

PostgreSQL: dropping an index waits for an exclusive lock, and every access-log write would
queue behind that wait; ``lock_timeout`` bounds it (run ``migrate`` again if it gives up).
SQLite: altering a field rebuilds the table, which drops the append-only triggers; they are
installed again at the end of this migration (and after every migrate, audit/apps.py)."""

from django.db import migrations, models

from palliare.audit import triggers


def bound_lock_wait(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL lock_timeout = '5s'")


def reinstall_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.install(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_chain_head_previous_hash"),
    ]

    operations = [
        migrations.RunPython(bound_lock_wait, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="event_type",
            field=models.CharField(max_length=64, verbose_name="event"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="patient_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="patient"),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers, elidable=False),
    ]
