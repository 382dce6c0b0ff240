"""The one entry point for searching: ``search(user, SearchRequest) -> SearchResult``.

It parses the text and rewrites it with the institution's glossary (synonyms and
acronyms, ``qms.search.expansion``), asks the engine for the hits the user's visibility tokens allow,
re-checks the page hits with each kind's own permission function, builds snippets and
the "¿Quiso decir …?" suggestion, and falls back to a plain database query (with a
notice) when the index cannot be used — a search page never fails because of the index.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, url_for
from markupsafe import Markup
from werkzeug.routing import BuildError

from qms.extensions import db
from qms.search import backends, engine, glossary, store
from qms.search.analyzer import stem_word
from qms.search.expansion import expand
from qms.search.kinds import Entry, all_kinds, split_uid, user_tokens
from qms.search.query import AnyOf, ParsedQuery, Word, parse
from qms.search.snippets import highlight, snippet
from qms.search.timing import day_to_date

log = logging.getLogger(__name__)

#: Fewer results than this and a spelling suggestion is looked for (and always when no
#: entry had every word: the results then come from a relaxed match).
SUGGEST_BELOW = 3

DEGRADED_NOTICE = (
    "La búsqueda avanzada no está disponible en este momento; se muestran resultados "
    "simples (sin plurales ni variantes de las palabras). El índice se está reconstruyendo o debe "
    "reconstruirse con «qms search rebuild»."
)

#: Shown above results from the index while changes wait to reach it (a writer holding
#: the lock, failing index writes): what is listed may be missing the latest changes.
LAGGING_NOTICE = (
    "La búsqueda se está actualizando: los cambios de los últimos minutos pueden no "
    "aparecer todavía en los resultados."
)
#: Seconds the oldest queued change may wait before searches say so.
LAG_NOTICE_SECONDS = 120


@dataclass
class SearchRequest:
    text: str = ""
    page: int = 1
    per_page: int = 20
    #: ``relevance`` or ``date``.
    sort: str = "relevance"
    #: Facet chips: facet -> values (type, process, state, region, year, kind).
    filters: dict[str, list[str]] = field(default_factory=dict)
    include_archived: bool = False


@dataclass
class Hit:
    uid: str
    kind: str
    kind_label: str
    object_id: int
    code: str
    title: Markup
    subtitle: str
    state: str
    state_label: str
    snippet: Markup
    url: str | None
    date: date | None
    score: float
    is_archived: bool


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    is_selected: bool


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    #: True when no entry had every word and results have some of them.
    is_relaxed: bool = False
    is_degraded: bool = False
    #: True when changes wait to reach the index: results may miss the latest ones.
    is_lagging: bool = False
    notice: str = ""
    #: What the glossary added: (as typed, [equivalents searched too]), to say so on the page.
    expansions: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


def parse_expanded(text: str) -> ParsedQuery:
    """Return ``text`` parsed and rewritten with the glossary: what every backend receives."""
    return expand(parse(text), glossary.current())


def search(user, request: SearchRequest) -> SearchResult:
    """Return the results ``user`` may see for ``request``."""
    parsed = parse_expanded(request.text)
    filters = normalize_filters({**_merge(parsed.filters, request.filters)})
    result = SearchResult(request=request)
    tokens = user_tokens(user)
    if not tokens or parsed.is_empty and not filters:
        return result
    root = store.root_path()
    from qms.search.queue import drain_if_stale, oldest_pending_seconds

    try:
        if not backends.is_postgres():
            drain_if_stale()  # the PostgreSQL backend has no queue to drain
        per_page = max(1, min(request.per_page, 100))
        out = backends.engine().run(
            root, parsed, tokens, filters=filters, include_archived=request.include_archived,
            offset=(max(request.page, 1) - 1) * per_page, limit=per_page, sort=request.sort,
        )
    except engine.IndexUnavailable as exc:
        log.warning("search: index unavailable (%s); using the database", exc.detail or exc.state)
        return _fallback(user, parsed, request, result)
    result.total, result.is_relaxed = out.total, out.is_relaxed
    result.expansions = [(c.text, [o.text for o in c.options[1:]]) for c in parsed.clauses if isinstance(c, AnyOf)]
    result.hits = _hits(user, parsed, out.hits)
    result.facets = _facets(out.facets, filters)
    if result.total < SUGGEST_BELOW or result.is_relaxed:
        try:
            result.suggestion = _suggest(root, parsed, tokens, request.include_archived, result)
        except engine.IndexUnavailable as exc:
            log.warning("search: index unavailable while suggesting (%s)", exc.detail or exc.state)
    waited = oldest_pending_seconds()
    if waited is not None and waited > current_app.config.get("SEARCH_LAG_NOTICE_SECONDS", LAG_NOTICE_SECONDS):
        log.warning("search: index jobs waiting for %.0f s", waited)
        result.is_lagging, result.notice = True, LAGGING_NOTICE
    return result


def _merge(a: dict, b: dict) -> dict:
    out = {k: list(v) for k, v in a.items()}
    for k, v in (b or {}).items():
        out.setdefault(k, []).extend(x for x in v if x not in out[k])
    return out


def normalize_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """Turn typed filter values into index values ("vigente" → effective, "rm" → RM)."""
    kinds = all_kinds()
    state_names: dict[str, str] = {}
    kind_names: dict[str, str] = {}
    for kind in kinds.values():
        for name in (kind.name, kind.label, kind.plural or kind.label):
            kind_names[stem_word(name)] = kind.name
        # Stems make "vigente", "Vigentes", "obsoleta" and "obsoleto" all name one state.
        for key, label in kind.state_labels.items():
            state_names[stem_word(key)] = key
            state_names[stem_word(label)] = key
    out: dict[str, list[str]] = {}
    for fieldname, values in filters.items():
        clean = []
        for value in values:
            v = value.strip()
            if not v:
                continue
            if fieldname in ("type", "process", "region"):
                v = v.upper()
            elif fieldname == "state":
                v = state_names.get(stem_word(v), v)
            elif fieldname == "kind":
                v = kind_names.get(stem_word(v), v)
            clean.append(v)
        if clean and fieldname in ("type", "process", "region", "state", "kind", "year"):
            out[fieldname] = clean
    return out


def _url(link: dict) -> str | None:
    try:
        return url_for(link["endpoint"], **link.get("values", {}))
    except (BuildError, KeyError, TypeError):
        return None


def _hits(user, parsed: ParsedQuery, engine_hits) -> list[Hit]:
    """Build result lines, keeping only hits the kind's permission function allows."""
    kinds = all_kinds()
    by_kind: dict[str, list[int]] = {}
    for h in engine_hits:
        kind, ident = split_uid(h.uid)
        by_kind.setdefault(kind, []).append(ident)
    visible = set()
    for kind, ids in by_kind.items():
        if kind in kinds:
            visible |= {(kind, i) for i in kinds[kind].visible_ids(db.session, user, ids)}
    stems, prefixes, phrases = parsed.stems(), parsed.prefixes(), parsed.phrases()
    hits = []
    for h in engine_hits:
        kind, ident = split_uid(h.uid)
        if (kind, ident) not in visible:
            continue  # index drifted from the database; never show it
        f = h.fields
        hits.append(Hit(
            uid=h.uid, kind=kind, kind_label=kinds[kind].label, object_id=ident,
            code=f.get("code", ""), title=highlight(f.get("title", ""), stems, prefixes, phrases),
            subtitle=f.get("subtitle", ""), state=f.get("state", ""),
            state_label=f.get("state_label", ""),
            snippet=snippet(f.get("body", ""), stems, prefixes, phrases=phrases),
            url=_url(f.get("link") or {}), date=day_to_date(f.get("day")),
            score=round(h.score, 3), is_archived=f.get("state") in ("obsolete", "withdrawn"),
        ))
    return hits


