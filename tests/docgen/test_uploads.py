"""Uploaded files are judged by content and checked against every limit before opening."""
import io
import os
import time
import zipfile

import pytest

from qms.docgen import uploads
from qms.storage import archives
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


ENTITY = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:document>&e;</w:document>'


def _with_part(name: str, body: bytes, content_type: str | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(DOCX))
    entries = {item.filename: source.read(item) for item in source.infolist()}
    entries[name] = body
    if content_type:
        entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode())
    return zip_bytes(entries)


MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def test_an_xml_part_with_any_name_is_checked():
    """GIVEN a main part at word/main.dat declared as XML, holding an external entity THEN it is refused."""
    with pytest.raises(uploads.UploadRejected, match="DTD"):
        uploads.validate_upload(_with_part("word/main.dat", ENTITY, MAIN), max_mb=20)


def test_an_undeclared_part_that_is_xml_by_its_bytes_is_checked():
    with pytest.raises(uploads.UploadRejected, match="DTD"):
        uploads.validate_upload(_with_part("word/media/datos.bin", ENTITY), max_mb=20)


def _lying_zip(real_size: int, declared: int) -> bytes:
    """A zip whose entry expands to ``real_size`` bytes but declares ``declared``."""
    import struct

    data = bytearray(zip_bytes(dict(MINIMAL_PARTS, **{"word/media/x.bin": os.urandom(1024) * (real_size // 1024)})))
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) != -1:  # central directory entries
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) == b"word/media/x.bin":
            struct.pack_into("<I", data, at + 24, declared)
        start = at + 4
    at = data.find(b"PK\x03\x04word", 0)
    local = data.find(b"word/media/x.bin")
    struct.pack_into("<I", data, local - 30 + 22, declared)
    return bytes(data)


def test_declared_sizes_are_not_trusted():
    """GIVEN an entry declaring 50 KB that expands to 8 MB THEN it is refused, quickly."""
    started = time.monotonic()
    with pytest.raises(uploads.UploadRejected, match="dañado"):
        uploads.validate_upload(_lying_zip(8 * 1024 * 1024, 50 * 1024), max_mb=20)
    assert time.monotonic() - started < 3


def test_expansion_is_measured_and_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(archives, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    monkeypatch.setattr(archives, "CHUNK", 64 * 1024)
    reads = []
    real_expand = archives._expand

    def counting(archive, entry, room, keep, limit):
        reads.append(entry.filename)
        return real_expand(archive, entry, room, keep, limit)

    monkeypatch.setattr(archives, "_expand", counting)
    entries = dict(MINIMAL_PARTS, **{f"word/media/i{n}.bin": os.urandom(1024 * 1024) for n in range(5)})
    with pytest.raises(uploads.UploadRejected, match="2 MB"):
        uploads.validate_upload(zip_bytes(entries), max_mb=20)
    assert reads[-1] == "word/media/i1.bin"  # stopped there: the rest was never decompressed


def test_one_huge_xml_part_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_XML_PART", 50 * 1024)
    big = b"<w:document>" + b"".join(f"<p>{n}</p>".encode() for n in range(20000)) + b"</w:document>"
    with pytest.raises(uploads.UploadRejected, match="demasiado grande"):
        uploads.validate_upload(_with_part("word/document.xml", big), max_mb=20)
