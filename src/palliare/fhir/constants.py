"""Fixed values of the FHIR interface: version, media types, naming systems, scopes."""

from __future__ import annotations

from django.db import models

FHIR_VERSION = "4.0.1"

JSON = "application/fhir+json"
XML = "application/fhir+xml"

#: ``_format`` values and media types, and the format they select.
FORMAT_ALIASES: dict[str, str] = {
    "json": "json",
    "application/json": "json",
    "application/fhir+json": "json",
    "application/json+fhir": "json",
    "xml": "xml",
    "text/xml": "xml",
    "application/xml": "xml",
    "application/fhir+xml": "xml",
    "application/xml+fhir": "xml",
}

# Naming systems (identifier systems)
BSN = "http://fhir.nl/fhir/NamingSystem/bsn"
AGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
BIG = "http://fhir.nl/fhir/NamingSystem/big"
UZI_PERSON = "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers"
UZI_ROLE = "http://fhir.nl/fhir/NamingSystem/uzi-rolcode"
AGB_SPECIALISM = "urn:oid:2.16.840.1.113883.2.4.6.7"
NICTIZ_ORG_TYPE = "http://nictiz.nl/fhir/NamingSystem/organization-type"

# Code systems
SNOMED = "http://snomed.info/sct"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

# Extensions
EXT_ASSEMBLY_ORDER = "http://hl7.org/fhir/StructureDefinition/humanname-assembly-order"
EXT_OWN_NAME = "http://hl7.org/fhir/StructureDefinition/humanname-own-name"
EXT_OWN_PREFIX = "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix"
EXT_EN_QUALIFIER = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier"
EXT_STREET = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName"
EXT_HOUSE_NUMBER = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber"
EXT_TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"

#: Canonical bases of the IKNL ACP guide: the current one first, then the one before rc1.
ACP_BASES = (
    "https://api.iknl.nl/docs/pzp/r4/StructureDefinition/",
    "https://fhir.iknl.nl/fhir/StructureDefinition/",
)
ACP_BASE = ACP_BASES[0]
NL_CORE_BASE = "http://nictiz.nl/fhir/StructureDefinition/"

#: Our own code system for the machine-readable code of each OperationOutcome issue.
ISSUE_CODE_SYSTEM = "https://palliare.nl/fhir/CodeSystem/operation-outcome"

#: Results per page of a searchset when the client does not ask (``_count``), and at most.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
#: The last page a search may ask for (``_page``); beyond it the client should narrow the search.
MAX_PAGE = 10_000
#: Entries in one transaction or batch Bundle (a whole care plan is about 30): bounds the work
#: and the access-log rows of one request.
MAX_BUNDLE_ENTRIES = 200


class Access(models.TextChoices):
    READ = "read", "read"
    WRITE = "write", "write"
