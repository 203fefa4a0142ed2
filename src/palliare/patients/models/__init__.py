"""Models of the palliative register, one module per aggregate."""

from .caregivers import BurdenCheck, InformalCaregiver, VolunteerDeployment
from .careteam import CareTeamMember
from .consent import Consent
from .contacts import CareContact, CareContactVersion
from .death import DeathRegistration
from .marking import IndicatorScreening, Marking, UrgencyAssessment
from .patient import Patient, PatientRevision
from .problems import Problem, ProblemVersion
from .signals import Signal
from .suggestions import MarkingSuggestion, MarkingSuggestionEvent

__all__ = [
    "BurdenCheck",
    "CareContact",
    "CareContactVersion",
    "CareTeamMember",
    "Consent",
    "DeathRegistration",
    "IndicatorScreening",
    "InformalCaregiver",
    "Marking",
    "MarkingSuggestion",
    "MarkingSuggestionEvent",
    "Patient",
    "PatientRevision",
    "Problem",
    "ProblemVersion",
    "Signal",
    "UrgencyAssessment",
    "VolunteerDeployment",
]
