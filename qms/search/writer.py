"""Turning entries into index documents and writing them: the one writer path.

Callers hold the write lock (``store.write_lock``) before calling anything here.
"""
from __future__ import annotations

import contextlib
from functools import lru_cache
from datetime import date, datetime

from qms.search import codeforms
from qms.search.analyzer import WORD_RE, STOP_WORDS, common_pairs, fold_word, frequent_stems
from qms.search.kinds import Entry, make_uid
from qms.search.timing import EPOCH


def codekey(code: str) -> str:
    """Return a code folded to letters and digits ("PR-GT-01" → "prgt01")."""
    return codeforms.compact(code)


def _day(value: date | datetime | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return (value - EPOCH).days


def _vocabulary(texts) -> tuple[set[str], set[str]]:
    """Return the folded words of ``texts`` (the suggestion vocabulary) and, for those
    written with accents, ``folded:written`` ("evaluacion:evaluación"), so a suggestion
    found among folded words is shown as it is written."""
    seen, written = set(), set()
    for text in texts:
        for match in WORD_RE.finditer(text):
            word, form = vocabulary_word(match.group())
            if word is not None:
                seen.add(word)
                if form is not None:
                    written.add(form)
    return seen, written


@lru_cache(maxsize=200_000)
def vocabulary_word(raw: str) -> tuple[str | None, str | None]:
    """Return (folded word, ``folded:written`` or None) of one raw word, or (None, None)
    for a word too short, not alphabetic or a stop word (cached: corpora repeat words)."""
    word = fold_word(raw)
    if len(word) <= 3 or not word.isalpha() or word in STOP_WORDS:
        return None, None
    lower = raw.lower()
    return word, (f"{word}:{lower}" if lower != word else None)


#: How many of the most common stems get "common grams" (``analyzer.common_pairs``).
COMMON_STEMS = 60
#: Entries per kind read to choose them when a generation is built.
COMMON_SAMPLE = 1000


def choose_common(entries) -> list[str]:
    """Return the common stems of a new generation, chosen from a sample of its entries."""
    return frequent_stems((f"{e.title}\n{e.body}" for e in entries), COMMON_STEMS)


def _vocabulary_fields(entry: Entry) -> dict:
    seen, written = _vocabulary((entry.title, entry.indexed_body))
    return {"spell": " ".join(seen), "surface": " ".join(written)}


def to_document(entry: Entry, common: frozenset[str] = frozenset()) -> dict:
    """Return the Whoosh field values of ``entry`` (``common``: the generation's common stems)."""
    day = _day(entry.date)
    doc = {
        "uid": entry.uid,
        "kind": entry.kind,
        "code": entry.code,
        "codekey": " ".join(sorted(codeforms.exact_keys(entry.code))),
        "codepart": " ".join(sorted(codeforms.partial_keys(entry.code))),
        "title": entry.title,
        "body": entry.indexed_body,
        **_vocabulary_fields(entry),
        "pairs": " ".join(common_pairs(entry.title, common) | common_pairs(entry.indexed_body, common)),
        "subtitle": entry.subtitle,
        "link": entry.link,
        "fp": entry.fingerprint,
        "type": entry.type,
        "process": entry.process,
        "state": entry.state,
        "state_label": entry.state_label,
        "region": ",".join(entry.regions),
        "year": str(entry.date.year) if entry.date else "",
        "archived": "y" if entry.is_archived else "n",
        "visibility": " ".join(sorted(entry.visibility)),
    }
    if day is not None:
        doc["day"] = day
    return {k: v for k, v in doc.items() if v != ""}


@contextlib.contextmanager
def open_writer(ix, bulk: bool = False):
    """Yield a writer that is committed on success and cancelled on error.

    Outside a rebuild the commit does not merge segments unless there are many: a merge
    of large segments can take seconds and must not run inside a request.
    """
    if bulk:
        writer = ix.writer(limitmb=256)
    else:
        writer = ix.writer(timeout=5.0)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    if bulk:
        writer.commit(merge=False)
    else:
        from whoosh.writing import NO_MERGE, MERGE_SMALL

        many = len(ix._segments()) >= 8  # noqa: SLF001 (no public accessor)
        writer.commit(mergetype=MERGE_SMALL if many else NO_MERGE)


def write(writer, entries: dict[str, Entry | None], common: frozenset[str] = frozenset()) -> None:
    """Apply ``entries`` (uid -> entry, or None to remove) through an open writer."""
    for uid, entry in entries.items():
        if entry is None:
            writer.delete_by_term("uid", uid)
        else:
            writer.update_document(**to_document(entry, common))


def add_bulk(writer, entries, common: frozenset[str] = frozenset()) -> int:
    """Add entries to a fresh index (no deletes needed); return how many."""
    count = 0
    for entry in entries:
        writer.add_document(**to_document(entry, common))
        count += 1
    return count


__all__ = ["codekey", "choose_common", "to_document", "open_writer", "write", "add_bulk", "make_uid"]
