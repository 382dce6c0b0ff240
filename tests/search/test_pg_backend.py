"""The PostgreSQL search backend: rows written with the change, shared by every process,
maintained by the same commands, and the query translation it relies on."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.search import maintenance
from qms.search.models import IndexJob
from qms.search.pg_models import SearchEntry
from qms.search.pg_terms import ROW_VERSION, entry_vector, excluded_query, match_query, quote
from qms.search.query import parse
from tests.search.conftest import codes


# Query translation: no database needed ------------------------------------------------


def test_a_query_becomes_a_tsquery_of_the_projects_own_terms():
    """Accents, plurals and stop words are the analyzer's; phrases are adjacent terms."""
    assert match_query(parse("Auditorías internas")) == "'auditor' & 'intern'"
    assert match_query(parse('"control de documentos"')) == "'control_document'"
    assert match_query(parse('"control de documentos y registros"')) == (
        "('control_document' & 'document_registr' & ('control' <-> 'document' <-> 'registr'))")
    assert match_query(parse("capacitac*")) == "'_capacitac':*"  # the unstemmed words
    assert match_query(parse("PR-GT-01")) == (
        "('=prgt01' | '=prgt1' | '~prgt01' | '~prgt1' | ('pr_gt' & 'gt_01' & ('pr' <-> 'gt' <-> '01')))")
    assert match_query(parse("PR-GT*")) == "('=prgt':* | '~prgt')"  # the series: exact keys beginning so
    assert match_query(parse("GT-01")) == "('=gt01' | '=gt1' | '~gt01' | '~gt1' | 'gt_01')"  # a tail
    assert match_query(parse("titulo:auditoría")) == "'auditor':A"
    assert match_query(parse("auditoría capacitación"), relaxed=True) == "'auditor' | 'capacit'"
    assert excluded_query(parse("auditoría -hallazgos -obsoleto")) == "'hallazg' | 'obsolet'"
    assert match_query(parse("de la")) is None  # only stop words: nothing to match


def test_an_unstemmed_word_never_answers_for_a_stem():
    """"regular" is a word and the stem of "regularmente": a text saying only "regular" (stem
    ``regul``) does not match a search for "regularmente"."""
    assert match_query(parse("regularmente")) == "'regular'"
    vector, _words = entry_vector("Revisión regular", "", "")
    assert "'regul':2A" in vector and "'regular':" not in vector and "'_regular':16383C" in vector


def test_an_entry_vector_keeps_title_code_and_body_apart():
    vector, vocabulary = entry_vector("Auditorías internas", "PR-GT-01", "El auditor registra los hallazgos.")
    assert "'auditor':1A,20 " in vector  # title (weight A), body after a gap
    assert "'auditor_intern':1A" in vector and "'registr_hallazg':21" in vector
    # The code's exact keys, padded and not, and its series and tails (codeforms), marked apart.
    assert {"'=prgt01':11B", "'=prgt1':11B", "'~pr':11B", "'~prgt':11B", "'~gt01':11B"} <= set(vector.split())
    # Unstemmed, for prefixes, out of any phrase's reach; and as written, for "¿Quiso decir …?".
    assert "'_auditorias':16383C" in vector and "'_auditor':16383C" in vector
    assert "'_auditorias:auditorías':16383C" in vector
    assert {"auditorias", "auditor", "registra"} <= vocabulary.words
    assert "auditorias:auditorías" in vocabulary.written
    assert quote("o'b\\") == "'o''b\\\\'"  # words never hold quotes, but a lexeme is escaped anyway


# The backend on PostgreSQL -------------------------------------------------------------


@pytest.fixture(params=["postgres"])
def search_backend(request, database_url):
    """This module is about the PostgreSQL backend: only there (the SQLite pairing is
    deselected by ``tests/search/conftest.py``, as for every other search test)."""
    return request.param


def rows() -> dict[str, SearchEntry]:
    db.session.expire_all()
    return {e.uid: e for e in db.session.scalars(sa.select(SearchEntry))}


