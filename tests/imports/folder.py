"""A generated folder of legacy documents and its metadata sheet, as an institution would bring."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import docx

from qms.documents.legacy_plan import COLUMNS


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(text: str) -> bytes:
    """Return a one-page PDF showing ``text`` (Helvetica, ASCII), written by hand: no converter needed."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def row(**cells) -> dict:
    base = {column: "" for column in COLUMNS}
    base.update(tipo="PR", proceso="GT", estado="vigente")
    base.update(cells)
    return base


def write_csv(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def standard_folder(folder: Path) -> tuple[Path, list[dict]]:
    """Three legacy documents: one with two versions (Word), one PDF, one with a code off the pattern."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pr").mkdir()
    (folder / "pr" / "PR-GT-07_v1.docx").write_bytes(make_docx("Procedimiento de archivo", "Primera edicion del archivo."))
    (folder / "pr" / "PR-GT-07_v2.docx").write_bytes(make_docx("Procedimiento de archivo", "Ordenar expedientes foliados."))
    (folder / "it.pdf").write_bytes(make_pdf("Instructivo de digitalizacion de oficios"))
    (folder / "manual.docx").write_bytes(make_docx("Manual de la calidad institucional"))
    rows = [
        row(codigo="PR-GT-07", titulo="Procedimiento de archivo", version="1", vigencia="01-03-2019", estado="obsoleto",
            elaboro="Ana Pérez", fecha_elaboracion="01-02-2019", aprobo="Luis Soto", fecha_aprobacion="15-02-2019",
            descripcion_cambio="Creación.", archivo="pr/PR-GT-07_v1.docx"),
        row(codigo="PR-GT-07", titulo="Procedimiento de archivo y foliación", version="2", vigencia="2022-06-10",
            elaboro="Ana Pérez", reviso="Marta Díaz", aprobo="Luis Soto", fecha_aprobacion="2022-06-01",
            descripcion_cambio="Se agrega la foliación.", archivo="pr/PR-GT-07_v2.docx"),
        row(codigo="IT-GT-03", tipo="IT", titulo="Instructivo de digitalización", version="4", vigencia="05-05-2021",
            aprobo="Luis Soto", archivo="it.pdf", regiones=""),
        row(codigo="MAN-CAL", tipo="MC", titulo="Manual de la Calidad", version="3", vigencia="10-01-2020",
            aprobo="Dirección Nacional", archivo="manual.docx"),
    ]
    return write_csv(folder / "metadatos.csv", rows), rows
