"""Notifications about a new plan version sent to acute-care organisations get a kind of their
own (``careplans.acute_version.<id>``) and a link that names their route
(``?via=notification``): the acute view opens a patient only from such a notification, sent to
that user (decision 0011). Before, they shared the care team's kind and linked to the bare
summary address, which the acute view now refuses."""

from django.db import migrations

TEAM, ACUTE = "careplans.version.", "careplans.acute_version."
SUMMARY, ROUTE = "/acute/patients/", "?via=notification"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(kind__startswith=TEAM, url__startswith=SUMMARY)
    for note in rows.only("pk", "kind", "url").iterator(chunk_size=1000):
        note.kind = ACUTE + note.kind.removeprefix(TEAM)
        if "?" not in note.url:
            note.url += ROUTE
        note.save(update_fields=["kind", "url"])


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for note in Notification.objects.filter(kind__startswith=ACUTE).only("pk", "kind", "url"):
        note.kind = TEAM + note.kind.removeprefix(ACUTE)
        note.url = note.url.removesuffix(ROUTE)
        note.save(update_fields=["kind", "url"])


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0001_initial"),
        ("notifications", "0002_order_ties_by_id"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