def test_the_row_commits_with_the_change_and_no_index_directory_exists(app, corpus, users, search_as,
                                                                       search_backend):
    version = corpus["capacitacion"].versions[0]
    row = rows()[f"document:{version.id}"]
    assert (row.code, row.state, row.visibility) == (corpus["capacitacion"].code, "effective", ["all"])
    assert db.session.scalars(sa.select(IndexJob)).all() == []  # no outbox
    assert not Path(app.config["INDEX_PATH"]).exists()
    assert codes(search_as(users["staff"], "capacitaciones")) == [corpus["capacitacion"].code]


def test_a_rolled_back_change_leaves_no_row(app, make_doc, users, search_as, search_backend):
    from qms import search

    before = rows()
    make_doc("Procedimiento de bodega", "effective")
    version_id = max(int(uid.split(":")[1]) for uid in rows())
    db.session.execute(sa.text("UPDATE document_versions SET title = 'Procedimiento de inventario' WHERE id = :id"),
                       {"id": version_id})
    search.queue_index("document", version_id)
    db.session.rollback()
    assert len(rows()) == len(before) + 1
    assert search_as(users["staff"], "inventario").total == 0
    assert search_as(users["staff"], "bodega").total == 1


def test_a_change_seen_by_its_own_transaction_before_commit(app, corpus, users, search_as, search_backend):
    """The row is written at commit: a search later in the same transaction does not see it yet,
    and sees it right after."""
    from qms import search

    version = corpus["borrador"].versions[0]
    version.title = "Borrador de formularios"
    search.queue_index("document", version.id)
    assert search_as(users["quality"], "formularios").total == 0
    db.session.commit()
    assert search_as(users["quality"], "formularios").total == 1


def test_a_failed_row_write_keeps_the_change_and_queues_it(app, corpus, make_doc, users, search_as, monkeypatch,
                                                           search_backend):
    from qms.search import pg_writer

    def broken(*args, **kwargs):
        raise RuntimeError("fallo de prueba")

    monkeypatch.setattr(pg_writer, "write_entries", broken)
    document = make_doc("Plan de emergencias", "effective")  # commits
    assert document.id and [j.kind for j in db.session.scalars(sa.select(IndexJob))]
    assert search_as(users["staff"], "emergencias").total == 0
    monkeypatch.undo()
    health = app.test_client().get("/salud").get_json()["search"]
    assert health["backend"] == "postgres" and health["pending"] >= 1
    assert maintenance.sync_jobs().applied >= 1
    assert db.session.scalars(sa.select(IndexJob)).all() == []
    assert search_as(users["staff"], "emergencias").total == 1


def test_check_rebuild_and_health(app, corpus, users, search_as, search_backend):
    from qms.search.cli import search_group

    runner = app.test_cli_runner()
    assert runner.invoke(search_group, ["check"]).exit_code == 0
    version = corpus["control"].versions[0]
    db.session.execute(sa.text("UPDATE document_versions SET lock_version = lock_version + 5 WHERE id = :id"),
                       {"id": version.id})
    db.session.execute(sa.delete(SearchEntry).where(SearchEntry.object_id == corpus["auditoria"].versions[0].id))
    db.session.execute(sa.insert(SearchEntry).values(
        kind="document", object_id=99_999, code="X", codekeys=["x"], codeparts=[], title="Fantasma", body="",
        subtitle="", type="", process="", state="effective", state_label="", regions=[], year="", is_archived=False, visibility=["all"],
        link={}, fingerprint="", terms="'fantasm':1A", title_terms="'fantasm':1"))
    db.session.commit()
    report = maintenance.check()
    assert report.stale == [f"document:{version.id}"]
    assert report.missing == [f"document:{corpus['auditoria'].versions[0].id}"]
    assert report.extra == ["document:99999"]
    result = runner.invoke(search_group, ["check", "--fix"])
    assert result.exit_code == 0, result.output
    assert codes(search_as(users["staff"], "auditorías"))[0] == corpus["auditoria"].code
    assert search_as(users["staff"], "fantasma").total == 0
    db.session.execute(sa.delete(SearchEntry))
    db.session.commit()
    degraded = search_as(users["staff"], "capacitación")
    assert degraded.is_degraded and codes(degraded) == [corpus["capacitacion"].code]  # the database fallback
    assert app.test_client().get("/salud").get_json()["search"]["state"] == "missing"
    result = runner.invoke(search_group, ["rebuild"])
    assert result.exit_code == 0 and "Índice reconstruido: 5 entradas" in result.output, result.output
    assert not search_as(users["staff"], "capacitación").is_degraded
    db.session.execute(sa.update(SearchEntry).values(row_version=1))
    db.session.commit()
    outdated = maintenance.check()  # rows of another analysis (a changed analyzer, new code keys)
    assert outdated.health == "outdated" and len(outdated.stale) == 5
    assert runner.invoke(search_group, ["check", "--fix"]).exit_code == 0
    health = app.test_client().get("/salud").get_json()["search"]
    assert (health["state"], health["backend"], health["entries"]) == ("ok", "postgres", 5)


