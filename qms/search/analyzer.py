"""Spanish text analysis: the one definition of what a "word" is, for indexing and queries.

Pipeline per word: lower-case → fold accents (á→a, ñ→n, ü→u) → drop stop words →
singular masculine spelling of nouns (``conflate``) → stem with a Snowball Spanish
stemmer whose suffix tables are folded too.

Why a stemmer of our own: the stock Snowball tables contain accents, so a word typed
without them takes another path ("auditorías" → ``auditor`` but "auditoria" →
``auditori``), and folding before the stock stemmer breaks the accented suffixes instead
("capacitación" → ``capacitacion`` but "capacitaciones" → ``capacit``). Folding the
*tables* as well makes both spellings take the same path. One folded suffix is left out:
``ió`` (preterite) would become ``io`` and cut "servicio" differently from "servicios".

Why a step before the stemmer (``conflate``): Snowball reads many nouns as verbs, so
forms of one noun split ("reclamo" → ``reclam`` but "reclamos" → ``recl``, the ``-amos``
of "reclamamos"; "funcionario" → ``funcionari`` but "funcionaria" → ``funcion``, the
``-aría`` of a conditional; "mujer" → ``muj`` but "mujeres" → ``mujer``). Staff search
for nouns, so a noun's plural is brought to its singular and a feminine in ``-aria`` or
``-era`` to its masculine before stemming; ``-z`` is spelled ``-c`` as in its plural
("luz", "luces"). The price, accepted: a few verb forms that look like plural nouns
("realizamos") no longer meet their infinitive. ``tests/search/test_conflation.py``
keeps the pairs that must meet and those that must not.

The engine-neutral functions (``words``, ``stem_word``, ``fold``) are what the query
builder and the highlighter use; ``SpanishAnalyzer`` wraps the same code as a Whoosh
analyzer. The analyzer is pickled into the index's schema, so it keeps no state of its
own: the word cache is module-level.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Composable, Token

#: Letters and digits; everything else separates words ("PR-GT-01" → pr, gt, 01).
# A word is letters and digits, with the combining accents of text pasted in decomposed
# form (NFD: "i" + U+0301) kept inside it: otherwise "auditoría" typed that way splits in
# two. ``fold`` then drops the accents either way, and offsets stay those of the text.
#: Entries of each word cache below (``fold_word``, ``normalize_word``): about 150 bytes
#: each, so at most ~10 MB apiece; the LRU keeps the vocabulary and lets one-off codes go.
WORD_CACHE_SIZE = 65_536
WORD_RE = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*", re.UNICODE)

VOWELS = "aeiou"

_STEP0 = ("selas", "selos", "sela", "selo", "las", "les", "los", "nos", "me", "se", "la", "le", "lo")
_STEP1 = (
    "amientos", "imientos", "amiento", "imiento", "aciones", "uciones", "adoras", "adores",
    "ancias", "logias", "encias", "amente", "idades", "anzas", "ismos", "ables", "ibles",
    "istas", "adora", "acion", "antes", "ancia", "logia", "ucion", "encia", "mente", "anza",
    "icos", "icas", "ismo", "able", "ible", "ista", "osos", "osas", "ador", "ante", "idad",
    "ivas", "ivos", "ico", "ica", "oso", "osa", "iva", "ivo",
)
_STEP1_WITH_IC = frozenset(
    {"adora", "ador", "acion", "adoras", "adores", "aciones", "ante", "antes", "ancia", "ancias"}
)
_STEP2A = ("yeron", "yendo", "yamos", "yais", "yan", "yen", "yas", "yes", "ya", "ye", "yo")
_STEP2B = tuple(
    sorted(
        {
            "ariamos", "eriamos", "iriamos", "ieramos", "iesemos", "ariais", "aremos", "eriais",
            "eremos", "iriais", "iremos", "ierais", "ieseis", "asteis", "isteis", "abamos",
            "aramos", "asemos", "arian", "arias", "areis", "erian", "erias", "ereis", "irian",
            "irias", "ireis", "ieran", "iesen", "ieron", "iendo", "ieras", "ieses", "abais",
            "arais", "aseis", "eamos", "aran", "aras", "aria", "eran", "eras", "eria", "iran",
            "iras", "iria", "iera", "iese", "aste", "iste", "aban", "asen", "aron", "ando",
            "abas", "adas", "idas", "ases", "iais", "ados", "idos", "amos", "imos", "emos",
            "ara", "are", "era", "ere", "ira", "ire", "aba", "ada", "ida", "ase", "ian", "ado",
            "ido", "ias", "ais", "eis", "ia", "ad", "ed", "id", "an", "ar", "er", "ir", "as",
            "is", "en", "es",
        },
        key=lambda s: (-len(s), s),
    )
)
_STEP2B_GU = frozenset({"en", "es", "eis", "emos"})
_STEP3 = ("os", "a", "e", "o")

#: Spanish stop words, already folded (Snowball's list plus a few frequent forms).
STOP_WORDS = frozenset(
    """
    de la que el en y a los del se las por un para con no una su al lo como mas pero sus le
    ya o este si porque esta entre cuando muy sin sobre tambien me hasta hay donde quien
    desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mi antes
    algunos que unos yo otro otras otra el tanto esa estos mucho quienes nada muchos cual
    poco ella estar estas algunas algo nosotros mi mis tu te ti tu tus ellas nosotras
    vosotros vosotras os mio mia mios mias tuyo tuya tuyos tuyas suyo suya suyos suyas
    nuestro nuestra nuestros nuestras vuestro vuestra vuestros vuestras esos esas estoy
    estas esta estamos estais estan este estes estemos esteis esten es son fue fueron ser
    sea sean ha han he hemos habia habian u cada cual sera seran
    """.split()
)


def fold(text: str) -> str:
    """Return ``text`` lower-cased and without diacritics ("Acción" → "accion")."""
    if len(text) <= 40:
        return fold_word(text)
    return _fold(text)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def fold_word(text: str) -> str:
    """``fold`` of a short string, cached (indexing folds the same words millions of times)."""
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _regions(word: str) -> tuple[str, str, str]:
    """Return Snowball's R1, R2 and RV regions of a folded word."""
    r1 = r2 = rv = ""
    for i in range(1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            r1 = word[i + 1:]
            break
    for i in range(1, len(r1)):
        if r1[i] not in VOWELS and r1[i - 1] in VOWELS:
            r2 = r1[i + 1:]
            break
    if len(word) >= 2:
        if word[1] not in VOWELS:
            for i in range(2, len(word)):
                if word[i] in VOWELS:
                    rv = word[i + 1:]
                    break
        elif word[0] in VOWELS:
            for i in range(2, len(word)):
                if word[i] not in VOWELS:
                    rv = word[i + 1:]
                    break
        else:
            rv = word[3:]
    return r1, r2, rv


def _cut(parts: list[str], n: int) -> None:
    """Remove ``n`` characters from the end of word and of each region that is long enough."""
    for i, part in enumerate(parts):
        parts[i] = part[:-n] if len(part) >= n else ""


def stem_folded(word: str) -> str:
    """Return the Snowball Spanish stem of an already folded word."""
    if len(word) < 3 or not word.isalpha():
        return word
    r1, r2, rv = _regions(word)
    w = [word, r1, r2, rv]  # kept in step as suffixes go

    # Step 0: attached pronoun after a gerund or infinitive ("actualizarlo").
    for suf in _STEP0:
        if w[0].endswith(suf):
            base = w[3][: -len(suf)] if w[3].endswith(suf) else None
            if base is not None and (
                base.endswith(("iendo", "ando", "ar", "er", "ir"))
                or (base.endswith("yendo") and w[0][: -len(suf)].endswith("uyendo"))
            ):
                _cut(w, len(suf))
            break

    # Step 1: standard suffixes.
    step1_done = False
    for suf in _STEP1:
        if not w[0].endswith(suf):
            continue
        if suf == "amente" and w[1].endswith(suf):
            step1_done = True
            _cut(w, 6)
            if w[2].endswith("iv"):
                _cut(w, 2)
                if w[2].endswith("at"):
                    _cut(w, 2)
            elif w[2].endswith(("os", "ic", "ad")):
                _cut(w, 2)
        elif w[2].endswith(suf):
            step1_done = True
            if suf in _STEP1_WITH_IC:
                _cut(w, len(suf))
                if w[2].endswith("ic"):
                    _cut(w, 2)
            elif suf in ("logia", "logias"):
                w[0] = w[0][: -len(suf)] + "log"
                w[3] = w[3][: -len(suf)] + "log"
            elif suf in ("ucion", "uciones"):
                w[0] = w[0][: -len(suf)] + "u"
                w[3] = w[3][: -len(suf)] + "u"
            elif suf in ("encia", "encias"):
                w[0] = w[0][: -len(suf)] + "ente"
                w[3] = w[3][: -len(suf)] + "ente"
            elif suf == "mente":
                _cut(w, 5)
                if w[2].endswith(("ante", "able", "ible")):
                    _cut(w, 4)
            elif suf in ("idad", "idades"):
                _cut(w, len(suf))
                for pre in ("abil", "ic", "iv"):
                    if w[2].endswith(pre):
                        _cut(w, len(pre))
            elif suf in ("ivo", "iva", "ivos", "ivas"):
                _cut(w, len(suf))
                if w[2].endswith("at"):
                    _cut(w, 2)
            else:
                _cut(w, len(suf))
        break

    # Step 2a/2b: verb suffixes, only when step 1 removed nothing.
    if not step1_done:
        step2a_done = False
        for suf in _STEP2A:
            if w[3].endswith(suf) and w[0][-len(suf) - 1: -len(suf)] == "u":
                _cut(w, len(suf))
                step2a_done = True
                break
        if not step2a_done:
            for suf in _STEP2B:
                if w[3].endswith(suf):
                    _cut(w, len(suf))
                    if suf in _STEP2B_GU and w[0].endswith("gu"):
                        w[0] = w[0][:-1]
                    break

    # Step 3: residual vowel.
    for suf in _STEP3:
        if w[3].endswith(suf):
            _cut(w, len(suf))
            if suf == "e" and w[0].endswith("gu") and w[3].endswith("u"):
                w[0] = w[0][:-1]
            break
    return w[0]


#: Singular words that look plural (their plural goes another way, or they have none).
SINGULAR_ES = frozenset(
    "interes estres ingles frances portugues japones holandes escoces cortes marques reves traves".split()
)
#: Consonants whose nouns make the plural with ``-es`` ("mujer"/"mujeres", "ley"/"leyes").
_ES_PLURAL_AFTER = frozenset("rlndjy")


def conflate(word: str) -> str:
    """Return a folded word's singular masculine spelling, the form the stemmer is given.

    Plural ``-es`` after r, l, n, d, j, y and ``-s`` after a vowel are dropped
    ("reclamos" → "reclamo", "mujeres" → "mujer", "países" → "paise", "intereses" → "interes"); words in ``-is``,
    ``-us`` and short ones are left alone ("análisis", "virus", "mes"; "días" → "día"); a feminine in
    ``-aria``/``-era`` takes ``-o`` ("funcionaria" → "funcionario", "primera" →
    "primero"); a final ``z`` becomes ``c`` ("luz" → "luc", like "luces").
    """
    if word in SINGULAR_ES:
        pass
    elif len(word) >= 5 and word.endswith("es") and (word[-3] in _ES_PLURAL_AFTER or word[:-2] in SINGULAR_ES):
        word = word[:-2]
    elif len(word) >= 4 and word.endswith("s") and word[-2] in "aeo":
        word = word[:-1]
    if word.endswith(("aria", "era")) and len(word) >= 5:
        word = word[:-1] + "o"
    if word.endswith("z"):
        word = word[:-1] + "c"
    return word


@lru_cache(maxsize=WORD_CACHE_SIZE)
def normalize_word(raw: str) -> str | None:
    """Return the index term for one raw word, or None for a stop word.

    Cached: a corpus repeats a few thousand words millions of times, and this cache is
    what makes bulk indexing fast enough in pure Python.
    """
    folded = fold(raw)
    if folded in STOP_WORDS:
        return None
    if not folded.isalpha():
        return folded  # numbers and mixed tokens ("01", "9001") are kept as they are
    return stem_folded(conflate(folded))


def stem_word(raw: str) -> str:
    """Return the term for ``raw`` even if it is a stop word (for explicit field values)."""
    term = normalize_word(raw)
    return term if term is not None else fold(raw)


def words(text: str) -> list[str]:
    """Return the index terms of ``text`` in order, stop words removed."""
    out = []
    for match in WORD_RE.finditer(text):
        term = normalize_word(match.group())
        if term is not None:
            out.append(term)
    return out


class SpanishAnalyzer(Composable):
    """Whoosh analyzer running the pipeline above in one pass (no filter chain).

    Fusing tokenizer and filters avoids one generator per filter per token, which is
    most of Whoosh's indexing time with the stock chain.
    """

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def has_morph(self):
        return True

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = WORD_RE.finditer(value) if tokenize else [re.match(r"(?s).*", value)]
        pos = start_pos
        for match in matches:
            raw = match.group()
            if not raw:
                continue
            if no_morph:
                term = fold(raw)
                if term in STOP_WORDS:
                    continue
            else:
                term = normalize_word(raw)
                if term is None:
                    if removestops:
                        continue
                    term = fold(raw)
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = raw
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def common_pairs(text: str, common: frozenset[str]) -> set[str]:
    """Return the "common grams" of ``text``: adjacent stems that are both in ``common``.

    Adjacent as in a phrase (stop words hold no position), joined with ``_`` (stems never
    contain one): "sistema de gestión" → ``sistem_gestion``. Indexed as single terms, so a
    phrase of two very common words is one posting lookup instead of a positions check in
    most documents (the technique of Lucene's CommonGrams filter).
    """
    out = set()
    if not common:
        return out
    previous = None
    for term in words(text):
        if previous is not None and term in common and previous in common:
            out.add(f"{previous}_{term}")
        previous = term
    return out


def frequent_stems(texts, limit: int) -> list[str]:
    """Return the ``limit`` stems found in most of ``texts`` (alphabetic, 3+ letters)."""
    from collections import Counter

    counts: Counter = Counter()
    for text in texts:
        counts.update({t for t in words(text) if len(t) >= 3 and t.isalpha()})
    return [t for t, _n in counts.most_common(limit)]

