"""The «Informe de cumplimiento PMG» of a year: one plain-dict context for Word
(``cumplimiento_pmg.docx``) and the rows of its .xlsx, both listing each medio de
verificación with its code and verification address."""
from __future__ import annotations

from qms.core.reports import signature_row
from qms.org.queries import institution_header
from qms.pmg.models import EVIDENCE_KINDS, OBJECTIVE_STATES
from qms.timeutil import format_date, format_datetime, now_utc, today_local

XLSX_HEADERS = ["Objetivo", "Etapa", "Descripción", "Estado", "Tipo de medio", "Medio de verificación", "Código",
                "Dirección de verificación", "Falta"]


def _lines(result) -> list[dict]:
    """Each medio de verificación of an objective (and one line per kind still without any)."""
    lines = []
    for kind in result.kinds:
        for item in kind.items:
            lines.append({"kind": EVIDENCE_KINDS[kind.kind], "label": item.label, "code": item.code, "url": item.url})
    return lines


def report_context(view: dict, gaps: list[dict], programme=None) -> dict:
    """``programme``: the year's work programme, whose signed approval the report shows."""
    commitment = view["commitment"]
    results = view["results"]
    return {
        "institution": institution_header(),
        "report": {"title": f"Informe de cumplimiento PMG {commitment.year}", "code": f"PMG-SGC-{commitment.year}",
                   "date": format_date(today_local()), "state": commitment.stage_label, "draft": ""},
        "summary": {"year": commitment.year, "stage": commitment.stage_label,
                    "met": view["counts"].get("met", 0), "ongoing": view["counts"].get("ongoing", 0),
                    "pending": view["counts"].get("pending", 0), "total": len(results)},
        "objectives": [{"code": r.objective.code, "title": r.objective.title,
                        "requirements": r.objective.requirements, "state": OBJECTIVE_STATES.label(r.state),
                        "evidence": _lines(r), "missing": r.missing or ["Nada: el objetivo está cumplido."]}
                       for r in results],
        "perspective": [{"process": f"{g['process'].code} {g['process'].name}", "focus": g["focus"],
                         "gaps": "; ".join(g["gaps"]) or "Sin brechas"} for g in gaps],
        "signatures": ([signature_row("Aprobó el programa de trabajo", programme.approved_by, programme.approved_at)]
                       if programme is not None and programme.is_approved else []),
        "generated_at": format_datetime(now_utc()),
    }


def xlsx_rows(view: dict) -> list[list]:
    rows = []
    for r in view["results"]:
        base = [r.objective.code, r.objective.stage_label, r.objective.title, OBJECTIVE_STATES.label(r.state)]
        missing = " ".join(r.missing)
        lines = _lines(r) or [{"kind": "", "label": "Sin medios de verificación", "code": "", "url": ""}]
        for line in lines:
            rows.append(base + [line["kind"], line["label"], line["code"], line["url"], missing])
    return rows


def diagnosis_context(year: int, lines, gaps: list[dict], commitment=None) -> dict:
    """The diagnosis of ``year`` (``diagnostico_pmg.docx``): every assessed clause and the perspective gaps."""
    from qms.pmg.models import ASSESSMENT_RATINGS

    counts: dict = {}
    for line in lines:
        counts[line.rating_label] = counts.get(line.rating_label, 0) + 1
    return {
        "institution": institution_header(),
        "report": {"title": f"Diagnóstico PMG {year}", "code": f"DIAG-{year}", "date": format_date(today_local()),
                   "state": commitment.stage_label if commitment else "Sin compromiso", "draft": ""},
        "summary": {"year": year, "processes": len({line.process_id for line in lines}), "lines": len(lines),
                    "counts": ", ".join(f"{label}: {counts[label]}" for label in ASSESSMENT_RATINGS.values()
                                        if label in counts) or "—"},
        "lines": [{"process": line.process.code, "clause": line.clause_number, "rating": line.rating_label,
                   "evidence": line.evidence, "gap": line.gap,
                   "activity": str(line.activity.number) if line.activity else "—"} for line in lines],
        "perspective": [{"process": f"{g['process'].code} {g['process'].name}", "focus": g["focus"],
                         "gaps": "; ".join(g["gaps"]) or "Sin brechas"} for g in gaps],
        "signatures": [],
        "generated_at": format_datetime(now_utc()),
    }
