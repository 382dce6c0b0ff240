"""The disposition certificate (certificado de disposición), a Word file.

docgen ships no template for it (its report templates are the audit, CAPA and
nonconformity reports), so it is built here with python-docx from plain values. The
institution's name and logo come from docgen, as in every generated document.
"""
from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from qms.timeutil import format_date, format_datetime

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Certificado de disposición de registros"


def _institution() -> tuple[str, bytes | None]:
    from qms.docgen import service as docgen

    inst = docgen.institution()
    return (inst.name if inst else ""), docgen.institution_logo(inst)


def _cell_text(cell, text: str, bold: bool = False, size: int = 9) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        _cell_text(cell, text, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            _cell_text(cell, text)


def _header(document, institution: str, logo: bytes | None, code: str) -> None:
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    paragraph = section.header.paragraphs[0]
    if logo:
        try:
            paragraph.add_run().add_picture(io.BytesIO(logo), height=Cm(1.2))
            paragraph.add_run("  ")
        except Exception:  # noqa: BLE001 - a bad logo must not block the certificate
            pass
    paragraph.add_run(f"{institution} · {code}").font.size = Pt(9)


def build(batch, tombstones) -> bytes:
    """Return the certificate of an executed batch as .docx bytes."""
    institution, logo = _institution()
    document = docx.Document()
    _header(document, institution, logo, batch.code)
    heading = document.add_heading(TITLE, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(institution).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(document, ["Campo", "Valor"], [
        ["Disposición", batch.code],
        ["Propuesta por", f"{batch.proposed_by.full_name} ({format_datetime(batch.proposed_at)})"],
        ["Aprobada por", f"{batch.decided_by_name}{', ' + batch.decided_by_position if batch.decided_by_position else ''}"],
        ["Fecha de aprobación y ejecución", format_datetime(batch.decided_at)],
        ["Fundamento de la propuesta", batch.comment or "—"],
        ["Observaciones de la aprobación", batch.decision_comment or "—"],
        ["Huella de lo aprobado (SHA-256)", batch.signed_sha256 or ""],
    ])
    document.add_paragraph()
    document.add_paragraph(
        "Se certifica que los registros siguientes cumplieron su plazo de conservación según la tabla de "
        "retención vigente, no se encontraban bajo retención legal, y fueron dispuestos como se indica. "
        "Las sumas de verificación SHA-256 identifican inequívocamente el contenido de cada archivo.")
    _table(document, ["Registro", "Título", "Tipo", "Fecha", "Conservar hasta", "Disposición"], [
        [t.record_code, t.title, f"{t.type_code} · {t.type_name}", format_date(t.record_date),
         format_date(t.retention_until), t.action_label] for t in tombstones])
    document.add_heading("Archivos", level=2)
    _table(document, ["Registro", "Archivo", "Bytes", "SHA-256", "Resultado"], [
        [t.record_code, f["filename"], str(f["size"]), f["sha256"], _result(t.action, f)]
        for t in tombstones for f in t.files])
    document.add_paragraph()
    signature = document.add_paragraph()
    signature.add_run("Firma electrónica: ").bold = True
    signature.add_run(f"{batch.decided_by_name}, {format_datetime(batch.decided_at)} (contraseña verificada por el sistema).")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _result(action: str, entry: dict) -> str:
    if action == "archive":
        return "Trasladado a archivo histórico"
    if entry.get("physically_deleted"):
        return "Eliminado del almacén"
    return "Eliminado del registro (el contenido se conserva por otra referencia vigente)"
