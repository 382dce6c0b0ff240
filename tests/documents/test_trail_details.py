"""A saved draft's trail entry says which sections changed and how, not the whole text."""
import sqlalchemy as sa

from qms.documents import service
from qms.documents.trail_labels import TRAIL_ACTION_LABELS, detail_lines
from qms.extensions import db
from qms.trail.models import AuditEntry


def _last_edit(version):
    return db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "version.edited", AuditEntry.object_id == str(version.id)).order_by(AuditEntry.seq.desc())).first()


def test_edit_entry_keeps_only_changed_sections_with_a_word_diff(make_document, users):
    long_text = "Este procedimiento describe cómo se controlan los documentos del servicio " * 20
    document = make_document(sections={"objetivo": "Controlar los registros del servicio.", "alcance": long_text})
    version = document.versions[0]
    service.save_draft(users["author"], version, title=version.title,
                       sections={"objetivo": "Controlar los documentos del servicio.", "alcance": long_text},
                       change_description="Primera versión.")
    details = _last_edit(version).details
    assert set(details) == {"sections"}
    assert list(details["sections"]) == ["objetivo"]
    change = details["sections"]["objetivo"]
    assert change["heading"] == "1. Objetivo"
    assert change["diff"] == "Controlar los [-registros-] {+documentos+} del servicio."
    assert change["before"] == "Controlar los registros del servicio."
    lines = detail_lines("version.edited", details)
    assert lines == ["Sección «1. Objetivo»: Controlar los [-registros-] {+documentos+} del servicio."]
    assert "—" not in " ".join(lines)


def test_long_sections_are_summarised_not_copied(make_document, users):
    long_text = " ".join(f"palabra{n}" for n in range(400))
    document = make_document(sections={"objetivo": long_text})
    version = document.versions[0]
    service.save_draft(users["author"], version, title="Otro título",
                       sections={"objetivo": long_text.replace("palabra200", "cambio")},
                       change_description="Primera versión.")
    details = _last_edit(version).details
    diff = details["sections"]["objetivo"]["diff"]
    assert "[-palabra200-] {+cambio+}" in diff and len(diff) < 200
    assert len(details["sections"]["objetivo"]["before"]) <= 160
    assert details["title"] == ["Procedimiento de prueba", "Otro título"]
    assert "Título: Procedimiento de prueba → Otro título" in detail_lines("version.edited", details)


def test_every_documents_action_has_a_spanish_label(make_document, users):
    make_document(state="effective")
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type.in_(("document", "document_version")))))
    assert actions <= set(TRAIL_ACTION_LABELS)
    assert detail_lines("version.submit", {"state": ["draft", "in_review"]}) == ["Estado: Borrador → En revisión"]


def test_the_trail_page_speaks_spanish_and_shows_what_changed(client, make_document, users, login):
    document = make_document(sections={"objetivo": "Controlar los registros del servicio."})
    version = document.versions[0]
    service.save_draft(users["author"], version, title=version.title,
                       sections={"objetivo": "Controlar los documentos del servicio."},
                       change_description="Primera versión.")
    db.session.commit()
    login("quality")
    page = client.get(f"/bitacora/documento/{document.code}").get_data(as_text=True)
    assert "Borrador guardado" in page and "Documento creado" in page
    assert "Sección «1. Objetivo»: Controlar los [-registros-] {+documentos+} del servicio." in page
    assert "→ —" not in page
    listing = client.get("/bitacora/?action=version.edited").get_data(as_text=True)
    assert "Borrador guardado" in listing and '<option value="version.approve">Aprobada (Aprobó)</option>' in listing
