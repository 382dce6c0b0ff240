"""The footer QR of a copy is whole and scans once printed, and leads to where the copy came from.

The copy goes through LibreOffice to PDF, is rasterised at 300 and 600 dpi and decoded
with ``zbarimg`` (zbar-tools), as a phone would read the printed page.
"""
import shutil
import subprocess

import pytest

from qms.extensions import db
from qms.storage import store
from tests.conftest import PASSWORD

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.soffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) no está instalado"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) no está instalado"),
    pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) no está instalado"),
]

HOST = "calidad.servicio.example"


@pytest.fixture
def app_overrides():
    return {"SERVER_NAME": None, "BASE_URL": ""}


def login_at(client, username, base_url):
    """Sign in on the address the copy will be asked for (the session cookie is per host)."""
    client.post("/ingresar", data={"username": username, "password": PASSWORD}, base_url=base_url)


def scan(docx_bytes: bytes, tmp_path, dpi: int) -> list[str]:
    """Return what zbarimg reads on the first page of the copy printed at ``dpi``."""
    source = tmp_path / "copia.docx"
    source.write_bytes(docx_bytes)
    if not (tmp_path / "copia.pdf").exists():
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       check=True, capture_output=True, timeout=180)
    prefix = tmp_path / f"pagina{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(tmp_path / "copia.pdf"), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    image = next(tmp_path.glob(f"pagina{dpi}*.png"))
    found = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, timeout=60)
    return found.stdout.split()


def test_official_copy_qr_scans_at_300_and_600_dpi_with_the_request_address(client, login, users, make_document,
                                                                            tmp_path):
    version = make_document(state="in_approval").versions[0]
    login_at(client, "approver", f"https://{HOST}")
    response = client.post(f"/documentos/{version.document.code}/v/1/accion/approve",
                           data={"approve-password": PASSWORD, "approve-lock_version": version.lock_version},
                           base_url=f"https://{HOST}")
    assert response.status_code == 302
    db.session.refresh(version)
    expected = f"https://{HOST}/verificar/{version.verification_code}"
    official = store.read(version.output_sha256)
    for dpi in (300, 600):
        assert scan(official, tmp_path, dpi) == [expected], dpi


@pytest.mark.parametrize("app_overrides", [{"SERVER_NAME": None, "BASE_URL": "https://calidad.gob.example"}])
def test_the_configured_base_url_wins_over_the_request(client, login, users, make_document, tmp_path):
    version = make_document(state="in_approval").versions[0]
    login_at(client, "author", "http://127.0.0.1:5000")
    response = client.get(f"/documentos/{version.document.code}/v/1/descargar", base_url="http://127.0.0.1:5000")
    assert response.status_code == 200
    data = response.data
    assert scan(data, tmp_path, 300) == [f"https://calidad.gob.example/verificar/{version.verification_code}"]


def test_without_qms_base_url_no_address_is_assumed(tmp_path, monkeypatch):
    """The printed address is the request's own unless QMS_BASE_URL says otherwise (no 127.0.0.1 default)."""
    from qms.config import build_config

    monkeypatch.delenv("QMS_BASE_URL", raising=False)
    monkeypatch.setenv("QMS_INSTANCE_PATH", str(tmp_path))
    assert build_config()["BASE_URL"] == ""
