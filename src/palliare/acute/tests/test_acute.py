"""The acute path: acute-care roles find one patient by BSN or name + date of birth (never a
guess when several match), see the summary only with consent to share with acute care or their
own time-limited emergency access (with a reason), and every search and opening is logged with
that legal ground. The privacy officer reviews each emergency access with a conclusion and
produces the patient's access report as a page, CSV and PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from palliare.accounts.permissions import RoleCode
from palliare.acute import access, services
from palliare.acute.constants import EmergencyReason, ReviewConclusion
from palliare.acute.factories import EmergencyAccessFactory
from palliare.acute.models import EmergencyAccess
from palliare.audit.models import AuditEvent
from palliare.careplans.factories import CarePlanFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, PostcodeAreaFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db

#: A complete emergency-access form: a reason code, a sentence and the confirmation.
EMERGENCY_FORM = {
    "reason_code": EmergencyReason.UNABLE_TO_CONSENT,
    "reason": "Bewusteloos aangetroffen, familie onbereikbaar.",
    "understood": "on",
}


@pytest.fixture
def hap(make_actor):
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST)
    return make_actor(RoleCode.OUT_OF_HOURS_GP, organization=post)


@pytest.fixture
def shared_patient():
    plan = CarePlanFactory()
    ConsentFactory(patient=plan.patient, scope=ConsentScope.ACUTE_CARE)
    return plan.patient


def found_url(client, patient) -> str:
    """The summary's address as the search gives it (with this session's found token)."""
    response = client.post(reverse("acute:search"), {"bsn": patient.bsn})
    assert response.status_code == 302
    return response["Location"]


def test_search_by_bsn_opens_summary_with_consent(hap, shared_patient, client_for):
    client = client_for(hap)
    response = client.post(reverse("acute:search"), {"bsn": shared_patient.bsn})
    assert response["Location"].startswith(
        reverse("acute:summary", args=[shared_patient.pk]) + "?found="
    )
    page = client.get(response["Location"]).content.decode()
    assert "Reanimatie" in page and "nee, niet doen" in page
    assert "Versie 1 van" in page
    read = AuditEvent.objects.get(event_type="acute.summary_read")
    assert read.purpose == "consent" and read.patient_id == shared_patient.pk
    assert read.details["via"] == "search"


def test_name_search_never_guesses(hap, client_for):
    dob = dt.date(1938, 1, 2)
    PostcodeAreaFactory(pc4="9401")
    PostcodeAreaFactory(pc4="7811")
    a = PatientFactory(family_name="Jansen", date_of_birth=dob, postcode="9401 AA")
    PatientFactory(family_name="Jansen", date_of_birth=dob, postcode="7811 BB")
    client = client_for(hap)
    data = {"family_name": "jansen", "date_of_birth": dob.isoformat()}
    response = client.post(reverse("acute:search"), data)
    assert response.status_code == 200
    assert "Meer patiënten hebben deze naam en geboortedatum" in response.content.decode()
    response = client.post(reverse("acute:search"), data | {"postcode": "9401AA"})
    assert response["Location"].startswith(reverse("acute:summary", args=[a.pk]) + "?found=")


def test_search_without_enough_detail_and_unknown(hap, client_for):
    client = client_for(hap)
    response = client.post(reverse("acute:search"), {"family_name": "Jansen"})
    assert "Vul het BSN in" in response.content.decode()
    response = client.post(reverse("acute:search"), {"bsn": "123456782"})
    assert "Geen patiënt gevonden" in response.content.decode()


def test_without_consent_no_shared_plan_then_emergency_access(hap, client_for):
    plan = CarePlanFactory()
    patient = plan.patient
    client = client_for(hap)
    summary = found_url(client, patient)
    page = client.get(summary).content.decode()
    assert "Geen gedeeld plan" in page
    assert "Reanimatie" not in page
    denied = AuditEvent.objects.get(event_type="acute.no_shared_plan")
    assert denied.outcome == "denied"
    # No reason: refused, nothing opened.
    emergency = summary.replace("/?found=", "/emergency/?found=")
    response = client.post(emergency, {"reason_code": ""})
    assert response.status_code == 200 and not EmergencyAccess.objects.exists()
    response = client.post(
        emergency,
        EMERGENCY_FORM,
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="emergency-banner"' in page and "geldig tot" in page
    grant = EmergencyAccess.objects.get()
    assert (grant.expires_at - grant.started_at) == dt.timedelta(hours=4)
    started = AuditEvent.objects.get(event_type="acute.emergency_access_started")
    assert started.purpose == "emergency" and "familie onbereikbaar" in started.reason
    read = AuditEvent.objects.filter(event_type="acute.summary_read").get()
    assert read.purpose == "emergency" and read.reason == grant.reason


def test_emergency_access_expires_and_is_personal(hap, make_actor, client_for):
    grant = EmergencyAccessFactory(expired=True, user=hap.user, organization=hap.organization)
    with pytest.raises(access.NoSharedPlan):
        access.open_acute_summary(hap, grant.patient_id)
    other = make_actor(RoleCode.AMBULANCE)
    EmergencyAccessFactory(patient=grant.patient, user=hap.user, organization=hap.organization)
    with pytest.raises(access.NoSharedPlan):
        access.open_acute_summary(other, grant.patient_id)
    assert access.open_acute_summary(hap, grant.patient_id).purpose == "emergency"


def test_acute_path_requires_acute_permission(make_actor, shared_patient):
    gp = make_actor(RoleCode.GP, organization=shared_patient.gp_practice)
    with pytest.raises(PermissionDenied):
        access.open_acute_summary(gp, shared_patient.pk)
    with pytest.raises(PermissionDenied):
        services.search(gp, bsn=shared_patient.bsn)


def test_emergency_access_needs_a_reason(hap):
    patient = PatientFactory()
    with pytest.raises(ValidationError):
        services.start_emergency_access(
            hap, patient, reason_code=EmergencyReason.OTHER, reason="kort"
        )


def test_qr_code_leads_to_summary(hap, shared_patient, client_for):
    plan = shared_patient.care_plan
    client = client_for(hap)
    response = client.get(reverse("acute:plan_code", args=[plan.identifier]))
    assert response["Location"].startswith(
        reverse("acute:summary", args=[shared_patient.pk]) + "?found="
    )
    assert "Reanimatie" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.get(event_type="acute.summary_read").details == {"via": "qr"}


def test_privacy_officer_reviews_and_reports(make_actor, client_for):
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    grant = EmergencyAccessFactory()
    client = client_for(privacy)
    queue = client.get(reverse("acute:review_queue")).content.decode()
    assert grant.reason in queue
    response = client.post(
        reverse("acute:review", args=[grant.pk]), {"conclusion": ReviewConclusion.NOT_JUSTIFIED}
    )
    assert "Licht de conclusie" in response.content.decode()
    response = client.post(
        reverse("acute:review", args=[grant.pk]), {"conclusion": ReviewConclusion.JUSTIFIED}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.review.conclusion == "justified"
    assert grant.reason not in client.get(reverse("acute:review_queue")).content.decode()


def test_review_queue_query_count_is_flat(make_actor, client_for):
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    client = client_for(privacy)
    EmergencyAccessFactory.create_batch(2)
    client.get(reverse("acute:review_queue"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("acute:review_queue"))
    EmergencyAccessFactory.create_batch(6)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("acute:review_queue"))
    assert len(large) == len(small)


def test_start_page_has_search_for_acute_roles(hap, client_for):
    home = client_for(hap).get(reverse("ui:home")).content.decode()
    assert 'data-section="acute_search"' in home


@pytest.fixture
def unshared_patient():
    """A patient with a care plan but no consent to share it with acute care."""
    PostcodeAreaFactory(pc4="9401")
    return CarePlanFactory(
        patient__given_name="Wilhelmina",
        patient__family_name="Zwanenburg",
        patient__street="Kerkstraat",
        patient__house_number="12",
        patient__postcode="9401 AB",
        patient__city="Assen",
        patient__gp_practice__name="Praktijk De Linde",
        patient__gp_practice__phone="0592 123 456",
    ).patient


def _identity(patient):
    return {
        "name": patient.family_name,
        "date of birth": patient.date_of_birth.strftime("%-d-%-m-%Y"),
        "bsn": patient.bsn,
        "street": patient.street,
        "postcode": patient.postcode,
        "gp practice": patient.gp_practice.name,
    }


@pytest.mark.parametrize("consent", [True, False])
def test_summary_by_address_alone_is_refused_and_logged(hap, unshared_patient, client_for, consent):
    """Acute roles must not walk the register by record number: /acute/patients/<pk>/ typed,
    copied or with a made-up ``via`` opens nothing (with consent it used to show the whole
    summary, logged as a search), reads nothing and sends the user to the search."""
    patient = unshared_patient
    if consent:
        ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    client = client_for(hap)
    for url in (
        reverse("acute:summary", args=[patient.pk]),
        reverse("acute:summary", args=[patient.pk]) + "?via=search",
        reverse("acute:summary", args=[patient.pk]) + "?via=notification",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("acute:search")
    page = client.get(reverse("acute:search")).content.decode()
    assert "Zoek de patiënt" in page
    for what, value in _identity(patient).items():
        assert value not in page, what
    assert not AuditEvent.objects.filter(
        event_type__in=["acute.summary_read", "acute.no_shared_plan"]
    ).exists()
    refused = AuditEvent.objects.filter(event_type="acute.open_refused")
    assert refused.count() == 3
    assert {(e.patient_id, e.outcome, e.details["opening"]) for e in refused} == {
        (patient.pk, "denied", "summary")
    }


def test_emergency_access_by_address_alone_is_refused(hap, unshared_patient, client_for):
    """Breaking the glass needs the patient found first: a POST to a patient's emergency
    address opens nothing and shows nothing about the patient."""
    client = client_for(hap)
    url = reverse("acute:emergency", args=[unshared_patient.pk])
    response = client.post(
        url,
        EMERGENCY_FORM,
        follow=True,
    )
    assert not EmergencyAccess.objects.exists()
    page = response.content.decode()
    for what, value in _identity(unshared_patient).items():
        assert value not in page, what
    event = AuditEvent.objects.get(event_type="acute.open_refused")
    assert event.details == {"opening": "emergency"}


def test_a_notification_opens_no_patient(hap, shared_patient, client_for):
    """Acute care is not notified of plan changes any more, and a notification made before
    (even one sent to this user about this patient, minutes ago) opens nothing: the summary
    opens only through the search or the printed copy (issue 18 item 2, decision 0011)."""
    from palliare.notifications.models import Notification

    url = reverse("acute:summary", args=[shared_patient.pk]) + "?via=notification"
    Notification.objects.create(
        recipient=hap.user, kind="careplans.acute_version.1", url=url, patient_id=shared_patient.pk
    )
    response = client_for(hap).get(url)
    assert response.status_code == 302 and response["Location"] == reverse("acute:search")
    assert not AuditEvent.objects.filter(event_type="acute.summary_read").exists()
    refused = AuditEvent.objects.get(event_type="acute.open_refused")
    assert refused.patient_id == shared_patient.pk


def test_no_shared_plan_after_search_shows_name_and_birth_date_only(
    hap, unshared_patient, client_for
):
    client = client_for(hap)
    found = client.post(reverse("acute:search"), {"bsn": unshared_patient.bsn})
    page = client.get(found["Location"]).content.decode()
    identity = _identity(unshared_patient)
    assert identity["name"] in page and identity["date of birth"] in page
    assert identity["gp practice"] in page  # the practice to call
    for what in ("bsn", "street", "postcode"):
        assert identity[what] not in page, what
    event = AuditEvent.objects.get(event_type="acute.no_shared_plan")
    assert event.details["identity_shown"] is True


def test_found_token_works_only_in_its_own_session_and_for_its_patient(
    hap, unshared_patient, client_for
):
    """The search marks the patient as found with a signed token in the redirect URL (no
    session write); the token identifies nothing in another session or for another patient."""
    client = client_for(hap)
    session_key = client.session.session_key
    stored = Session.objects.get(session_key=session_key).session_data
    found = client.post(reverse("acute:search"), {"bsn": unshared_patient.bsn})
    assert Session.objects.get(session_key=session_key).session_data == stored
    token = found["Location"].split("?found=", 1)[1]
    name = _identity(unshared_patient)["name"]
    other_session = client_for(hap)
    assert other_session.get(found["Location"]).status_code == 302
    other = CarePlanFactory(
        patient__given_name="Berendina", patient__family_name="Oosterhuis"
    ).patient
    url = reverse("acute:summary", args=[other.pk]) + "?found=" + token
    assert client.get(url).status_code == 302
    tampered = reverse("acute:summary", args=[unshared_patient.pk]) + "?found=x" + token
    assert client.get(tampered).status_code == 302
    assert name in client.get(found["Location"]).content.decode()


def test_invalid_emergency_request_after_search_keeps_the_identity(
    hap, unshared_patient, client_for
):
    client = client_for(hap)
    found = client.post(reverse("acute:search"), {"bsn": unshared_patient.bsn})
    page = client.get(found["Location"]).content.decode()
    token = found["Location"].split("?found=", 1)[1]
    assert f"?found={token}" in page  # the emergency form posts the token back
    url = reverse("acute:emergency", args=[unshared_patient.pk]) + "?found=" + token
    response = client.post(url, {"reason_code": ""})
    assert _identity(unshared_patient)["name"] in response.content.decode()


def test_invalid_emergency_request_is_logged(hap, unshared_patient, client_for):
    """An emergency-access POST without a reason used to read the patient without a log entry;
    the form comes back with its errors through the logged acute path."""
    client = client_for(hap)
    url = found_url(client, unshared_patient).replace("/?found=", "/emergency/?found=")
    response = client.post(url, {"reason_code": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Geen gedeeld plan" in page
    assert not EmergencyAccess.objects.exists()
    events = AuditEvent.objects.filter(event_type="acute.no_shared_plan")
    assert events.count() == 1
    assert events.get().patient_id == unshared_patient.pk and events.get().outcome == "denied"
    assert events.get().details["via"] == "search"
    # Another patient's emergency address, without having found them: refused, not read.
    missing = reverse("acute:emergency", args=[unshared_patient.pk + 1000])
    assert client.post(missing, {"reason_code": ""})["Location"] == reverse("acute:search")
    huge = reverse("acute:emergency", args=[2**70])
    assert client.post(huge, {}).status_code == 404


def test_own_emergency_access_cannot_be_reviewed_by_oneself(make_actor, client_for):
    """Someone who is both a GP-post doctor and a privacy officer (two memberships) cannot
    judge their own break-the-glass: the queue says another officer reviews it, and the
    review is refused with a message."""
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    grant = EmergencyAccessFactory(user=privacy.user)
    with pytest.raises(ValidationError) as refused:
        services.review_emergency_access(
            privacy, grant, conclusion=ReviewConclusion.JUSTIFIED, note=""
        )
    assert refused.value.code == "own"
    client = client_for(privacy)
    queue = client.get(reverse("acute:review_queue")).content.decode()
    assert 'data-testid="own-access"' in queue
    assert reverse("acute:review", args=[grant.pk]) not in queue
    response = client.post(
        reverse("acute:review", args=[grant.pk]), {"conclusion": ReviewConclusion.JUSTIFIED}
    )
    assert response.status_code == 200
    assert "andere privacyfunctionaris" in response.content.decode()
    assert not hasattr(EmergencyAccess.objects.get(pk=grant.pk), "review")


def test_privacy_officer_notification_is_in_dutch_whatever_the_doctor_reads(
    hap, make_actor, django_capture_on_commit_callbacks
):
    """The notification title is stored once for the officers, in the network's language."""
    from palliare.notifications.models import Notification

    make_actor(RoleCode.PRIVACY_OFFICER)
    patient = PatientFactory()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.start_emergency_access(
            hap,
            patient,
            reason_code=EmergencyReason.UNABLE_TO_CONSENT,
            reason="Bewusteloos aangetroffen, familie onbereikbaar.",
        )
    titles = set(
        Notification.objects.filter(kind="acute.emergency_access").values_list("title", flat=True)
    )
    assert titles == {"Noodtoegang gebruikt: te beoordelen"}


