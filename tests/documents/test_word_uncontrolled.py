"""An uploaded Word file's uncontrolled content is listed; tracked changes stop a submission;
comments and external links never reach the official copy; macros are refused."""
import io
import re
import zipfile

import pytest

from qms.documents import service
from qms.errors import ServiceError
from qms.extensions import db
from qms.storage import store
from tests.conftest import PASSWORD, walk_to
from tests.documents.word_helpers import upload, url
from tests.docgen.helpers import zip_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}"><w:comment w:id="0" '
            'w:author="Revisora Externa"><w:p><w:r><w:t>Cambiar esto antes de aprobar</w:t></w:r></w:p></w:comment></w:comments>')



def _add_rel(rels: bytes, rid: str, reltype: str, target: str, external: bool) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return rels.replace(b"</Relationships>", (
        f'<Relationship Id="{rid}" Type="{REL}/{reltype}" Target="{target}"{mode}/></Relationships>').encode())


def loaded(data: bytes, tracked=True, macros=False) -> bytes:
    """The edit copy with a comment, a tracked insertion, an attached template and links."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: source.read(i) for i in source.infolist()}
    body = parts["word/document.xml"].decode()
    extra = ('<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Texto comentado.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
             '<w:r><w:commentReference w:id="0"/></w:r></w:p>'
             '<w:p><w:hyperlink r:id="rIdFile"><w:r><w:t>ver anexo local</w:t></w:r></w:hyperlink>'
             '<w:hyperlink r:id="rIdWeb"><w:r><w:t>ver sitio web</w:t></w:r></w:hyperlink></w:p>')
    if tracked:
        extra += ('<w:p><w:ins w:id="9" w:author="Alguien" w:date="2026-01-01T00:00:00Z"><w:r><w:t>insertado</w:t>'
                  '</w:r></w:ins></w:p>')
    body = re.sub(r"(<w:sectPr[ >])", extra.replace("\\", "\\\\") + r"\1", body, count=1)
    if 'xmlns:r="' not in body[:2000]:
        body = body.replace("<w:document ", f'<w:document xmlns:r="{REL}" ', 1)
    parts["word/document.xml"] = body.encode()
    rels = parts["word/_rels/document.xml.rels"]
    rels = _add_rel(rels, "rIdFile", "hyperlink", "file:///C:/Usuarios/secreto/anexo.docx", True)
    rels = _add_rel(rels, "rIdWeb", "hyperlink", "https://www.example.cl/", True)
    parts["word/_rels/document.xml.rels"] = _add_rel(rels, "rIdCom", "comments", "comments.xml", False)
    parts["word/comments.xml"] = COMMENTS.encode()
    types = parts["[Content_Types].xml"]
    types = types.replace(b"</Types>", b'<Override PartName="/word/comments.xml" ContentType="application/vnd.'
                          b'openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
    settings = parts["word/settings.xml"].decode()
    if 'xmlns:r="' not in settings[:1500]:
        settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{REL}" ', 1)
    parts["word/settings.xml"] = re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdTpl"/>', settings,
                                        count=1).encode()
    parts["word/_rels/settings.xml.rels"] = _add_rel(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"></Relationships>', "rIdTpl", "attachedTemplate",
        "http://plantillas.example/institucional.dotm", True)
    if macros:
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
        types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    parts["[Content_Types].xml"] = types
    return zip_bytes(parts)



def test_uncontrolled_content_is_listed_and_tracked_changes_stop_the_submission(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    copy = client.get(url(version, "editar-en-word")).data
    page = upload(client, version, loaded(copy)).get_data(as_text=True)
    assert "1 cambio(s) con control de cambios" in page
    assert "1 comentario(s): se quitan de la copia oficial" in page
    assert "http://plantillas.example/institucional.dotm" in page and "file:///C:/Usuarios/secreto/anexo.docx" in page
    assert "https://www.example.cl/" not in page  # an ordinary web link is content
    db.session.refresh(version)
    with pytest.raises(ServiceError, match="control de cambios sin resolver"):
        service.apply_transition(users["author"], version, "submit", password=PASSWORD)
    db.session.rollback()

    upload(client, version, loaded(copy, tracked=False))
    db.session.refresh(version)
    walk_to(version, "effective", users)
    db.session.commit()
    official = zipfile.ZipFile(io.BytesIO(store.read(version.output_sha256)))
    names = official.namelist()
    xml = b"".join(official.read(n) for n in names if n.endswith((".xml", ".rels")))
    assert "word/comments.xml" not in names and b"commentReference" not in xml and b"Revisora Externa" not in xml
    assert b"attachedTemplate" not in xml and b"plantillas.example" not in xml and b"file:///" not in xml
    assert b"ver anexo local" in xml and b"https://www.example.cl/" in xml and b"Texto comentado." in xml


def test_macros_are_refused(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    copy = client.get(url(version, "editar-en-word")).data
    page = upload(client, version, loaded(copy, tracked=False, macros=True)).get_data(as_text=True)
    assert "contiene macros" in page
    db.session.refresh(version)
    assert version.authoring_mode == "browser"
