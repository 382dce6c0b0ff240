"""Synthetic Spanish corpus for the search benchmark: document versions, records, queries.

Deterministic (seeded). Built to behave like real quality-system text, not word soup:

* **Vocabulary**: every word of the demo content (``qms/demo/content.py``, string
  literals only) and of the seed texts (``/work/shared/seeds/*.txt``, if present),
  ranked by how often it occurs there, plus morphological variants (plural/singular,
  masculine/feminine, ``-ción``/``-ciones``) ranked just behind their base word: about
  5,000 surface forms. Word frequencies follow a Zipf–Mandelbrot law
  (``1 / (rank + 2.7) ** 1.07``) over that ranking, so "gestión", "calidad", "proceso"
  are very common and most of the vocabulary is rare.
* **Function words** (de, la, el, y, en, ...) make up ~35 % of the running text, as in
  real Spanish; the analyzer drops them as stop words, but they cost analysis time and
  sit inside phrases ("control de documentos").
* **Topics and collocations**: each text draws ~15 % of its content words from ~25 topic
  words of its own (burstiness: a procedure on audits repeats "auditoría"), and ~4 % of
  the text are multi-word terms taken from the sources ("acción correctiva", "revisión
  por la dirección"), which is what phrase queries look for.
* **Lengths**: document versions are log-normal around 550 words (clipped to 150–4,000,
  mean ≈ 650, i.e. hundreds to a few thousand words, like real procedures); records have
  a 4–10 word title and a 15–150 word description. Documents cite other codes.
* **Queries**: 200, one fifth each of single words, 2–3 words, "phrases", codes and
  words typed without accents. Words come from three frequency tiers: 70 % moderately
  common (rank 40–1,500), 20 % rare (rank > 1,500), 10 % very common (top 40). Phrases
  are mostly real collocations (some are random pairs that match little); codes are
  mostly existing ones.
"""
from __future__ import annotations

import ast
import collections
import functools
import glob
import itertools
import math
import random
import re
from datetime import date, timedelta
from pathlib import Path

from qms.search.analyzer import STOP_WORDS, fold
from qms.search.kinds import PUBLIC, Entry

