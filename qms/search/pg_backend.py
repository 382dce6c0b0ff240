"""The PostgreSQL side of searching: the same ``run``/``count``/``spelling_candidates`` as ``engine``.

Everything is answered in SQL from ``search_entries`` (``qms.search.pg_models``) through
the caller's session, so a search sees every committed change at once, in every worker:

* matching is ``terms @@ tsquery`` through the GIN index, the tsquery built from the
  parsed query with the project's analysis (``qms.search.pg_terms``); permissions are
  ``visibility && the user's tokens`` and the chips are plain column conditions, so
  every count, facet and page is already restricted to what the user may see;
* facets and the total are one pass over the matches (``GROUPING SETS``), reading only
  the small columns of each row;
* ranking is ``ts_rank_cd`` with field weights (title, code, body), without length
  normalisation (as BM25 saturates, a procedure about a word should not lose to a short
  entry that names it once; the shorter of two equal matches first), and the code boosts (an exact key, then a series or tail),
  computed for a pool of candidates only: ``ts_rank_cd`` reads each row's whole vector,
  so above ``RERANK_POOL`` matches the pool is chosen as the Whoosh engine chooses it
  (code keys, then every word in the title, then any, then newest), from the small
  ``title_terms``.

A missing table (migration not applied) or a table left empty while the database has
objects raises ``IndexUnavailable``, and the service answers from the database with its
notice, as it does for a missing Whoosh index.
"""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from qms.extensions import db
from qms.search import spelling
from qms.search.analyzer import fold
from qms.search.engine import EngineHit, EngineResult
from qms.search.pg_terms import (
    RANK_WEIGHTS, ROW_VERSION, VOCABULARY_MARK, code_keys, excluded_query, match_query, prefix_queries, title_queries,
)
from qms.search.query import ParsedQuery
from qms.search.ranking import CODE_BOOST, CODE_PART_BOOST, RERANK_POOL
from qms.search.schema import FACETS
from qms.search.searcher import IndexUnavailable
from qms.search.store import BROKEN, MISSING, OK, OUTDATED

__all__ = ["IndexUnavailable", "count", "health", "run", "spelling_candidates"]

_TEXTS = postgresql.ARRAY(sa.Text())
#: ``ts_rank_cd``'s normalisation: none (see the module docstring; 1, by log length, fails
#: the judgment "auditorías" → the audit procedure first). Of two entries that match
#: alike, the shorter comes first, as with BM25.
RANK_NORMALIZATION = 0
#: Facet -> column of a plain equality filter.
_COLUMNS = {"kind": "kind", "type": "type", "process": "process", "state": "state", "year": "year"}


def _where(match: str | None, excluded: str | None, tokens, filters, include_archived) -> tuple[str, dict]:
    conds = ["visibility && :tokens"]
    params: dict = {"tokens": sorted(tokens)}
    if match:
        conds.append(f"terms @@ {tsquery(match)}")
    if excluded:
        conds.append(f"NOT (terms @@ {tsquery(excluded)})")
    if not include_archived:
        conds.append("NOT is_archived")
    for facet, values in sorted(filters.items()):
        if facet == "region":
            conds.append("regions && :f_region")
        elif facet in _COLUMNS:
            conds.append(f"{_COLUMNS[facet]} = ANY(:f_{facet})")
        else:
            continue
        params[f"f_{facet}"] = list(values)
    return " AND ".join(conds), params


def tsquery(text: str) -> str:
    """Return ``text`` (a tsquery from ``pg_terms``) as a SQL literal.

    Written into the statement rather than bound: the planner must see the query to
    estimate how many rows match it, or a cached generic plan may scan the whole table
    (measured: a common word went from 170 ms to 1.1 s once psycopg prepared the statement).
    """
    literal = text.replace("'", "''").replace(":", "\\:")  # "\:" is a colon, not a parameter, to sa.text
    return f"CAST('{literal}' AS tsquery)"


def _text(sql: str, params: dict) -> sa.TextClause:
    arrays = [sa.bindparam(k, type_=_TEXTS) for k, v in params.items() if isinstance(v, list)]
    return sa.text(sql).bindparams(*arrays)