def test_opening_an_emergency_access_to_review_it_is_logged(make_actor, client_for):
    """The review page names the patient: a read with the privacy-review legal ground."""
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    grant = EmergencyAccessFactory()
    client = client_for(privacy)
    page = client.get(reverse("acute:review", args=[grant.pk])).content.decode()
    assert grant.patient.family_name in page
    event = AuditEvent.objects.get(event_type="acute.review_read")
    assert event.patient_id == grant.patient_id and event.purpose == "privacy_review"
    assert event.subject_id == str(grant.pk)
    invalid = client.post(reverse("acute:review", args=[grant.pk]), {"conclusion": ""})
    assert invalid.status_code == 200
    assert AuditEvent.objects.filter(event_type="acute.review_read").count() == 2
    report = client.get(reverse("audit:access_report", args=[grant.patient_id])).content.decode()
    assert "heeft een noodtoegang geopend om die te beoordelen" in report


def test_double_review_is_refused_with_a_message(make_actor, client_for, monkeypatch):
    """A double submit (or two officers at once) used to end in an IntegrityError (500) when
    both passed the "already reviewed?" check before either saved."""
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    grant = EmergencyAccessFactory()
    client = client_for(privacy)
    url = reverse("acute:review", args=[grant.pk])
    assert client.post(url, {"conclusion": ReviewConclusion.JUSTIFIED}).status_code == 302
    again = client.post(url, {"conclusion": ReviewConclusion.JUSTIFIED})
    assert again.status_code == 200 and "al beoordeeld" in again.content.decode()
    # The race: the other submit's review lands after this one's "already reviewed?" check.
    from django.db.models import QuerySet

    from palliare.acute.models import EmergencyAccessReview

    real_exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet,
        "exists",
        lambda qs: False if qs.model is EmergencyAccessReview else real_exists(qs),
    )
    client.raise_request_exception = False
    raced = client.post(url, {"conclusion": ReviewConclusion.JUSTIFIED})
    assert raced.status_code == 200 and "al beoordeeld" in raced.content.decode()
    with pytest.raises(ValidationError):
        services.review_emergency_access(privacy, grant, conclusion=ReviewConclusion.JUSTIFIED)
    assert AuditEvent.objects.filter(event_type="acute.emergency_access_reviewed").count() == 1


