# ruff: noqa: E501
"""The KPI catalogue Palliare starts with: version 1 of each KPI, as data. The network
coordinator changes them in the catalogue pages (each change is a new version); this list only
seeds an empty catalogue (``services.ensure_catalogue``). The Dutch calculation rules describe
exactly what the functions in ``rules.py`` compute."""

from __future__ import annotations

from typing import Any

from .constants import Breakdown, Direction, Domain, KpiKind, Source, Unit

_AREAS = [Breakdown.SUBREGION, Breakdown.MUNICIPALITY, Breakdown.ORGANIZATION]
_ALL = [*_AREAS, Breakdown.AGE_BAND, Breakdown.DIAGNOSIS_GROUP]
_DEATHS_PERIOD = "Kwartaal en kalenderjaar van de datum van overlijden."
_DEATHS_REF = "Datum van overlijden (laatste versie van de overlijdensregistratie)."
_EXPECTED = (
    "Overleden patiënten in het register van wie het overlijden volgens de "
    "overlijdensregistratie verwacht was (niet onverwacht overleden)."
)
_EXCL_EXPECTED = "Onverwacht overleden; verwacht overlijden onbekend."

DEFAULT_KPIS: list[dict[str, Any]] = [
    {
        "code": "plan-before-death",
        "number": "R1",
        "name_nl": "Individueel zorgplan aanwezig vóór overlijden",
        "name_en": "Care plan present before death",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.RESULT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal van hen met vóór of op de dag van overlijden een versie van het individueel "
            "zorgplan (ACP) in Palliare, of van wie de overlijdensregistratie vermeldt dat er een "
            "zorgplan was."
        ),
        "denominator": _EXPECTED,
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED,
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "plan_before_death",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "plan-shared-acute",
        "number": "R2",
        "name_nl": "Zorgplan gedeeld met acute zorg vóór overlijden",
        "name_en": "Care plan shared with acute care before death",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.RESULT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal van hen met vóór of op de dag van overlijden een zorgplanversie in Palliare én "
            "op de dag van overlijden geldende toestemming om te delen met de huisartsenpost, "
            "SEH en ambulance."
        ),
        "denominator": _EXPECTED,
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED + " Toestemming ingetrokken vóór overlijden.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "plan_shared_acute",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "marked-before-death",
        "number": "E1",
        "name_nl": "Palliatieve fase gemarkeerd vóór overlijden",
        "name_en": "Palliative phase marked before death",
        "domain": Domain.RIGHT_MOMENT,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal van hen met een markering van de palliatieve fase vóór of op de dag van overlijden.",
        "denominator": _EXPECTED,
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED,
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "marked_before_death",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "marking-to-death",
        "number": "E2",
        "name_nl": "Mediane tijd van markering tot overlijden",
        "name_en": "Median time from marking to death",
        "domain": Domain.RIGHT_MOMENT,
        "kind": KpiKind.EFFORT,
        "unit": Unit.DAYS,
        "numerator": (
            "Mediaan van het aantal dagen tussen de eerste markering (vóór of op de dag van "
            "overlijden) en de dag van overlijden; bij een even aantal het gemiddelde van de twee "
            "middelste waarden."
        ),
        "denominator": "Verwacht overleden patiënten die vóór overlijden gemarkeerd waren.",
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED + " Niet gemarkeerd vóór overlijden.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "marking_to_death_days",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "preferred-place",
        "number": "R3",
        "name_nl": "Overleden op de gewenste plek",
        "name_en": "Died at the preferred place",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.RESULT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal van hen dat volgens de overlijdensregistratie op de gewenste plek overleed.",
        "denominator": (
            "Overleden patiënten van wie de gewenste plek van overlijden bekend was en van wie "
            "bekend is of die gerealiseerd werd."
        ),
        "inclusions": "Alle overlijdens in het register, verwacht en onverwacht.",
        "exclusions": "Gewenste plek onbekend; gerealiseerd onbekend.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "preferred_place_achieved",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "place-of-death",
        "number": "U1",
        "name_nl": "Plaats van overlijden: thuis",
        "name_en": "Place of death: at home",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.OUTCOME,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal overleden thuis (kop-cijfer); per plaats (thuis, ziekenhuis, verpleeghuis, "
            "hospice, anders, onbekend) het aantal overleden op die plaats."
        ),
        "denominator": "Alle overleden patiënten in het register.",
        "inclusions": "Alle overlijdens in het register, verwacht en onverwacht.",
        "exclusions": "Geen.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "place_of_death",
        "breakdowns": _AREAS,
        "direction": Direction.NONE,
    },
    {
        "code": "hospital-admission-30d",
        "number": "U2",
        "name_nl": "Ziekenhuisopname in de laatste 30 levensdagen",
        "name_en": "Hospital admission in the last 30 days of life",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.OUTCOME,
        "unit": Unit.PERCENT,
        "numerator": "Aantal van hen met ten minste één ziekenhuisopname in de 30 dagen vóór overlijden.",
        "denominator": _EXPECTED + " Aantal opnames in de overlijdensregistratie ingevuld.",
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED + " Aantal opnames niet ingevuld.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "hospital_admission_30d",
        "breakdowns": _ALL,
        "direction": Direction.LOWER,
    },
    {
        "code": "emergency-visit-30d",
        "number": "U3",
        "name_nl": "SEH-bezoek in de laatste 30 levensdagen",
        "name_en": "Emergency department visit in the last 30 days of life",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.OUTCOME,
        "unit": Unit.PERCENT,
        "numerator": "Aantal van hen met ten minste één SEH-bezoek in de 30 dagen vóór overlijden.",
        "denominator": _EXPECTED + " Aantal SEH-bezoeken in de overlijdensregistratie ingevuld.",
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED + " Aantal SEH-bezoeken niet ingevuld.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "emergency_visit_30d",
        "breakdowns": _ALL,
        "direction": Direction.LOWER,
    },
    {
        "code": "central-contact-14d",
        "number": "E3",
        "name_nl": "Centrale zorgverlener binnen 14 dagen na markering",
        "name_en": "Central contact named within 14 days of marking",
        "domain": Domain.RIGHT_PROFESSIONAL,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal van die markeringen waarbij uiterlijk 14 dagen na de markeringsdatum een "
            "centrale zorgverlener in het zorgteam is vastgelegd."
        ),
        "denominator": (
            "Markeringen van de palliatieve fase met een markeringsdatum in de periode die ten "
            "minste 14 dagen geleden ligt."
        ),
        "inclusions": "Alle markeringen, ook als de markering later is beëindigd.",
        "exclusions": "Markeringen van minder dan 14 dagen geleden.",
        "period": "Kwartaal en kalenderjaar van de markeringsdatum.",
        "reference_date": "Markeringsdatum.",
        "source": Source.COMPUTED,
        "rule": "central_contact_14d",
        "breakdowns": [*_AREAS, Breakdown.DIAGNOSIS_GROUP],
        "direction": Direction.HIGHER,
    },
    {
        "code": "discussed-in-meeting",
        "number": "E4",
        "name_nl": "Besproken in PaTz/MDO vóór overlijden",
        "name_en": "Discussed in a PaTz/MDO meeting before death",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal van hen dat vóór of op de dag van overlijden op de agenda stond van een "
            "gehouden PaTz- of MDO-overleg (niet van de agenda gehaald)."
        ),
        "denominator": "Verwacht overleden patiënten die vóór overlijden gemarkeerd waren.",
        "inclusions": "Alle kernteams.",
        "exclusions": _EXCL_EXPECTED + " Niet gemarkeerd vóór overlijden.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "discussed_in_meeting",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "consultation-median",
        "number": "E5",
        "name_nl": "Consultatie: mediane reactietijd",
        "name_en": "Consultation: median response time",
        "domain": Domain.RIGHT_PROFESSIONAL,
        "kind": KpiKind.EFFORT,
        "unit": Unit.MINUTES,
        "numerator": (
            "Mediaan van het aantal minuten tussen de consultatievraag en de eerste reactie "
            "(aangenomen door het consultatieteam). Uitgesplitst naar urgentie en naar "
            "kantooruren (ma–vr 08:00–17:00, geen feestdag) tegenover ANW-uren."
        ),
        "denominator": "Beantwoorde consultatievragen gesteld in de periode.",
        "inclusions": "Alle consultatieteams; teams als organisatie.",
        "exclusions": "Nog niet aangenomen vragen.",
        "period": "Kwartaal en kalenderjaar van het moment van de vraag.",
        "reference_date": "Moment van de vraag.",
        "source": Source.COMPUTED,
        "rule": "consultation_response_median",
        "breakdowns": [Breakdown.SUBREGION, Breakdown.ORGANIZATION],
        "direction": Direction.LOWER,
    },
    {
        "code": "consultation-p90",
        "number": "E6",
        "name_nl": "Consultatie: reactietijd 90e percentiel",
        "name_en": "Consultation: 90th percentile response time",
        "domain": Domain.RIGHT_PROFESSIONAL,
        "kind": KpiKind.EFFORT,
        "unit": Unit.MINUTES,
        "numerator": (
            "90e percentiel (de ⌈0,9·n⌉-de kleinste waarde) van het aantal minuten tot de eerste "
            "reactie, per urgentie en kantooruren/ANW-uren."
        ),
        "denominator": "Beantwoorde consultatievragen gesteld in de periode.",
        "inclusions": "Alle consultatieteams.",
        "exclusions": "Nog niet aangenomen vragen.",
        "period": "Kwartaal en kalenderjaar van het moment van de vraag.",
        "reference_date": "Moment van de vraag.",
        "source": Source.COMPUTED,
        "rule": "consultation_response_p90",
        "breakdowns": [Breakdown.SUBREGION, Breakdown.ORGANIZATION],
        "direction": Direction.LOWER,
    },
    {
        "code": "consultation-within-target",
        "number": "E7",
        "name_nl": "Consultatie: reactie binnen de afgesproken tijd",
        "name_en": "Consultation: response within the agreed time",
        "domain": Domain.RIGHT_PROFESSIONAL,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal daarvan aangenomen vóór de afgesproken tijd (binnen 1 uur, vandaag: 8 uur, "
            "deze week: 5 dagen)."
        ),
        "denominator": "Beantwoorde consultatievragen gesteld in de periode.",
        "inclusions": "Alle consultatieteams.",
        "exclusions": "Nog niet aangenomen vragen.",
        "period": "Kwartaal en kalenderjaar van het moment van de vraag.",
        "reference_date": "Moment van de vraag.",
        "source": Source.COMPUTED,
        "rule": "consultation_within_target",
        "breakdowns": [Breakdown.SUBREGION, Breakdown.ORGANIZATION],
        "direction": Direction.HIGHER,
    },
    {
        "code": "plan-feedback-good",
        "number": "R4",
        "name_nl": "Zorgplan goed bij opname (terugkoppeling)",
        "name_en": "Care plan judged good at admission (feedback)",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.RESULT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal daarvan met het oordeel 'goed: volledig en actueel'.",
        "denominator": (
            "Verwijzingen met terugkoppeling van de ontvangende organisatie over het zorgplan, "
            "vastgelegd in de periode (per verwijzing de nieuwste terugkoppeling)."
        ),
        "inclusions": "Alle verwijzingen naar hospices, verpleeghuizen en wijkverpleging.",
        "exclusions": "Verwijzingen zonder terugkoppeling.",
        "period": "Kwartaal en kalenderjaar van de terugkoppeling.",
        "reference_date": "Datum van de terugkoppeling.",
        "source": Source.COMPUTED,
        "rule": "plan_feedback_good",
        "breakdowns": [Breakdown.SUBREGION, Breakdown.ORGANIZATION],
        "direction": Direction.HIGHER,
    },
    {
        "code": "caregiver-checked",
        "number": "E8",
        "name_nl": "Belasting mantelzorger nagevraagd",
        "name_en": "Informal caregiver's burden checked",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal van hen bij wie vóór overlijden ten minste één belastingcheck van een mantelzorger is vastgelegd.",
        "denominator": _EXPECTED + " Met ten minste één vastgelegde mantelzorger.",
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED + " Geen mantelzorger vastgelegd.",
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "caregiver_checked",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "volunteer-deployed",
        "number": "E9",
        "name_nl": "Inzet VPTZ-vrijwilliger",
        "name_en": "Terminal-care volunteer deployed",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal van hen bij wie vóór overlijden een VPTZ-vrijwilliger actief was; uitgesplitst "
            "naar overlijden thuis tegenover intramuraal."
        ),
        "denominator": _EXPECTED,
        "inclusions": "Alle huisartspraktijken in het register.",
        "exclusions": _EXCL_EXPECTED,
        "period": _DEATHS_PERIOD,
        "reference_date": _DEATHS_REF,
        "source": Source.COMPUTED,
        "rule": "volunteer_deployed",
        "breakdowns": _ALL,
        "direction": Direction.HIGHER,
    },
    {
        "code": "hospital-palliative-consultations",
        "number": "A1",
        "name_nl": "Consulten palliatief team ziekenhuis",
        "name_en": "Hospital palliative-team consultations",
        "domain": Domain.RIGHT_PROFESSIONAL,
        "kind": KpiKind.EFFORT,
        "unit": Unit.COUNT,
        "numerator": "Aantal consulten van het palliatief team, zoals aangeleverd door het ziekenhuis.",
        "denominator": "",
        "inclusions": "Ziekenhuizen in de regio.",
        "exclusions": "Geen.",
        "period": "Kwartaal van aanlevering.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.DELIVERED,
        "rule": "zh_consulten",
        "breakdowns": [Breakdown.ORGANIZATION],
        "direction": Direction.NONE,
    },
    {
        "code": "subregional-agreements",
        "number": "M1",
        "name_nl": "Subregionale werkafspraken opgeleverd",
        "name_en": "Subregional working agreements delivered",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal vastgestelde subregionale werkafspraken (op te leveren producten van de fase 'werkafspraken per subregio' in het transformatieplan, vastgesteld bij besluit van de stuurgroep uiterlijk op de peildatum; KPI 16).",
        "denominator": "Aantal op te leveren subregionale werkafspraken in het transformatieplan.",
        "inclusions": "Alle subregio's.",
        "exclusions": "Geen.",
        "period": "Kwartaal.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.MILESTONE,
        "rule": "working_agreements",
        "breakdowns": [Breakdown.SUBREGION],
        "direction": Direction.HIGHER,
    },
    {
        "code": "hospital-consultations-acp",
        "number": "A2",
        "name_nl": "Ziekenhuisconsulten met besproken proactieve zorgplanning",
        "name_en": "Hospital consultations where advance care planning was discussed",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal consulten van het palliatief team waarin wensen en grenzen zijn besproken en vastgelegd, zoals aangeleverd door het ziekenhuis (element zh_consulten_pzp).",
        "denominator": "Aantal consulten van het palliatief team (element zh_consulten), van dezelfde ziekenhuizen.",
        "inclusions": "Ziekenhuizen in de regio met een geaccepteerde aanlevering van beide elementen.",
        "exclusions": "Aanleveringen die nog beoordeeld worden of zijn teruggestuurd.",
        "period": "Kwartaal van aanlevering.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.DELIVERED,
        "rule": "zh_consulten_pzp/zh_consulten",
        "breakdowns": [Breakdown.ORGANIZATION],
        "direction": Direction.HIGHER,
    },
    {
        "code": "regional-frameworks",
        "number": "M2",
        "name_nl": "Regionale kaders vastgesteld (KPI 7)",
        "name_en": "Regional frameworks adopted (KPI 7)",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal zorgkaders (op te leveren producten van de fase 'regionale kaders' in het transformatieplan) vastgesteld bij besluit van de stuurgroep uiterlijk op de peildatum.",
        "denominator": "Aantal op te leveren zorgkaders in het transformatieplan.",
        "inclusions": "Alle actielijnen.",
        "exclusions": "Geen.",
        "period": "Kwartaal.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.MILESTONE,
        "rule": "frameworks",
        "breakdowns": [],
        "direction": Direction.HIGHER,
    },
    {
        "code": "evaluation-embedding",
        "number": "M3",
        "name_nl": "Evaluatie- en borgingsplannen vastgesteld (KPI 29)",
        "name_en": "Evaluation and embedding plans adopted (KPI 29)",
        "domain": Domain.RIGHT_CARE,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal evaluatie- en borgingsplannen vastgesteld bij besluit van de stuurgroep uiterlijk op de peildatum.",
        "denominator": "Aantal op te leveren evaluatie- en borgingsplannen in het transformatieplan.",
        "inclusions": "Alle actielijnen.",
        "exclusions": "Geen.",
        "period": "Kwartaal.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.MILESTONE,
        "rule": "evaluation",
        "breakdowns": [],
        "direction": Direction.HIGHER,
    },
    {
        "code": "bed-occupancy",
        "number": "U4",
        "name_nl": "Bezetting hospice- en palliatieve bedden",
        "name_en": "Occupancy of hospice and palliative beds",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.OUTCOME,
        "unit": Unit.PERCENT,
        "numerator": (
            "Bezette beddagen: per dag het aantal bedden min het aantal vrije bedden volgens de "
            "bedstatus van die dag, opgeteld over de dagen en de voorzieningen."
        ),
        "denominator": (
            "Beschikbare beddagen: per dag het aantal bedden volgens de bedstatus van die dag, "
            "opgeteld over de dagen waarop de voorziening niet gesloten was. De bedstatus van een "
            "dag is de laatste melding vóór het einde van die dag (middernachttelling)."
        ),
        "inclusions": (
            "Alle actieve voorzieningen met palliatieve bedden (hospices, palliatieve units, "
            "palliatieve bedden in verpleeghuizen, ELV palliatief); uitgesplitst naar soort "
            "voorziening en per voorziening. Een voorziening hoort bij de subregio en gemeente "
            "van haar adres en bij haar organisatie."
        ),
        "exclusions": (
            "Dagen vóór de eerste melding van een voorziening; dagen met de status 'gesloten'; "
            "de lopende dag."
        ),
        "period": "Kwartaal en kalenderjaar van de dag.",
        "reference_date": "De kalenderdag (Nederlandse tijd).",
        "source": Source.COMPUTED,
        "rule": "bed_occupancy",
        "breakdowns": [*_AREAS, Breakdown.FACILITY_KIND, Breakdown.FACILITY],
        "direction": Direction.NONE,
    },
    {
        "code": "admission-stop-days",
        "number": "U5",
        "name_nl": "Dagen met opnamestop",
        "name_en": "Days with an admission stop",
        "domain": Domain.RIGHT_PLACE,
        "kind": KpiKind.OUTCOME,
        "unit": Unit.DAYS,
        "numerator": (
            "Aantal dagen waarop de bedstatus van de dag (de laatste melding vóór het einde van "
            "die dag) 'opnamestop' was, opgeteld over de voorzieningen van het gebied. Dit "
            "aantal is de waarde."
        ),
        "denominator": (
            "Aantal dagen met een bekende bedstatus (ten minste één melding vóór het einde van de "
            "dag), opgeteld over dezelfde voorzieningen; ter duiding, niet om door te delen."
        ),
        "inclusions": (
            "Alle actieve voorzieningen met palliatieve bedden; uitgesplitst naar soort "
            "voorziening en per voorziening."
        ),
        "exclusions": "Dagen vóór de eerste melding van een voorziening; de lopende dag.",
        "period": "Kwartaal en kalenderjaar van de dag.",
        "reference_date": "De kalenderdag (Nederlandse tijd).",
        "source": Source.COMPUTED,
        "rule": "admission_stop_days",
        "breakdowns": [*_AREAS, Breakdown.FACILITY_KIND, Breakdown.FACILITY],
        "direction": Direction.LOWER,
    },
    {
        "code": "stale-bed-reporting",
        "number": "E10",
        "name_nl": "Verouderde melding van vrije bedden",
        "name_en": "Stale reporting of free beds",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": (
            "Aantal dagen waarop de bedstatus bij de middernachttelling (de laatste melding vóór "
            "het einde van de dag) ouder was dan de afgesproken 24 uur — met 24 uur: dagen "
            "waarop de voorziening geen melding deed. Dezelfde grens waarop Palliare de "
            "voorziening als verouderd toont en een herinnering stuurt."
        ),
        "denominator": (
            "Aantal dagen met een bekende bedstatus (ten minste één melding vóór het einde van de "
            "dag), opgeteld over de voorzieningen."
        ),
        "inclusions": (
            "Alle actieve voorzieningen met palliatieve bedden; uitgesplitst naar soort "
            "voorziening en per voorziening."
        ),
        "exclusions": "Dagen vóór de eerste melding van een voorziening; de lopende dag.",
        "period": "Kwartaal en kalenderjaar van de dag.",
        "reference_date": "De kalenderdag (Nederlandse tijd).",
        "source": Source.COMPUTED,
        "rule": "stale_bed_reporting",
        "breakdowns": [*_AREAS, Breakdown.FACILITY_KIND, Breakdown.FACILITY],
        "direction": Direction.LOWER,
    },
    {
        "code": "district-nursing-clients-plan",
        "number": "A3",
        "name_nl": "Palliatieve cliënten wijkverpleging met individueel zorgplan",
        "name_en": "Palliative district-nursing clients with a care plan",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal palliatieve cliënten in zorg met een individueel zorgplan, zoals aangeleverd door de wijkverpleging (element wv_clienten_met_izp).",
        "denominator": "Aantal palliatieve cliënten in zorg (element wv_palliatieve_clienten), van dezelfde organisaties.",
        "inclusions": "Organisaties voor wijkverpleging in de regio met een geaccepteerde aanlevering van beide elementen.",
        "exclusions": "Aanleveringen die nog beoordeeld worden of zijn teruggestuurd.",
        "period": "Kwartaal van aanlevering.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.DELIVERED,
        "rule": "wv_clienten_met_izp/wv_palliatieve_clienten",
        "breakdowns": [Breakdown.ORGANIZATION],
        "direction": Direction.HIGHER,
    },
    {
        "code": "hospice-admissions-plan",
        "number": "A4",
        "name_nl": "Hospice-opnames met individueel zorgplan bij opname",
        "name_en": "Hospice admissions with a care plan at admission",
        "domain": Domain.RIGHT_INFORMATION,
        "kind": KpiKind.EFFORT,
        "unit": Unit.PERCENT,
        "numerator": "Aantal opnames met een individueel zorgplan bij opname, zoals aangeleverd door het hospice (element hospice_opnames_met_izp).",
        "denominator": "Aantal opnames (element hospice_opnames), van dezelfde hospices.",
        "inclusions": "Hospices in de regio met een geaccepteerde aanlevering van beide elementen.",
        "exclusions": "Aanleveringen die nog beoordeeld worden of zijn teruggestuurd.",
        "period": "Kwartaal van aanlevering.",
        "reference_date": "Einde van het kwartaal.",
        "source": Source.DELIVERED,
        "rule": "hospice_opnames_met_izp/hospice_opnames",
        "breakdowns": [Breakdown.ORGANIZATION],
        "direction": Direction.HIGHER,
    },
]
