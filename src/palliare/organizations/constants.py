"""Enumerations of the regional directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    GP_PRACTICE = "gp_practice", _("GP practice")
    HOSPITAL = "hospital", _("Hospital")
    HOSPICE = "hospice", _("Hospice")
    PALLIATIVE_UNIT = "palliative_unit", _("Palliative unit")
    NURSING_HOME = "nursing_home", _("Nursing and care home")
    DISTRICT_NURSING = "district_nursing", _("District nursing")
    PHARMACY = "pharmacy", _("Pharmacy")
    OUT_OF_HOURS_GP_POST = "out_of_hours_gp_post", _("Out-of-hours GP post")
    AMBULANCE_SERVICE = "ambulance_service", _("Ambulance service")
    DISPATCH_CENTRE = "dispatch_centre", _("Dispatch centre")
    CONSULTATION_TEAM = "consultation_team", _("Palliative consultation team")
    VOLUNTEER_ORGANIZATION = "volunteer_organization", _("Terminal-care volunteers (VPTZ)")
    SPIRITUAL_CARE = "spiritual_care", _("Spiritual care")
    SOCIAL_DOMAIN = "social_domain", _("Social domain")
    NETWORK_OFFICE = "network_office", _("Palliative care network")
    HEALTH_INSURER = "health_insurer", _("Health insurer")
    OTHER = "other", _("Other")


class Discipline(models.TextChoices):
    GENERAL_PRACTITIONER = "general_practitioner", _("General practitioner")
    PRACTICE_NURSE = "practice_nurse", _("Practice nurse")
    NURSE = "nurse", _("Nurse")
    NURSE_SPECIALIST = "nurse_specialist", _("Nurse specialist")
    MEDICAL_SPECIALIST = "medical_specialist", _("Medical specialist")
    ELDERLY_CARE_PHYSICIAN = "elderly_care_physician", _("Elderly care physician")
    PHYSICIAN = "physician", _("Physician")
    PHYSICIAN_ASSISTANT = "physician_assistant", _("Physician assistant")
    PHARMACIST = "pharmacist", _("Pharmacist")
    AMBULANCE_NURSE = "ambulance_nurse", _("Ambulance nurse")
    DISPATCHER = "dispatcher", _("Dispatcher")
    SPIRITUAL_COUNSELLOR = "spiritual_counsellor", _("Spiritual counsellor")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("Volunteer coordinator")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Policy or administrative staff")
    OTHER = "other", _("Other")


#: Disciplines registered in the BIG register: a BIG number is required for them.
BIG_REGISTERED = frozenset(
    {
        Discipline.GENERAL_PRACTITIONER,
        Discipline.NURSE,
        Discipline.NURSE_SPECIALIST,
        Discipline.MEDICAL_SPECIALIST,
        Discipline.ELDERLY_CARE_PHYSICIAN,
        Discipline.PHYSICIAN,
        Discipline.PHYSICIAN_ASSISTANT,
        Discipline.PHARMACIST,
        Discipline.AMBULANCE_NURSE,
    }
)


class MappingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class MembershipStatus(models.TextChoices):
    """Whether a membership is in force or waits for a second person's approval."""

    APPROVED = "approved", _("approved")
    PENDING = "pending", _("waiting for approval")