#: For one search only: no sequential scans, room for the matches' small columns, and
#: whether the table holds anything (one round trip). The planner counts ``@@`` as cheap,
#: but on a row it reads the whole vector out of line, so for a word in 40 % of the rows it
#: chose to scan and match every row (measured: 720 ms against 100 ms through the GIN
#: index, 60,000 entries). ``SET LOCAL`` inside the search's savepoint, which is rolled
#: back at the end (a search writes nothing), so the settings end with the search.
_PREPARE = ("SELECT set_config('enable_seqscan', 'off', true), set_config('work_mem', '32MB', true), "
            "EXISTS (SELECT 1 FROM search_entries)")


@contextmanager
def _guarded():
    """Run a search's reads in a savepoint of their own (yielding whether the table has rows).

    A failure (no table) must not spoil the caller's transaction: it becomes
    ``IndexUnavailable``, the service's cue for its database fallback.
    """
    session = db.session()
    try:
        savepoint = session.begin_nested()
        try:
            yield session.execute(sa.text(_PREPARE)).one()[2]
        finally:
            if savepoint.is_active:
                savepoint.rollback()
    except sa.exc.ProgrammingError as exc:
        state = MISSING if "search_entries" in str(exc.orig) and "does not exist" in str(exc.orig) else BROKEN
        raise IndexUnavailable(state, f"{type(exc.orig).__name__}: {exc.orig}") from exc
    except sa.exc.DBAPIError as exc:
        raise IndexUnavailable(BROKEN, f"{type(exc.orig).__name__}: {exc.orig}") from exc


def _execute(sql: str, params: dict):
    return db.session.execute(_text(sql, params), params).all()


def _ensure_populated(populated: bool) -> None:
    """Raise ``IndexUnavailable`` when the table is empty but there is something to find."""
    if populated:
        return
    from qms.search.build import corpus_size

    if corpus_size(1):
        raise IndexUnavailable(MISSING, "la tabla de búsqueda está vacía: ejecute «qms search rebuild»")


_FACET_SQL = """
    SELECT CASE WHEN GROUPING(kind) = 0 THEN 'kind' WHEN GROUPING(type) = 0 THEN 'type'
                WHEN GROUPING(process) = 0 THEN 'process' WHEN GROUPING(state) = 0 THEN 'state'
                ELSE 'year' END,
           COALESCE(kind, type, process, state, year), count(*)
      FROM m GROUP BY GROUPING SETS ((kind), (type), (process), (state), (year))
    UNION ALL
    SELECT 'region', r, count(*) FROM (SELECT unnest(regions) FROM m) AS each_region(r) GROUP BY r
"""
#: Only the kind counts: their sum is the total (``count``, suggestions).
_TOTAL_SQL = "SELECT 'kind', kind, count(*) FROM m GROUP BY kind"

_SHOWN = "e.kind, e.object_id, e.code, e.title, e.body, e.subtitle, e.state, e.state_label, e.link, e.day"
_NO_HIT = ("NULL::varchar, NULL::integer, NULL::varchar, NULL::text, NULL::text, NULL::text, NULL::varchar, "
           "NULL::varchar, NULL::json, NULL::integer, NULL::float8")


def _page_by_date(params: dict, offset: int, limit: int) -> str:
    params.update(limit=limit, offset=offset)
    return f"""
        pool AS (SELECT kind, object_id FROM m ORDER BY day DESC NULLS LAST, kind, object_id
                 LIMIT :limit OFFSET :offset),
        page AS (SELECT {_SHOWN}, 0.0::float8 AS score
                   FROM search_entries e JOIN pool p ON e.kind = p.kind AND e.object_id = p.object_id
                  ORDER BY e.day DESC NULLS LAST, e.kind, e.object_id)"""


