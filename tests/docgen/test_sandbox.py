"""Templates cannot run code, reach internals, loop forever or corrupt the XML."""
import io
import time

import docx
import pytest

from qms.docgen import render, sandbox
from qms.docgen.samples import SAMPLE_DOCUMENT_CONTEXT
from tests.docgen.helpers import TEMPLATES, all_body_text, open_docx


def payload(marker) -> str:
    """The classic SSTI payload; if it ever ran, ``marker`` would exist."""
    return "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}" % marker


def template_with(place: str, text: str) -> bytes:
    document = docx.Document(io.BytesIO((TEMPLATES / "procedimiento.docx").read_bytes()))
    section = document.sections[0]
    if place == "body":
        document.add_paragraph(text)
    elif place == "header":
        section.header.add_paragraph(text)
    elif place == "footer":
        section.footer.add_paragraph(text)
    elif place == "properties":
        document.core_properties.comments = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("place", ["body", "header", "footer", "properties"])
def test_ssti_payload_in_template_is_refused(place, tmp_path):
    marker = tmp_path / "executed"
    with pytest.raises(render.TemplateRenderError) as caught:
        render.render_document(template_with(place, payload(marker)), SAMPLE_DOCUMENT_CONTEXT)
    assert "no permitida" in caught.value.message
    assert not marker.exists()


@pytest.mark.parametrize("field", ["title", "code"])
def test_ssti_payload_in_user_data_is_printed_as_text(field, tmp_path):
    marker = tmp_path / "executed"
    context = {**SAMPLE_DOCUMENT_CONTEXT, "document": {**SAMPLE_DOCUMENT_CONTEXT["document"], field: payload(marker)}}
    context["sections"] = [{**s, "markdown": payload(marker)} for s in context["sections"]]
    document = open_docx(render.to_bytes(render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), context)))
    assert payload(marker) in all_body_text(document)
    assert not marker.exists()


def test_user_text_with_xml_characters_keeps_the_file_valid():
    context = {**SAMPLE_DOCUMENT_CONTEXT, "document": {**SAMPLE_DOCUMENT_CONTEXT["document"],
                                                       "title": "Compras & contrataciones <públicas> \"2026\""}}
    data = render.to_bytes(render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), context))
    assert "Compras & contrataciones <públicas> \"2026\"" in all_body_text(open_docx(data))


@pytest.mark.parametrize("expression", ["s.body.part.package", "qr.tpl", "logo.__class__"])
def test_rendered_objects_are_opaque(expression):
    """GIVEN a template that digs into a section body or an image THEN it is refused."""
    template = template_with("body", "{%p for s in sections %}{{ " + expression + " }}{%p endfor %}")
    context = {**SAMPLE_DOCUMENT_CONTEXT, "verification": {"code": "X", "url": "https://x.cl/verificar/X"}}
    with pytest.raises(render.TemplateRenderError):
        render.render_document(template, context)


def test_non_plain_context_is_refused():
    with pytest.raises(TypeError):
        render.plain_copy({"user": object()})


def test_endless_loop_is_stopped_by_the_time_limit():
    template = template_with(
        "body", "{% set l = [0]*1000 %}{% for a in l %}{% for b in l %}{% for c in l %}{% endfor %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    with pytest.raises(render.TemplateRenderError) as caught:
        render.render_document(template, SAMPLE_DOCUMENT_CONTEXT, time_limit=0.5)
    assert time.monotonic() - started < 3
    assert "tardó demasiado" in caught.value.message


def test_huge_repetition_is_refused():
    with pytest.raises(render.TemplateRenderError):
        render.render_document(template_with("body", "{{ 'x' * 100000000 }}"), SAMPLE_DOCUMENT_CONTEXT)


def test_time_limit_leaves_no_pending_exception():
    """GIVEN many short blocks under a tight limit THEN no timeout leaks out after a block ends."""
    for _ in range(200):
        try:
            with sandbox.time_limit(0.001):
                sum(range(20_000))
        except sandbox.RenderTimeout:
            pass
    time.sleep(0.05)  # a leaked asynchronous exception would be raised around here


def test_syntax_error_is_reported_in_spanish():
    with pytest.raises(render.TemplateRenderError) as caught:
        render.render_document(template_with("body", "{{ document.code "), SAMPLE_DOCUMENT_CONTEXT)
    assert caught.value.message.startswith("La plantilla tiene un error")
