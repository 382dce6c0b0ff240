"""The registry of object kinds: every kind labels and links its objects, its SQL rule
agrees with the module's own ``can_view``, and the trail imports no domain module."""
from __future__ import annotations

import ast
import pathlib

import pytest

from qms.extensions import db
from qms.trail import registry
from tests.conftest import ROLES
from tests.trail.conftest import TOUCHED

TRAIL_PACKAGE = pathlib.Path(__file__).parents[2] / "qms" / "trail"
DOMAIN_MODULES = ("qms.documents", "qms.records", "qms.audits", "qms.actions", "qms.nonconformities", "qms.org",
                  "qms.auth", "qms.admin", "qms.docgen")

#: Types whose objects a reader of the trail with no other permission may see.
# The glossary changes everyone's searches, so its history is open to every trail reader.
OPEN_TO_ANY_READER = {"document", "document_version", "process", "institution", "glossary_entry"}


def _expected_links(objects) -> dict[str, str]:
    """Where each object's page is, written out (not computed by the code under test)."""
    from tests.pmg import trail_samples as pmg

    document, audit = objects["document"], objects["audit"]
    return {**pmg.links(objects),
        "document": f"/documentos/{document.code}",
        "document_version": f"/documentos/{document.code}/v/1",
        "record": f"/registros/{objects['record'].id}",
        "record_type": "/registros/tipos",
        "disposition": f"/registros/disposicion/{objects['disposition'].id}",
        "audit": f"/auditorias/{audit.code}",
        "finding": f"/auditorias/{audit.code}/hallazgos/{objects['finding'].number}",
        "action": f"/acciones/{objects['action'].code}",
        "audit_programme": "/auditorias/programa/2026",
        "nonconformity": f"/pnc/{objects['nonconformity'].code}",
        "user": f"/admin/usuarios/{objects['user'].id}",
        "role": f"/admin/roles/{objects['role'].id}",
        "process": f"/procesos/{objects['process'].id}",
        "institution": "/procesos/institucion",
        "template": f"/admin/plantillas/{objects['template'].name}",
        "indicator": f"/indicadores/{objects['indicator'].code}",
        "objective": f"/indicadores/objetivos/{objects['objective'].code}",
        "indicator_settings": "/indicadores/bandas",
        "management_review": f"/revisiones/{objects['management_review'].code}",
        "glossary_entry": f"/glosario/{objects['glossary_entry'].id}",
    }


def test_every_registered_kind_is_exercised_here(one_of_each):
    assert set(one_of_each) == set(registry.registered())


def test_each_kind_renders_its_label_and_link(signed_in, one_of_each, superuser):
    client = signed_in("todopoder")
    page = client.get(f"/bitacora/?action={TOUCHED}").get_data(as_text=True)
    links = _expected_links(one_of_each)
    for object_type, kind in registry.registered().items():
        assert f'value="{object_type}"' in page and f">{kind.label}</option>" in page
        assert f'<a href="{links[object_type]}">etiqueta {object_type}</a>' in page, object_type
        assert f"{kind.label} · {kind.describe(one_of_each[object_type])}" in page, object_type
    for object_type, url in links.items():
        assert client.get(url, follow_redirects=True).status_code == 200, f"{object_type}: {url}"


def test_a_reader_without_other_rights_sees_only_the_open_kinds(signed_in, one_of_each, reader):
    page = signed_in("lector").get(f"/bitacora/?action={TOUCHED}").get_data(as_text=True)
    for object_type in one_of_each:
        assert (f"etiqueta {object_type}" in page) is (object_type in OPEN_TO_ANY_READER), object_type


def _sql_visible(kind, user, ids) -> set[str]:
    """Evaluate the kind's ``visible_query`` for ``ids``."""
    rule = kind.visible_query(user)
    if isinstance(rule, bool):
        return {str(i) for i in ids} if rule else set()
    found = db.session.scalars(rule).all()
    return {str(i) for i in ids if i in set(found)}


def test_the_sql_rule_of_each_kind_matches_the_modules_can_view(users, one_of_each, reader, superuser):
    people = [users[role] for role in ROLES] + [reader, superuser]
    checked = 0
    for object_type, kind in registry.registered().items():
        ids = [one_of_each[object_type].id]
        for user in people:
            assert _sql_visible(kind, user, ids) == kind.visible_ids(user, ids), f"{object_type} / {user.username}"
            checked += 1
    assert checked == len(registry.registered()) * len(people)


@pytest.mark.parametrize("path", sorted(TRAIL_PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_trail_imports_no_domain_module(path):
    tree = ast.parse(path.read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [m for m in imported if m and m.startswith(DOMAIN_MODULES)]