def test_summary_reads_patient_consent_and_plan_in_one_query(hap, shared_patient, client_for):
    """The 3 a.m. path: the patient, the consent check and the current plan version come in one
    query; the care team in one more; the count does not grow with the team."""
    from palliare.patients.factories import CareTeamMemberFactory

    client = client_for(hap)
    url = found_url(client, shared_patient)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    patient_queries = [q["sql"] for q in small if 'FROM "patients_patient"' in q["sql"]]
    assert len(patient_queries) == 1
    assert "careplans_careplanversion" in patient_queries[0]
    assert "patients_consent" in patient_queries[0]
    assert not [q for q in small if q["sql"].startswith('SELECT "careplans_careplan"')]
    # The role's permissions come with the membership; the access-log row is written with
    # plain statements: one on PostgreSQL (lock, number, hash and insert), three on SQLite.
    assert not [q for q in small if q["sql"].startswith('SELECT "accounts_rolepermission"')]
    log_writes = [q["sql"] for q in small if '"audit_audit' in q["sql"]]
    assert len(log_writes) == (1 if connection.vendor == "postgresql" else 3)
    CareTeamMemberFactory.create_batch(4, patient=shared_patient)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_expired_search_on_emergency_form_says_so(hap, unshared_patient, client_for, monkeypatch):
    """The emergency form submitted more than 12 hours after the search: nothing opens, the
    user is told the search expired (not "search first"), and the log says why."""
    import time

    from django.core import signing

    class ThirteenHoursAgo:
        @staticmethod
        def time() -> float:
            return time.time() - 13 * 3600

    client = client_for(hap)
    with monkeypatch.context() as past:
        past.setattr(signing, "time", ThirteenHoursAgo)  # the search's token is signed then
        url = found_url(client, unshared_patient).replace("/?found=", "/emergency/?found=")
    response = client.post(
        url,
        EMERGENCY_FORM,
        follow=True,
    )
    assert not EmergencyAccess.objects.exists()
    assert "Uw zoekopdracht is verlopen" in response.content.decode()
    event = AuditEvent.objects.get(event_type="acute.open_refused")
    assert event.details == {"opening": "emergency", "token": "expired"}


def test_found_token_does_not_survive_a_switch_of_organisation(hap, shared_patient, client_for):
    """Searched under one organisation, opened under another: the opening would be logged for
    an organisation that never searched. After a switch, the user searches again."""
    from palliare.accounts.factories import role
    from palliare.organizations.factories import MembershipFactory

    other = MembershipFactory(
        professional=hap.membership.professional,
        organization=OrganizationFactory(type=OrganizationType.HOSPITAL),
        role=role(RoleCode.EMERGENCY_PHYSICIAN),
    )
    client = client_for(hap)
    url = found_url(client, shared_patient)
    client.post(reverse("accounts:switch_membership"), {"membership": other.pk})
    assert client.get(url)["Location"] == reverse("acute:search")
    assert not AuditEvent.objects.filter(event_type="acute.summary_read").exists()
