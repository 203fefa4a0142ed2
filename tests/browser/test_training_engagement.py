"""Training, public events and the newsletter in a real browser: a professional registers for a
full session, lands on the waiting list, moves up when another cancels, is marked present and
downloads the certificate; an inhabitant registers for a 'Dood uit de Pot' evening, confirms
through the e-mailed link and cancels through the personal link; a visitor subscribes to the
newsletter, confirms, receives an edition and unsubscribes with one click; the coordinator sees
the campaign's coverage per municipality. The public pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from palliare.accounts.actors import actor_for
from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.engagement.constants import AttendeeStatus, Audience
from palliare.engagement.factories import EventFactory, NewsletterListFactory
from palliare.engagement.models import Attendee, Edition, Subscriber
from palliare.engagement.services import newsletter
from palliare.organizations.factories import MembershipFactory, MunicipalityFactory
from palliare.training import services as training
from palliare.training.constants import RegistrationStatus
from palliare.training.factories import CourseFactory, SessionFactory
from palliare.training.models import Registration

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _link(fragment: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S*" + re.escape(fragment) + r"\S*", body)
    assert match, body
    return _path(match.group(0))


def test_professional_waiting_list_moves_up_present_and_certificate(page):
    session = SessionFactory(places=1, course=CourseFactory(title="Gespreksvoering ACP"))
    other = MembershipFactory(role=role(RoleCode.GP))
    other_actor = actor_for(other.professional.user, other.pk)
    taken = training.register(session, actor=other_actor).registration
    nurse = MembershipFactory(role=role(RoleCode.DISTRICT_NURSE))
    log_in(page, nurse.professional.user)
    page.get_by_role("link", name="Gespreksvoering ACP").first.click()
    page.get_by_test_id("register").click()
    page.get_by_text("U staat op de wachtlijst (nummer 1)").wait_for()
    assert_accessible(page)
    mine = Registration.objects.get(professional=nurse.professional)
    assert mine.status == RegistrationStatus.WAITING

    training.cancel_registration(taken, actor=other_actor)
    page.reload()
    page.get_by_test_id("my-status").get_by_text(
        "U bent doorgeschoven van de wachtlijst"
    ).wait_for()
    assert any("Er is plaats voor u" in m.subject for m in mail.outbox)

    coordinator = actor_for(
        *(lambda m: (m.professional.user, m.pk))(
            MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR))
        )
    )
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    training.record_attendance(session, actor=coordinator, present={mine.pk})
    page.goto("/scholing/")
    with page.expect_download() as download:
        page.get_by_test_id(f"certificate-{mine.pk}").click()
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_inhabitant_registers_confirms_and_cancels(page):
    event = EventFactory(title="Dood uit de Pot Westerveld", places=20)
    page.goto("/netwerk/activiteiten/")
    assert_accessible(page)
    page.get_by_role("link", name="Dood uit de Pot Westerveld").click()
    assert_accessible(page)
    page.get_by_label("Uw naam").fill("Anna de Vries")
    page.get_by_label("Uw e-mailadres").fill("anna@example.org")
    page.get_by_test_id("register").click()
    page.get_by_test_id("check-mail").wait_for()
    assert "anna@example.org" not in page.content()
    page.goto(_link("/bevestigen/"))
    page.get_by_test_id("confirm").click()
    page.get_by_role("heading", name="U bent aangemeld").wait_for()
    assert_accessible(page)
    attendee = Attendee.objects.get(event=event)
    assert attendee.status == AttendeeStatus.CONFIRMED
    page.goto(_link("/afmelden/"))
    page.get_by_test_id("cancel").click()
    page.get_by_test_id("attendee-cancelled").wait_for()
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CANCELLED


def test_visitor_subscribes_receives_edition_and_unsubscribes(page):
    inhabitants = NewsletterListFactory(
        name="Nieuwsbrief voor inwoners", audience=Audience.INHABITANTS
    )
    page.goto("/netwerk/nieuwsbrief/")
    assert_accessible(page)
    page.get_by_label("Uw e-mailadres").fill("lezer@example.org")
    page.get_by_label("Nieuwsbrief voor inwoners").check()
    page.get_by_test_id("subscribe").click()
    page.get_by_test_id("check-mail").wait_for()
    page.goto(_link("/nieuwsbrief/bevestigen/"))
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("subscribed").wait_for()

    coordinator_m = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR))
    coordinator = actor_for(coordinator_m.professional.user, coordinator_m.pk)
    edition = newsletter.save_edition(
        Edition(
            subject="Nieuwsbrief december",
            blocks=[{"kind": "text", "title": "Nieuws", "body": "Hallo"}],
        ),
        actor=coordinator,
        lists=[inhabitants],
    )
    newsletter.start_sending(edition, actor=coordinator)  # the task runs on commit
    message = next(m for m in mail.outbox if m.subject == "Nieuwsbrief december")
    assert message.to == ["lezer@example.org"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    response = page.request.post(_path(url), form={"List-Unsubscribe": "One-Click"})
    assert response.ok
    assert not Subscriber.objects.get().is_active
    page.goto("/netwerk/nieuwsbrief/")
    page.get_by_role("link", name="Nieuwsbrief december").click()
    page.get_by_role("heading", name="Nieuws", exact=True).wait_for()
    assert_accessible(page)


def test_coordinator_sees_campaign_coverage(page):
    westerveld = MunicipalityFactory(name="Westerveld", gm_code="GM1701")
    MunicipalityFactory(name="Tynaarlo", gm_code="GM1730")
    for days in (-40, -20, 10, 30):
        EventFactory(municipality=westerveld, starts_at=timezone.now() + dt.timedelta(days=days))
    coordinator = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR))
    log_in(page, coordinator.professional.user)
    page.get_by_role("link", name="Activiteiten en nieuwsbrief").click()
    page.get_by_test_id("manage-coverage").get_by_text(
        "1 van de 2 gemeenten haalden het doel"
    ).wait_for()
    page.get_by_role("link", name="Kaart van de campagne").click()
    table = page.get_by_test_id("coverage-table")
    row = table.locator("tr[data-gm='GM1701']")
    assert row.get_by_role("cell").first.inner_text() == "2"
    expect(row.get_by_text("ja")).to_be_visible()
    assert "0 van 4" in table.locator("tr[data-gm='GM1730']").inner_text()
    expect(page.get_by_test_id("coverage-map")).to_be_visible()
    assert_accessible(page)
