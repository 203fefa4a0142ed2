"""Existing notifications to message ids, so they too are read in the reader's language.

A stored title is matched against the Dutch (the network's language) and the English text of
each message Palliare sends; a match keeps the message id and the captured parameters (as text:
a name, a reference, and also a date or a choice label in the language the title was made in).
A title that matches none keeps being shown as stored. The message ids are frozen here: later
changes to the messages do not change what this migration did."""

from __future__ import annotations

import re

from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

MESSAGE_IDS = [
    "A patient in your care team has died",
    "A patient was marked as palliative",
    "A referral was withdrawn",
    "Advice from %(team)s on consultation request %(reference)s",
    "Care plan changed: version %(n)s",
    "Deliver %(data_set)s %(period)s by %(deadline)s",
    "Deliver %(data_set)s %(period)s: the deadline was %(deadline)s",
    "Emergency access to your patient's record by %(org)s: see who looked",
    "Emergency access used: to review",
    "Feedback on your referral",
    "New action for you from the meeting of %(date)s, due %(due)s",
    "New consultation request %(reference)s (urgency: %(urgency)s)",
    "New delivery: %(organization)s, %(data_set)s %(period)s",
    "New referral (%(urgency)s)",
    "New signal: %(suggestion)s",
    "Reminder: %(round)s, due %(date)s",
    "The patient you referred was admitted",
    "You are invited: %(kind)s on %(when)s",
    "Your delivery %(data_set)s %(period)s was accepted",
    "Your delivery %(data_set)s %(period)s was returned: see the comment",
    "Your referral was accepted",
    "Your referral was declined",
    "Your signal was handled",
]

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(text: str) -> re.Pattern[str]:
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        position = match.end()
    parts.append(re.escape(text[position:]))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for language in ("nl", "en"):
        with translation.override(language):
            for msgid in MESSAGE_IDS:
                found.append((msgid, _pattern(gettext(msgid))))
    return found


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    known = patterns()
    changed = []
    for note in Notification.objects.filter(message_id="").only("pk", "title").iterator():
        for msgid, pattern in known:
            match = pattern.match(note.title)
            if match:
                note.message_id = msgid
                note.params = match.groupdict()
                changed.append(note)
                break
    Notification.objects.bulk_update(changed, ["message_id", "params"], batch_size=500)


def backwards(apps, schema_editor):
    pass  # the titles were kept: clearing nothing loses nothing


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_message_id_and_params")]
    operations = [migrations.RunPython(forwards, backwards)]
