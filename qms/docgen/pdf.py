"""PDF copies of Word files, made by one long-lived LibreOffice (headless) per instance.

Starting LibreOffice costs seconds and hundreds of MB; several requests each starting
one would bring a 2-core server down. So there is one converter:

* a ``soffice`` started once, holding a small placeholder document open (without it,
  LibreOffice quits after the first conversion handed to it), in its own profile under
  ``PDF_CONVERTER_PATH``;
* each conversion is a short ``soffice --convert-to`` client that hands the file to that
  instance through the profile's pipe and waits; LibreOffice's single-instance logic
  makes the running one do the work (warm: well under a second for ten pages);
* a file lock (``fcntl.flock``) over the profile lets one conversion at a time through,
  across threads, gunicorn workers and the command line, and makes sure only one of
  them starts the converter.

The PDF of a stored Word file is converted once and kept in the store
(``PdfCopy``: the .docx hash → the PDF hash), as PDF/A-2b. When LibreOffice is not
installed (``SOFFICE_PATH`` empty or missing) ``PdfUnavailable`` says so in Spanish and
nothing else changes: Word copies, transitions and downloads keep working.
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from qms.errors import ServiceError
from qms.extensions import db
from qms.storage import store

PDF_TYPE = "application/pdf"
#: LibreOffice's PDF export as PDF/A-2b (the archival profile public bodies are asked for).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: Seconds one conversion may take before the converter is considered hung and restarted.
TIMEOUT = 120
_THREAD_LOCK = threading.Lock()
#: The converters this process started, by profile folder: kept so that Python neither
#: warns about nor forgets a child it started (and reaps it once it exits).
_STARTED: dict[str, subprocess.Popen] = {}


class PdfUnavailable(ServiceError):
    """No PDF can be made now (LibreOffice missing or failing); the Word copy is unaffected."""

    status_code = 503


def soffice_path() -> str | None:
    """Return the LibreOffice executable to use, or None when there is none."""
    path = current_app.config.get("SOFFICE_PATH") or ""
    return path if path and os.access(path, os.X_OK) else None


def available() -> bool:
    return soffice_path() is not None


def _unavailable() -> PdfUnavailable:
    return PdfUnavailable("La copia en PDF no está disponible en este servidor (LibreOffice no está instalado); "
                          "descargue la copia Word.")


def _home() -> Path:
    home = Path(current_app.config["PDF_CONVERTER_PATH"])
    home.mkdir(parents=True, exist_ok=True)
    return home


@contextmanager
def _one_at_a_time(home: Path):
    """Hold the converter: one thread of this process, and one process of the server."""
    with _THREAD_LOCK, open(home / "converter.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _profile_arg(home: Path) -> str:
    return f"-env:UserInstallation={(home / 'profile').as_uri()}"


def _running_pid(home: Path) -> int | None:
    own = _STARTED.get(str(home))
    if own is not None and own.poll() is not None:
        _STARTED.pop(str(home))  # ours, and it has exited: reaped
        return None
    try:
        pid = int((home / "converter.pid").read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def _placeholder(home: Path) -> Path:
    """A tiny document the converter keeps open, so it stays alive between conversions."""
    path = home / "placeholder.docx"
    if not path.exists():
        import docx

        document = docx.Document()
        document.add_paragraph("Conversor de copias PDF.")
        document.save(path)
    return path


def _start_converter(soffice: str, home: Path) -> None:
    """Start the long-lived instance (in its own process group), unless one is running."""
    if _running_pid(home) is not None:
        return
    process = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", _profile_arg(home),
         str(_placeholder(home))],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _STARTED[str(home)] = process
    (home / "converter.pid").write_text(str(process.pid))


def shutdown() -> None:
    """Stop this instance's converter (tests and ``qms`` maintenance); harmless when none runs."""
    home = _home()
    pid = _running_pid(home)
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    own = _STARTED.pop(str(home), None)
    if own is not None:
        try:
            own.wait(timeout=10)
        except subprocess.TimeoutExpired:
            own.kill()
    (home / "converter.pid").unlink(missing_ok=True)


def stop_started() -> None:
    """Stop every converter this process started (the end of a test run, a benchmark)."""
    for process in list(_STARTED.values()):
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
            process.kill()
    _STARTED.clear()


def convert(docx_bytes: bytes) -> bytes:
    """Return ``docx_bytes`` converted to PDF/A-2b by the converter; raise PdfUnavailable."""
    soffice = soffice_path()
    if soffice is None:
        raise _unavailable()
    home = _home()
    with _one_at_a_time(home), tempfile.TemporaryDirectory(dir=home) as work:
        source = Path(work) / "copia.docx"
        source.write_bytes(docx_bytes)
        _start_converter(soffice, home)
        _run_client(soffice, home, source, Path(work))
        target = Path(work) / "copia.pdf"
        if not target.exists():
            raise PdfUnavailable("No se pudo generar la copia en PDF; descargue la copia Word e intente más tarde.")
        return target.read_bytes()


def _run_client(soffice: str, home: Path, source: Path, outdir: Path) -> None:
    command = [soffice, "--headless", "--norestore", _profile_arg(home), "--convert-to", PDFA_FILTER,
               "--outdir", str(outdir), str(source)]
    try:
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        current_app.logger.error("la conversión a PDF no respondió en %s s; se reinicia el conversor", TIMEOUT)
        shutdown()
        raise PdfUnavailable("La conversión a PDF no respondió; intente de nuevo en unos minutos.") from None
    except OSError as error:
        current_app.logger.error("no se pudo ejecutar LibreOffice: %s", error)
        raise _unavailable() from None


def pdf_of_stored(docx_sha256: str) -> str:
    """Return the hash of the PDF of stored Word file ``docx_sha256``, converting it the first time."""
    from qms.docgen.models import PdfCopy

    known = db.session.get(PdfCopy, docx_sha256)
    if known is not None:
        return known.pdf_sha256
    pdf = convert(store.read(docx_sha256))
    stored = store.put(pdf, PDF_TYPE)
    try:
        with db.session.begin_nested():
            db.session.add(PdfCopy(source_sha256=docx_sha256, pdf_sha256=stored.sha256, is_pdfa=True))
    except IntegrityError:
        # Another worker converted the same file meanwhile: its copy is the one kept.
        return db.session.get(PdfCopy, docx_sha256).pdf_sha256
    return stored.sha256
