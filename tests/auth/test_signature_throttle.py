"""Attack: guess a signer's password on a signature form, which once answered every guess.

A stolen or unattended session could post any number of passwords to a transition
form; each wrong one was a plain 400 and the right one then signed. Now every wrong
signature password counts towards the login throttle, is a trail entry, and past the
limit the act is refused whatever the password and the account's sessions end.
"""
import json

import pytest
import sqlalchemy as sa

from qms.auth.models import LoginAttempt
from qms.documents import service as documents
from qms.documents.models import DocumentVersion, Signature
from qms.errors import ServiceError
from qms.extensions import db
from qms.trail.models import AuditEntry
from qms.trail.service import verify_chain
from tests.conftest import PASSWORD

GUESSES = [f"adivinanza-{n:02d}" for n in range(40)]


def _entries(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def _nothing_holds_a_password(*passwords):
    everything = json.dumps([[e.username, e.object_label, e.details] for e in db.session.scalars(sa.select(AuditEntry))],
                            ensure_ascii=False)
    return not any(p in everything for p in passwords)


def test_forty_guesses_on_a_transition_form_lock_the_account_and_end_its_sessions(app, client, users, login,
                                                                                  make_document):
    version = make_document(state="in_review").versions[0]
    url = f"/documentos/{version.document.code}/v/1/accion/pass_review"
    limit = app.config["LOGIN_MAX_FAILURES"]
    login("reviewer")
    elsewhere = app.test_client()
    login("reviewer", target=elsewhere)

    answers = [client.post(url, data={"pass_review-password": guess}) for guess in GUESSES]

    for answer in answers[:limit - 1]:
        assert answer.status_code == 400 and "La contraseña no es correcta." in answer.get_data(as_text=True)
    locked = answers[limit - 1].get_data(as_text=True)
    assert "Demasiados intentos fallidos" in locked and "sus sesiones se cerraron" in locked
    # The session is over: the remaining guesses never reach the password check.
    for answer in answers[limit:]:
        assert answer.status_code == 302 and "/ingresar" in answer.headers["Location"]
    # The right password signs nothing now, from this session or any other one...
    assert client.post(url, data={"pass_review-password": PASSWORD}).status_code == 302
    assert elsewhere.post(url, data={"pass_review-password": PASSWORD}).status_code == 302
    # ...and signing in again is refused by the same throttle.
    assert "Demasiados intentos" in login("reviewer").get_data(as_text=True)

    db.session.expire_all()
    assert db.session.get(DocumentVersion, version.id).state == "in_review"
    assert db.session.scalar(sa.select(sa.func.count(Signature.id)).where(Signature.meaning == "reviewed")) == 0
    # Each failure survived the view's rollback: counted, and chained in the trail.
    counted = db.session.scalars(sa.select(LoginAttempt).where(
        LoginAttempt.username == "reviewer", LoginAttempt.kind == "signature", LoginAttempt.throttled.is_(False))).all()
    assert len(counted) == limit and not any(a.is_success for a in counted)
    failed = _entries("security.signature_failed")
    assert len(failed) == limit and {e.username for e in failed} == {"reviewer"}
    assert [e.details["via"] for e in _entries("security.account_locked")] == ["signature"]
    assert _nothing_holds_a_password(PASSWORD, *GUESSES)
    assert verify_chain().ok


def test_an_account_locked_by_login_guesses_cannot_sign_even_with_the_right_password(app, client, users, login,
                                                                                     make_document):
    version = make_document(state="in_approval").versions[0]
    login("approver")
    outsider = app.test_client()
    for guess in GUESSES[:app.config["LOGIN_MAX_FAILURES"]]:
        login("approver", guess, target=outsider)

    answer = client.post(f"/documentos/{version.document.code}/v/1/accion/approve",
                         data={"approve-password": PASSWORD})

    assert answer.status_code == 400 and "Demasiados intentos fallidos" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DocumentVersion, version.id).state == "in_approval"
    assert client.get("/pendientes").status_code == 302  # the session ended with the refusal
    assert [e.details["via"] for e in _entries("security.signature_refused")] == ["signature"]
    assert verify_chain().ok


def test_the_count_survives_the_rollback_of_the_signing_transaction(users, make_document):
    version = make_document(state="in_review").versions[0]
    with pytest.raises(ServiceError, match="no es correcta"):
        documents.apply_transition(users["reviewer"], version, "pass_review", password="mala-clave-1")
    db.session.rollback()
    attempt = db.session.scalar(sa.select(LoginAttempt).where(LoginAttempt.kind == "signature"))
    assert attempt is not None and attempt.username == "reviewer" and not attempt.is_success
    assert len(_entries("security.signature_failed")) == 1 and verify_chain().ok


def test_guessing_the_current_password_on_the_change_form_is_throttled_too(app, client, users, login):
    login("author")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for guess in GUESSES[:limit - 1]:
        page = client.post("/cuenta/contrasena", data={"current_password": guess, "new_password": "otra-clave-segura"})
        assert "La contraseña no es correcta." in page.get_data(as_text=True)
    page = client.post("/cuenta/contrasena", data={"current_password": GUESSES[limit], "new_password": "otra-clave-segura"})
    assert "Demasiados intentos fallidos" in page.get_data(as_text=True)
    assert client.get("/pendientes").status_code == 302
    db.session.expire_all()
    assert users["author"].check_password(PASSWORD)
    assert len(_entries("security.password_change_failed")) == limit
