"""The training pages: a professional registers from the list, lands on the waiting list when
full, cancels, downloads the certificate only when present and evaluates; another's registration
is not found; the organiser sees places taken, records attendance, manages courses, sessions and
knowledge carriers and sees the year's figures with small numbers suppressed; the start page
shows the coming sessions and one's own registrations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.organizations.factories import OrganizationFactory
from palliare.training import services
from palliare.training.constants import RegistrationStatus
from palliare.training.factories import CourseFactory, SessionFactory
from palliare.training.models import Course, KnowledgeCarrier, Registration, Session

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_shows_sessions_and_registers(client_for, nurse):
    session = SessionFactory(places=1, course=CourseFactory(title="Gespreksvoering ACP"))
    client = client_for(nurse)
    assert "Gespreksvoering ACP" in _text(client.get(reverse("training:list")))
    response = client.post(reverse("training:register", args=[session.pk]), follow=True)
    assert "U bent aangemeld" in _text(response)
    assert Registration.objects.get().status == RegistrationStatus.REGISTERED


def test_full_session_waiting_list_message(client_for, nurse, other_nurse):
    session = SessionFactory(places=1)
    services.register(session, actor=other_nurse)
    response = client_for(nurse).post(reverse("training:register", args=[session.pk]), follow=True)
    text = _text(response)
    assert "wachtlijst" in text
    assert "nummer 1" in text


def test_past_and_double_registration_give_messages(client_for, nurse):
    past = SessionFactory(past=True)
    client = client_for(nurse)
    text = _text(client.post(reverse("training:register", args=[past.pk]), follow=True))
    assert "niet meer aanmelden" in text
    session = SessionFactory()
    client.post(reverse("training:register", args=[session.pk]))
    text = _text(client.post(reverse("training:register", args=[session.pk]), follow=True))
    assert "al aangemeld" in text
    assert Registration.objects.filter(session=session).count() == 1


def test_cancel_own_and_not_anothers(client_for, nurse, other_nurse):
    session = SessionFactory()
    mine = services.register(session, actor=nurse).registration
    theirs = services.register(session, actor=other_nurse).registration
    client = client_for(nurse)
    assert client.post(reverse("training:cancel", args=[theirs.pk])).status_code == 404
    client.post(reverse("training:cancel", args=[mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert theirs.status == RegistrationStatus.REGISTERED


def _attend(session, coordinator, registrations):
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    services.record_attendance(session, actor=coordinator, present={r.pk for r in registrations})


def test_certificate_only_when_present(client_for, nurse, other_nurse, coordinator):
    session = SessionFactory(course=CourseFactory(title="Basiscursus"))
    mine = services.register(session, actor=nurse).registration
    absent = services.register(session, actor=other_nurse).registration
    _attend(session, coordinator, [mine])
    response = client_for(nurse).get(reverse("training:certificate", args=[mine.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    year = timezone.localtime(session.starts_at).year
    assert f'filename="certificaat-{year}-0001.pdf"' in response["Content-Disposition"]
    refused = client_for(other_nurse).get(
        reverse("training:certificate", args=[absent.pk]), follow=True
    )
    assert "aanwezig" in _text(refused)
    assert (
        client_for(other_nurse).get(reverse("training:certificate", args=[mine.pk])).status_code
        == 404
    )


def test_evaluation_page(client_for, nurse, coordinator):
    session = SessionFactory()
    mine = services.register(session, actor=nurse).registration
    _attend(session, coordinator, [mine])
    client = client_for(nurse)
    url = reverse("training:evaluate", args=[mine.pk])
    assert "1 = slecht" in _text(client.get(url))
    bad = client.post(url, {"rating": "9", "usefulness": "4"})
    assert bad.status_code == 200 and not hasattr(mine, "evaluation_set")
    response = client.post(url, {"rating": "4", "usefulness": "5", "comment": "<script>x</script>"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.evaluation.rating == 4
    again = client.post(url, {"rating": "4", "usefulness": "5"})
    assert "al geëvalueerd" in _text(again)


def test_organiser_sees_places_and_records_attendance(client_for, nurse, coordinator):
    session = SessionFactory(places=7, course=CourseFactory(title="Inspiratiesessie"))
    reg = services.register(session, actor=nurse).registration
    client = client_for(coordinator)
    text = _text(client.get(reverse("training:manage")))
    assert "Inspiratiesessie" in text
    detail = _text(client.get(reverse("training:manage_session", args=[session.pk])))
    assert nurse.membership.professional.full_name in detail
    refused = client.post(
        reverse("training:attendance", args=[session.pk]), {"present": [reg.pk]}, follow=True
    )
    assert "zodra de sessie is begonnen" in _text(refused)
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    client.post(
        reverse("training:attendance", args=[session.pk]), {"present": [str(reg.pk), "abc"]}
    )
    reg.refresh_from_db()
    assert reg.attended is True


def test_organiser_creates_course_and_session(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("training:course_create"),
        {
            "title": "Palliatieve sedatie",
            "accreditation_points": "2.5",
            "cost": "0",
            "target_disciplines": ["nurse", "general_practitioner"],
        },
    )
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.target_disciplines == ["nurse", "general_practitioner"]
    start = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "course": course.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": start.strftime("%Y-%m-%dT") + "23:59",
        "places": "24",
        "venue": "",
        "is_online": "",
    }
    missing_venue = client.post(reverse("training:session_create"), data)
    assert "Vul in waar" in _text(missing_venue)
    data["venue"] = "Wilhelmina Ziekenhuis Assen"
    assert client.post(reverse("training:session_create"), data).status_code == 302
    assert Session.objects.get().places == 24
    bad_end = {**data, "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}
    assert client.post(reverse("training:session_create"), bad_end).status_code == 200
    assert Session.objects.count() == 1


def test_knowledge_carriers_page(client_for, nurse, coordinator):
    org = OrganizationFactory(name="Zorggroep Oost")
    client = client_for(coordinator)
    response = client.post(
        reverse("training:carriers"),
        {
            "organization": org.pk,
            "professional": nurse.membership.professional.pk,
            "kind": "link_person",
            "topic": "Palliatieve zorg",
            "since": "2026-01-01",
        },
    )
    assert response.status_code == 302
    text = _text(client.get(reverse("training:carriers")))
    assert "Zorggroep Oost" in text and nurse.membership.professional.full_name in text
    carrier = KnowledgeCarrier.objects.get()
    client.post(reverse("training:carrier_end", args=[carrier.pk]))
    carrier.refresh_from_db()
    assert carrier.until is not None


def test_figures_page_suppresses_small_counts(client_for, make_actor, coordinator):
    org = OrganizationFactory(name="Kleine Praktijk")
    session = SessionFactory(places=10)
    regs = [
        services.register(session, actor=make_actor(RoleCode.GP, organization=org)).registration
        for _ in range(2)
    ]
    _attend(session, coordinator, regs)
    text = _text(
        client_for(coordinator).get(reverse("training:figures") + f"?year={session.starts_at.year}")
    )
    assert "Kleine Praktijk" in text and "&lt;5" in text
    assert _text(client_for(coordinator).get(reverse("training:figures") + "?year=x"))


def test_worklist_shows_training(client_for, nurse, other_nurse):
    session = SessionFactory(course=CourseFactory(title="Symposium Palliatieve Zorg"))
    text = _text(client_for(nurse).get(reverse("ui:home")))
    assert "Symposium Palliatieve Zorg" in text
    services.register(session, actor=nurse)
    text = _text(client_for(nurse).get(reverse("ui:home")))
    assert 'data-testid="worklist-training-mine"' in text


def test_list_query_count_independent_of_size(client_for, nurse, make_actor):
    client = client_for(nurse)
    SessionFactory()
    client.get(reverse("training:list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("training:list"))
    for _ in range(5):
        s = SessionFactory(places=1)
        services.register(s, actor=make_actor(RoleCode.DISTRICT_NURSE))
        services.register(s, actor=nurse)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("training:list"))
    assert len(large) == len(small)


def test_coordinator_sees_the_course_list_and_its_menu_entry(client_for, coordinator):
    """The network coordinator organises the courses and sees the list professionals see."""
    SessionFactory(course=CourseFactory(title="Basiscursus palliatieve zorg"))
    client = client_for(coordinator)
    response = client.get(reverse("training:list"))
    assert response.status_code == 200
    assert "Basiscursus palliatieve zorg" in response.content.decode()
    home = client.get(reverse("ui:home")).content.decode()
    assert f'href="{reverse("training:list")}"' in home
