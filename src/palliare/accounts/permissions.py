"""Permissions are an enum in code; roles are data that hold a set of them.

Deny by default: an actor has exactly the permissions of the role of the membership it acts
under. A role unknown to this module starts with no permissions; a permission string in the
database that is not in :class:`Permission` grants nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Permission(models.TextChoices):
    # Directory and administration
    VIEW_DIRECTORY = "directory.view", _("View the regional directory")
    MANAGE_DIRECTORY = "directory.manage", _("Maintain the regional directory")
    MANAGE_ACCOUNTS = "accounts.manage", _("Manage accounts, roles and memberships")
    USE_ADMIN = "admin.use", _("Use the administration screens")
    # Privacy and audit
    VIEW_ACCESS_LOG = "audit.view", _("View the access log")
    REVIEW_EMERGENCY_ACCESS = "audit.review_emergency", _("Review emergency access")
    # Patients and the palliative register
    VIEW_PATIENT = "patients.view", _("View patients through a care relationship")
    REGISTER_PATIENT = "patients.register", _("Register patients")
    MARK_PALLIATIVE = "patients.mark", _("Mark the palliative phase")
    SEND_SIGNAL = "patients.signal", _("Send signals about a patient")
    HANDLE_SIGNALS = "patients.handle_signals", _("Handle signals in the GP practice inbox")
    MANAGE_CONSENT = "patients.consent", _("Record and withdraw consent")
    MANAGE_CARE_TEAM = "patients.care_team", _("Manage the care team")
    REGISTER_DEATH = "patients.death", _("Register a death")
    MANAGE_MEETINGS = "meetings.manage", _("Prepare and minute PaTz/MDO meetings")
    # Care plans and acute care
    VIEW_CARE_PLAN = "careplans.view", _("View care plans")
    EDIT_CARE_PLAN = "careplans.edit", _("Record and change care plans")
    VIEW_ACUTE_SUMMARY = "acute.view", _("Open the acute summary (24/7)")
    EMERGENCY_ACCESS = "acute.emergency", _("Use emergency access")
    # Capacity, consultation and referral
    UPDATE_FACILITY_CAPACITY = "capacity.update", _("Update beds and admission status")
    UPDATE_INTAKE_STATUS = (
        "capacity.intake",
        _("Update whether a district-nursing organisation takes new clients, and its service area"),
    )
    MANAGE_QUALITY = (
        "capacity.quality",
        _("Maintain the quality requirements and record assessments"),
    )
    REQUEST_CONSULTATION = "consultations.request", _("Request a consultation")
    ANSWER_CONSULTATION = "consultations.answer", _("Answer consultation requests")
    MANAGE_ROTA = "consultations.rota", _("Maintain the consultation rota")
    SEND_REFERRAL = "referrals.send", _("Refer patients")
    RECEIVE_REFERRAL = "referrals.receive", _("Receive referrals")
    # Monitoring
    VIEW_REPORTS = "monitoring.view", _("View regional reports")
    DELIVER_FIGURES = "monitoring.deliver", _("Deliver KPI figures")
    MANAGE_KPIS = "monitoring.manage", _("Maintain the KPI catalogue and data sets")
    REVIEW_DELIVERIES = "monitoring.review", _("Accept or return organisations' deliveries")
    SET_TARGETS = "monitoring.targets", _("Set KPI targets (steering group decision)")
    ISSUE_REPORTS = "monitoring.issue", _("Issue the periodic regional report")
    # Programme and network
    VIEW_PROGRAMME = "programme.view", _("View the programme, governance and decisions")
    MANAGE_PROGRAMME = "programme.manage", _("Maintain the programme, governance and budget")
    RECORD_DECISIONS = "programme.decide", _("Record decisions of the steering group")
    EDIT_OWN_WORK_PLAN = (
        "programme.own_organisation",
        _("Maintain one's own organisation's work plan, progress and self-evaluation"),
    )
    # Training, events and the newsletter
    REGISTER_TRAINING = "training.register", _("Register for trainings")
    MANAGE_TRAINING = "training.manage", _("Organise trainings and record attendance")
    MANAGE_ENGAGEMENT = (
        "engagement.manage",
        _("Maintain public events, the newsletter and the network's public pages"),
    )


class RoleCode(models.TextChoices):
    """The roles Palliare knows out of the box (BRIEF.md). Networks may add their own."""

    GP = "gp", _("GP")
    PRACTICE_NURSE = "practice_nurse", _("Practice nurse (POH)")
    CORE_TEAM_COORDINATOR = "core_team_coordinator", _("Core-team coordinator")
    DISTRICT_NURSE = "district_nurse", _("District nurse")
    HOSPITAL_NURSE = "hospital_nurse", _("Hospital nurse")
    MEDICAL_SPECIALIST = "medical_specialist", _("Medical specialist")
    PHARMACIST = "pharmacist", _("Pharmacist")
    SPIRITUAL_COUNSELLOR = "spiritual_counsellor", _("Spiritual counsellor")
    SOCIAL_WORKER = "social_worker", _("Social-domain worker")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("Volunteer coordinator (VPTZ)")
    PALLIATIVE_SPECIALIST = "palliative_specialist", _("Palliative care specialist")
    OUT_OF_HOURS_GP = "out_of_hours_gp", _("Out-of-hours GP / triagist")
    EMERGENCY_PHYSICIAN = "emergency_physician", _("Emergency department")
    AMBULANCE = "ambulance", _("Ambulance")
    DISPATCH = "dispatch", _("Dispatch")
    FACILITY_COORDINATOR = "facility_coordinator", _("Hospice / facility coordinator")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    PROGRAMME_TEAM = "programme_team", _("Programme team")
    BUSINESS_CONTROLLER = "business_controller", _("Business controller")
    STEERING_GROUP = "steering_group", _("Steering group")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


P = Permission
_CARE_TEAM_MEMBER = {
    P.VIEW_DIRECTORY,
    P.REGISTER_TRAINING,
    P.VIEW_PATIENT,
    P.SEND_SIGNAL,
    P.VIEW_CARE_PLAN,
    P.REQUEST_CONSULTATION,
    P.SEND_REFERRAL,
}
_ACUTE = {P.VIEW_DIRECTORY, P.VIEW_ACUTE_SUMMARY, P.EMERGENCY_ACCESS}

#: The permissions each built-in role starts with. The network coordinator can change a role's
#: permissions afterwards; ``roles.sync_default_roles`` only adds pairs it never added before.
DEFAULT_ROLE_PERMISSIONS: dict[str, set[Permission]] = {
    RoleCode.GP: _CARE_TEAM_MEMBER
    | {
        P.REGISTER_PATIENT,
        P.MARK_PALLIATIVE,
        P.HANDLE_SIGNALS,
        P.MANAGE_CONSENT,
        P.MANAGE_CARE_TEAM,
        P.REGISTER_DEATH,
        P.MANAGE_MEETINGS,
        P.EDIT_CARE_PLAN,
    },
    RoleCode.PRACTICE_NURSE: _CARE_TEAM_MEMBER
    | {
        P.REGISTER_PATIENT,
        P.HANDLE_SIGNALS,
        P.MANAGE_CONSENT,
        P.MANAGE_CARE_TEAM,
        P.REGISTER_DEATH,
        P.MANAGE_MEETINGS,
        P.EDIT_CARE_PLAN,
    },
    RoleCode.CORE_TEAM_COORDINATOR: _CARE_TEAM_MEMBER
    | {P.HANDLE_SIGNALS, P.MANAGE_MEETINGS, P.MANAGE_CARE_TEAM},
    RoleCode.DISTRICT_NURSE: _CARE_TEAM_MEMBER | {P.UPDATE_INTAKE_STATUS, P.RECEIVE_REFERRAL},
    RoleCode.HOSPITAL_NURSE: set(_CARE_TEAM_MEMBER),
    RoleCode.MEDICAL_SPECIALIST: _CARE_TEAM_MEMBER
    | {P.REGISTER_PATIENT, P.MARK_PALLIATIVE, P.EDIT_CARE_PLAN, P.MANAGE_CONSENT},
    RoleCode.PHARMACIST: set(_CARE_TEAM_MEMBER),
    RoleCode.SPIRITUAL_COUNSELLOR: set(_CARE_TEAM_MEMBER),
    RoleCode.SOCIAL_WORKER: set(_CARE_TEAM_MEMBER),
    RoleCode.VOLUNTEER_COORDINATOR: set(_CARE_TEAM_MEMBER),
    RoleCode.PALLIATIVE_SPECIALIST: _CARE_TEAM_MEMBER | {P.ANSWER_CONSULTATION, P.EDIT_CARE_PLAN},
    RoleCode.OUT_OF_HOURS_GP: set(_ACUTE),
    RoleCode.EMERGENCY_PHYSICIAN: set(_ACUTE),
    RoleCode.AMBULANCE: set(_ACUTE),
    RoleCode.DISPATCH: set(_ACUTE),
    RoleCode.FACILITY_COORDINATOR: {
        P.VIEW_DIRECTORY,
        P.UPDATE_FACILITY_CAPACITY,
        P.UPDATE_INTAKE_STATUS,
        P.RECEIVE_REFERRAL,
        P.REGISTER_TRAINING,
    },
    RoleCode.NETWORK_COORDINATOR: {
        P.VIEW_DIRECTORY,
        P.MANAGE_DIRECTORY,
        P.MANAGE_ACCOUNTS,
        P.USE_ADMIN,
        P.MANAGE_ROTA,
        P.MANAGE_QUALITY,
        P.VIEW_REPORTS,
        P.MANAGE_KPIS,
        P.REVIEW_DELIVERIES,
        P.ISSUE_REPORTS,
        P.VIEW_PROGRAMME,
        P.MANAGE_PROGRAMME,
        P.MANAGE_TRAINING,
        P.REGISTER_TRAINING,  # who organises the courses sees (and may follow) them
        P.MANAGE_ENGAGEMENT,
    },
    RoleCode.PROGRAMME_TEAM: {
        P.VIEW_DIRECTORY,
        P.VIEW_REPORTS,
        P.REVIEW_DELIVERIES,
        P.ISSUE_REPORTS,
        P.VIEW_PROGRAMME,
        P.MANAGE_PROGRAMME,
        P.MANAGE_TRAINING,
        P.REGISTER_TRAINING,  # who organises the courses sees (and may follow) them
        P.MANAGE_ENGAGEMENT,
    },
    RoleCode.BUSINESS_CONTROLLER: {
        P.VIEW_DIRECTORY,
        P.DELIVER_FIGURES,
        P.VIEW_PROGRAMME,
        P.EDIT_OWN_WORK_PLAN,
    },
    RoleCode.STEERING_GROUP: {
        P.VIEW_DIRECTORY,
        P.VIEW_REPORTS,
        P.SET_TARGETS,
        P.VIEW_PROGRAMME,
        P.RECORD_DECISIONS,
    },
    RoleCode.PRIVACY_OFFICER: {P.VIEW_DIRECTORY, P.VIEW_ACCESS_LOG, P.REVIEW_EMERGENCY_ACCESS},
}


#: Permissions that open patient data (or the log of who opened it), and the one that hands out
#: permissions. A membership in a role holding any of these needs a second person: whoever
#: grants it cannot approve it, nobody approves their own, and until approved it grants
#: nothing (``accounts.services.request_membership``, decision 0024). MANAGE_ACCOUNTS is in the
#: set because a second account with it would let one person approve their own grants.
NEEDS_SECOND_PERSON: frozenset[Permission] = frozenset(
    {
        P.VIEW_PATIENT,
        P.REGISTER_PATIENT,
        P.MARK_PALLIATIVE,
        P.SEND_SIGNAL,
        P.HANDLE_SIGNALS,
        P.MANAGE_CONSENT,
        P.MANAGE_CARE_TEAM,
        P.REGISTER_DEATH,
        P.MANAGE_MEETINGS,
        P.VIEW_CARE_PLAN,
        P.EDIT_CARE_PLAN,
        P.VIEW_ACUTE_SUMMARY,
        P.EMERGENCY_ACCESS,
        P.ANSWER_CONSULTATION,
        P.REQUEST_CONSULTATION,
        P.SEND_REFERRAL,
        P.RECEIVE_REFERRAL,
        P.VIEW_ACCESS_LOG,
        P.REVIEW_EMERGENCY_ACCESS,
        P.MANAGE_ACCOUNTS,
    }
)


def parse(values: list[str] | set[str]) -> frozenset[Permission]:
    """Known permissions among ``values``; unknown strings grant nothing."""
    known = {p.value for p in Permission}
    return frozenset(Permission(v) for v in values if v in known)
