"""Search backends side by side: Whoosh and PostgreSQL full-text search on one corpus, one run.

Not a timed test. Run from the project root (PostgreSQL at ``QMS_BENCH_DATABASE_URL``,
default the local test server; a private database is created and dropped):

    .venv/bin/python -m benchmarks.bench_search_backends              # 10,000 versions + 50,000 records, both
    .venv/bin/python -m benchmarks.bench_search_backends --scale 0.1  # quick try
    .venv/bin/python -m benchmarks.bench_search_backends --large      # PostgreSQL only, 100,000 + 500,000

Both backends get the corpus of ``benchmarks/corpus.py`` and the 200 mixed queries of
``bench_search.py``, timed warm with facets, highlighted snippets and permission filtering
(visibility tokens; the service's final database check of page hits is left out on both).
Whoosh is built by the rebuild writer path; PostgreSQL by ``pg_writer.write_entries`` in
batches of 500, each batch one transaction (the rebuild path without reading the domain
tables). With ``--large`` the rows are generated straight into ``search_entries`` with
``COPY`` in two processes and the GIN indexes built afterwards: going through the write
path would take most of an hour on this machine. Each PostgreSQL query runs in its own
transaction, as a request does. "Commit → searchable" is measured from the start of a
write by one connection to the moment another connection's search finds the new entry.
"""
from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.bench_search import QUALITY, STAFF, build_whoosh, commit_to_searchable, time_queries, whoosh_query
from benchmarks.corpus import documents, queries, records
from qms.search.kinds import Entry
from qms.search.query import parse
from qms.search.snippets import highlight, snippet

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@contextmanager
def private_database(server_url: str):
    base = make_url(server_url)
    name = f"qms_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_app(url: str, tmp: Path):
    from qms import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                       "INSTANCE_PATH": str(tmp / "instance"), "INDEX_PATH": str(tmp / "pg-index"),
                       "STORAGE_PATH": str(tmp / "storage"), "SEARCH_BACKEND": "postgres"})


def create_tables() -> None:
    from qms.extensions import db
    from qms.search.models import IndexJob
    from qms.search.pg_models import SearchEntry, SearchWord

    for model in (SearchEntry, SearchWord, IndexJob):
        model.__table__.create(db.engine)


def build_pg(entries: list[Entry]) -> dict:
    """Write every entry through ``pg_writer.write_entries``, 500 per transaction."""
    from qms.extensions import db
    from qms.search import pg_writer

    started = time.perf_counter()
    for chunk in pg_writer._chunks(entries, pg_writer.BATCH):  # noqa: SLF001
        with Session(db.engine) as session:
            pg_writer.write_entries(session, OrderedDict((e.uid, e) for e in chunk))
            session.commit()
    elapsed = time.perf_counter() - started
    analyze()
    return {"seconds": elapsed, "rate": len(entries) / elapsed, "mb": table_mb()}


def analyze() -> None:
    from qms.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE search_entries")
        conn.exec_driver_sql("ANALYZE search_words")


def table_mb() -> float:
    from qms.extensions import db

    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_total_relation_size('search_entries')").scalar() / 1e6


def pg_query(text: str, tokens: set[str]) -> int:
    from qms.extensions import db
    from qms.search import pg_backend

    parsed = parse(text)
    out = pg_backend.run(None, parsed, tokens, filters={}, include_archived=False, offset=0, limit=20)
    db.session.commit()  # one transaction per search, as a request
    stems, prefixes = parsed.stems(), parsed.prefixes()
    for hit in out.hits:
        highlight(hit.fields.get("title", ""), stems, prefixes)
        snippet(hit.fields.get("body", ""), stems, prefixes)
    return out.total


def pg_commit_to_searchable(rounds: int = 20) -> dict:
    """Write one entry on one connection and commit; poll with another until it is found."""
    from qms.extensions import db
    from qms.search import pg_writer

    writer_engine = sa.create_engine(db.engine.url)
    delays = []
    try:
        for i in range(rounds):
            word = f"zzmarca{i}x"
            entry = Entry(kind="document", object_id=10_000_000 + i, title=f"Nuevo {word}", body="texto")
            t = time.perf_counter()
            with Session(writer_engine) as session:
                pg_writer.write_entries(session, OrderedDict([(entry.uid, entry)]))
                session.commit()
            while pg_query(word, STAFF) < 1:
                time.sleep(0.002)
            delays.append((time.perf_counter() - t) * 1000)
    finally:
        writer_engine.dispose()
    return {"median_ms": statistics.median(delays), "max_ms": max(delays)}


# The large corpus: straight into the table with COPY -------------------------------------

_COLUMNS = ("kind", "object_id", "code", "codekeys", "codeparts", "title", "body", "subtitle", "type", "process",
            "state", "state_label", "regions", "year", "day", "is_archived", "visibility", "link", "fingerprint",
            "terms", "title_terms", "indexed_at", "row_version")


def _copy_part(args) -> tuple[int, list[str]]:
    """Generate one kind's entries and COPY them; return (rows, vocabulary)."""
    url, kind, n = args
    import psycopg

    from qms.search.pg_writer import entry_row

    source = documents(n) if kind == "document" else records(n)
    vocabulary: set[str] = set()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    count = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY search_entries ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for entry in source:
                # The vocabulary of a sample is enough for suggestions here.
                row = entry_row(entry, vocabulary if count % 20 == 0 else None)
                row["link"] = json.dumps(row["link"])
                copy.write_row([row[c] for c in _COLUMNS])
                count += 1
    return count, sorted(vocabulary)


