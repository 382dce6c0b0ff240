"""Processes and institution settings."""
import io

import sqlalchemy as sa

from qms.extensions import db
from qms.org.models import Institution, Process
from qms.trail.models import AuditEntry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_quality_creates_and_edits_a_process(client, users, login):
    login("quality")
    response = client.post("/procesos/nuevo", data={"code": "siac", "name": "Atención ciudadana", "kind": "provision",
                                                    "owner_id": users["staff"].id, "unit_id": 0, "pmg_system_code": "SIAC",
                                                    "has_territorial_focus": "y", "is_active": "y"})
    assert response.status_code == 302
    process = db.session.scalar(sa.select(Process).where(Process.code == "SIAC"))
    assert process.owner_id == users["staff"].id and process.has_territorial_focus and process.pmg_system_code == "SIAC"
    client.post(f"/procesos/{process.id}", data={"code": "OTRO", "name": "Atención ciudadana y OIRS", "kind": "provision",
                                                "owner_id": 0, "unit_id": 0, "pmg_system_code": "", "is_active": "y"})
    db.session.refresh(process)
    assert process.code == "SIAC" and process.name == "Atención ciudadana y OIRS" and process.owner_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.object_type == "process")) == 2


def test_duplicate_or_bad_process_code_keeps_the_input(client, users, login, process):
    login("quality")
    page = client.post("/procesos/nuevo", data={"code": "GT", "name": "Un nombre escrito", "kind": "support",
                                                "owner_id": 0, "unit_id": 0, "pmg_system_code": ""}).get_data(as_text=True)
    assert "Ya existe un proceso con ese código." in page and "Un nombre escrito" in page
    page = client.post("/procesos/nuevo", data={"code": "G T!", "name": "X", "kind": "support", "owner_id": 0,
                                                "unit_id": 0, "pmg_system_code": ""}).get_data(as_text=True)
    assert "2 a 12 letras" in page


def test_institution_settings_and_logo(client, users, login):
    login("admin")
    response = client.post("/procesos/institucion", data={"name": "Servicio de Prueba", "short_name": "SP",
                                                           "default_region_code": "V",
                                                           "logo": (io.BytesIO(PNG), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    institution = db.session.get(Institution, 1)
    assert (institution.name, institution.default_region_code) == ("Servicio de Prueba", "V")
    logo = client.get("/procesos/institucion/logo")
    assert logo.data == PNG and logo.mimetype == "image/png"


def test_institution_logo_must_be_an_image(client, users, login):
    login("admin")
    page = client.post("/procesos/institucion", data={"name": "Servicio", "default_region_code": "",
                                                      "logo": (io.BytesIO(b"%PDF-1.4 no es imagen"), "logo.png")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "El logo debe ser una imagen PNG o JPEG." in page
    assert db.session.get(Institution, 1).logo_sha256 is None
