"""A generated document laid out by LibreOffice: page count, header and mark on every page."""
import shutil
import subprocess

import pytest

from qms.docgen import render, stamp
from qms.docgen.samples import long_procedure_context
from tests.docgen.helpers import TEMPLATES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.soffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) no está instalado; .ci/run instala libreoffice-writer-nogui"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) no está instalado"),
]


def to_pdf_pages(docx_bytes: bytes, tmp_path) -> list[str]:
    """Convert with LibreOffice headless and return the text of each PDF page."""
    source = tmp_path / "documento.docx"
    source.write_bytes(docx_bytes)
    # A private profile: parallel test workers must not share LibreOffice's user folder.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run([SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "documento.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_page_carries_the_header(paper, tmp_path):
    document = render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), long_procedure_context(),
                                      paper=paper)
    pages = to_pdf_pages(render.to_bytes(document), tmp_path)
    assert 8 <= len(pages) <= 14
    for number, page in enumerate(pages, start=1):
        assert "Código: PR-EJ-01" in page, number
        assert "Versión 10" in page, number
        assert f"Página {number} de {len(pages)}" in page, number
        assert "EJEMPLO1" in page, number  # verification code in the footer


def test_every_page_of_a_draft_says_borrador(tmp_path):
    document = render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), long_procedure_context())
    stamp.add_mark(document, "BORRADOR")
    pages = to_pdf_pages(render.to_bytes(document), tmp_path)
    assert len(pages) > 1
    assert all("BORRADOR" in page for page in pages)
