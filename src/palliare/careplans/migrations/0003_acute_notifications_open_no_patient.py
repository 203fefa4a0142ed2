"""Acute care is no longer notified of plan changes, and a notification no longer opens a
patient in the acute view (decision 0011). The acute-care notifications already made stay (what
was sent to whom is kept), but their link now leads to the acute search: a plan opens only
through the search, for a patient being treated. The access log is not touched."""

from django.db import migrations

ACUTE = "careplans.acute_version."
SEARCH = "/acute/"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(kind__startswith=ACUTE).exclude(url=SEARCH).update(url=SEARCH)


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0002_acute_notifications_own_kind"),
        ("notifications", "0002_order_ties_by_id"),
    ]

    # Backwards leaves the links at the search: the route they named no longer exists.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
