"""A running server lists each version once however many drafts are saved.

Each save writes a segment; once there are enough, the writer merges the small ones.
The server's searcher, refreshed after every commit, must then forget the segments the
merge removed, or the effective version is found once per merged-away copy.
"""
import re

from qms.documents import service
from qms.extensions import db
from tests.conftest import PASSWORD


def _result_links(client, word):
    page = client.get(f"/buscar?q={word}").get_data(as_text=True)
    return re.findall(r'href="(/documentos/[^"/]+/v/\d+)" class="fw-semibold"', page)


def test_saving_drafts_keeps_one_hit_per_version(app, users, login, make_document):
    document = make_document(title="Control de inventario", sections={"objetivo": "Registrar el inventario anual."})
    version = document.versions[0]
    staff, author = app.test_client(), app.test_client()
    login("staff", target=staff)
    login("author", target=author)
    # Each step in its own commit, searched in between, as people using a server do.
    for role, name in [("author", "submit"), ("reviewer", "pass_review"), ("approver", "approve")]:
        service.apply_transition(users[role], version, name, password=PASSWORD)
        db.session.commit()
        assert _result_links(staff, "inventario") in ([], [f"/documentos/{document.code}/v/1"])
    service.start_revision(users["author"], document)
    db.session.commit()
    for n in range(12):
        draft = document.versions[-1]
        db.session.refresh(draft)
        response = author.post(f"/documentos/{document.code}/v/2/editar", data={
            "title": "Control de inventario", "s_objetivo": f"Borrador {n} del inventario.",
            "change_description": "Se ajusta el objetivo.", "lock_version": draft.lock_version, "save": "1"})
        assert response.status_code == 302
        assert _result_links(staff, "inventario") == [f"/documentos/{document.code}/v/1"], f"after save {n + 1}"
