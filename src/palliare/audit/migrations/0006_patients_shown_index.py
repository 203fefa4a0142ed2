"""PostgreSQL: a partial GIN index on the ids of the patients a list view showed, so that a
patient's access report finds list views without reading the whole log (models.ShownInList).
Built CONCURRENTLY: the log is written on every read of patient data and must not be locked
while the index is built on a large table."""

from django.db import migrations

INDEX = "audit_patients_shown"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from palliare.audit.models import PATIENTS_SHOWN_PG

    expression = PATIENTS_SHOWN_PG.format(column="patient_ids")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON audit_auditevent "
        f"USING gin ({expression}) WHERE patient_ids <> ''"
    )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("audit", "0005_lean_indexes")]
    operations = [migrations.RunPython(forward, reverse, elidable=False)]
