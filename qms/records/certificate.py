"""The disposition certificate (certificado de disposición), a Word file.

docgen ships no template for it (its report templates are the audit, CAPA and
nonconformity reports), so it is built here with python-docx from plain values. Its
frame is docgen's, as on every controlled output: the header table (institution and
logo, title, code, date, state, "Página X de Y"), a signature table and, in the footer,
the verification code (the start of the SHA-256 of what was approved, also kept in the
disposition and in its trail entry).
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


#: Characters of the approved fingerprint printed as the verification code.
CODE_LENGTH = 16


def verification_code(batch) -> str:
    """The code printed on the certificate: the start of the SHA-256 of what was signed."""
    return (batch.signed_sha256 or "")[:CODE_LENGTH].upper()


def _clear(story) -> None:
    for paragraph in list(story.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)


def _logo(logo: bytes | None):
    from qms.docgen.layout import Picture
    from qms.docgen.render import LOGO_HEIGHT_CM

    return Picture(logo, LOGO_HEIGHT_CM) if logo else ""


def _frame(document, institution: str, logo: bytes | None, batch) -> None:
    """The header and footer every controlled output carries."""
    from qms.docgen import layout

    layout.page_setup(document, "letter")
    section = document.sections[0]
    section.header.is_linked_to_previous = False
    _clear(section.header)
    fields = {"institution": institution, "logo": _logo(logo), "type_name": "Registro", "title": TITLE,
              "lines": [f"Código: {batch.code}", f"Fecha: {format_date(batch.decided_at)}",
                        f"Estado: {batch.state_label}"]}
    try:
        layout.header_block(section.header, fields)
    except Exception:  # noqa: BLE001 - a logo Word cannot read must not block the certificate
        _clear(section.header)
        layout.header_block(section.header, {**fields, "logo": ""})
    section.footer.is_linked_to_previous = False
    _clear(section.footer)
    line = section.footer.add_paragraph()
    layout.put(line, f"Código de verificación: {verification_code(batch)}", size=8, bold=True)
    line = section.footer.add_paragraph()
    layout.put(line, f"Inicio de la huella SHA-256 de lo aprobado en la disposición {batch.code}; compárela con la "
               "registrada en el sistema (disposición y bitácora).", size=7.5, color=layout.GREY)


def _signatures(document, batch) -> None:
    """The signature table of every report: role, name, position, date."""
    document.add_heading("Firmas", level=2)
    proposer = batch.proposed_by
    _table(document, ["Rol", "Nombre", "Cargo", "Fecha"], [
        ["Propuso la disposición", proposer.full_name, getattr(proposer, "position", "") or "",
         format_date(batch.proposed_at)],
        ["Aprobó y ejecutó (firma electrónica)", batch.decided_by_name, batch.decided_by_position or "",
         format_date(batch.decided_at)],
    ])


def build(batch, tombstones) -> bytes:
    """Return the certificate of an executed batch as .docx bytes."""
    institution, logo = _institution()
    document = docx.Document()
    _frame(document, institution, logo, batch)
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
    _signatures(document, batch)
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
