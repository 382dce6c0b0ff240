"""Benchmark: importing an existing register, and PDF copies with the converter warm.

    .venv/bin/python benchmarks/bench_import.py [--versions 1000] [--pdf-runs 5] [--skip-pdf]

* ``import``: a generated folder of ``--versions`` document versions (two per document,
  half the documents in Word, half in PDF, each Word file a few pages) and its metadata
  sheet, imported through ``qms import documents`` on a fresh SQLite database with search
  indexing on: prints the total seconds, seconds per version and the peak resident
  memory of the process (``ru_maxrss``).
* ``pdf``: a 10-page procedure converted to PDF/A by the long-lived LibreOffice converter:
  one cold conversion (start included), then the median of ``--pdf-runs`` warm ones.

Not a timed test: results go in the README with the machine's load (``uptime``).
"""
from __future__ import annotations

import argparse
import csv
import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from qms import create_app  # noqa: E402
from qms.extensions import db  # noqa: E402

PARAGRAPH = ("El responsable del proceso revisa los expedientes, registra su estado en la planilla de control y "
             "deriva a la unidad que corresponda los que requieran corrección. ")


def word_file(title: str, pages: int) -> bytes:
    document = docx.Document()
    document.add_heading(title, 1)
    for page in range(pages):
        document.add_heading(f"{page + 1}. Sección {page + 1}", 2)
        for _ in range(12):
            document.add_paragraph(PARAGRAPH * 3)
        if page + 1 < pages:
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_folder(folder: Path, versions: int) -> Path:
    from qms.documents.legacy_plan import COLUMNS
    from tests.imports.folder import make_pdf

    rows = []
    for n in range(versions // 2):
        kind = "docx" if n % 2 == 0 else "pdf"
        code = f"PR-GT-{n + 1:03d}"
        for number in (1, 2):
            name = f"{code}_v{number}.{kind}"
            title = f"Procedimiento {n + 1} de gestión territorial"
            data = word_file(title, 3) if kind == "docx" else make_pdf(f"{title} version {number}")
            (folder / name).write_bytes(data)
            rows.append({"codigo": code, "titulo": title, "tipo": "PR", "proceso": "GT", "regiones": "",
                         "version": number, "vigencia": f"0{number}-03-20{18 + number}", "elaboro": "Ana Pérez",
                         "reviso": "Marta Díaz", "aprobo": "Luis Soto", "descripcion_cambio": "Edición.",
                         "archivo": name, "estado": "obsoleto" if number == 1 else "vigente",
                         "fecha_elaboracion": "", "fecha_revision": "", "fecha_aprobacion": ""})
    sheet = folder / "metadatos.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return sheet


def bench_import(app, folder: Path, versions: int) -> None:
    from qms.auth import service as auth
    from qms.cli import main
    from qms.home.reference_data import load_reference_data
    from qms.org.models import Process

    db.create_all()
    load_reference_data()
    db.session.add(Process(code="GT", name="Gestión Territorial", kind="strategic"))
    auth.create_user(None, username="calidad", full_name="Encargada de Calidad", password="clave-bench-larga-1",
                     roles=["quality"], position="Encargada de Calidad")
    db.session.commit()
    files = folder / "legado"
    files.mkdir()
    started = time.perf_counter()
    sheet = build_folder(files, versions)
    print(f"carpeta generada: {versions} versiones en {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(main, ["import", "documents", str(files), "--metadata", str(sheet),
                                                 "--as", "calidad"])
    elapsed = time.perf_counter() - started
    print(result.output.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import: {elapsed:.1f} s en total, {elapsed / versions * 1000:.0f} ms por versión, "
          f"memoria máxima del proceso {peak_mb:.0f} MB")


def bench_pdf(runs: int) -> None:
    from qms.docgen import pdf

    data = word_file("Procedimiento de control de documentos", 10)
    started = time.perf_counter()
    first = pdf.convert(data)
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf.convert(data)
        times.append(time.perf_counter() - started)
    pdf.shutdown()
    print(f"pdf (10 páginas, {len(first) // 1024} KB): en frío {cold:.2f} s; en caliente mediana "
          f"{statistics.median(times):.2f} s (mín {min(times):.2f}, máx {max(times):.2f}, {runs} corridas)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qms-bench-import-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'qms.sqlite3'}", "INSTANCE_PATH": str(folder),
                      "SECRET_KEY": "bench", "STORAGE_PATH": str(folder / "storage"),
                      "INDEX_PATH": str(folder / "index"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context(), app.test_request_context():
        if not args.skip_import:
            bench_import(app, folder, args.versions)
        if not args.skip_pdf:
            bench_pdf(args.pdf_runs)


if __name__ == "__main__":
    main()