def build_pg_large(url: str, n_docs: int, n_recs: int) -> dict:
    from qms.extensions import db
    from qms.search import pg_writer

    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_search_entries_terms")
        conn.exec_driver_sql("DROP INDEX ix_search_entries_visibility")
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.map(_copy_part, [(url, "document", n_docs), (url, "record", n_recs)])
    copied = time.perf_counter() - started
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
        conn.exec_driver_sql("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (terms)")
        conn.exec_driver_sql("CREATE INDEX ix_search_entries_visibility ON search_entries USING gin (visibility)")
    indexed = time.perf_counter() - started - copied
    with Session(db.engine) as session:
        pg_writer.add_words(session, set(itertools.chain.from_iterable(words for _n, words in parts)))
        session.commit()
    analyze()
    total = sum(n for n, _w in parts)
    return {"seconds": time.perf_counter() - started, "copy_seconds": copied, "gin_seconds": indexed,
            "rate": total / (copied + indexed), "mb": table_mb()}


def summary(timed: dict) -> dict:
    return {"p50_ms": round(timed["p50"], 1), "p95_ms": round(timed["p95"], 1), "max_ms": round(timed["max"], 1),
            "mean_hits": round(timed["mean_hits"]), "median_hits": timed["median_hits"],
            "slowest": timed["slowest"]}


def run_pg(url: str, tmp: Path, entries: list[Entry] | None, large: tuple[int, int] | None, qs) -> dict:
    from qms.extensions import db

    app = make_app(url, tmp)
    with app.app_context():
        create_tables()
        built = build_pg(entries) if entries is not None else build_pg_large(url, *large)
        timed = time_queries(pg_query, qs)
        totals = [pg_query(q, STAFF) for q in qs]
        fresh = pg_commit_to_searchable()
        db.session.remove()
        db.engine.dispose()
    out = {"index_seconds": round(built["seconds"], 1), "docs_per_s": round(built["rate"]),
           "table_mb": round(built["mb"], 1), **summary(timed),
           "commit_to_searchable_ms": round(fresh["median_ms"], 1),
           "commit_to_searchable_max_ms": round(fresh["max_ms"], 1), "totals": totals}
    if "copy_seconds" in built:
        out.update(copy_seconds=round(built["copy_seconds"], 1), gin_seconds=round(built["gin_seconds"], 1))
    return out


def run_whoosh(root: Path, entries: list[Entry], qs) -> dict:
    from qms.search import engine

    built = build_whoosh(root, entries)
    timed = time_queries(lambda q, t: whoosh_query(root, q, t), qs)
    totals = [whoosh_query(root, q, STAFF) for q in qs]
    fresh = commit_to_searchable(root)
    engine.close_all()
    return {"index_seconds": round(built["seconds"], 1), "docs_per_s": round(built["rate"]),
            "index_mb": round(built["mb"], 1), **summary(timed),
            "commit_to_searchable_ms": round(fresh["median_ms"], 1),
            "commit_to_searchable_max_ms": round(fresh["max_ms"], 1), "totals": totals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 versions + 50,000 records")
    parser.add_argument("--large", action="store_true", help="PostgreSQL only, 100,000 versions + 500,000 records")
    parser.add_argument("--only", choices=("whoosh", "postgres"), help="run one backend (trying a change)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("QMS_BENCH_DATABASE_URL", DEFAULT_URL)
    qs = queries(200)
    report: dict = {"load_before": load()}
    with tempfile.TemporaryDirectory() as tmp_name, private_database(url) as db_url:
        tmp = Path(tmp_name)
        if args.large:
            n_docs, n_recs = int(100_000 * args.scale), int(500_000 * args.scale)
            report["postgres"] = run_pg(db_url, tmp, None, (n_docs, n_recs), qs)
        else:
            n_docs, n_recs = int(10_000 * args.scale), int(50_000 * args.scale)
            entries = list(itertools.chain(documents(n_docs), records(n_recs)))
            if args.only != "postgres":
                report["whoosh"] = run_whoosh(tmp / "index", entries, qs)
                report["load_between"] = load()
            if args.only != "whoosh":
                report["postgres"] = run_pg(db_url, tmp, entries, None, qs)
            if not args.only:
                different = [q for q, a, b in zip(qs, report["whoosh"].pop("totals"), report["postgres"].pop("totals"))
                             if a != b]
                report["queries_with_different_totals"] = different
    report["corpus"] = {"document_versions": n_docs, "records": n_recs}
    for name in ("whoosh", "postgres"):
        report.get(name, {}).pop("totals", None)
    report["load_after"] = load()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    print(f"Corpus: {n_docs} versiones + {n_recs} registros; 200 consultas mixtas; "
          f"carga {report['load_before']} → {report['load_after']}")
    names = [n for n in ("whoosh", "postgres") if n in report]
    print(f"{'':28}" + "".join(f"{n:>12}" for n in names))
    for key, label in (("docs_per_s", "indexación (docs/s)"), ("p50_ms", "p50 (ms)"), ("p95_ms", "p95 (ms)"),
                       ("max_ms", "máx. (ms)"), ("mean_hits", "aciertos medios"),
                       ("commit_to_searchable_ms", "commit → buscable (ms)")):
        print(f"{label:28}" + "".join(f"{report[n][key]:>12}" for n in names))
    for n in names:
        print(f"{n}: más lentas {report[n]['slowest'][:4]}")
    if "queries_with_different_totals" in report:
        print(f"consultas con totales distintos entre motores: {report['queries_with_different_totals']}")


if __name__ == "__main__":
    main()
