# ruff: noqa: E501  (demo prose quoted from the seeds reads better unbroken)
"""Demo data of the network's own work, written through the services: the transformation plan
of workbook v2.2 (its action lines, the workbook, frameworks, subregional working agreements,
evaluation plans), the milestone KPIs with their real deadlines (KPI 3, 7, 16, 29), member
organisations with work plans, deliveries and self-evaluations in different states, a steering
group with meetings and numbered decisions 2025–2026, bottlenecks from the seeds. Dates that
lie in the future on the day the demo loads are left out (a decision cannot be future-dated)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from palliare.accounts.actors import Actor, actor_for
from palliare.accounts.models import User
from palliare.organizations.models import Organization, Subregion
from palliare.ui import demo

from . import services
from .constants import (
    BodyKind,
    BodyRole,
    BottleneckStatus,
    DeliverableStatus,
    MeetingStatus,
    Phase,
    RoundKind,
    SelfEvaluationPhase,
)
from .models import Body, CoreElement, Deliverable, MilestoneKpi, Theme

#: The action lines of workbook v2.2 (seed 002): number, title, project leadership, whether
#: the working agreements are made per subregion.
ACTION_LINES = [
    (
        "1.1",
        "Aansluiting PZ in kernteams",
        "Implementatieprojectleider Dokter Drenthe (huisartsenzorg)",
        True,
    ),
    ("1.2", "Inzet van specialisten PZ", "Nog nader te bepalen", True),
    ("1.3", "Verbinding sociaal domein en gemeenten", "Projectleider sociaal domein", True),
    ("1.4", "Acute zorg", "Implementatieprojectleider Dokter Drenthe (diverse organisaties)", True),
    (
        "1.5",
        "Wijkverpleging",
        "Implementatieprojectleider Dokter Drenthe (diverse organisaties)",
        True,
    ),
    ("1.6", "Specifieke doelgroepen", "Nog nader te bepalen", True),
    (
        "1.7",
        "Capaciteit en kwaliteit hospicezorg",
        "Implementatieprojectleider Dokter Drenthe (diverse organisaties)",
        True,
    ),
    ("1.8", "Versterken inzet vrijwilligers", "Implementatieprojectleider vrijwilligers", True),
    (
        "1.9",
        "Implementatie proactieve zorgplanning en transmurale samenwerking",
        "Implementatieprojectleiders",
        True,
    ),
    ("1.10", "Farmacie", "Implementatieprojectleider Dokter Drenthe (diverse organisaties)", True),
    ("2", "Maatschappelijke bewustwording", "Projectleider maatschappelijke bewustwording", False),
    ("3", "Deskundigheidsbevordering", "Projectleider deskundigheidsbevordering", False),
    ("4", "Digitale ondersteuning", "Projectleider digitale ondersteuning", False),
    ("5", "Passende financiering", "Projectleider passende financiering", False),
    ("6", "Spiegel- en stuurinformatie", "Projectleider meten en monitoring", False),
]

PRINCIPLES = {
    "1.1": "Geen nieuwe eerstelijns MDO's: aansluiten bij de bestaande MDO's van de kernteams bij de huisartspraktijken, in lijn met de PaTz-methodiek. De huisarts is regiebehandelaar PZ en legt afspraken uniform vast in het ACP-plan.",
    "1.4": "Markering en registratie bij de huisartspraktijk leidt tot proactieve zorgplanning. ACP-afspraken zijn inzichtelijk voor de HAP; planbare activiteiten (morfinepomp, palliatieve sedatie) starten zoveel mogelijk overdag.",
    "2": "Inwoners worden laagdrempelig geïnformeerd over praten over de laatste levensfase; de 'Dood uit de Pot'-bijeenkomsten worden voortgezet.",
}

KPIS = [
    (3, "Werkboek vastgesteld door de stuurgroep", Phase.WORKBOOK, dt.date(2025, 3, 31)),
    (7, "Zorginhoudelijke kaders opgeleverd", Phase.FRAMEWORKS, dt.date(2025, 12, 31)),
    (16, "Plan subregionale inbedding opgeleverd", Phase.WORKING_AGREEMENTS, dt.date(2026, 6, 30)),
    (29, "Evaluatie en borgingsplan opgeleverd", Phase.EVALUATION, dt.date(2027, 12, 31)),
]

#: The quality framework's core elements are not listed in the seeds: a draft, marked as such.
CORE_ELEMENTS = [
    "Markering en proactieve zorgplanning (concept)",
    "Coördinatie en continuïteit (concept)",
    "Deskundigheid van zorgverleners (concept)",
    "Samenwerking in het netwerk (concept)",
]

THEMES = [
    "Visie en beleidsplan palliatieve zorg",
    "Palliatieve terminologie: signaleren, markeren, ACP",
    "Psychosociale en spirituele dimensie",
    "Inzet van specialisten palliatieve zorg",
    "Zorg voor de zorgenden",
]


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user is not None else None


def _past(day: dt.date) -> bool:
    return day <= timezone.localdate()


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@demo.register("programme", order=80)
def load(rng: random.Random) -> str:
    coordinator = _actor("netwerk")
    steering = _actor("stuurgroep")
    if coordinator is None or steering is None or coordinator.membership is None:
        return "skipped (no demo accounts)"
    if Body.objects.filter(code="sg").exists():
        return "already loaded"
    subregions = list(Subregion.objects.order_by("name"))
    orgs = list(
        Organization.objects.filter(is_demo=True, is_active=True)
        .exclude(pk=coordinator.organization_id or 0)
        .order_by("name")
    )

    # Members and the covenant.
    controller = _actor("controller")
    members = []
    for i, org in enumerate(orgs):
        contact = None
        if controller is not None and controller.organization_id == org.pk:
            contact = controller.membership.professional if controller.membership else None
        # Members sign the covenant some weeks after joining (never before).
        joined_on = dt.date(2021, 1, 1) if i % 4 else dt.date(2023, 5, 1)
        members.append(
            services.add_member(
                coordinator,
                org,
                joined_on=joined_on,
                covenant_signed_on=None if i % 7 == 3 else joined_on + dt.timedelta(days=73),
                contact=contact,
                contribution=Decimal(500 * (1 + i % 3)),
            )
        )

    # Governance.
    sg = services.create_body(
        coordinator,
        kind=BodyKind.STEERING_GROUP,
        name="Stuurgroep Drenthe & Steenwijkerland",
        code="sg",
    )
    services.create_body(
        coordinator, kind=BodyKind.DAILY_BOARD, name="Dagelijks bestuur", code="db"
    )
    pmt = services.create_body(
        coordinator, kind=BodyKind.PROGRAMME_TEAM, name="Programmamanagementteam", code="pmt"
    )
    zorginhoud = services.create_body(
        coordinator,
        kind=BodyKind.WORKING_GROUP,
        name="Werkgroep Zorginhoud",
        code="wz",
        assignment="Werkt de regionale kaders uit en vertaalt ze na vaststelling naar subregionale werkafspraken.",
    )
    for sub in subregions:
        services.create_body(
            coordinator,
            kind=BodyKind.SUBREGIONAL_NETWORK,
            name=f"Netwerk {sub.name}",
            code=f"n{sub.pk}",
            subregion=sub,
        )
    assert steering.membership is not None
    services.add_body_member(
        coordinator,
        sg,
        professional=steering.membership.professional,
        role=BodyRole.CHAIR,
        started_on=dt.date(2021, 11, 1),
    )
    services.add_body_member(
        coordinator,
        sg,
        professional=coordinator.membership.professional,
        role=BodyRole.SECRETARY,
        started_on=dt.date(2021, 9, 15),
    )
    team = _actor("programma")
    if team is not None and team.membership is not None:
        services.add_body_member(
            coordinator,
            pmt,
            professional=team.membership.professional,
            role=BodyRole.MEMBER,
            started_on=dt.date(2025, 1, 1),
        )
        services.add_body_member(
            coordinator,
            zorginhoud,
            professional=team.membership.professional,
            role=BodyRole.PROJECT_LEADER,
            started_on=dt.date(2025, 1, 1),
        )

    # The plan.
    for kpi_number, title, phase, due in KPIS:
        MilestoneKpi.objects.get_or_create(
            phase=phase, defaults={"number": kpi_number, "title": title, "due_on": due}
        )
    lines = []
    for position, (code, title, leader, per_subregion) in enumerate(ACTION_LINES):
        line = services.save_action_line(
            coordinator,
            code=code,
            title=title,
            project_leader=leader,
            position=position,
            principles=PRINCIPLES.get(code, ""),
            working_group=zorginhoud,
            participating_parties="Huisartsenpraktijken, Dokter Drenthe, specialisten PZ, wijkverpleging, ziekenhuizen",
        )
        services.set_assignment(
            coordinator,
            line,
            phase=Phase.FRAMEWORKS,
            assignment=f"Werk regionaal de minimale verantwoordelijkheden en activiteiten uit ({title.lower()}).",
        )
        services.set_assignment(
            coordinator,
            line,
            phase=Phase.WORKING_AGREEMENTS,
            assignment="Per subregio vertalen naar samenwerkingsafspraken: wie, wanneer, waarvoor verantwoordelijk; hoe informatie gedeeld wordt.",
            per_subregion=per_subregion,
            not_applicable=not per_subregion,
        )
        services.set_assignment(
            coordinator,
            line,
            phase=Phase.IMPLEMENTATION,
            assignment="Per subregio uitrol van de samenwerkingsafspraken, met deskundigheidsbevordering.",
        )
        services.set_assignment(
            coordinator,
            line,
            phase=Phase.EVALUATION,
            assignment="Evaluatie met zo nodig herziening; borging in het reguliere werkproces.",
        )
        lines.append((line, per_subregion))

    workbook = services.create_deliverable(
        coordinator,
        action_line=None,
        phase=Phase.WORKBOOK,
        title="Werkboek transformatie palliatieve zorg & ACP v2.2",
        starts_on=dt.date(2025, 1, 6),
        due_on=dt.date(2025, 3, 31),
        text="Opdrachten werkgroepen transformatie palliatieve zorg & ACP, per actielijn: uitgangspunten, minimale eisen, implementatiestappen, raakvlakken en projectleiding.",
    )
    frameworks = [
        services.create_deliverable(
            coordinator,
            action_line=line,
            phase=Phase.FRAMEWORKS,
            title=f"Regionaal kader {line.title.lower()}",
            starts_on=dt.date(2025, 2, 11),
            due_on=dt.date(2025, 12, 1),
            text=f"Kader {line.code}: minimale verantwoordelijkheden en activiteiten, regio Drenthe & Steenwijkerland.",
        )
        for line, _per in lines
    ]
    agreements = []
    for line, per_subregion in lines[:4]:
        if per_subregion:
            for sub in subregions:
                agreements.append(
                    services.create_deliverable(
                        coordinator,
                        action_line=line,
                        phase=Phase.WORKING_AGREEMENTS,
                        title=f"Werkafspraken {line.title.lower()} – {sub.name}",
                        subregion=sub,
                        starts_on=dt.date(2026, 1, 5),
                        due_on=dt.date(2026, 6, 30),
                    )
                )
    for line, _per in lines[:3]:
        services.create_deliverable(
            coordinator,
            action_line=line,
            phase=Phase.EVALUATION,
            title=f"Evaluatie en borgingsplan {line.title.lower()}",
            starts_on=dt.date(2027, 1, 4),
            due_on=dt.date(2027, 12, 1),
        )

    # Steering-group meetings, decisions and actions.
    decisions = 0
    schedule = [
        (dt.date(2025, 3, 18), ["Werkboek v2.2 vaststellen", "Startbijeenkomst 11 februari"]),
        (dt.date(2025, 6, 17), ["Voortgang werkgroepen", "Druk op de thuiszorg"]),
        (dt.date(2025, 12, 16), ["Kaders en werkplannen vaststellen", "Planning 2026"]),
        (dt.date(2026, 3, 17), ["Werkplannen organisaties", "Ontslag op vrijdagmiddag"]),
        (dt.date(2026, 6, 23), ["Subregionale werkafspraken", "Voortgangsrapportages"]),
    ]
    meetings = {}
    for day, topics in schedule:
        if not _past(day):
            continue
        meeting = services.plan_body_meeting(
            coordinator,
            sg,
            starts_at=_at(day),
            location="Icare, Meppel",
            online_url="https://video.example.invalid/stuurgroep",
        )
        for topic in topics:
            services.add_topic(coordinator, meeting, title=topic)
        services.set_meeting_status(coordinator, meeting, MeetingStatus.HELD)
        services.save_minutes(
            coordinator,
            meeting,
            minutes="Besproken volgens agenda; besluiten in de besluitenlijst.",
        )
        meetings[day] = meeting
    if dt.date(2025, 3, 18) in meetings:
        services.submit_deliverable(coordinator, workbook)
        services.record_decision(
            steering,
            sg,
            decided_on=dt.date(2025, 3, 18),
            meeting=meetings[dt.date(2025, 3, 18)],
            title="Werkboek v2.2 vastgesteld (KPI 3)",
            adopts=[workbook],
        )
        decisions += 1
    if dt.date(2025, 12, 16) in meetings:
        for d in frameworks:
            services.submit_deliverable(coordinator, d)
        adopt = [d for d in frameworks if d.title != "Regionaal kader specifieke doelgroepen"]
        services.record_decision(
            steering,
            sg,
            decided_on=dt.date(2025, 12, 16),
            meeting=meetings[dt.date(2025, 12, 16)],
            title="Zorginhoudelijke kaders vastgesteld; kader specifieke doelgroepen aangehouden",
            adopts=adopt,
        )
        services.record_decision(
            steering,
            sg,
            decided_on=dt.date(2025, 12, 16),
            meeting=meetings[dt.date(2025, 12, 16)],
            title="Werkplannen meten & monitoren, digitalisering en deskundigheidsbevordering vastgesteld",
        )
        decisions += 2
        if controller is not None and controller.membership is not None:
            services.add_action(
                coordinator,
                meetings[dt.date(2025, 12, 16)],
                description="Werkplan 2026 aanpassen op de vastgestelde kaders",
                owner=controller.membership.professional,
                due_on=dt.date(2026, 3, 1),
            )
        services.add_action(
            coordinator,
            meetings[dt.date(2025, 12, 16)],
            description="Kader specifieke doelgroepen aanvullen en opnieuw voorleggen",
            owner=coordinator.membership.professional,
            due_on=dt.date(2026, 2, 1),
        )
    if dt.date(2026, 6, 23) in meetings:
        ready = agreements[: len(agreements) // 2]
        for d in ready:
            services.save_deliverable_text(
                coordinator, d, text="Samenwerkingsafspraken per subregio.", based_on=0
            )
            services.submit_deliverable(coordinator, d)
        services.record_decision(
            steering,
            sg,
            decided_on=dt.date(2026, 6, 23),
            meeting=meetings[dt.date(2026, 6, 23)],
            title="Eerste subregionale werkafspraken vastgesteld",
            adopts=ready[:-2],
        )
        decisions += 1
    future = timezone.localdate() + dt.timedelta(days=21)
    upcoming = services.plan_body_meeting(
        coordinator, sg, starts_at=_at(future), location="Icare, Meppel"
    )
    services.add_topic(coordinator, upcoming, title="Voortgang subregionale werkafspraken")
    services.add_topic(coordinator, upcoming, title="Jaarbericht")

    # Members' work.
    elements = [
        CoreElement.objects.create(title=t, position=i, is_draft=True)
        for i, t in enumerate(CORE_ELEMENTS)
    ]
    themes = [Theme.objects.get_or_create(title=t)[0] for t in THEMES]
    rounds = []
    for kind, title, due in [
        (RoundKind.WORK_PLAN, "Werkplannen aangepast op de kaders", dt.date(2026, 3, 1)),
        (
            RoundKind.PROGRESS_REPORT,
            "Voortgangsrapportage implementatie kwaliteitskader",
            dt.date(2026, 6, 30),
        ),
    ]:
        rounds.append(
            services.create_round(
                coordinator,
                kind=kind,
                title=title,
                year=2026,
                due_on=due,
                instructions="Met aandacht voor alle vier kernelementen.",
            )
        )
    for i, member in enumerate(members):
        if i % 3 != 2:
            services.save_work_plan(
                coordinator,
                member,
                year=2026,
                intentions={
                    e.pk: f"Voornemens {member.organization.name}: {e.title.split(' (')[0].lower()}."
                    for e in elements
                },
            )
        if i % 3 == 0 and _past(dt.date(2026, 2, 20)):
            services.deliver(
                coordinator, rounds[0], member, note="Werkplan 2026 aangepast op de kaders."
            )
        se_phase = [
            SelfEvaluationPhase.DONE,
            SelfEvaluationPhase.STARTED,
            SelfEvaluationPhase.PLANNED,
            SelfEvaluationPhase.DONE,
        ][i % 4]
        if i % 5 == 4:
            continue
        evaluation = services.save_self_evaluation(
            coordinator,
            member,
            phase=se_phase,
            started_on=None if se_phase == SelfEvaluationPhase.PLANNED else dt.date(2022, 3, 1),
            done_on=dt.date(2022, 11, 15) if se_phase == SelfEvaluationPhase.DONE else None,
            themes=rng.sample(themes, 2) if se_phase == SelfEvaluationPhase.DONE else [],
            may_be_named=i % 2 == 0,
        )
        if se_phase == SelfEvaluationPhase.DONE:
            services.add_self_evaluation_action(
                coordinator,
                evaluation,
                description="Visie en beleidsplan palliatieve zorg actualiseren",
                owner_name="Beleidsadviseur kwaliteit",
                due_on=dt.date(2023, 12, 31),
            )

    # Bottlenecks from the seeds.
    by_name = {s.name: s for s in subregions}
    home_care = services.record_bottleneck(
        coordinator,
        title="Druk op de thuiszorg: minder mogelijkheden om thuis te sterven",
        signalled_by="Netwerken palliatieve zorg",
        signalled_on=dt.date(2021, 10, 1),
        subregion=by_name.get("Zuidoost Drenthe (Emmen)"),
        description="Organisaties monitoren dit knelpunt; opnieuw agendapunt voor de stuurgroep.",
    )
    if dt.date(2025, 6, 17) in meetings:
        services.update_bottleneck(
            coordinator,
            home_care,
            status=BottleneckStatus.ON_AGENDA,
            owner=coordinator.membership.professional,
            meeting=meetings[dt.date(2025, 6, 17)],
        )
    friday = services.record_bottleneck(
        coordinator,
        title="Ontslag uit het ziekenhuis op vrijdagmiddag",
        signalled_by="Wijkverpleging Noordmidden",
        signalled_on=min(dt.date(2026, 2, 10), timezone.localdate()),
        subregion=by_name.get("Noordmidden Drenthe (Assen)"),
        description="Patiënten komen vrijdagmiddag thuis zonder palliatieve medicatie of overdracht.",
    )
    if dt.date(2026, 3, 17) in meetings:
        services.update_bottleneck(
            coordinator,
            friday,
            status=BottleneckStatus.ON_AGENDA,
            owner=None,
            meeting=meetings[dt.date(2026, 3, 17)],
        )

    # Budget: the 2021 subsidy of seed 000, and this year's.
    for year, subsidy in (
        (2021, Decimal("141414.00")),
        (timezone.localdate().year, Decimal("148500.00")),
    ):
        budget = services.set_budget_year(
            coordinator,
            year=year,
            subsidy=subsidy,
            funder="Ministerie van VWS (Subsidieregeling Terminale Palliatieve Zorg)",
        )
        spend_day = min(dt.date(year, 6, 30), timezone.localdate())
        for category, amount, spent in (
            ("Salariëring netwerkcoördinatie", Decimal("95000"), Decimal("47500")),
            ("Implementatie ACP", Decimal("30000"), Decimal("18250")),
            ("Informatievoorziening en patiënteninformatie", Decimal("16414"), Decimal("6100")),
        ):
            budget_line = services.set_budget_line(
                coordinator, budget, category=category, amount=amount
            )
            services.record_expense(
                coordinator,
                budget_line,
                spent_on=spend_day,
                amount=spent,
                description=f"{category}, eerste halfjaar",
            )

    # The activity plan in seed 001's form.
    this_year = timezone.localdate().year
    for theme, subject, goal, action, by_whom, timeline, status in (
        (
            "Kwaliteitskader",
            "Zelfevaluatie palliatieve zorg",
            "Organisaties gebruiken het zelfevaluatie-instrument als barometer.",
            "Uitkomsten bespreken in de organisatie en in netwerkverband; eind van het jaar is 75% gestart.",
            "Netwerkcoördinator en leden netwerken",
            "Doorlopend",
            "in_progress",
        ),
        (
            "Signalen en ontwikkeling",
            "Ontslag op vrijdagmiddag",
            "Knelpunten zijn opgelost.",
            "Uitvraag schrijven voor een klusploeg.",
            "Netwerkcoördinator en de klusploeg",
            "Voorjaar",
            "planned",
        ),
        (
            "Informeren",
            "Nieuwsbrief",
            "Er wordt informatie verstrekt over palliatieve zorg en de activiteiten van het netwerk.",
            "Tenminste 8x per jaar de nieuwsbrief verspreiden.",
            "Netwerkcoördinator",
            "8 x per jaar",
            "done",
        ),
    ):
        services.save_activity(
            coordinator,
            year=this_year,
            theme=theme,
            subject=subject,
            goal=goal,
            action_and_result=action,
            by_whom=by_whom,
            network="Alle",
            timeline=timeline,
            status=status,
        )

    last_year = timezone.localdate().year - 1
    services.save_report_narrative(
        coordinator,
        last_year,
        {
            "foreword": "Dit jaarbericht laat de stappen zien die het netwerk dit jaar met de transformatie heeft gezet.",
            "signal": "Gesignaleerd is dat de thuiszorg onder druk staat; de stuurgroep volgt dit.",
        },
    )
    adopted = Deliverable.objects.filter(status=DeliverableStatus.ADOPTED).count()
    return f"{len(members)} members, {len(lines)} action lines, {decisions} decisions, {adopted} deliverables adopted"