TYPES = ["PR", "IT", "FO", "PL", "PG", "PO", "MC", "DE"]
PROCESSES = ["GT", "CAP", "SIAC", "AI", "HSMAT", "ED", "PCG", "CCP", "EG", "GD", "FIN", "RRHH"]
REGIONS = ["XV", "I", "II", "III", "IV", "V", "RM", "VI", "VII", "XVI", "VIII", "IX", "XIV", "X", "XI", "XII"]
DOC_STATES = ["effective"] * 6 + ["obsolete"] * 2 + ["draft", "in_review"]
RECORD_STATES = ["active"] * 8 + ["disposed"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = "/work/shared/seeds/*.txt"

#: Function words and their relative frequencies (roughly those of written Spanish).
FUNCTION_WORDS = {
    "de": 60, "la": 35, "el": 25, "en": 25, "y": 25, "a": 15, "los": 15, "las": 12, "del": 12,
    "que": 14, "se": 10, "por": 9, "para": 9, "con": 8, "un": 6, "una": 6, "su": 5, "al": 5,
    "sus": 3, "o": 3, "como": 3, "según": 2, "cuando": 1, "mediante": 1, "sobre": 1,
    "entre": 1, "cada": 1, "sin": 1, "este": 1, "esta": 1,
}
FUNCTION_SHARE = 0.35
TOPIC_SHARE = 0.15
COLLOCATION_SHARE = 0.04
_WORD = re.compile(r"[^\W\d_]+")


def _source_text() -> str:
    parts = []
    tree = ast.parse((ROOT / "qms" / "demo" / "content.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
            parts.append(node.value)  # prose only, not dict keys or identifiers
    for path in sorted(glob.glob(SEEDS)):
        parts.append(Path(path).read_text(encoding="utf-8", errors="ignore"))
    return "\n".join(parts)


_GENDERED = ("ado", "ada", "ido", "ida", "ivo", "iva", "oso", "osa", "ico", "ica", "ario", "aria")


def _variants(word: str) -> list[str]:
    """Plural/singular and gender variants of a noun or adjective (approximate)."""
    out = []
    if word.endswith("ción"):
        out.append(word[:-4] + "ciones")
    elif word.endswith("ciones"):
        out.append(word[:-6] + "ción")
    elif word.endswith(("os", "as", "es")) and len(word) > 5:
        out.append(word[:-1])
        if word.endswith("os"):
            out.append(word[:-2] + "as")
    elif word[-1] in "aeo":
        out.append(word + "s")
        if word.endswith(_GENDERED):  # adjectives and participles: both genders
            out.append(word[:-1] + ("a" if word.endswith("o") else "o"))
    elif word[-1] in "lrdnz" and not word.endswith("ión"):
        out.append((word[:-1] + "ces") if word.endswith("z") else word + "es")
    return out


@functools.lru_cache(maxsize=1)
def vocabulary() -> tuple[list[str], list[float], list[str]]:
    """Return (words by rank, cumulative Zipf weights, collocations)."""
    text = _source_text()
    tokens = [w.lower() for w in _WORD.findall(text)]
    counts = collections.Counter(
        w for w in tokens if len(w) >= 3 and fold(w) not in STOP_WORDS and w.isalpha()
    )
    ranked = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    seen = set(ranked)
    # Variants join the ranking a little behind their base word.
    extra: list[tuple[float, str]] = []
    for rank, word in enumerate(ranked):
        for variant in _variants(word):
            if variant not in seen:
                seen.add(variant)
                extra.append((rank * 3 + 30, variant))
    merged = [(float(r), w) for r, w in enumerate(ranked)] + extra
    merged.sort(key=lambda x: (x[0], x[1]))
    words = [w for _, w in merged]
    weights = [1.0 / (r + 2.7) ** 1.07 for r in range(len(words))]
    cum = list(itertools.accumulate(weights))
    # Collocations: content word, optional "de"/"de la"/"por la"/"del", content word.
    grams = collections.Counter()
    content = set(counts)
    for i in range(len(tokens) - 3):
        a = tokens[i]
        if a not in content:
            continue
        for gap in ((), ("de",), ("de", "la"), ("del",), ("por", "la"), ("no",)):
            j = i + 1 + len(gap)
            if j < len(tokens) and tuple(tokens[i + 1:j]) == gap and tokens[j] in content:
                grams[" ".join((a, *gap, tokens[j]))] += 1
    collocations = [g for g, n in grams.most_common(600) if n >= 3]
    return words, cum, collocations


class _Writer:
    """Draws words for one text: Zipf vocabulary, topic words, collocations, function words."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.cum, self.colls = vocabulary()
        self.fw = list(FUNCTION_WORDS)
        self.fw_cum = list(itertools.accumulate(FUNCTION_WORDS.values()))

    def zipf(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def text(self, n_words: int, codes: list[str] = ()) -> str:
        rng = self.rng
        # Topic words are biased towards the middle of the ranking.
        topic = [self.words[min(len(self.words) - 1, int(rng.paretovariate(0.6) * 8))] for _ in range(25)]
        content = self.zipf(n_words)
        funcs = rng.choices(self.fw, cum_weights=self.fw_cum, k=n_words)
        out: list[str] = []
        sentence_left = 0
        for i in range(n_words):
            if sentence_left == 0:
                if out:
                    out[-1] += "."
                sentence_left = rng.randint(8, 25)
                capital = True
            else:
                capital = False
            r = rng.random()
            if r < FUNCTION_SHARE:
                word = funcs[i]
            elif r < FUNCTION_SHARE + TOPIC_SHARE:
                word = rng.choice(topic)
            elif r < FUNCTION_SHARE + TOPIC_SHARE + COLLOCATION_SHARE and self.colls:
                word = self.colls[min(len(self.colls) - 1, int(rng.expovariate(1 / 60)))]
            else:
                word = content[i]
            if capital:
                word = word[:1].upper() + word[1:]
            out.append(word)
            sentence_left -= 1
        for code in codes:
            out.insert(rng.randrange(len(out) + 1), f"según {code}")
        return " ".join(out) + "."


def _doc_code(i: int, t: str, p: str) -> str:
    return f"{t}-{p}-{(i % 97) + 1:02d}" if i <= 9000 else f"{t}{p}{i}"


def documents(n: int, seed: int = 1):
    """Yield ``n`` document-version entries (log-normal length, median ~550 words)."""
    rng = random.Random(seed)
    w = _Writer(rng)
    start = date(2019, 1, 1)
    for i in range(1, n + 1):
        t, p = rng.choice(TYPES), rng.choice(PROCESSES)
        code = _doc_code(i, t, p)
        state = rng.choice(DOC_STATES)
        length = int(min(4000, max(150, rng.lognormvariate(math.log(550), 0.6))))
        cited = [f"{rng.choice(TYPES)}-{rng.choice(PROCESSES)}-{rng.randint(1, 97):02d}"
                 for _ in range(rng.randint(0, 3))]
        title_words = " ".join(w.zipf(rng.randint(2, 4)))
        yield Entry(
            kind="document", object_id=i,
            title=f"{rng.choice(['Procedimiento de', 'Instructivo para', 'Plan de', 'Política de', 'Manual de'])} "
                  f"{title_words}",
            body=w.text(length, cited), code=code,
            subtitle=f"Versión {rng.randint(1, 6):02d}", type=t, process=p, state=state,
            regions=rng.sample(REGIONS, rng.randint(0, 2)),
            date=start + timedelta(days=rng.randint(0, 2600)),
            is_archived=state == "obsolete",
            visibility={PUBLIC} if state in ("effective", "obsolete") else {"perm:document.read_drafts"},
            link={"endpoint": "documents.version_detail", "values": {"code": code, "number": 1}},
        )


def records(n: int, seed: int = 2):
    """Yield ``n`` record entries (4–10 word title, 15–150 word description)."""
    rng = random.Random(seed)
    w = _Writer(rng)
    start = date(2019, 1, 1)
    for i in range(1, n + 1):
        state = rng.choice(RECORD_STATES)
        title = " ".join(w.zipf(rng.randint(3, 8)))
        yield Entry(
            kind="record", object_id=i,
            title=f"Registro de {title} {rng.choice(REGIONS)} {2019 + i % 7}",
            body=w.text(int(min(150, max(15, rng.lognormvariate(math.log(45), 0.6))))),
            code=f"REG-{2019 + i % 7}-{i:05d}", type="REG",
            process=rng.choice(PROCESSES), state=state, regions=[rng.choice(REGIONS)],
            date=start + timedelta(days=rng.randint(0, 2600)), is_archived=state == "disposed",
            visibility={"perm:record.read", f"user:{rng.randint(1, 300)}"},
        )


def _tier_word(rng: random.Random, words: list[str], accented: bool = False) -> str:
    r = rng.random()
    lo, hi = (40, 1500) if r < 0.7 else ((1500, len(words)) if r < 0.9 else (0, 40))
    for _ in range(1000):
        word = words[rng.randrange(lo, min(hi, len(words)))]
        if not accented or fold(word) != word:
            return word
    return word


def queries(n: int = 200, seed: int = 3) -> list[str]:
    """Return ``n`` mixed queries: words, 2–3 words, phrases, codes, words without accents."""
    rng = random.Random(seed)
    words, _cum, colls = vocabulary()
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            out.append(_tier_word(rng, words))
        elif kind == 1:
            out.append(" ".join(_tier_word(rng, words) for _ in range(rng.randint(2, 3))))
        elif kind == 2:
            if rng.random() < 0.8 and colls:
                out.append(f'"{colls[min(len(colls) - 1, int(rng.expovariate(1 / 80)))]}"')
            else:
                out.append(f'"{_tier_word(rng, words)} {_tier_word(rng, words)}"')
        elif kind == 3:
            if rng.random() < 0.8:
                j = rng.randint(1, 9000)
                out.append(f"{rng.choice(TYPES)}-{rng.choice(PROCESSES)}-{(j % 97) + 1:02d}")
            else:
                out.append(f"REG-{rng.randint(2019, 2025)}-{rng.randint(1, 50000):05d}")
        else:
            out.append(fold(_tier_word(rng, words, accented=True)))
    return out


def describe() -> dict:
    """Return vocabulary statistics (for the README)."""
    words, cum, colls = vocabulary()
    return {"vocabulary": len(words), "collocations": len(colls),
            "top10": words[:10], "top40_share": round(cum[39] / cum[-1], 3)}


if __name__ == "__main__":  # pragma: no cover
    import json
    import statistics

    print(json.dumps(describe(), ensure_ascii=False))
    docs = list(documents(300))
    lens = [len(d.body.split()) for d in docs]
    print("doc words: median", statistics.median(lens), "mean", round(statistics.mean(lens)), "max", max(lens))
    recs = list(records(300))
    print("record words: mean", round(statistics.mean(len(r.body.split()) for r in recs)))
    print(docs[0].title, "|", docs[0].body[:400])
    print(queries(25))
