"""The care-plan form, built from the content structure (careplans.content): one form for the
single-valued parts and a formset per list (contacts, conversations, other treatment limits,
goals and actions). ``PlanEditor`` ties them together and turns them into content."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palliare.patients.constants import Dimension
from palliare.patients.models import CareTeamMember
from palliare.ui.forms import DateInput

from . import content as plan_content
from .constants import (
    CODED_TREATMENTS,
    AcpYesNoUnknown,
    ContactRelationship,
    ContactRole,
    EuthanasiaPosition,
    GoalStatus,
    IcdDeactivation,
    IcdDeviceType,
    MedicalPolicyGoal,
    PlaceOfDeath,
    PractitionerFunction,
    ShareAgreement,
    Treatment,
    TreatmentDecision,
)
from .services import UNKNOWN_BASE_VERSION

BLANK = [("", "—")]

#: The largest version number every database holds (PositiveIntegerField: integer on PostgreSQL).
MAX_VERSION_NUMBER = 2**31 - 1


def _radio(choices: Any, label: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, required=False, widget=forms.RadioSelect, **kwargs
    )


def _select(choices: Any, label: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=BLANK + list(choices), required=False, **kwargs)


def _text(label: Any, *, long: bool = False, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 2}) if long else None
    return forms.CharField(label=label, required=False, max_length=2000, widget=widget, **kwargs)


L = plan_content.LABELS


class PlanForm(forms.Form):
    """The single-valued parts of the plan, in the order of the ACP conversation."""

    #: The version the editor started from (optimistic locking). Hidden, so any error means the
    #: form was tampered with: one clear message instead of Django's number errors.
    based_on = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=MAX_VERSION_NUMBER,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), UNKNOWN_BASE_VERSION
        ),
    )
    draft = forms.IntegerField(widget=forms.HiddenInput, required=False)

    capacity__value = _radio(AcpYesNoUnknown.choices, L["capacity.value"])
    capacity__note = _text(_("Explanation"), long=True)
    goal__code = _radio(MedicalPolicyGoal.choices, L["goal.code"])
    goal__note = _text(_("Explanation"), long=True)

    icd__present = _radio(AcpYesNoUnknown.choices, L["icd.present"])
    icd__device_type = _select(IcdDeviceType.choices, L["icd.device_type"])
    icd__note = _text(L["icd.note"])
    icd__deactivation = _radio(IcdDeactivation.choices, L["icd.deactivation"])
    icd__deactivation_note = _text(L["icd.deactivation_note"], long=True)

    wishes__care_wishes = _text(
        L["wishes.care_wishes"],
        long=True,
        help_text=_("What should professionals know to give good care, in the patient's words?"),
    )
    wishes__place_of_death = _radio(PlaceOfDeath.choices, L["wishes.place_of_death"])
    wishes__place_of_death_other = _text(L["wishes.place_of_death_other"])
    wishes__place_of_death_note = _text(L["wishes.place_of_death_note"])
    wishes__euthanasia_position = _radio(
        EuthanasiaPosition.choices, L["wishes.euthanasia_position"]
    )
    wishes__euthanasia_written_request = _radio(
        AcpYesNoUnknown.choices, L["wishes.euthanasia_written_request"]
    )
    wishes__euthanasia_note = _text(L["wishes.euthanasia_note"])
    wishes__organ_donation_registered = _radio(
        AcpYesNoUnknown.choices, L["wishes.organ_donation_registered"]
    )
    wishes__what_matters = _text(L["wishes.what_matters"], long=True)

    earlier__exist = _radio(AcpYesNoUnknown.choices, L["earlier.exist"])
    earlier__note = _text(L["earlier.note"])
    earlier__differ = _radio(AcpYesNoUnknown.choices, L["earlier.differ"])

    sharing__patient_informed = _radio(
        [(AcpYesNoUnknown.YES, _("yes")), (AcpYesNoUnknown.NO, _("no"))],
        L["sharing.patient_informed"],
    )
    sharing__agreement = _radio(ShareAgreement.choices, L["sharing.agreement"])

    medication__present = _radio(AcpYesNoUnknown.choices, L["medication.present"])
    medication__location = _text(L["medication.location"])
    medication__note = _text(L["medication.note"])

    review_date = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=DateInput(),
        help_text=_("When should the plan be discussed again? It then appears on the worklist."),
    )
    note = forms.CharField(
        label=_("What changed, in a few words"),
        required=False,
        max_length=500,
        help_text=_("Optional. Shown in the list of versions."),
    )

    def __init__(
        self,
        *args: Any,
        base_limits: list[dict[str, Any]] | None = None,
        agreed_on: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        #: The limits as they were when the editor opened the plan (what "ended" ends).
        self.base_limits = {row["treatment"]: row for row in base_limits or []}
        self.agreed_on = agreed_on
        for treatment in CODED_TREATMENTS:
            code = treatment.value
            self.fields[f"limit_{code}_decision"] = forms.ChoiceField(
                label=capfirst(treatment.label),
                choices=TreatmentDecision.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a decision for %(treatment)s (or “not discussed”).")
                    % {"treatment": treatment.label}
                },
            )
            self.fields[f"limit_{code}_specification"] = _text(
                _("Conditions"), help_text=_("Required for “yes, with conditions”.")
            )
            self.fields[f"limit_{code}_note"] = _text(_("Note"))
            self.fields[f"limit_{code}_ended_on"] = forms.DateField(
                label=_("Ended on"),
                required=False,
                widget=DateInput(),
                help_text=_(
                    "Only when this agreement no longer applies. It moves to the ended "
                    "treatment limits; the current decision becomes “not discussed” unless "
                    "you choose a new one."
                ),
            )
            self.fields[f"limit_{code}_reason_for_ending"] = _text(_("Reason for ending"))

    def clean_review_date(self) -> dt.date | None:
        """A new review date lies ahead; an old one may stay (the plan is then due)."""
        value: dt.date | None = self.cleaned_data.get("review_date")
        if value and value < timezone.localdate() and "review_date" in self.changed_data:
            raise ValidationError(_("Choose a review date today or later."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for treatment in CODED_TREATMENTS:
            code = treatment.value
            ended_on = data.get(f"limit_{code}_ended_on")
            reason = data.get(f"limit_{code}_reason_for_ending")
            if not ended_on:
                if reason:
                    self.add_error(
                        f"limit_{code}_ended_on", _("Enter the date the treatment limit ended.")
                    )
                continue
            error = plan_content.ended_date_error(ended_on, self.agreed_on)
            if error:
                self.add_error(f"limit_{code}_ended_on", error)
            if not reason:
                self.add_error(
                    f"limit_{code}_reason_for_ending",
                    _("Give the reason the treatment limit ended."),
                )
            base = self.base_limits.get(code)
            if base is None or base["decision"] in ("", TreatmentDecision.NOT_DISCUSSED):
                self.add_error(
                    f"limit_{code}_ended_on",
                    _("Only an agreed treatment limit can end; this one was not agreed."),
                )
        return data

    def section(self, *names: str) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def limit_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (
                str(t.label),
                [
                    self[f"limit_{t.value}_decision"],
                    self[f"limit_{t.value}_specification"],
                    self[f"limit_{t.value}_note"],
                    self[f"limit_{t.value}_ended_on"],
                    self[f"limit_{t.value}_reason_for_ending"],
                ],
            )
            for t in CODED_TREATMENTS
        ]


class _RowForm(forms.Form):
    """A row of a list; an untouched row is ignored."""

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(v for k, v in data.items() if k not in ("DELETE",))


class ContactForm(_RowForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    role = _select(ContactRole.choices, _("Role"))
    role_other = forms.CharField(label=_("Other role"), required=False, max_length=100)
    relationship = _select(ContactRelationship.choices, _("Relationship to the patient"))
    relationship_other = forms.CharField(
        label=_("Other relationship"), required=False, max_length=100
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_first_contact = forms.BooleanField(label=_("First contact person"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and any(
            data.get(k) for k in ("role", "role_other", "phone", "email", "relationship")
        ):
            if data.get("role") == ContactRole.LEGAL_REPRESENTATIVE:
                self.add_error("name", _("Enter the name of the legal representative."))
            else:
                self.add_error("name", _("Enter the name of the contact person."))
        return data


class ConversationForm(_RowForm):
    date = forms.DateField(label=_("Date of the conversation"), required=False, widget=DateInput())
    held_by = forms.CharField(label=_("Held by"), required=False, max_length=200)
    function = _select(PractitionerFunction.choices, _("Function"))
    patient_present = forms.BooleanField(label=_("Patient present"), required=False)
    participants = forms.CharField(
        label=_("Also present (name and relationship)"), required=False, max_length=500
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", _("A conversation that took place cannot be in the future."))
        elif not day and any(data.get(k) for k in ("held_by", "function", "participants")):
            self.add_error("date", _("Enter the date of the conversation."))
        return data


class OtherLimitForm(_RowForm):
    text = forms.CharField(
        label=_("Other treatment"),
        required=False,
        max_length=200,
        help_text=_("For example: artificial nutrition, dialysis."),
    )
    decision = _select(TreatmentDecision.choices, _("Decision"))
    specification = forms.CharField(label=_("Conditions"), required=False, max_length=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text") and not data.get("decision"):
            self.add_error("decision", _("Choose a decision for this treatment limit."))
        if not data.get("text") and (data.get("decision") or data.get("note")):
            self.add_error("text", _("Name the treatment this limit is about."))
        if data.get("decision") == TreatmentDecision.CONDITIONAL and not data.get("specification"):
            self.add_error("specification", _("Describe the conditions."))
        return data


class EndedLimitForm(_RowForm):
    """A treatment limit that no longer applies (history). Existing ones are shown filled in,
    so saving the plan keeps them; a row can also be added."""

    treatment = _select(Treatment.choices, _("Treatment"))
    text = forms.CharField(label=_("Other treatment"), required=False, max_length=200)
    decision = _select(TreatmentDecision.choices, _("Decision that applied"))
    specification = forms.CharField(label=_("Conditions"), required=False, max_length=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    date = forms.DateField(label=_("Agreed on"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput())
    reason_for_ending = forms.CharField(
        label=_("Reason for ending"), required=False, max_length=500
    )
    #: Who agreed it (kept as it was; not edited here).
    actors = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def clean_actors(self) -> list[dict[str, str]]:
        raw = self.cleaned_data.get("actors") or ""
        try:
            value = json.loads(raw) if raw else []
        except ValueError:
            return []
        return (
            [
                {"kind": str(a.get("kind", "")), "name": str(a.get("name", ""))[:200]}
                for a in value
                if isinstance(a, dict) and a.get("kind") in plan_content.ACTOR_KINDS
            ][:10]
            if isinstance(value, list)
            else []
        )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(v for k, v in data.items() if k not in ("DELETE", "actors"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        treatment = data.get("treatment")
        if not treatment:
            self.add_error("treatment", _("Choose a treatment from the list."))
        elif treatment == Treatment.OTHER and not data.get("text"):
            self.add_error("text", _("Name the treatment this limit is about."))
        if not data.get("decision"):
            self.add_error("decision", _("Choose the decision that applied."))
        elif data["decision"] == TreatmentDecision.CONDITIONAL and not data.get("specification"):
            self.add_error("specification", _("Describe the conditions."))
        agreed = data.get("date")
        if agreed and agreed > timezone.localdate():
            self.add_error("date", _("An agreement that was made cannot be in the future."))
            agreed = None
        ended = data.get("ended_on")
        if not ended:
            self.add_error("ended_on", _("Enter the date the treatment limit ended."))
        else:
            error = plan_content.ended_date_error(ended, agreed)
            if error:
                self.add_error("ended_on", error)
        if not data.get("reason_for_ending"):
            self.add_error("reason_for_ending", _("Give the reason the treatment limit ended."))
        return data


class GoalForm(_RowForm):
    dimension = _select(Dimension.choices, _("Dimension"))
    goal = forms.CharField(label=_("Goal"), required=False, max_length=500)
    action = forms.CharField(label=_("Action"), required=False, max_length=500)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False, choices=BLANK)
    status = forms.ChoiceField(
        label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.PLANNED, required=False
    )

    def __init__(self, *args: Any, team: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = BLANK + list(team or [])

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("dimension", "goal", "action", "responsible"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("goal"):
            self.add_error("goal", _("Describe the goal."))
        if not data.get("dimension"):
            self.add_error("dimension", _("Choose a dimension."))
        return data


@dataclass(frozen=True)
class Section:
    """A part of the plan form: its anchor, its heading and the fields (by name prefix) in it."""

    slug: str
    title: Any
    prefixes: tuple[str, ...]


#: The parts of the form in page order (the headings are the form's legends).
SECTIONS = (
    Section(
        "capacity",
        _("1. Decision-making capacity and representation"),
        ("capacity__", "contacts-"),
    ),
    Section("conversations", _("2. ACP conversations"), ("conversations-",)),
    Section("goal", _("3. Main goal of medical policy"), ("goal__",)),
    Section("limits", _("4. Treatment limits"), ("limit_", "limits-", "ended-", "icd__")),
    Section("wishes", _("5. Wishes"), ("wishes__",)),
    Section("earlier", _("6. Earlier agreements"), ("earlier__",)),
    Section("sharing", _("7. Sharing the agreements"), ("sharing__",)),
    Section("goals", _("8. Goals and actions in the four dimensions"), ("goals-",)),
    Section(
        "medication", _("9. Anticipatory medication and review"), ("medication__", "review_date")
    ),
)


def section_of(name: str) -> str:
    """The slug of the section a field (by its HTML name) belongs to; "" for the rest."""
    for section in SECTIONS:
        if name.startswith(section.prefixes):
            return section.slug
    return ""


@dataclass(frozen=True)
class FieldError:
    """One line of the error summary: the message and the id of the input it links to."""

    target: str
    label: str
    message: str
    section: str


def _field_errors(form: forms.BaseForm) -> list[FieldError]:
    found = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        if bound.is_hidden:
            continue
        widget = bound.field.widget
        target = bound.auto_id
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            target = f"{target}_0"  # the first option, as the GOV.UK pattern links
        for message in errors:
            found.append(
                FieldError(str(target), str(bound.label), str(message), section_of(bound.html_name))
            )
    return found


def _formset(form: type[forms.Form], extra: int) -> type[forms.BaseFormSet]:  # type: ignore[type-arg]
    return forms.formset_factory(form, extra=extra, max_num=30, absolute_max=40)


ContactFormSet = _formset(ContactForm, 2)
ConversationFormSet = _formset(ConversationForm, 1)
OtherLimitFormSet = _formset(OtherLimitForm, 2)
GoalFormSet = _formset(GoalForm, 2)
EndedLimitFormSet = _formset(EndedLimitForm, 1)


def _initial(content: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for section, keys in plan_content.SECTIONS.items():
        for key in keys:
            initial[f"{section}__{key}"] = content[section][key]
    for row in content["treatment_limits"]:
        if row["treatment"] != Treatment.OTHER:
            for key in ("decision", "specification", "note"):
                initial[f"limit_{row['treatment']}_{key}"] = row[key]
    initial["review_date"] = plan_content.parse_date(content["review_date"])
    return initial


@dataclass
class PlanEditor:
    """The plan form and its formsets, bound to a request or filled from content."""

    form: PlanForm
    contacts: forms.BaseFormSet  # type: ignore[type-arg]
    conversations: forms.BaseFormSet  # type: ignore[type-arg]
    other_limits: forms.BaseFormSet  # type: ignore[type-arg]
    goals: forms.BaseFormSet  # type: ignore[type-arg]
    team: dict[str, str]
    ended_limits: forms.BaseFormSet  # type: ignore[type-arg]
    #: The content the editor started from and who agreed its limits (for ending one).
    base: dict[str, Any] = field(default_factory=dict)
    agreed_on: dt.date | None = None
    agreed_by: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        *,
        data: Any = None,
        content: dict[str, Any],
        based_on: int,
        draft_id: int | None = None,
        team: list[CareTeamMember] | None = None,
    ) -> PlanEditor:
        content = plan_content.normalise(content)
        team_choices = {str(m.pk): m.display_name for m in team or []}
        for row in content["goals"]:
            if row["responsible_id"] and str(row["responsible_id"]) not in team_choices:
                team_choices[str(row["responsible_id"])] = str(row["responsible_name"])
        initial = _initial(content) | {"based_on": based_on, "draft": draft_id}
        others = [
            {k: row[k] for k in ("text", "decision", "specification", "note")}
            for row in content["treatment_limits"]
            if row["treatment"] == Treatment.OTHER
        ]
        goals = [
            {
                "dimension": row["dimension"],
                "goal": row["goal"],
                "action": row["action"],
                "responsible": str(row["responsible_id"] or ""),
                "status": row["status"],
            }
            for row in content["goals"]
        ]
        conversations = [
            dict(row, date=plan_content.parse_date(str(row["date"])))
            for row in content["conversations"]
        ]
        ended = [
            dict(
                row,
                date=plan_content.parse_date(str(row["date"])),
                ended_on=plan_content.parse_date(str(row["ended_on"])),
                actors=json.dumps(row["actors"]),
            )
            for row in content["ended_limits"]
        ]
        agreed_on = plan_content.parse_date(plan_content.agreement_date(content))
        agreed_by: list[dict[str, Any]] = [{"kind": "patient", "name": ""}]
        if content["conversations"] and content["conversations"][0]["held_by"]:
            agreed_by.append(
                {"kind": "professional", "name": str(content["conversations"][0]["held_by"])}
            )
        return cls(
            form=PlanForm(
                data,
                initial=initial,
                base_limits=content["treatment_limits"],
                agreed_on=agreed_on,
            ),
            contacts=ContactFormSet(data, initial=content["contacts"], prefix="contacts"),
            conversations=ConversationFormSet(data, initial=conversations, prefix="conversations"),
            other_limits=OtherLimitFormSet(data, initial=others, prefix="limits"),
            goals=GoalFormSet(
                data,
                initial=goals,
                prefix="goals",
                form_kwargs={"team": list(team_choices.items())},
            ),
            team=team_choices,
            ended_limits=EndedLimitFormSet(data, initial=ended, prefix="ended"),
            base=content,
            agreed_on=agreed_on,
            agreed_by=agreed_by,
        )

    @property
    def formsets(self) -> list[forms.BaseFormSet]:  # type: ignore[type-arg]
        return [self.contacts, self.conversations, self.other_limits, self.goals, self.ended_limits]

    def is_valid(self) -> bool:
        """Every problem in one round: the form and formsets, and the plan's own rules
        (content.validate, which the service applies again) on what could be read, so that a
        second submission never brings up errors the first could have shown."""
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets]
        if all(results):
            return True
        try:
            plan_content.validate(self.content(partial=True))
        except ValidationError as exc:
            self.apply_errors(exc, only_new=True)
        return False

    @property
    def error_summary(self) -> list[FieldError]:
        """The errors of every field, in page order, for the summary at the top."""
        found = _field_errors(self.form)
        for formset in self.formsets:
            if formset.is_bound:
                for row in formset.forms:
                    found += _field_errors(row)
        order = {section.slug: n for n, section in enumerate(SECTIONS)}
        return sorted(found, key=lambda e: order.get(e.section, len(order)))

    @property
    def summary_messages(self) -> list[str]:
        """Errors that belong to no visible field (the form's, its hidden fields' and the
        formsets' own)."""
        messages = [str(m) for m in self.form.non_field_errors()]
        messages += [str(m) for f in self.form.hidden_fields() for m in f.errors]
        for formset in self.formsets:
            if formset.is_bound:
                messages += [str(m) for m in formset.non_form_errors()]
        return messages

    def sections(self) -> list[tuple[Section, int]]:
        """The sections with the number of errors in each (for the section navigation)."""
        errors = self.error_summary if self.has_errors else []
        return [(sec, sum(1 for e in errors if e.section == sec.slug)) for sec in SECTIONS]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(
            fs.total_error_count() for fs in self.formsets if fs.is_bound
        )

    def _rows(self, formset: forms.BaseFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
        return [
            f.cleaned_data
            for f in formset.forms
            if hasattr(f, "cleaned_data") and not f.errors and not f.is_blank()
        ]

    def content(self, *, partial: bool = False) -> dict[str, Any]:
        """The plan content from the cleaned form. ``partial``: from a form with errors (the
        fields and rows in error are left out), only to check the plan's rules."""
        data = self.form.cleaned_data
        if partial:
            data = {k: v for k, v in data.items() if k not in self.form.errors}
        result: dict[str, Any] = {}
        for section, keys in plan_content.SECTIONS.items():
            result[section] = {key: data.get(f"{section}__{key}", "") for key in keys}
        limits = [
            {
                "treatment": t.value,
                "text": "",
                "decision": data.get(f"limit_{t.value}_decision", ""),
                "specification": data.get(f"limit_{t.value}_specification", ""),
                "note": data.get(f"limit_{t.value}_note", ""),
            }
            for t in CODED_TREATMENTS
        ]
        limits += [
            dict(row, treatment=Treatment.OTHER.value) for row in self._rows(self.other_limits)
        ]
        ended = [
            {
                **{k: row.get(k) or "" for k in plan_content.LIMIT_KEYS},
                "date": row["date"].isoformat() if row.get("date") else "",
                "actors": row.get("actors") or [],
                "ended_on": row["ended_on"].isoformat() if row.get("ended_on") else "",
                "reason_for_ending": row.get("reason_for_ending") or "",
            }
            for row in self._rows(self.ended_limits)
        ]
        base_limits = {row["treatment"]: row for row in self.base.get("treatment_limits", [])}
        for row in limits[: len(CODED_TREATMENTS)]:
            code = row["treatment"]
            ended_on = data.get(f"limit_{code}_ended_on")
            if not ended_on or code not in base_limits:
                continue
            before = base_limits[code]
            ended.append(
                plan_content.ended_limit(
                    before,
                    ended_on=ended_on.isoformat(),
                    reason=data.get(f"limit_{code}_reason_for_ending") or "",
                    date=self.agreed_on.isoformat() if self.agreed_on else "",
                    actors=self.agreed_by,
                )
            )
            if all(row[k] == before[k] for k in ("decision", "specification", "note")):
                # Ended without a new agreement: nothing applies now.
                row.update(decision=TreatmentDecision.NOT_DISCUSSED, specification="", note="")
        result["treatment_limits"] = limits
        result["ended_limits"] = ended
        result["contacts"] = self._rows(self.contacts)
        result["conversations"] = self._rows(self.conversations)
        result["goals"] = [
            {
                "dimension": row["dimension"],
                "goal": row["goal"],
                "action": row["action"],
                "responsible_id": row["responsible"],
                "responsible_name": self.team.get(row["responsible"], ""),
                "status": row["status"] or GoalStatus.PLANNED,
            }
            for row in self._rows(self.goals)
        ]
        review = data.get("review_date")
        result["review_date"] = review.isoformat() if review else ""
        return plan_content.normalise(result)

    def apply_errors(self, exc: ValidationError, *, only_new: bool = False) -> None:
        """Place a service's errors (keys from content.validate) on the right fields.
        ``only_new``: leave out fields that already show an error, and errors of list rows
        (their row forms already check the same rules)."""
        if not hasattr(exc, "error_dict"):
            if not only_new:
                self.form.add_error(None, exc.messages)
            return
        for key, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            parts = key.split(".")
            name = key.replace(".", "__")
            field: str | None = None
            if name in self.form.fields:
                field = name
            elif parts[0] == "treatment_limits" and len(parts) == 3:
                code = CODED_TREATMENTS[int(parts[1])].value if int(parts[1]) < 6 else ""
                candidate = f"limit_{code}_{parts[2]}"
                field = candidate if candidate in self.form.fields else None
            if only_new and (field is None or field in self.form.errors):
                continue
            self.form.add_error(field, messages)
