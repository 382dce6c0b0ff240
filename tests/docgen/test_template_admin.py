"""Administrators replace templates; only a template that renders sample data is accepted."""
import io

import docx
import pytest
import sqlalchemy as sa

from qms.docgen import templates
from qms.docgen.models import TemplateVersion
from qms.extensions import db
from qms.storage import store
from qms.trail.models import AuditEntry
from tests.docgen.helpers import TEMPLATES, open_docx, story_text

PAGE = "/admin/plantillas/procedimiento.docx"


def restyled(extra_body: str = "", drop_code: bool = False) -> bytes:
    """The shipped procedure template, as an institution might have changed it in Word."""
    document = docx.Document(io.BytesIO((TEMPLATES / "procedimiento.docx").read_bytes()))
    document.sections[0].footer.add_paragraph("Pie institucional del Servicio")
    if extra_body:
        document.add_paragraph(extra_body)
    if drop_code:
        for table in document.sections[0].header.tables:
            for cell in table._cells:
                for paragraph in cell.paragraphs:
                    if "document.code" in paragraph.text:
                        for run in paragraph.runs:
                            run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def post(client, data: bytes, comment="Formato institucional 2026"):
    return client.post(PAGE, data={"file": (io.BytesIO(data), "plantilla.docx"), "comment": comment},
                       content_type="multipart/form-data")


def test_admin_sees_the_templates(client, login, users):
    login("admin")
    page = client.get("/admin/plantillas").get_data(as_text=True)
    assert "procedimiento.docx" in page and "informe_auditoria.docx" in page
    assert client.get(PAGE).status_code == 200


def test_accepted_upload_is_used_and_earlier_versions_are_kept(client, login, make_document):
    first = make_document(state="effective").versions[0]
    assert first.output_template == "procedimiento.docx@1"
    login("admin")
    response = post(client, restyled())
    assert response.status_code == 302
    current = templates.latest("procedimiento.docx")
    assert (current.number, current.origin, current.comment) == (2, "upload", "Formato institucional 2026")
    assert store.read(templates.history("procedimiento.docx")[1].sha256)  # version 1 kept
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "template.uploaded")).first()

    later = make_document(state="effective", title="Segundo procedimiento").versions[0]
    assert later.output_template == "procedimiento.docx@2"
    assert "Pie institucional del Servicio" in story_text(open_docx(store.read(later.output_sha256)), "footer")
    assert first.output_template == "procedimiento.docx@1"


def test_template_with_code_injection_is_refused(client, login, users):
    login("admin")
    response = post(client, restyled("{{ cycler.__init__.__globals__.os.popen('id').read() }}"))
    assert response.status_code == 200
    assert "no se pudo generar con datos de ejemplo" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TemplateVersion).where(
        TemplateVersion.origin == "upload")) == 0


def test_template_that_drops_the_code_is_refused(client, login, users):
    login("admin")
    response = post(client, restyled(drop_code=True))
    assert "no muestra el código del documento" in response.get_data(as_text=True)


def test_template_with_a_syntax_error_is_refused(client, login, users):
    login("admin")
    response = post(client, restyled("{% for x in %}"))
    assert "La plantilla tiene un error" in response.get_data(as_text=True)


def test_non_word_template_is_refused(client, login, users):
    login("admin")
    response = post(client, b"%PDF-1.4 no es Word")
    assert "no corresponde a un documento Word" in response.get_data(as_text=True)


def test_restore_builtin_after_an_upload(client, login, users):
    login("admin")
    post(client, restyled())
    response = client.post(f"{PAGE}/restaurar")
    assert response.status_code == 302
    current = templates.latest("procedimiento.docx")
    assert current.origin == "builtin"
    assert current.sha256 == store.sha256_of((TEMPLATES / "procedimiento.docx").read_bytes())


def test_template_versions_can_be_downloaded(client, login, users):
    login("admin")
    post(client, restyled())
    response = client.get(f"{PAGE}/1/descargar")
    assert response.status_code == 200
    assert response.data == store.read(templates.history("procedimiento.docx")[-1].sha256)


def test_others_cannot_manage_templates(client, login, users):
    login("quality")
    assert client.get("/admin/plantillas").status_code == 403
    assert post(client, restyled()).status_code == 403


HOSTILE = {
    "a billion-long loop": "{% for i in range(10**9) %}{{ i }}{% endfor %}",
    "a recursive macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
    "a two-gigabyte string": "{{ 'x'|center(2000000000) }}",
    "a loop that never ends": "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_templates_are_refused_within_bounds(client, login, users, label):
    """GIVEN a template that would loop, recurse or fill the memory THEN it is refused with a message,
    in bounded time, and the web process's memory does not grow."""
    import resource
    import time

    login("admin")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    response = post(client, restyled(HOSTILE[label]))
    elapsed = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert response.status_code == 200, label
    assert any(word in page for word in ("tardó demasiado", "demasiada memoria", "se llama a sí misma",
                                         "no se pudo generar")), label
    assert elapsed < 20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: < 100 MB more
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TemplateVersion).where(
        TemplateVersion.origin == "upload")) == 0
