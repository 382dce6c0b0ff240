"""Row locks: a second transaction waits for the first and then decides on what it committed."""
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qms.core.locking import lock
from qms.extensions import db
from qms.timeutil import today_local
from tests.conftest import PASSWORD


def _in_thread(app, work):
    """Run ``work`` in its own app context (its own session and connection); return a result holder."""
    result = {}

    def run():
        with app.app_context():
            try:
                result["value"] = work()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - handed to the test
                db.session.rollback()
                result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    result["thread"] = thread
    return result


def _while_the_first_holds(app, first, second, held: threading.Event) -> tuple:
    """Start ``first``; once it has set ``held``, start ``second``; return both results."""
    one = _in_thread(app, first)
    assert held.wait(10)
    two = _in_thread(app, second)
    one["thread"].join(20)
    two["thread"].join(20)
    assert "error" not in one and "error" not in two, (one.get("error"), two.get("error"))
    return one["value"], two["value"]


def test_a_second_lock_waits_and_reads_what_the_first_committed(app, make_document):
    from qms.documents.models import DocumentVersion

    version_id = make_document().versions[0].id
    db.session.commit()
    locked = threading.Event()

    def first():
        version = lock(DocumentVersion, version_id)
        locked.set()
        time.sleep(0.5)  # the second is waiting meanwhile
        version.change_description = "Primera."
        return version.lock_version

    def second():
        version = lock(DocumentVersion, version_id)
        return version.change_description, version.lock_version

    counter, seen = _while_the_first_holds(app, first, second, locked)
    assert seen == ("Primera.", counter + 1)


def test_lock_passes_new_and_missing_objects_through(app, make_document):
    from qms.documents.models import DocumentVersion

    assert lock(None) is None
    assert lock(DocumentVersion, 987654) is None
    fresh = DocumentVersion(number=1, title="t", verification_code="NUEVO")
    assert lock(fresh) is fresh


def test_lock_keeps_the_transactions_own_changes(app, make_document):
    version = make_document().versions[0]
    version.change_description = "Sin guardar todavía."
    assert lock(version).change_description == "Sin guardar todavía."
    db.session.rollback()


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises whole transactions: nothing is ever skipped or raced")


def test_the_tick_skips_a_document_another_transaction_holds(app, make_document, users):
    from qms.documents import service
    from qms.documents.common import lock_document
    from qms.documents.models import Document, DocumentVersion

    _postgresql_only()
    document = make_document(state="in_approval")
    version = document.versions[0]
    service.apply_transition(users["approver"], version, "approve", password=PASSWORD,
                             effective_date=today_local() + timedelta(days=1))
    db.session.commit()
    document_id = document.id
    # The date arrives (the row is changed directly: the model refuses it on an approved version).
    db.session.execute(sa.update(DocumentVersion).where(DocumentVersion.id == version.id)
                       .values(effective_date=today_local()))
    db.session.commit()
    holding, release = threading.Event(), threading.Event()

    def hold():
        lock_document(db.session.get(Document, document_id))
        holding.set()
        release.wait(10)

    holder = _in_thread(app, hold)
    assert holding.wait(10)
    started = time.monotonic()
    ticker = _in_thread(app, service.tick)
    ticker["thread"].join(10)
    release.set()
    holder["thread"].join(10)
    assert ticker["value"] == 0 and time.monotonic() - started < 5
    assert service.tick() == 1  # once the holder is done, the next tick takes it


def test_two_first_numbers_of_a_prefix_get_different_codes(app):
    from qms.core.codes import CodeSequence, next_code

    _postgresql_only()
    db.session.commit()
    inserted = threading.Event()

    def first():
        code = next_code("RACE-#", lambda n: f"RACE-{n}", CodeSequence.key)
        inserted.set()
        time.sleep(0.5)  # the second finds no committed row and inserts too
        return code

    def second():
        return next_code("RACE-#", lambda n: f"RACE-{n}", CodeSequence.key)

    assert sorted(_while_the_first_holds(app, first, second, inserted)) == ["RACE-1", "RACE-2"]
    assert db.session.get(CodeSequence, "RACE-#").last_value == 2
