"""The disposition certificate carries the frame of every controlled output: the header
table with "Página X de Y", a verification code in the footer and the signature table."""
import io

import docx
from docx.oxml.ns import qn

from qms.extensions import db
from qms.records import certificate, disposition
from qms.storage import store
from qms.timeutil import clock_at
from tests.conftest import PASSWORD
from tests.records.conftest import moment
from tests.records.test_disposition import TODAY, expired  # noqa: F401  (the fixture)


def _fields(story) -> set[str]:
    return {node.text.split()[0] for node in story._element.iter(qn("w:instrText")) if node.text.strip()}


def test_the_certificate_has_the_controlled_header_footer_and_signatures(app, expired, users):  # noqa: F811
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:2], "Plazo cumplido según tabla.")
        db.session.commit()
        disposition.approve_batch(users["approver"], batch, password=PASSWORD, comment="Conforme.")
        db.session.commit()
    document = docx.Document(io.BytesIO(store.read(batch.certificate_sha256)))
    section = document.sections[0]
    header = [c.text for t in section.header.tables for row in t.rows for c in row.cells]
    assert f"Código: {batch.code}" in header and "Estado: Aprobada y ejecutada" in header
    assert any(text.startswith("Página ") for text in header)
    assert {"PAGE", "NUMPAGES"} <= _fields(section.header)
    footer = "\n".join(p.text for p in section.footer.paragraphs)
    code = certificate.verification_code(batch)
    assert len(code) == 16 and batch.signed_sha256.upper().startswith(code)
    assert f"Código de verificación: {code}" in footer
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Rol", "Nombre", "Cargo", "Fecha"] in rows
    assert any(r[0] == "Aprobó y ejecutó (firma electrónica)" and r[1] == users["approver"].full_name for r in rows)
    assert any(r[0] == "Propuso la disposición" and r[1] == users["quality"].full_name for r in rows)
