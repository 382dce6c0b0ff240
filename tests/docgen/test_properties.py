"""A version's Word files carry its controlled data as properties, nothing of the uploader's."""
import io
import zipfile

import docx

from qms.extensions import db
from qms.storage import store
from tests.conftest import walk_to
from tests.docgen.helpers import open_docx, zip_bytes

APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application>'
           b"<Company>Consultora Externa SpA</Company><Manager>Jefa Externa</Manager></Properties>")
CUSTOM_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
              b'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Cliente"><vt:lpwstr>Secreto</vt:lpwstr>'
              b"</property></Properties>")


def _personal_upload(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    core = document.core_properties
    core.author, core.last_modified_by, core.comments, core.title = "Alguien Externo", "Alguien Externo", "nota", "Otro"
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    entries = {i.filename: source.read(i) for i in source.infolist()}
    entries["docProps/app.xml"] = APP_XML
    entries["docProps/custom.xml"] = CUSTOM_XML
    entries["_rels/.rels"] = entries["_rels/.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'custom-properties" Target="docProps/custom.xml"/></Relationships>'))
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'custom-properties+xml"/></Types>'))
    if b"/docProps/app.xml" not in entries["[Content_Types].xml"]:
        entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'extended-properties+xml"/></Types>'))
        entries["_rels/.rels"] = entries["_rels/.rels"].replace(b"</Relationships>", (
            b'<Relationship Id="rIdA" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'extended-properties" Target="docProps/app.xml"/></Relationships>'))
    return zip_bytes(entries)


def _check(data: bytes, version, author: str) -> None:
    core = open_docx(data).core_properties
    assert (core.title, core.subject, core.author, core.last_modified_by) == (
        version.title, version.document.code, author, author)
    assert core.language == "es-CL" and core.version == f"{version.number:02d}" and core.comments == ""
    assert core.created.date() == version.created_at.date()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "docProps/custom.xml" not in names
    raw = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in names if n.endswith(".xml"))
    assert b"Consultora Externa" not in raw and b"Jefa Externa" not in raw and b"Alguien Externo" not in raw
    assert b'w:lang w:val="es-CL"' in zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")


def test_official_copy_of_a_browser_version_has_its_properties(make_document):
    version = make_document(state="effective").versions[0]
    _check(store.read(version.output_sha256), version, "Persona Author")


def test_an_uploaded_file_keeps_none_of_the_uploaders_properties(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    data = _personal_upload(client.get(f"/documentos/{version.document.code}/v/1/editar-en-word").data)
    response = client.post(f"/documentos/{version.document.code}/v/1/subir-word", data={
        "file": (io.BytesIO(data), "b.docx"), "lock_version": str(version.lock_version)},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(version)
    walk_to(version, "effective", users)
    db.session.commit()
    _check(store.read(version.output_sha256), version, "Persona Author")
