"""Every upload path checks files the same way, and every stored file is served the same way.

Written as the attack: an executable, a zip bomb and an HTML page called ``../../evil.html``
sent to the attachments of a finding, the evidence of an action's task and the files of a
record. Each is judged by its content (the client's type and name decide nothing), a zip
is measured while it is read, the name is only shown (sanitized), and the download is an
attachment with the server's type, ``nosniff``, and an entry in the trail.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.trail.models import AuditEntry

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bomb(expanded: int) -> bytes:
    """A Word-looking package whose main part is ``expanded`` zero bytes (ratio ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * expanded)
    return buffer.getvalue()


@pytest.fixture
def app_overrides():
    # Lowered so that a 4 MB bomb passes the limit; production allows 100 MB.
    return {"UPLOAD_MAX_UNCOMPRESSED_MB": 1}


@dataclass
class UploadPath:
    name: str
    username: str
    upload_url: str
    extra: dict
    rows: object  # () -> list of (id, filename, content_type, sha256) of the path's files
    download_url: object  # (row id) -> URL
    trail: tuple  # (action, object_type, object_id) of the download's entry


@pytest.fixture
def samples(app, users, make_document):
    from tests.audits.access_samples import make_samples

    found = make_samples(users, make_document(state="effective"))
    from qms.records import service as records

    records.load_default_record_types()
    record = records.create_record(users["quality"], record_type=records.get_type_by_code("INF-AUD"),
                                   title="Informe de auditoría", record_date=date(2025, 3, 1),
                                   data=b"%PDF-1.4\n%%EOF\n", filename="informe.pdf")
    db.session.commit()
    found["record_id"] = record.id
    return found


def _paths(samples) -> dict[str, UploadPath]:
    from qms.actions.models import Action, TaskEvidence
    from qms.audits.models import Audit, Finding, FindingAttachment
    from qms.records.models import RecordFile

    audit = db.session.scalar(sa.select(Audit).where(Audit.code == samples["audit_code"]))
    finding = db.session.scalar(sa.select(Finding).where(Finding.audit_id == audit.id,
                                                          Finding.number == samples["finding_number"]))
    action = db.session.scalar(sa.select(Action).where(Action.code == samples["action_code"]))
    finding_base = f"/auditorias/{audit.code}/hallazgos/{finding.number}/anexos"

    def rows(model, **where):
        db.session.expire_all()
        query = sa.select(model).filter_by(**where).order_by(model.id)
        return [(r.id, getattr(r, "filename", None) or getattr(r, "original_filename", None), r.content_type, r.sha256)
                for r in db.session.scalars(query)]

    return {
        "finding": UploadPath(
            "finding", "auditor", finding_base, {},
            lambda: rows(FindingAttachment, finding_id=finding.id), lambda row_id: f"{finding_base}/{row_id}",
            ("finding.attachment_downloaded", "finding", str(finding.id))),
        "evidence": UploadPath(
            "evidence", "quality", f"/acciones/{action.code}/tareas/{samples['task_id']}/evidencia", {},
            lambda: rows(TaskEvidence, task_id=samples["task_id"]),
            lambda row_id: f"/acciones/{action.code}/evidencia/{row_id}",
            ("action.evidence_downloaded", "action", str(action.id))),
        "record": UploadPath(
            "record", "quality", f"/registros/{samples['record_id']}/archivos", {"reason": "Anexo del informe."},
            lambda: rows(RecordFile, record_id=samples["record_id"]),
            lambda row_id: f"/registros/{samples['record_id']}/archivos/{row_id}",
            ("record.file_downloaded", "record", str(samples["record_id"]))),
    }


PATHS = ("finding", "evidence", "record")


def _upload(client, path: UploadPath, data: bytes, filename: str, client_type: str):
    return client.post(path.upload_url, data={**path.extra, "file": (io.BytesIO(data), filename, client_type)},
                       content_type="multipart/form-data")


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def _refused_with(client, response, message: str) -> bool:
    """A refusal comes back as the page with the message (400), or as a redirect with it flashed."""
    if response.status_code == 400:
        return message in response.get_data(as_text=True)
    return response.status_code == 302 and any(message in m for m in _flashes(client))