def _page_by_relevance(parsed: ParsedQuery, match: str, params: dict, offset: int, limit: int) -> str:
    """Return the CTEs of the page, best first: a pool chosen by membership, ranked by ``ts_rank_cd``."""
    all_words, any_word = title_queries(parsed)
    params.update(weights=RANK_WEIGHTS, codes=code_keys(parsed), pool=max(RERANK_POOL, offset + limit),
                  limit=limit, offset=offset, boost=CODE_BOOST, part_boost=CODE_PART_BOOST)
    in_title = (f"(title_terms @@ {tsquery(all_words)}) DESC, (title_terms @@ {tsquery(any_word)}) DESC, "
                if all_words else "")
    bonus = "".join(f" + CASE WHEN e.terms @@ {tsquery(prefix)} THEN 1.0 ELSE 0.0 END"
                    for prefix in prefix_queries(parsed))
    return f"""
        pool AS (SELECT kind, object_id FROM m
                  ORDER BY (codekeys && :codes OR codeparts && :codes) DESC, {in_title}
                           day DESC NULLS LAST, object_id DESC
                  LIMIT :pool),
        page AS (SELECT {_SHOWN},
                        (ts_rank_cd(CAST(:weights AS float4[]), e.terms, {tsquery(match)}, {RANK_NORMALIZATION})
                         * CASE WHEN e.codekeys && :codes THEN :boost WHEN e.codeparts && :codes THEN :part_boost
                                ELSE 1.0 END {bonus})::float8 AS score
                   FROM search_entries e JOIN pool p ON e.kind = p.kind AND e.object_id = p.object_id
                  ORDER BY score DESC, length(e.terms), e.day DESC NULLS LAST, e.kind, e.object_id
                  LIMIT :limit OFFSET :offset)"""


def _search(parsed, match, excluded, tokens, filters, include_archived, offset, limit, sort, with_facets):
    """Return (total, facets, page rows) in one statement: the matches are read once.

    The small columns of every match are kept (``m``); the facets and the total are
    counted from them, and the page's candidates are chosen from them too.
    """
    where, params = _where(match, excluded, tokens, filters, include_archived)
    ctes = [f"m AS MATERIALIZED (SELECT kind, object_id, type, process, state, year, regions, codekeys, "
            f"codeparts, day, title_terms FROM search_entries WHERE {where})"]
    selects = [f"SELECT f, v, n, {_NO_HIT} FROM ({_FACET_SQL if with_facets else _TOTAL_SQL}) AS counted(f, v, n)"]
    if limit > 0:
        if sort == "date" or match is None:
            ctes.append(_page_by_date(params, offset, limit))
        else:
            ctes.append(_page_by_relevance(parsed, match, params, offset, limit))
        selects.append("SELECT 'hit', NULL, NULL, page.* FROM page")
    sql = "WITH " + ",".join(ctes) + "\n" + "\nUNION ALL\n".join(selects)
    facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    hits = []
    for row in _execute(sql, params):
        if row[0] == "hit":
            hits.append(_hit(row[3:]))
        elif row[1]:
            facets[row[0]][row[1]] = row[2]
    return sum(facets["kind"].values()), (facets if with_facets else {}), hits


def _hit(row) -> EngineHit:
    kind, object_id, code, title, body, subtitle, state, state_label, link, day, score = row
    fields = {"code": code, "title": title, "body": body, "subtitle": subtitle, "state": state,
              "state_label": state_label, "link": link or {}, "day": day}
    return EngineHit(uid=f"{kind}:{object_id}", score=float(score or 0.0), fields=fields)


def run(root, parsed: ParsedQuery, tokens: set[str], *, filters: dict[str, list[str]], include_archived: bool,
        offset: int, limit: int, sort: str = "relevance", with_facets: bool = True) -> EngineResult:
    """Search; every hit, count and facet is restricted to what ``tokens`` may see (``root`` is unused)."""
    with _guarded() as populated:
        _ensure_populated(populated)
        return _run(parsed, tokens, filters, include_archived, offset, limit, sort, with_facets)


