"""Read an import's metadata sheet and files into a plan: what would be created, and each row's problems.

The dry run is this plan shown; the real run applies the documents whose rows have no
problem (``legacy_import.apply``). Nothing here writes: it reads the sheet, the files
(checked like every Word upload, text extracted) and the reference data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from qms.docgen import uploads as word_uploads
from qms.docgen.pdf_text import PdfUnreadable, extract_pdf_text
from qms.docgen.text import extract_text
from qms.documents.models import Document, DocumentType
from qms.errors import ServiceError
from qms.extensions import db
from qms.org.models import Process, Region
from qms.storage import store
from qms.storage.sheets import read_sheet
from qms.timeutil import parse_date, today_local

#: The sheet's columns, in the order of the template sheet.
COLUMNS = ("codigo", "titulo", "tipo", "proceso", "regiones", "version", "vigencia", "elaboro",
           "fecha_elaboracion", "reviso", "fecha_revision", "aprobo", "fecha_aprobacion",
           "descripcion_cambio", "archivo", "estado")
STATES = {"vigente": "effective", "obsoleto": "obsolete"}
#: Sheet column of each paper signature and of its date.
SIGNERS = (("authored", "elaboro", "fecha_elaboracion"), ("reviewed", "reviso", "fecha_revision"),
           ("approved", "aprobo", "fecha_aprobacion"))


@dataclass
class PlannedVersion:
    row: int
    number: int = 0
    title: str = ""
    state: str = ""
    effective_date: date | None = None
    change_description: str = ""
    path: str = ""
    type_code: str = ""
    process_code: str = ""
    region_codes: list[str] = field(default_factory=list)
    #: docx or pdf, the file's hash and its text (for search).
    kind: str = ""
    sha256: str = ""
    text: str = ""
    #: meaning -> (name on paper, date on paper).
    signers: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class PlannedDocument:
    code: str
    versions: list[PlannedVersion] = field(default_factory=list)
    doc_type: DocumentType | None = None
    process: Process | None = None
    regions: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Imported before with the same files: skipped.
    already_imported: bool = False

    @property
    def title(self) -> str:
        return self.versions[-1].title if self.versions else ""

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(v.problems for v in self.versions)

    @property
    def rows(self) -> list[int]:
        return [v.row for v in self.versions]


@dataclass
class Plan:
    documents: list[PlannedDocument]

    @property
    def to_import(self) -> list[PlannedDocument]:
        return [d for d in self.documents if not d.has_problems and not d.already_imported]

    @property
    def skipped(self) -> list[PlannedDocument]:
        return [d for d in self.documents if d.already_imported and not d.has_problems]

    @property
    def refused(self) -> list[PlannedDocument]:
        return [d for d in self.documents if d.has_problems]

    def problems(self) -> list[tuple[int | None, str, str]]:
        """Return (row, code, problem) for every problem, in sheet order."""
        found = []
        for document in self.documents:
            first = document.rows[0] if document.rows else None
            found += [(first, document.code, p) for p in document.problems]
            found += [(v.row, document.code, p) for v in document.versions for p in v.problems]
        return sorted(found, key=lambda item: (item[0] or 0, item[1]))


def plan_import(bundle, sheet_data: bytes, sheet_name: str) -> Plan:
    """Read the sheet and the files of ``bundle``; return the plan (raise ServiceError for a bad sheet)."""
    rows = read_sheet(sheet_data, sheet_name, COLUMNS)
    if not rows:
        raise ServiceError("La planilla de metadatos no tiene filas con documentos.")
    reference = _Reference()
    documents: dict[str, PlannedDocument] = {}
    for row in rows:
        code = row.cells["codigo"].strip()
        planned = documents.setdefault(code, PlannedDocument(code=code))
        planned.versions.append(_read_row(row, reference, bundle))
    for planned in documents.values():
        _check_document(planned, reference)
    return Plan(list(documents.values()))


class _Reference:
    """The types, processes and regions, read once for the whole sheet."""

    def __init__(self):
        self.types = {t.code.upper(): t for t in db.session.scalars(sa.select(DocumentType))}
        self.processes = {p.code.upper(): p for p in db.session.scalars(sa.select(Process))}
        self.regions = {r.code.upper(): r for r in db.session.scalars(sa.select(Region))}


def _date(text: str, label: str, problems: list[str], *, required: bool = False) -> date | None:
    if not text.strip():
        if required:
            problems.append(f"Falta la fecha de {label}.")
        return None
    try:
        return parse_date(text)
    except ValueError:
        problems.append(f"La fecha de {label} «{text}» no es válida: use dd-mm-aaaa o aaaa-mm-dd.")
        return None


def _read_row(row, reference: _Reference, bundle) -> PlannedVersion:
    cells = row.cells
    version = PlannedVersion(row=row.number, title=cells["titulo"].strip(),
                             change_description=cells["descripcion_cambio"].strip(), path=cells["archivo"].strip(),
                             type_code=cells["tipo"].strip(), process_code=cells["proceso"].strip(),
                             region_codes=[c.strip() for c in cells["regiones"].split(",") if c.strip()])
    problems = version.problems
    if not cells["codigo"].strip():
        problems.append("Falta el código del documento.")
    elif len(cells["codigo"].strip()) > 40:
        problems.append("El código tiene más de 40 caracteres.")
    if not version.title:
        problems.append("Falta el título.")
    elif len(version.title) > 250:
        problems.append("El título tiene más de 250 caracteres.")
    try:
        version.number = int(cells["version"].strip())
        if version.number < 1:
            raise ValueError
    except ValueError:
        problems.append(f"La versión «{cells['version']}» no es un número entero positivo.")
    state = cells["estado"].strip().lower()
    version.state = STATES.get(state, "")
    if not version.state:
        problems.append(f"El estado «{cells['estado']}» no es válido: use vigente u obsoleto.")
    version.effective_date = _date(cells["vigencia"], "vigencia", problems, required=True)
    if version.effective_date and version.effective_date > today_local():
        problems.append("La fecha de vigencia es futura: solo se importan versiones que ya estuvieron en vigencia.")
    for meaning, name_column, date_column in SIGNERS:
        name = cells[name_column].strip()[:160]
        signed_on = _date(cells[date_column], date_column.replace("fecha_", "").replace("_", " "), problems)
        if name or signed_on:
            version.signers[meaning] = (name, signed_on)
    _check_signature_dates(version)
    _read_file(version, bundle)
    return version


def _check_signature_dates(version: PlannedVersion) -> None:
    """Elaboró ≤ Revisó ≤ Aprobó ≤ vigencia, where the dates are given."""
    steps = [(label, version.signers.get(meaning, ("", None))[1]) for meaning, label in
             (("authored", "elaboración"), ("reviewed", "revisión"), ("approved", "aprobación"))]
    steps.append(("vigencia", version.effective_date))
    known = [(label, day) for label, day in steps if day is not None]
    for (first, early), (second, late) in zip(known, known[1:]):
        if early > late:
            version.problems.append(f"Las fechas están fuera de orden: la de {first} es posterior a la de {second}.")


def _read_file(version: PlannedVersion, bundle) -> None:
    try:
        data = bundle.read(version.path)
        version.kind = word_uploads.validate_upload(data, int(current_app.config["MAX_UPLOAD_MB"]), ("docx", "pdf"))
    except ServiceError as refused:
        version.problems.append(f"Archivo «{version.path}»: {refused.message}")
        return
    version.sha256 = store.sha256_of(data)
    try:
        version.text = extract_text(data) if version.kind == "docx" else extract_pdf_text(data)
    except PdfUnreadable:
        version.problems.append(f"Archivo «{version.path}»: el PDF no se puede leer (dañado o protegido).")
    except Exception:  # python-docx raises many kinds on a damaged package
        version.problems.append(f"Archivo «{version.path}»: el documento Word no se puede abrir.")


def _check_document(planned: PlannedDocument, reference: _Reference) -> None:
    """Check what the rows of one code say together, and what the register already holds."""
    planned.versions.sort(key=lambda v: v.number)
    latest_row = max(planned.versions, key=lambda v: v.number)
    problems = planned.problems
    if not planned.code:
        return
    _check_reference(planned, latest_row, reference)
    numbers = [v.number for v in planned.versions if v.number]
    duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicated:
        problems.append(f"La versión {', '.join(map(str, duplicated))} aparece más de una vez para {planned.code}.")
    effective = [v for v in planned.versions if v.state == "effective"]
    if len(effective) > 1:
        problems.append(f"{planned.code} tiene más de una versión vigente.")
    elif effective and effective[0] is not latest_row:
        problems.append(f"La versión vigente de {planned.code} debe ser la de número mayor; las anteriores quedan obsoletas.")
    dated = [v for v in planned.versions if v.effective_date]
    for earlier, later in zip(dated, dated[1:]):
        if earlier.effective_date > later.effective_date:
            problems.append(f"La vigencia de la versión {later.number} es anterior a la de la versión {earlier.number}.")
    _check_register(planned)


def _check_reference(planned: PlannedDocument, latest: PlannedVersion, reference: _Reference) -> None:
    """Type, process and regions of the document: those of its latest row, each one known."""
    problems = latest.problems
    planned.doc_type = reference.types.get(latest.type_code.upper())
    if planned.doc_type is None:
        problems.append(f"El tipo «{latest.type_code}» no existe (use el prefijo del tipo: PR, IT, FO, MC…).")
    elif not planned.doc_type.is_active:
        problems.append(f"El tipo «{latest.type_code}» no está activo.")
    planned.process = reference.processes.get(latest.process_code.upper())
    if planned.process is None:
        problems.append(f"El proceso «{latest.process_code}» no existe.")
    elif not planned.process.is_active:
        problems.append(f"El proceso «{latest.process_code}» no está activo.")
    planned.regions = []
    for code in latest.region_codes:
        region = reference.regions.get(code.upper())
        if region is None:
            problems.append(f"La región «{code}» no existe.")
        else:
            planned.regions.append(region)


def _check_register(planned: PlannedDocument) -> None:
    """A code already in the register is skipped when it holds exactly these files, refused otherwise."""
    existing = db.session.scalar(sa.select(Document).where(Document.code == planned.code))
    if existing is None:
        return
    held = {(v.number, v.source_sha256) for v in existing.versions}
    wanted = {(v.number, v.sha256) for v in planned.versions}
    if wanted and wanted <= held:
        planned.already_imported = True
    else:
        planned.problems.append(f"El código {planned.code} ya está en uso en el sistema por otro documento.")


#: The example row of the template sheet.
EXAMPLE_ROW = {"codigo": "PR-GT-07", "titulo": "Procedimiento de archivo", "tipo": "PR", "proceso": "GT",
               "regiones": "RM, V", "version": "2", "vigencia": "10-06-2022", "elaboro": "Nombre de quien elaboró",
               "fecha_elaboracion": "15-05-2022", "reviso": "Nombre de quien revisó", "fecha_revision": "25-05-2022",
               "aprobo": "Nombre de quien aprobó", "fecha_aprobacion": "01-06-2022",
               "descripcion_cambio": "Se agrega la foliación.", "archivo": "procedimientos/PR-GT-07_v2.docx",
               "estado": "vigente"}


def template_sheet() -> bytes:
    """Return the template sheet (.xlsx): the columns in order and one example row."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "documentos"
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE_ROW[c] for c in COLUMNS])
    for cells in sheet.iter_cols(min_row=1, max_row=1):
        sheet.column_dimensions[cells[0].column_letter].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