def test_a_missing_table_degrades_to_the_database(app, corpus, users, search_as, search_backend):
    db.session.execute(sa.text("ALTER TABLE search_entries RENAME TO search_entries_away"))
    db.session.commit()
    try:
        result = search_as(users["staff"], "capacitación")
        assert result.is_degraded and codes(result) == [corpus["capacitacion"].code]
        assert app.test_client().get("/salud").get_json()["search"]["state"] == "missing"
    finally:
        db.session.rollback()
        db.session.execute(sa.text("ALTER TABLE search_entries_away RENAME TO search_entries"))
        db.session.commit()


_OTHER_SERVER = """
import json, sys
import sqlalchemy as sa
from qms import create_app
from qms.extensions import db
from qms.search.service import SearchRequest, search
from qms.auth.models import User

config = json.loads(sys.argv[1])
app = create_app(config)
with app.app_context():
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    if sys.argv[2] == "create":
        from qms.documents import service
        from qms.documents.models import DocumentType
        from qms.org.models import Process
        author = db.session.scalar(sa.select(User).where(User.username == "author"))
        document = service.create_document(
            author, doc_type=db.session.scalar(sa.select(DocumentType).where(DocumentType.code == "PR")),
            process=db.session.scalar(sa.select(Process).where(Process.code == "GT")),
            title="Protocolo de teletrabajo remoto")
        db.session.commit()
        print(json.dumps({"code": document.code}))
    else:
        quality = db.session.scalar(sa.select(User).where(User.username == "quality"))
        with app.test_request_context():
            found = search(quality, SearchRequest(text=sys.argv[2]))
        print(json.dumps({"codes": [h.code for h in found.hits], "degraded": found.is_degraded}))
    db.session.remove()
    db.engine.dispose()
"""


def _other_server(app, tmp_path, *args) -> dict:
    """Run one command in another app process on the same database, with an index folder of its own."""
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SEARCH_BACKEND")}
    other = tmp_path / "other-server"
    config.update(INSTANCE_PATH=str(other / "instance"), INDEX_PATH=str(other / "index"),
                  STORAGE_PATH=str(other / "storage"), TESTING=True)
    root_dir = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", _OTHER_SERVER, json.dumps(config), *args], cwd=root_dir,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root_dir)})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_two_app_processes_see_each_others_changes_at_once(app, corpus, users, search_as, tmp_path,
                                                           search_backend):
    """GIVEN two app processes on one PostgreSQL database, each with its own (empty) index folder
    WHEN one creates a document THEN the other finds it immediately, and the other way round."""
    created = _other_server(app, tmp_path, "create")
    db.session.rollback()  # this process's next transaction
    assert codes(search_as(users["quality"], "teletrabajo")) == [created["code"]]
    from qms.documents import service

    document = service.create_document(users["author"], doc_type=corpus["control"].type,
                                       process=corpus["control"].process, title="Instructivo de bodega central")
    db.session.commit()
    seen = _other_server(app, tmp_path, "bodega central")
    assert seen == {"codes": [document.code], "degraded": False}
    assert not (tmp_path / "other-server" / "index").exists()
