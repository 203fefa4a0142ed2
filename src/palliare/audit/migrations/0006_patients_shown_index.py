"""PostgreSQL: a partial GIN index on the ids of the patients a list view showed, so that a
patient's access report finds list views without reading the whole log (models.ShownInList,
whose PATIENTS_SHOWN_PG must stay this expression; acute/tests/test_report_index.py checks
that the report's query uses this index). Built CONCURRENTLY: the log is written on every read
of patient data and must not be locked while the index is built on a large table. An invalid
index left by an interrupted build is dropped and built again."""

from django.db import migrations

INDEX = "audit_patients_shown"
CREATE = (
    f"CREATE INDEX CONCURRENTLY {INDEX} ON audit_auditevent "
    "USING gin ((string_to_array(btrim(patient_ids, ','), ',')::bigint[])) "
    "WHERE patient_ids <> ''"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid)",
            [INDEX],
        )
        row = cursor.fetchone()
    if row is not None and row[0]:
        return
    if row is not None:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY {INDEX}")
    schema_editor.execute(CREATE)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("audit", "0005_lean_indexes")]
    operations = [migrations.RunPython(forward, reverse, elidable=False)]