def _stored_files(app) -> set[str]:
    import pathlib

    root = pathlib.Path(app.config["STORAGE_PATH"])
    return {p.name for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", PATHS)
def test_an_executable_is_refused_whatever_it_is_called(app, client, users, login, samples, name):
    path = _paths(samples)[name]
    before, files_before = path.rows(), _stored_files(app)
    login(path.username)
    response = _upload(client, path, EXE, "informe.pdf", "application/pdf")
    assert _refused_with(client, response, "No se reconoce el contenido de «informe.pdf»")
    assert path.rows() == before
    assert _stored_files(app) == files_before


@pytest.mark.parametrize("name", PATHS)
def test_a_zip_bomb_is_refused_while_it_is_read(app, client, users, login, samples, name, monkeypatch):
    from qms.storage import archives

    path = _paths(samples)[name]
    before, files_before = path.rows(), _stored_files(app)
    # Count what is really decompressed: reading must stop at the limit (1 MB here),
    # whatever the archive declares.
    monkeypatch.setattr(archives, "CHUNK", 64 * 1024)
    expanded = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = real_read(self, n)
        expanded.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    bomb = zip_bomb(4 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    login(path.username)
    response = _upload(client, path, bomb, "acta.docx", "application/octet-stream")
    assert _refused_with(client, response, "ocupa demasiado al descomprimirse (máximo 1 MB)")
    assert 1024 * 1024 <= sum(expanded) <= 1024 * 1024 + 64 * 1024
    assert path.rows() == before
    assert _stored_files(app) == files_before


@pytest.mark.parametrize("name", PATHS)
def test_an_html_page_is_kept_as_text_under_a_sanitized_name_and_served_as_an_attachment(
        app, client, users, login, samples, name, tmp_path):
    path = _paths(samples)[name]
    before = path.rows()
    login(path.username)
    response = _upload(client, path, HTML, "../../evil.html", "text/html")
    assert response.status_code == 302
    added = [row for row in path.rows() if row not in before]
    assert len(added) == 1
    row_id, filename, content_type, _sha = added[0]
    assert (filename, content_type) == ("evil.html", "text/plain")
    assert not (tmp_path / "evil.html").exists() and not (tmp_path.parent / "evil.html").exists()

    downloaded = client.get(path.download_url(row_id))
    assert downloaded.status_code == 200
    assert downloaded.data == HTML
    assert downloaded.mimetype == "text/plain"
    disposition = downloaded.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "evil.html" in disposition and ".." not in disposition
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    action, object_type, object_id = path.trail
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)).all()
    assert len(entries) == 1 and entries[0].username == path.username


@pytest.mark.parametrize("name", ("finding", "evidence"))
def test_an_older_upload_is_served_with_the_type_of_its_content_not_its_stored_label(
        app, client, users, login, samples, name):
    """Rows stored before the check kept the client's type and name: they no longer decide."""
    from qms.actions.models import TaskEvidence
    from qms.audits.models import FindingAttachment
    from qms.storage import store

    path = _paths(samples)[name]
    row_id = path.rows()[0][0]
    row = db.session.get(FindingAttachment if name == "finding" else TaskEvidence, row_id)
    row.sha256 = store.put(HTML, "text/html").sha256
    row.filename, row.content_type = "../../evil.html", "text/html"
    db.session.commit()
    login(path.username)
    downloaded = client.get(path.download_url(row_id))
    assert downloaded.status_code == 200
    assert downloaded.mimetype == "text/plain"
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert downloaded.headers["Content-Disposition"].startswith("attachment;")
    assert ".." not in downloaded.headers["Content-Disposition"]


def test_stored_reports_are_downloaded_as_attachments_and_trailed(app, client, users, login, samples):
    """The audit, action and nonconformity reports leave the store through the same path."""
    from qms.audits.models import Audit
    from qms.storage import store
    from tests.records.conftest import docx_bytes

    audit = db.session.scalar(sa.select(Audit).where(Audit.code == samples["audit_code"]))
    audit.report_sha256 = store.put(docx_bytes("Informe"), "application/octet-stream").sha256
    db.session.commit()
    login("quality")
    response = client.get(f"/auditorias/{audit.code}/informe")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "audit.report_downloaded", AuditEntry.object_id == str(audit.id))) == 1


def test_a_missing_stored_file_is_a_404_and_on_record(app, client, users, login, samples):
    from qms.storage import store

    path = _paths(samples)["finding"]
    row_id, _name, _type, sha = path.rows()[0]
    store.path_for(sha).unlink()
    login(path.username)
    assert client.get(path.download_url(row_id)).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "storage.download_failed", AuditEntry.object_type == "finding")) == 1


def test_display_names_lose_folders_control_and_direction_characters():
    from qms.storage.uploads import display_name

    assert display_name("../../evil.html") == "evil.html"
    assert display_name("..\\..\\windows\\win.ini") == "win.ini"
    assert display_name("factura\u202efdp.exe") == "facturafdp.exe"
    assert display_name("a\x00b\r\n.txt") == "ab.txt"
    assert display_name("../..", "anexo") == "anexo"
