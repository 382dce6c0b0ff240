"""Operations on nonconforming outputs: the only place that changes them.

Any staff member reports one; the committee treats it (with who authorised the
treatment), re-verifies it after the correction and closes it, or links it to a
corrective action when the cause is systemic.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from qms import search
from qms.core.checks import choice, date_order, not_future, require, text
from qms.core.codes import next_yearly_code
from qms.core import signing
from qms.core.locking import lock
from qms.records.service import store_report
from qms.core import permissions as P
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.nonconformities import notices
from qms.nonconformities.models import OUTPUT_KINDS, TREATMENTS, Nonconformity
from qms.nonconformities.workflow import WORKFLOW
from qms.timeutil import format_date, now_utc, today_local
from qms.trail import service as trail

SEARCH_KIND = "nonconformity"
#: Days to decide the treatment, unless ``PNC_TREATMENT_DAYS`` says otherwise.
DEFAULT_TREATMENT_DAYS = 10


def _touch(actor, pnc: Nonconformity, event: str, details: dict) -> None:
    trail.record(actor, event, "nonconformity", pnc.id, pnc.code, details)
    search.queue_index(SEARCH_KIND, pnc.id)


def report(actor, *, output_kind: str, product: str, process, region_code: str | None, description: str,
           detected_on: date | None) -> Nonconformity:
    """Any staff member reports a nonconforming output."""
    require(actor, P.NC_REPORT)
    output_kind = choice(output_kind, OUTPUT_KINDS, "si es producto o servicio", "output_kind")
    product = text(product, "El producto o servicio", "product", max_length=250)
    description = text(description, "La descripción", "description")
    if process is None:
        raise ServiceError("Elija el proceso.", field="process_id")
    detected_on = detected_on or today_local()
    not_future(detected_on, "La fecha de detección", "detected_on")
    days = int(current_app.config.get("PNC_TREATMENT_DAYS", DEFAULT_TREATMENT_DAYS))
    pnc = Nonconformity(
        code=next_yearly_code("PNC", detected_on.year, Nonconformity.code), year=detected_on.year,
        output_kind=output_kind, product=product, process_id=process.id, region_code=region_code or None,
        description=description, detected_on=detected_on, detected_by_id=actor.id,
        treatment_due=detected_on + timedelta(days=days), state="reported")
    db.session.add(pnc)
    db.session.flush()
    _touch(actor, pnc, "nonconformity.reported", {"product": product, "process": process.code,
                                                  "region": region_code, "detected_on": detected_on})
    notices.reported(actor, pnc)
    return pnc


def _check_state(pnc: Nonconformity, name: str):
    return WORKFLOW.check(name, pnc.state)


def _move(actor, pnc: Nonconformity, name: str, details: dict) -> None:
    transition = _check_state(pnc, name)
    before = pnc.state
    pnc.state = transition.target
    db.session.flush()
    _touch(actor, pnc, "nonconformity.transition", {"transition": name, "state": [before, pnc.state], **details})


def treat(actor, pnc: Nonconformity, *, treatment: str, disposition: str, authorised_by,
          treated_on: date | None, password: str = "") -> Nonconformity:
    """Register the treatment. When the committee member is the one who authorised it, their
    password signs the authorisation now; otherwise the authoriser signs it later
    (``sign_authorisation``), and until then the record says who registered it."""
    require(actor, P.NC_MANAGE)
    lock(pnc)
    _check_state(pnc, "treat")
    treatment = choice(treatment, TREATMENTS, "el tratamiento", "treatment")
    disposition = text(disposition, "La disposición (qué se hizo con la salida)", "disposition")
    if authorised_by is None:
        raise ServiceError("Indique quién autorizó el tratamiento.", field="authorised_by_id")
    treated_on = treated_on or today_local()
    date_order(pnc.detected_on, treated_on,
               f"La fecha del tratamiento ({format_date(treated_on)}) no puede ser anterior a la detección "
               f"({format_date(pnc.detected_on)}).", "treated_on")
    not_future(treated_on, "La fecha del tratamiento", "treated_on")
    signed = False
    if password:
        if authorised_by.id != actor.id:
            raise ServiceError(f"Solo {authorised_by.full_name} puede firmar su autorización; deje la contraseña "
                               "en blanco y la firmará desde la ficha del PNC.", field="password")
        signing.confirm_password(actor, password)
        signed = True
    pnc.treatment, pnc.disposition = treatment, disposition
    pnc.authorised_by_id, pnc.treated_on = authorised_by.id, treated_on
    pnc.treatment_recorded_by_id = actor.id
    pnc.authorisation_signed_at = now_utc() if signed else None
    _move(actor, pnc, "treat", {"treatment": treatment, "disposition": disposition,
                                "authorised_by": authorised_by.id, "treated_on": treated_on,
                                "authorisation_signed": signed})
    return pnc


def sign_authorisation(actor, pnc: Nonconformity, password: str) -> Nonconformity:
    """The person named as authoriser signs the treatment with their password."""
    lock(pnc)
    if pnc.state != "treated":
        raise ServiceError("La autorización se firma con el tratamiento registrado y antes de la re-verificación.")
    if pnc.authorised_by_id != actor.id:
        raise PermissionDenied("Solo quien autorizó el tratamiento puede firmarlo.")
    if pnc.is_authorisation_signed:
        raise ServiceError("La autorización del tratamiento ya está firmada.")
    signing.confirm_password(actor, password)
    pnc.authorisation_signed_at = now_utc()
    db.session.flush()
    _touch(actor, pnc, "nonconformity.authorisation_signed", {"treatment": pnc.treatment})
    return pnc


def reverify(actor, pnc: Nonconformity, *, conforming: bool, notes: str, on: date | None,
             closure_notes: str = "") -> Nonconformity:
    """Re-verify the output after its treatment: conforming closes it, otherwise it goes back."""
    require(actor, P.NC_MANAGE)
    lock(pnc)
    name = "reverify_ok" if conforming else "reverify_fail"
    _check_state(pnc, name)
    notes = text(notes, "El resultado de la re-verificación", "notes")
    on = on or today_local()
    date_order(pnc.treated_on, on, "La re-verificación no puede ser anterior al tratamiento.", "on")
    not_future(on, "La fecha de re-verificación", "on")
    pnc.reverification_result = "conforming" if conforming else "nonconforming"
    pnc.reverification_notes, pnc.reverified_on, pnc.reverified_by_id = notes, on, actor.id
    details = {"result": pnc.reverification_result, "notes": notes, "on": on}
    if conforming:
        pnc.closure_notes = text(closure_notes, "Las observaciones de cierre", "closure_notes", required=False)
        pnc.closed_at = now_utc()
    else:
        pnc.treatment_due = on + timedelta(days=int(current_app.config.get("PNC_TREATMENT_DAYS",
                                                                          DEFAULT_TREATMENT_DAYS)))
    _move(actor, pnc, name, details)
    if conforming:
        _generate_report(actor, pnc)
    return pnc


def _generate_report(actor, pnc: Nonconformity) -> None:
    from qms.nonconformities.reports import report_context

    pnc.report_sha256, pnc.report_record_id = store_report(
        "producto_no_conforme.docx", report_context(pnc), actor=actor, type_code="REG-PNC",
        title=f"Registro de producto/servicio no conforme {pnc.code}"[:250], record_date=today_local(),
        process=pnc.process, region_code=pnc.region_code, filename=f"{pnc.code}.docx",
        source_kind="nonconformity", source_id=pnc.id)
    db.session.flush()
    trail.record(actor, "nonconformity.report_generated", "nonconformity", pnc.id, pnc.code,
                 {"sha256": pnc.report_sha256, "record": pnc.report_record_id})


def withdraw(actor, pnc: Nonconformity, reason: str) -> Nonconformity:
    """Annul a PNC reported by mistake: the committee only, with a reason; it is kept and trailed."""
    require(actor, P.NC_MANAGE)
    lock(pnc)
    _check_state(pnc, "withdraw")
    reason = text(reason, "El motivo de la anulación", "reason")
    pnc.withdrawn_reason, pnc.withdrawn_at, pnc.withdrawn_by_id = reason, now_utc(), actor.id
    _move(actor, pnc, "withdraw", {"reason": reason})
    return pnc


def link_action(actor, pnc: Nonconformity, owner):
    """Open a corrective action for a systemic cause and link it."""
    from qms.actions import service as actions

    require(actor, P.NC_MANAGE)
    if pnc.is_withdrawn:
        raise ServiceError("El PNC está anulado.")
    action = actions.raise_for_nonconformity(actor, pnc, owner)
    search.queue_index(SEARCH_KIND, pnc.id)
    return action
