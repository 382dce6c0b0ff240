"""Search benchmark: Whoosh through qms.search, with SQLite FTS5 as the reference.

Not a timed test. Run from the project root:

    .venv/bin/python -m benchmarks.bench_search            # 10,000 versions + 50,000 records
    .venv/bin/python -m benchmarks.bench_search --scale 0.1

Measures bulk indexing rate (the rebuild path), warm p50/p95 of 200 mixed queries with
facets, highlighted snippets and permission filtering (visibility tokens; the final
database check of page hits is not included), and the delay from an index commit to
the entry being searchable by an already-open searcher in another "process" role.
"""
from __future__ import annotations

import argparse
import itertools
import json
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import documents, queries, records
from qms.search import engine, store, writer
from qms.search.analyzer import fold
from qms.search.kinds import PUBLIC, Entry
from qms.search.query import parse
from qms.search.snippets import highlight, snippet

STAFF = {PUBLIC, "user:5"}
QUALITY = {PUBLIC, "user:7", "perm:document.read_drafts", "perm:record.read"}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def build_whoosh(root: Path, entries: list[Entry]) -> dict:
    started = time.perf_counter()
    # As ``qms search rebuild``: common stems from a sample of each kind, then everything.
    docs = [e for e in entries if e.kind == "document"]
    recs = [e for e in entries if e.kind != "document"]
    sample = [e for group in (docs, recs)
              for e in group[:: max(1, len(group) // writer.COMMON_SAMPLE)][: writer.COMMON_SAMPLE]]
    common = frozenset(writer.choose_common(sample))
    gen, ix = store.new_generation(root)
    with writer.open_writer(ix, bulk=True) as w:
        writer.add_bulk(w, entries, common)
    ix.close()
    store.mark_complete(gen, common=sorted(common))
    store.swap_in(root, gen)
    elapsed = time.perf_counter() - started
    size = sum(f.stat().st_size for f in gen.iterdir())
    return {"seconds": elapsed, "rate": len(entries) / elapsed, "mb": size / 1e6}


def whoosh_query(root: Path, text: str, tokens: set[str]) -> int:
    parsed = parse(text)
    out = engine.run(root, parsed, tokens, filters={}, include_archived=False, offset=0, limit=20)
    stems, prefixes = parsed.stems(), parsed.prefixes()
    for hit in out.hits:
        highlight(hit.fields.get("title", ""), stems, prefixes)
        snippet(hit.fields.get("body", ""), stems, prefixes)
    return out.total


def time_queries(fn, qs) -> dict:
    for q in qs[:20]:  # warm up caches and the searcher
        fn(q, STAFF)
    times, totals = [], []
    for i, q in enumerate(qs):
        tokens = STAFF if i % 2 else QUALITY
        t = time.perf_counter()
        totals.append(fn(q, tokens))
        times.append((time.perf_counter() - t) * 1000)
    slowest = sorted(zip(times, qs, totals), reverse=True)[:8]
    return {"p50": statistics.median(times), "p95": pct(times, 95), "max": max(times),
            "mean_hits": statistics.mean(totals), "median_hits": statistics.median(totals),
            "slowest": [(round(t, 1), q, n) for t, q, n in slowest]}


def commit_to_searchable(root: Path, rounds: int = 20) -> dict:
    """Write one entry through the normal (request) writer path and poll until found."""
    delays = []
    engine.holder(root)  # the reading process already has its searcher open
    for i in range(rounds):
        word = f"zzmarca{i}x"
        entry = Entry(kind="document", object_id=10_000_000 + i, title=f"Nuevo {word}", body="texto")
        t = time.perf_counter()
        gen = store.current_generation(root)
        ix = store.open_index(gen)
        with writer.open_writer(ix) as w:
            writer.write(w, {entry.uid: entry}, store.common_stems(gen))
        ix.close()
        while whoosh_query(root, word, STAFF) < 1:
            time.sleep(0.005)
        delays.append((time.perf_counter() - t) * 1000)
    return {"median_ms": statistics.median(delays), "max_ms": max(delays)}


# SQLite FTS5 reference -------------------------------------------------------------


def build_fts(path: Path, entries: list[Entry]) -> dict:
    started = time.perf_counter()
    con = sqlite3.connect(path)
    con.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE docs(id INTEGER PRIMARY KEY, code TEXT, title TEXT, body TEXT,
                          is_public INT, is_draft INT, is_record INT, archived INT);
        CREATE INDEX docs_code ON docs(code);
        CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', content_rowid='id',
                                            tokenize='unicode61 remove_diacritics 2');
    """)
    rows = (
        (i, e.code, e.title, e.body, PUBLIC in e.visibility,
         "perm:document.read_drafts" in e.visibility, e.kind == "record", e.is_archived)
        for i, e in enumerate(entries, 1)
    )
    con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?)", rows)
    con.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    con.commit()
    elapsed = time.perf_counter() - started
    return {"con": con, "seconds": elapsed, "rate": len(entries) / elapsed, "mb": path.stat().st_size / 1e6}


def fts_query(con, text: str, tokens: set[str]) -> int:
    parsed = parse(text)
    parts = []
    for c in parsed.clauses:
        words = [w for w in fold(c.text).replace("-", " ").split() if w.isalnum()]
        if words:
            parts.append('"' + " ".join(words) + '"')
    if not parts:
        return 0
    match = " AND ".join(parts)
    vis = ["d.is_public = 1"]
    if "perm:document.read_drafts" in tokens:
        vis.append("d.is_draft = 1")
    if "perm:record.read" in tokens:
        vis.append("d.is_record = 1")
    where = f"fts MATCH ? AND ({' OR '.join(vis)}) AND d.archived = 0"
    total = con.execute(f"SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where}", (match,)).fetchone()[0]
    con.execute(
        f"SELECT d.code, highlight(fts, 0, '<mark>', '</mark>'), snippet(fts, 1, '<mark>', '</mark>', '…', 30) "
        f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where} ORDER BY bm25(fts, 3.0, 1.0) LIMIT 20", (match,)
    ).fetchall()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 versions + 50,000 records")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n_docs, n_recs = int(10_000 * args.scale), int(50_000 * args.scale)
    entries = list(itertools.chain(documents(n_docs), records(n_recs)))
    qs = queries(200)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "index"
        built = build_whoosh(root, entries)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        whoosh = time_queries(lambda q, t: whoosh_query(root, q, t), qs)
        fresh = commit_to_searchable(root)
        fts = build_fts(Path(tmp) / "fts.sqlite3", entries)
        reference = time_queries(lambda q, t: fts_query(fts["con"], q, t), qs)
        fts["con"].close()
        engine.close_all()
    report = {
        "corpus": {"document_versions": n_docs, "records": n_recs},
        "whoosh": {"index_seconds": round(built["seconds"], 1), "docs_per_s": round(built["rate"]),
                   "index_mb": round(built["mb"], 1), "peak_rss_mb": round(rss_mb),
                   "p50_ms": round(whoosh["p50"], 1), "p95_ms": round(whoosh["p95"], 1),
                   "max_ms": round(whoosh["max"], 1), "mean_hits": round(whoosh["mean_hits"]),
                   "median_hits": whoosh["median_hits"], "slowest": whoosh["slowest"],
                   "commit_to_searchable_ms": round(fresh["median_ms"], 1),
                   "commit_to_searchable_max_ms": round(fresh["max_ms"], 1)},
        "fts5": {"index_seconds": round(fts["seconds"], 1), "docs_per_s": round(fts["rate"]),
                 "index_mb": round(fts["mb"], 1), "p50_ms": round(reference["p50"], 1),
                 "p95_ms": round(reference["p95"], 1), "mean_hits": round(reference["mean_hits"]),
                 "median_hits": reference["median_hits"], "slowest": reference["slowest"]},
    }
    report["ratios"] = {
        "p95_whoosh_over_fts5": round(report["whoosh"]["p95_ms"] / max(report["fts5"]["p95_ms"], 0.01), 1),
        "rate_whoosh_over_fts5": round(report["whoosh"]["docs_per_s"] / max(report["fts5"]["docs_per_s"], 1), 2),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    w, f = report["whoosh"], report["fts5"]
    print(f"Corpus: {n_docs} versiones + {n_recs} registros; 200 consultas mixtas")
    print(f"{'':24}{'Whoosh (qms)':>14}{'FTS5':>10}   meta")
    print(f"{'indexación (docs/s)':24}{w['docs_per_s']:>14}{f['docs_per_s']:>10}   ≥ 200")
    print(f"{'p50 (ms)':24}{w['p50_ms']:>14}{f['p50_ms']:>10}")
    print(f"{'p95 (ms)':24}{w['p95_ms']:>14}{f['p95_ms']:>10}   ≤ 50")
    print(f"{'tamaño índice (MB)':24}{w['index_mb']:>14}{f['index_mb']:>10}")
    print(f"commit → buscable: mediana {w['commit_to_searchable_ms']} ms, máx {w['commit_to_searchable_max_ms']} ms (meta ≤ 1000)")
    print(f"RSS máx. {w['peak_rss_mb']} MB; razones {report['ratios']}")


if __name__ == "__main__":
    main()