def _facets(counts: dict[str, dict[str, int]], filters: dict) -> dict[str, list[FacetValue]]:
    out = {}
    for facet, values in counts.items():
        names = facet_labels(facet, list(values))
        chosen = set(filters.get(facet, []))
        items = [FacetValue(v, names.get(v, v), n, v in chosen) for v, n in values.items()]
        if facet == "year":
            items.sort(key=lambda i: i.value, reverse=True)
        else:
            items.sort(key=lambda i: (-i.count, i.label))
        out[facet] = items
    return out


def _suggest(root, parsed: ParsedQuery, tokens, include_archived, found: SearchResult) -> str | None:
    """Return a corrected query that finds more entries the user may see, or None.

    Only typed words are corrected; a glossary word is not a typo (it was expanded).
    """
    words_ = [c for c in parsed.clauses if isinstance(c, Word)]
    if not words_:
        return None
    replacements = {}
    for clause in words_:
        candidates = backends.engine().spelling_candidates(root, clause.text)
        if candidates:
            replacements[clause.text] = candidates
    if not replacements:
        return None
    text, best = parsed.raw, _quality(found.total, found.is_relaxed)
    for typed, candidates in replacements.items():
        for candidate in candidates:
            trial = text.replace(typed, candidate, 1)
            # Only a correction that finds something *this user* may see is offered: more
            # entries, or every word where the typed query matched only some.
            out = backends.engine().run(root, parse_expanded(trial), tokens, filters={}, include_archived=include_archived,
                             offset=0, limit=0, with_facets=False)
            if _quality(out.total, out.is_relaxed) > best:
                text, best = trial, _quality(out.total, out.is_relaxed)
                break
    return text if text != parsed.raw else None


