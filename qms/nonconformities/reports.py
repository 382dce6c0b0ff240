"""The Word report of a nonconforming output (``producto_no_conforme.docx``)."""
from __future__ import annotations

from qms.core.reports import signature_row
from qms.org.queries import institution_header
from qms.timeutil import format_date, format_datetime, now_utc


def report_context(pnc) -> dict:
    treatment = pnc.treatment_label
    if pnc.authorised_by is not None and pnc.is_authorisation_signed:
        treatment += f" (autorizó: {pnc.authorised_by.full_name})"
    elif pnc.authorised_by is not None:
        # Named in the form by the committee, never signed: say so rather than look signed.
        recorder = pnc.treatment_recorded_by.full_name if pnc.treatment_recorded_by else "el comité"
        treatment += f" (autorizó: {pnc.authorised_by.full_name}, sin firma; registrado por {recorder})"
    closure = pnc.closure_notes or ""
    if pnc.reverification_result:
        closure = f"Re-verificación {format_date(pnc.reverified_on)}: {pnc.reverification_notes} {closure}".strip()
    signatures = [signature_row("Detectó", pnc.detected_by, pnc.detected_on)]
    if pnc.authorised_by is not None and pnc.is_authorisation_signed:
        signatures.append(signature_row("Autorizó el tratamiento", pnc.authorised_by, pnc.authorisation_signed_at))
    elif pnc.treatment_recorded_by is not None:
        signatures.append(signature_row("Registrado por (tratamiento)", pnc.treatment_recorded_by, pnc.treated_on))
    if pnc.reverified_by is not None:
        signatures.append(signature_row("Re-verificó", pnc.reverified_by, pnc.reverified_on))
    return {
        "institution": institution_header(),
        "report": {"title": f"{pnc.output_kind_label} no conforme", "code": pnc.code,
                   "date": format_date(now_utc()), "state": pnc.state_label},
        "pnc": {
            "detected_at": format_date(pnc.detected_on), "detected_by": pnc.detected_by.full_name,
            "product": f"{pnc.output_kind_label}: {pnc.product}", "process": pnc.process.name,
            "region": pnc.region.name if pnc.region else "", "description": pnc.description,
            "treatment": treatment, "disposition": pnc.disposition,
            "action_code": pnc.action.code if pnc.action else "",
            "closed_at": format_date(pnc.closed_at), "closure": closure,
        },
        "signatures": signatures,
        "generated_at": format_datetime(now_utc()),
    }
