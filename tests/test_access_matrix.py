"""Every route × every role, generated from ``app.url_map`` so new routes are covered.

A route must be public (``@public``), ask for a permission (``@permission_required``),
or at least a login; object-level checks may turn a 200 into a 404 but never a 500.
A route whose URL needs an argument this table does not know fails the test, so
whoever adds a route also adds a sample value here.
"""
import importlib
import pathlib

import pytest

from tests.conftest import ROLES

#: Routes the matrix does not request, with the reason.
SKIPPED = {
    "static": "archivos estáticos",
    "auth.logout": "cierra la sesión del cliente de prueba; cubierto en tests/auth",
}


def sample_values(app, users, document):
    """Return a value for every URL argument name the application uses."""
    from qms.auth.models import Role
    from qms.extensions import db

    values = {
        "code": document.code,
        "number": 1,
        "user_id": users["staff"].id,
        "role_id": db.session.query(Role.id).filter_by(name="staff").scalar(),
        "process_id": document.process_id,
        "name": "submit",
        "filename": "app.css",
        "verification_code": document.versions[0].verification_code,
        # An image placed in a section, by content hash (an unknown one is a 404).
        "sha256": "0" * 64,
    }
    # Each module adds the objects its routes need in tests/<module>/access_samples.py,
    # a function ``make_samples(users, document) -> {argument name: value}``.
    for path in sorted(pathlib.Path(__file__).parent.glob("*/access_samples.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access_samples")
        values.update(module.make_samples(users, document))
    db.session.commit()
    return values


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        yield rule


def build(rule, values):
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"{rule.endpoint}: add sample values for {missing} in tests/test_access_matrix.py"
    return rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]


def method_of(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]


def test_every_route_declares_its_access(app):
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "is_public", False) or getattr(view, "requires_login", False)
        assert declared, f"{rule.endpoint} declares neither @public, @permission_required nor qms.web.login_required"


def test_anonymous_is_sent_to_login(app, client, users, make_document):
    document = make_document(state="effective")
    values = sample_values(app, users, document)
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        response = client.open(build(rule, values), method=method_of(rule))
        response.close()  # a streamed body (an export's file) is closed here, not left to the collector
        assert response.status_code < 500, f"{rule.endpoint} failed for an anonymous visitor"
        if getattr(view, "is_public", False):
            continue
        assert response.status_code in (302, 401), f"{rule.endpoint} answered {response.status_code} to an anonymous visitor"
        if response.status_code == 302:
            assert "/ingresar" in response.headers["Location"], rule.endpoint


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_permissions_allow(app, client, users, login, make_document, role):
    document = make_document(state="effective")
    values = sample_values(app, users, document)
    login(role)
    user = users[role]
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        method = method_of(rule)
        response = client.open(build(rule, values), method=method)
        response.close()
        assert response.status_code < 500, f"{rule.endpoint} failed for {role}"
        required = getattr(view, "required_permission", None)
        if required and not user.can(required):
            assert response.status_code in (403, 404), \
                f"{rule.endpoint} answered {response.status_code} to {role}, who lacks {required}"
        elif method == "GET":
            assert response.status_code in (200, 302, 404), f"{rule.endpoint} answered {response.status_code} to {role}"
            if response.status_code == 302:
                assert "/ingresar" not in response.headers["Location"], f"{rule.endpoint} logged {role} out"
