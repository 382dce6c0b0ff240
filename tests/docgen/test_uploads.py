"""Uploaded files are judged by content and checked against every limit before opening."""
import zipfile

import pytest

from qms.docgen import uploads
from tests.docgen.helpers import TEMPLATES, replace_part, zip_bytes

DOCX = (TEMPLATES / "procedimiento.docx").read_bytes()
MINIMAL_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}


def test_a_real_docx_is_accepted():
    assert uploads.validate_upload(DOCX, max_mb=20) == "docx"


def test_pdf_is_recognised_by_its_signature_when_allowed():
    assert uploads.validate_upload(b"%PDF-1.7\n...", max_mb=20, allowed=("docx", "pdf")) == "pdf"


def test_pdf_is_refused_where_only_word_is_allowed():
    with pytest.raises(uploads.UploadRejected, match="documento Word"):
        uploads.validate_upload(b"%PDF-1.7\n...", max_mb=20)


@pytest.mark.parametrize("content", [b"hola, soy un .docx de texto", b"MZ\x90\x00 ejecutable", b""])
def test_content_that_is_not_word_is_refused(content):
    with pytest.raises(uploads.UploadRejected):
        uploads.validate_upload(content, max_mb=20)


def test_a_zip_without_word_parts_is_refused():
    with pytest.raises(uploads.UploadRejected, match="no corresponde"):
        uploads.validate_upload(zip_bytes({"[Content_Types].xml": b"<Types/>", "hola.txt": b"x"}), max_mb=20)


def test_size_limit_comes_from_the_setting():
    with pytest.raises(uploads.UploadRejected, match="1 MB"):
        uploads.validate_upload(DOCX + b"\0" * (1024 * 1024), max_mb=1)


def test_too_many_entries():
    entries = dict(MINIMAL_PARTS, **{f"word/media/i{n}.xml": b"<a/>" for n in range(1001)})
    with pytest.raises(uploads.UploadRejected, match="demasiados elementos"):
        uploads.validate_upload(zip_bytes(entries, zipfile.ZIP_STORED), max_mb=20)


def test_declared_uncompressed_size_over_100_mb():
    entries = dict(MINIMAL_PARTS, **{"word/media/big.bin": b"\0" * (101 * 1024 * 1024)})
    with pytest.raises(uploads.UploadRejected, match="100 MB"):
        uploads.validate_upload(zip_bytes(entries), max_mb=20)


def test_compression_ratio_over_100_to_1():
    entries = dict(MINIMAL_PARTS, **{"word/media/bomb.bin": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(uploads.UploadRejected, match="compresión anómala"):
        uploads.validate_upload(zip_bytes(entries), max_mb=20)


def test_limits_are_checked_before_python_docx_opens_the_file(monkeypatch):
    """GIVEN a zip bomb THEN it is refused without python-docx ever being called."""
    import docx

    def boom(*_args, **_kwargs):
        raise AssertionError("python-docx opened the file")

    monkeypatch.setattr(docx, "Document", boom)
    entries = dict(MINIMAL_PARTS, **{"word/media/bomb.bin": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(uploads.UploadRejected):
        uploads.validate_upload(zip_bytes(entries), max_mb=20)


def test_dtd_and_entities_are_refused():
    def add_entity(xml: bytes) -> bytes:
        head, rest = xml.split(b"?>", 1)
        return head + b'?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest.replace(b"</w:body>", b"&e;</w:body>", 1)

    with pytest.raises(uploads.UploadRejected, match="DTD"):
        uploads.validate_upload(replace_part(DOCX, "word/document.xml", add_entity), max_mb=20)


def test_billion_laughs_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<l>&b;</l>")
    with pytest.raises(uploads.UploadRejected):
        uploads.validate_upload(replace_part(DOCX, "docProps/core.xml", lambda _old: bomb), max_mb=20)


def test_broken_xml_is_refused():
    with pytest.raises(uploads.UploadRejected, match="dañado"):
        uploads.validate_upload(replace_part(DOCX, "word/document.xml", lambda xml: xml[:-40]), max_mb=20)