def _run(parsed, tokens, filters, include_archived, offset, limit, sort, with_facets) -> EngineResult:
    match = match_query(parsed)
    if match is None and not (parsed.filters and not parsed.clauses):
        return EngineResult(total=0, hits=[], facets={facet: {} for facet in FACETS} if with_facets else {})
    excluded = excluded_query(parsed)
    args = (tokens, filters, include_archived, offset, limit, sort, with_facets)
    total, facets, hits = _search(parsed, match, excluded, *args)
    relaxed = False
    if not total and match and len(parsed.clauses) > 1:
        match = match_query(parsed, relaxed=True)
        total, facets, hits = _search(parsed, match, excluded, *args)
        relaxed = bool(total)
    return EngineResult(total=total, hits=hits, facets=facets, is_relaxed=relaxed)


def count(root, parsed: ParsedQuery, tokens: set[str], include_archived: bool) -> int:
    """Return how many entries visible to ``tokens`` match ``parsed``."""
    return run(root, parsed, tokens, filters={}, include_archived=include_archived, offset=0, limit=0,
               with_facets=False).total


def spelling_candidates(root, word: str) -> list[str]:
    """Return indexed words close to ``word``, best first (``qms.search.spelling.rank``), as
    they are written (with their accents), as the Whoosh engine's.

    Same first letter, within ``spelling.max_edits``; from every entry, visible or not (the
    caller only offers a correction that finds something the user may see).
    """
    folded = fold(word)
    if len(folded) < 4 or not folded.isalpha():
        return []
    with _guarded():
        return _candidates(folded)


def _frequencies(vocabulary: list[str]) -> dict[str, int]:
    """Return how many entries hold each vocabulary word or written form (one GIN count each)."""
    if not vocabulary:
        return {}
    return dict(_execute(
        "SELECT w, (SELECT count(*) FROM search_entries "
        "            WHERE terms @@ CAST(quote_literal(:mark || w) AS tsquery)) "
        "FROM unnest(CAST(:words AS text[])) AS w", {"words": vocabulary, "mark": VOCABULARY_MARK}))


def _candidates(folded: str) -> list[str]:
    edits = spelling.max_edits(folded)
    rows = _execute(
        "SELECT word FROM search_words WHERE word >= :lo AND word < :hi AND strpos(word, ':') = 0 "
        "AND length(word) BETWEEN :shortest AND :longest",
        {"lo": folded[0], "hi": chr(ord(folded[0]) + 1), "shortest": len(folded) - edits,
         "longest": len(folded) + edits},
    )
    vocabulary = {r[0] for r in rows}
    if folded in vocabulary:
        return []
    close = [w for w in vocabulary if spelling.distance(folded, w) <= edits]
    ranked = spelling.rank(folded, _frequencies(close))[:5]
    return _written(ranked)


def _written(folded_words: list[str]) -> list[str]:
    """Return each word in its most used accented spelling (``folded:written`` rows), or as it is.

    ``LIKE``, not a range: a linguistic collation would order the ``:`` anywhere.
    """
    if not folded_words:
        return []
    forms = [r[0] for r in _execute("SELECT word FROM search_words WHERE word LIKE ANY(:patterns)",
                                    {"patterns": [f"{w}:%" for w in folded_words]})]
    counts = _frequencies(forms)
    best: dict[str, tuple] = {}
    for form in forms:
        word, _, written = form.partition(":")
        best[word] = max(best.get(word, (-1, "")), (counts.get(form, 0), written))
    return [best[w][1] if w in best else w for w in folded_words]


def health(deep: bool = False) -> tuple[str, str, int]:
    """Return (state, detail, rows) of the search table, as ``store.health`` does for the index."""
    try:
        with _guarded() as populated:
            _ensure_populated(populated)
            rows = _execute("SELECT count(*) FROM search_entries", {})[0][0]
            if deep and rows and _execute("SELECT 1 FROM search_entries WHERE row_version <> :v LIMIT 1",
                                          {"v": ROW_VERSION}):
                return OUTDATED, "hay filas de una versión anterior del análisis: ejecute «qms search rebuild»", rows
    except IndexUnavailable as exc:
        return exc.state, exc.detail, 0
    return OK, "", rows
