"""Services of the consultation rota and of consultation requests (the app's public API).

Reads: :func:`on_duty`, :func:`who_to_call`, :func:`coverage`, :func:`teams_by_subregion`.
Writes (each checks access, changes state and writes the access log in one transaction, and
starts notifications after commit): :func:`save_slot`, :func:`remove_slot`,
:func:`request_consultation`, :func:`accept_request`, :func:`record_advice`,
:func:`close_request`.
"""

from palliare.organizations.validators import parse_pc4

from .requests import (
    NobodyOnDuty,
    NoConsentToShare,
    Routing,
    StaleAdvice,
    accept_request,
    close_request,
    record_advice,
    request_consultation,
    route,
)
from .rota import (
    HOLIDAY_COUNTRY,
    LOOK_AHEAD,
    MAX_COVERAGE_WEEKS,
    OutsideNetwork,
    PostcodeNotFound,
    RegionCoverage,
    RotaData,
    ScopeTeams,
    SubregionCoverage,
    TeamEntry,
    WhoToCall,
    coverage,
    find_postcode_area,
    holiday_calendar,
    load_rota,
    local_timezone,
    on_duty,
    remove_slot,
    save_slot,
    teams_by_subregion,
    who_to_call,
)

__all__ = [
    "HOLIDAY_COUNTRY",
    "LOOK_AHEAD",
    "MAX_COVERAGE_WEEKS",
    "NoConsentToShare",
    "NobodyOnDuty",
    "OutsideNetwork",
    "PostcodeNotFound",
    "RegionCoverage",
    "RotaData",
    "Routing",
    "ScopeTeams",
    "StaleAdvice",
    "SubregionCoverage",
    "TeamEntry",
    "WhoToCall",
    "accept_request",
    "close_request",
    "coverage",
    "find_postcode_area",
    "holiday_calendar",
    "load_rota",
    "local_timezone",
    "on_duty",
    "parse_pc4",
    "record_advice",
    "remove_slot",
    "request_consultation",
    "route",
    "save_slot",
    "teams_by_subregion",
    "who_to_call",
]
