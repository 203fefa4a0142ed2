"""The printed copy for the patient's home (WeasyPrint): treatment limits first, black and white,
the version number and date on every page, the plan identifier and a QR code to the acute view.
An earlier version prints with a notice on every page that it is no longer valid."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from palliare.patients import services as patient_services
from palliare.patients.models import Patient
from palliare.ui import qrcodes

from .display import present
from .models import CarePlan, CarePlanVersion


def render_plan_pdf(
    patient: Patient, plan: CarePlan, version: CarePlanVersion, *, acute_url: str
) -> bytes:
    """The PDF of ``version`` (always in Dutch: it hangs on the wall at home). When ``version``
    is not the plan's current version, every page says so and names the current one."""
    from weasyprint import HTML

    contacts = patient_services.key_contacts(patient)
    with translation.override("nl"):
        html = render_to_string(
            "careplans/print.html",
            {
                "patient": patient,
                "plan": plan,
                "version": version,
                "is_current": version.number == plan.current_number,
                "current_version": plan.current_version,
                "plan_display": present(version.content),
                "central_contact": contacts.central_contact,
                "lead_practitioner": contacts.lead_practitioner,
                "qr_svg": mark_safe(qrcodes.svg(acute_url, box_size=4)),  # noqa: S308 (our SVG)
                "acute_url": acute_url,
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