def _quality(total: int, is_relaxed: bool) -> tuple:
    """Order results for suggestions: something beats nothing, every word beats some, then more."""
    return total > 0, not is_relaxed, total


#: Glossary alternatives the database fallback tries, at most (each is one query per kind).
FALLBACK_TEXTS = 4


def fallback_texts(parsed: ParsedQuery) -> list[str]:
    """Return the texts the database fallback searches: the words typed and, for glossary
    words, their equivalents ("queja" → "queja", "reclamo", "reclamación")."""
    texts = [""]
    for clause in parsed.clauses:
        options = clause.options if isinstance(clause, AnyOf) else (clause,)
        texts = [f"{t} {o.text}".strip() for t in texts for o in options if hasattr(o, "text")][:FALLBACK_TEXTS]
    return texts or [""]


def _fallback(user, parsed: ParsedQuery, request: SearchRequest, result: SearchResult) -> SearchResult:
    result.is_degraded = True
    result.notice = DEGRADED_NOTICE
    entries: dict[str, Entry] = {}
    limit = max(1, min(request.per_page, 100))
    try:
        for text in fallback_texts(parsed):
            for kind in all_kinds().values():
                for e in kind.fallback(db.session, user, text, limit, request.include_archived):
                    entries.setdefault(e.uid, e)
    except Exception:  # noqa: BLE001 - even the fallback must not break the page
        log.exception("search: database fallback failed")
        db.session.rollback()
    entries = list(entries.values())
    kinds = all_kinds()
    result.total = len(entries)
    result.hits = [
        Hit(uid=e.uid, kind=e.kind, kind_label=kinds[e.kind].label, object_id=e.object_id, code=e.code,
            title=Markup.escape(e.title), subtitle=e.subtitle, state=e.state,
            state_label=e.state_label, snippet=snippet(e.body, set(), [], width=160),
            url=_url(e.link), date=e.date if isinstance(e.date, date) else None, score=0.0,
            is_archived=e.is_archived)
        for e in entries[:limit]
    ]
    return result


def find_code(user, text: str):
    """Return the endpoint and values to jump to when ``text`` is exactly a code the user may open."""
    from qms.search.query import looks_like_code

    text = (text or "").strip()
    if not looks_like_code(text):
        return None
    from qms.search.writer import codekey

    key = codekey(text)
    for kind in all_kinds().values():
        if kind.lookup_code is not None:
            link = kind.lookup_code(db.session, user, key)
            if link:
                return link
    return None


def facet_labels(facet: str, values: list[str]) -> dict[str, str]:
    """Return display labels of facet values, asking every kind that knows them."""
    kinds = all_kinds()
    if facet == "kind":
        return {k: (kinds[k].plural or kinds[k].label) for k in values if k in kinds}
    if facet == "state":
        names = {}
        for kind in kinds.values():
            names.update(kind.state_labels)
        return {v: names.get(v, v) for v in values}
    names = {}
    for kind in kinds.values():
        if kind.facet_labels is not None:
            names.update(kind.facet_labels(db.session, facet, values))
    return names


def index_health():
    return store.health(store.root_path())


#: Seconds a writer may hold the index lock before the health check calls it stuck
#: (a rebuild of a large database takes minutes: set ``SEARCH_LOCK_STUCK_SECONDS``).
LOCK_STUCK_SECONDS = 600


def health_report() -> dict:
    """The index's state for the health check, read from its files only (no database).

    ``state`` is ``ok``, ``missing``, ``outdated``, ``broken`` or ``locked`` (a writer
    has held the lock too long: changes wait in the queue and searches say so).
    """
    if backends.is_postgres():
        from qms.search.pg_maintenance import health_report as pg_report

        return pg_report()
    root = store.root_path()
    try:
        found = store.health(root, deep=True)
        state, detail = found.state, found.detail
        holder = store.lock_holder(root)
    except OSError as exc:
        state, detail, holder = store.BROKEN, f"{type(exc).__name__}: {exc}", None
    report = {"state": state, "detail": detail, "writer": None, "backend": "whoosh"}
    if holder is not None:
        report["writer"] = {"pid": holder.pid, "seconds": round(holder.seconds)}
        stuck = current_app.config.get("SEARCH_LOCK_STUCK_SECONDS", LOCK_STUCK_SECONDS)
        if state == store.OK and holder.seconds > stuck:
            report["state"] = "locked"
            report["detail"] = (f"el proceso {holder.pid} tiene el bloqueo de escritura del índice desde hace "
                                f"{holder.seconds:.0f} s; los cambios esperan en la cola")
    return report
