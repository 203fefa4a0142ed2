"""Notifications: ``services.notify`` gives each recipient one in-app notification (never the
one who acted) and, where the caller asks for it, an e-mail after commit that says only that
there is news in Palliare — no title, no patient name, no citizen service number, no link to the
patient. The e-mail task is idempotent, skips users without an address or with a deactivated
account, and one refused address does not hold back the others. A user sees and marks read only
their own notifications, and opening one marks it read; a patient's name is shown only to
someone who may see that patient now, and showing it is logged. The list page and the
start-page section issue the same number of queries for 3 notifications as for 40."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.actors import ANONYMOUS
from palliare.accounts.factories import UserFactory
from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.notifications import services, tasks
from palliare.notifications.factories import NotificationFactory
from palliare.notifications.messages import message
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    marking_data,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
MARK_ALL_URL = reverse("notifications:mark_all_read")


@pytest.fixture
def nurse(make_actor):
    return make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)


def _patient_details(patient) -> list[str]:
    return [
        patient.given_name,
        patient.family_name,
        patient.bsn,
        reverse("patients:detail", args=[patient.pk]),
    ]


# --- services.notify: who receives what ------------------------------------------------------


def test_notify_creates_one_unread_notification_per_recipient(gp, nurse):
    created = services.notify(
        [gp.user, nurse.user, gp.user],
        kind="test.event",
        title=message("Er is iets gebeurd"),
        url="/somewhere/",
        patient_id=42,
    )
    assert len(created) == 2
    assert all(n.pk is not None for n in created)
    rows = Notification.objects.order_by("recipient_id")
    assert sorted(n.recipient_id for n in rows) == sorted([gp.user.pk, nurse.user.pk])
    for row in rows:
        assert (row.kind, row.title, row.url, row.patient_id) == (
            "test.event",
            "Er is iets gebeurd",
            "/somewhere/",
            42,
        )
        assert row.read_at is None
        assert row.emailed_at is None


def test_notify_leaves_out_the_actor_and_cuts_long_titles(gp, nurse):
    created = services.notify(
        [gp.user, nurse.user], kind="test.event", title=message("x" * 400), exclude=gp.user
    )
    assert [n.recipient_id for n in created] == [nurse.user.pk]
    assert not Notification.objects.filter(recipient=gp.user).exists()
    stored = Notification.objects.get()
    assert len(stored.title) == 300
    assert stored.message_id == ""  # too long to keep whole: the stored title is shown


def test_notify_without_recipients_creates_nothing_and_sends_nothing(
    gp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.notify([], kind="test.event", title=message("x"), email=True) == []
        assert (
            services.notify([gp.user], kind="x", title=message("x"), email=True, exclude=gp.user)
            == []
        )
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_notify_sends_email_only_when_asked_and_only_after_commit(
    gp, nurse, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([gp.user], kind="test.event", title=message("In de app alleen"))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(
            [gp.user, nurse.user], kind="test.event", title=message("Ook per mail"), email=True
        )
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([gp.user.email, nurse.user.email])
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1  # the first one


def test_marking_notifies_the_care_team_and_the_email_names_no_patient(
    gp, practice, django_capture_on_commit_callbacks
):
    """Through a real caller: marking a patient notifies the care team (not the GP who marked)
    in the app, and by e-mail without patient details."""
    patient = PatientFactory(gp_practice=practice, given_name="Geertruida", family_name="Wolters")
    nursing = MembershipFactory(
        organization=OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    )
    CareTeamMemberFactory(
        patient=patient, organization=nursing.organization, professional=nursing.professional
    )
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    with django_capture_on_commit_callbacks(execute=True):
        patient_services.mark_patient(gp, patient, data=marking_data())
    nurse_user = nursing.professional.user
    note = Notification.objects.get(recipient=nurse_user, kind="patient.marked")
    assert note.patient_id == patient.pk
    assert not Notification.objects.filter(recipient=gp.user).exists()
    [message] = mail.outbox
    assert message.to == [nurse_user.email]
    text = message.subject + message.body
    for detail in [*_patient_details(patient), note.title]:
        assert detail not in text


# --- tasks.send_notification_emails ------------------------------------------------------------


def test_email_says_only_that_there_is_news(settings):
    settings.SITE_URL = "https://palliare.example"
    patient = PatientFactory(given_name="Hendrika", family_name="Mulder")
    note = NotificationFactory(
        title="Zorgplan van Hendrika Mulder gewijzigd",
        url=reverse("patients:detail", args=[patient.pk]),
        patient_id=patient.pk,
    )
    assert tasks.send_notification_emails.call([note.pk]) == 1
    [message] = mail.outbox
    assert message.to == [note.recipient.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Nieuw in Palliare"  # Dutch, the installation's language
    assert "https://palliare.example/notifications/" in message.body
    assert "geen patiëntgegevens" in message.body
    for detail in [*_patient_details(patient), note.title, "Hendrika", "Mulder"]:
        assert detail not in message.subject
        assert detail not in message.body
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_email_link_has_no_double_slash_when_site_url_ends_with_one(settings):
    settings.SITE_URL = "https://palliare.example/"
    tasks.send_notification_emails.call([NotificationFactory().pk])
    [message] = mail.outbox
    assert "https://palliare.example/notifications/" in message.body
    assert "//notifications" not in message.body


def test_email_task_is_idempotent():
    notes = NotificationFactory.create_batch(2)
    ids = [n.pk for n in notes]
    assert tasks.send_notification_emails.call(ids) == 2
    assert tasks.send_notification_emails.call(ids) == 0
    assert len(mail.outbox) == 2
    already = NotificationFactory(emailed=True)
    assert tasks.send_notification_emails.call([already.pk, 999_999]) == 0
    assert len(mail.outbox) == 2


def test_no_email_without_an_address_and_the_others_still_get_theirs():
    without = NotificationFactory(recipient=UserFactory(email=""))
    with_address = NotificationFactory()
    assert tasks.send_notification_emails.call([without.pk, with_address.pk]) == 1
    assert [m.to for m in mail.outbox] == [[with_address.recipient.email]]
    without.refresh_from_db()
    assert without.emailed_at is None  # nothing was sent: nothing is recorded as sent


def test_no_email_to_a_deactivated_account():
    gone = NotificationFactory(recipient=UserFactory(is_active=False))
    assert tasks.send_notification_emails.call([gone.pk]) == 0
    assert mail.outbox == []
    gone.refresh_from_db()
    assert gone.emailed_at is None


def test_a_refused_address_does_not_hold_back_the_others(monkeypatch):
    import smtplib

    from django.core import mail as django_mail

    bad = UserFactory(email="bestaat-niet@example.invalid")
    now = timezone.now()
    notes = [
        NotificationFactory(created_at=now - dt.timedelta(minutes=2)),
        NotificationFactory(recipient=bad, created_at=now - dt.timedelta(minutes=1)),
        NotificationFactory(created_at=now),
    ]
    real_send_mail = django_mail.send_mail

    def send_mail(subject, body, sender, recipients, **kwargs):
        if recipients == [bad.email]:
            raise smtplib.SMTPRecipientsRefused({bad.email: (550, b"no such user")})
        return real_send_mail(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    assert tasks.send_notification_emails.call([n.pk for n in notes]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [notes[0].recipient.email, notes[2].recipient.email]
    )
    emailed = Notification.objects.filter(emailed_at__isnull=False).values_list("pk", flat=True)
    assert set(emailed) == {notes[0].pk, notes[2].pk}  # the refused one can be tried again


# --- services.mark_read and attach_patient_names ----------------------------------------------


def test_mark_read_touches_only_the_actors_own_notifications(gp, nurse):
    mine = NotificationFactory.create_batch(2, recipient=gp.user)
    earlier = timezone.now() - dt.timedelta(days=3)
    already = NotificationFactory(recipient=gp.user, read_at=earlier)
    theirs = NotificationFactory(recipient=nurse.user)

    assert services.mark_read(gp, [mine[0].pk, theirs.pk]) == 1
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    assert Notification.objects.get(pk=mine[1].pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    assert services.mark_read(gp) == 1  # only the one still unread
    assert Notification.objects.get(pk=mine[1].pk).read_at is not None
    assert Notification.objects.get(pk=already.pk).read_at == earlier  # not re-stamped
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert services.mark_read(ANONYMOUS) == 0


def test_patient_names_only_for_patients_visible_now_and_logged(gp, practice):
    own = PatientFactory(gp_practice=practice, family_name="Eigenpraktijk")
    elsewhere = PatientFactory(family_name="Elders")
    notes = [
        NotificationFactory(recipient=gp.user, patient_id=own.pk),
        NotificationFactory(recipient=gp.user, patient_id=elsewhere.pk),
        NotificationFactory(recipient=gp.user, patient_id=None),
        NotificationFactory(recipient=gp.user, patient_id=999_999),  # patient no longer there
    ]
    services.attach_patient_names(gp, notes)
    assert [n.patient_name for n in notes] == [own.full_name, "", "", ""]
    [event] = AuditEvent.objects.filter(event_type="notifications.patients_shown")
    assert event.patient_ids == f",{own.pk},"
    assert event.actor_user_id == gp.user.pk


def test_no_access_log_entry_when_no_patient_is_named(gp):
    notes = [NotificationFactory(recipient=gp.user, patient_id=PatientFactory().pk)]
    services.attach_patient_names(gp, notes)
    assert notes[0].patient_name == ""
    assert not AuditEvent.objects.filter(event_type="notifications.patients_shown").exists()


# --- views -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login():
    from django.test import Client

    NotificationFactory(title="Geheim")
    for response in (Client().get(LIST_URL), Client().post(MARK_ALL_URL)):
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize(
    ("role_code", "org_type"),
    [
        (RoleCode.GP, OrganizationType.GP_PRACTICE),
        (RoleCode.DISTRICT_NURSE, OrganizationType.DISTRICT_NURSING),
        (RoleCode.OUT_OF_HOURS_GP, OrganizationType.OUT_OF_HOURS_GP_POST),
        (RoleCode.PRIVACY_OFFICER, OrganizationType.NETWORK_OFFICE),
        (RoleCode.STEERING_GROUP, OrganizationType.NETWORK_OFFICE),
    ],
)
def test_every_professional_sees_only_their_own_notifications(
    make_actor, client_for, role_code, org_type
):
    me = make_actor(role_code, type=org_type)
    other = make_actor(role_code, type=org_type)
    NotificationFactory(recipient=me.user, title="Voor mij bestemd")
    NotificationFactory(recipient=other.user, title="Voor een ander bestemd")
    response = client_for(me).get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voor mij bestemd" in html
    assert "Voor een ander bestemd" not in html
    assert [n.recipient_id for n in response.context["page"].object_list] == [me.user.pk]


def test_list_shows_newest_first_marks_unread_and_names_visible_patients(gp, practice, client_for):
    patient = PatientFactory(gp_practice=practice, family_name="Zichtbaarveld")
    hidden = PatientFactory(family_name="Onzichtbaarveld")
    now = timezone.now()
    NotificationFactory(
        recipient=gp.user, title="Oud en gelezen", created_at=now - dt.timedelta(days=2), read=True
    )
    NotificationFactory(
        recipient=gp.user,
        title="Nieuw over patiënt",
        url="/ergens/",
        patient_id=patient.pk,
        created_at=now,
    )
    NotificationFactory(
        recipient=gp.user,
        title="Over een ander",
        patient_id=hidden.pk,
        created_at=now - dt.timedelta(days=1),
    )
    response = client_for(gp).get(LIST_URL)
    titles = [n.title for n in response.context["page"].object_list]
    assert titles == ["Nieuw over patiënt", "Over een ander", "Oud en gelezen"]
    html = response.content.decode()
    newest = response.context["page"].object_list[0]
    assert f'href="{reverse("notifications:open", args=[newest.pk])}"' in html
    assert "Zichtbaarveld" in html
    assert "Onzichtbaarveld" not in html
    assert html.count('class="unread"') == 2
    assert "Alles als gelezen markeren" in html


def test_empty_list_says_so(gp, client_for):
    html = client_for(gp).get(LIST_URL).content.decode()
    assert "Geen meldingen." in html


def test_list_pages_by_thirty_and_bad_page_numbers_do_not_fail(gp, client_for):
    now = timezone.now()
    for i in range(35):
        NotificationFactory(
            recipient=gp.user, title=f"Bericht {i:02}", created_at=now - dt.timedelta(minutes=i)
        )
    client = client_for(gp)
    first = client.get(LIST_URL).context["page"]
    second = client.get(LIST_URL, {"page": 2}).context["page"]
    assert len(first.object_list) == 30
    assert [n.title for n in second.object_list] == [f"Bericht {i:02}" for i in range(30, 35)]
    for bad, number in (("abc", 1), ("999", 2), ("-1", 2), ("", 1)):
        response = client.get(LIST_URL, {"page": bad})
        assert response.status_code == 200
        assert response.context["page"].number == number


def test_mark_all_read_marks_only_mine(gp, nurse, client_for):
    mine = NotificationFactory.create_batch(3, recipient=gp.user)
    theirs = NotificationFactory(recipient=nurse.user)
    response = client_for(gp).post(MARK_ALL_URL)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(gp, client_for):
    note = NotificationFactory(recipient=gp.user, url="/patients/12/")
    other = NotificationFactory(recipient=gp.user)
    response = client_for(gp).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/patients/12/"
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None  # only the one opened


def test_opening_someone_elses_notification_is_404_and_changes_nothing(gp, nurse, client_for):
    theirs = NotificationFactory(recipient=nurse.user, url="/patients/12/")
    response = client_for(gp).get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize("url", ["", "https://elders.example/pad", "//elders.example/pad"])
def test_a_notification_without_a_local_address_opens_the_list(gp, client_for, url):
    note = NotificationFactory(recipient=gp.user, url=url)
    response = client_for(gp).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_all_read_needs_post(gp, client_for):
    NotificationFactory(recipient=gp.user)
    assert client_for(gp).get(MARK_ALL_URL).status_code == 405
    assert Notification.objects.get().read_at is None


def test_unknown_notification_addresses_answer_404(gp, client_for):
    client = client_for(gp)
    note = NotificationFactory(recipient=gp.user)
    for url in (f"{LIST_URL}{note.pk}/", f"{LIST_URL}read/{note.pk}/", f"{LIST_URL}abc/"):
        assert client.get(url).status_code == 404


# --- the start page section --------------------------------------------------------------------


def _home(client) -> str:
    response = client.get(reverse("ui:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_start_page_shows_my_newest_unread_notifications(gp, nurse, practice, client_for):
    patient = PatientFactory(gp_practice=practice, family_name="Startpaginaveld")
    now = timezone.now()
    for i in range(10):
        NotificationFactory(
            recipient=gp.user, title=f"Ongelezen {i}", created_at=now - dt.timedelta(minutes=i)
        )
    NotificationFactory(recipient=gp.user, title="Over patiënt", patient_id=patient.pk)
    NotificationFactory(recipient=gp.user, title="Al gelezen", read=True)
    NotificationFactory(recipient=nurse.user, title="Voor de verpleegkundige")

    from palliare.notifications.worklist import unread_notifications

    section = unread_notifications(gp)
    assert section is not None
    assert section.count == 11
    titles = [n.title for n in section.context["items"]]
    assert titles == ["Over patiënt"] + [f"Ongelezen {i}" for i in range(7)]

    html = _home(client_for(gp))
    assert 'data-section="notifications"' in html
    assert "Over patiënt" in html and "Startpaginaveld" in html
    assert "Ongelezen 6" in html and "Ongelezen 7" not in html
    assert "Al gelezen" not in html
    assert "Voor de verpleegkundige" not in html
    assert f'href="{LIST_URL}"' in html


def test_no_section_without_unread_notifications(gp, client_for):
    from palliare.notifications.worklist import unread_notifications

    NotificationFactory(recipient=gp.user, read=True)
    assert unread_notifications(gp) is None
    assert unread_notifications(ANONYMOUS) is None
    assert 'data-section="notifications"' not in _home(client_for(gp))


# --- query counts ------------------------------------------------------------------------------


def _fill(actor, practice, n: int) -> None:
    for _ in range(n):
        visible = PatientFactory(gp_practice=practice)
        NotificationFactory(recipient=actor.user, patient_id=visible.pk)
        NotificationFactory(recipient=actor.user, patient_id=PatientFactory().pk)  # not visible


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [LIST_URL, reverse("ui:home")])
def test_queries_do_not_grow_with_the_number_of_notifications(gp, practice, client_for, url):
    client = client_for(gp)
    _fill(gp, practice, 2)
    _count(client, url)  # warm up: per-process caches fill on the first request
    small = _count(client, url)
    _fill(gp, practice, 20)
    assert _count(client, url) == small


def test_notifications_made_at_the_same_moment_keep_one_order_across_pages(gp, client_for):
    """One change notifies in one transaction, so many notifications share their time: the
    newest-first order breaks ties by id, so a page never repeats or skips one."""
    same_moment = timezone.now()
    made = NotificationFactory.create_batch(35, recipient=gp.user, created_at=same_moment)
    client = client_for(gp)
    shown = [
        note.pk
        for number in (1, 2)
        for note in client.get(LIST_URL, {"page": number}).context["page"].object_list
    ]
    assert shown == sorted((n.pk for n in made), reverse=True)
