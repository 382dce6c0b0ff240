"""Choosing "¿Quiso decir …?" corrections, for any backend.

A backend supplies the indexed words near a typed one (folded, with how many entries
hold each) and the accented form they are written in; this module ranks them. The edit
distance counts a swap of two neighbouring letters as one edit ("auditorai",
"documetno", "procedimineto" are one slip away from the word), and among words as
close, the one more entries use wins.
"""
from __future__ import annotations

import math

#: Edits allowed: one for short words, two from six letters on.
def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def distance(a: str, b: str) -> int:
    """Return the optimal string alignment distance (Levenshtein plus adjacent swaps)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def rank(typed: str, candidates: dict[str, int]) -> list[str]:
    """Return ``candidates`` (word -> entries holding it) within reach of ``typed``, best first.

    Score: the edit distance, less a little for frequency (a tenth of an edit per power of
    ten of entries), so a common word beats a rare one as close, never a closer one.
    """
    limit = max_edits(typed)
    scored = []
    for word, freq in candidates.items():
        d = distance(typed, word)
        if 0 < d <= limit:
            scored.append((d - 0.1 * min(math.log10(freq + 1), 9), word))
    return [word for _score, word in sorted(scored)]
