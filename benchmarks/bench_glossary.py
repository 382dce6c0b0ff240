"""What the glossary costs a search: reading it and rewriting the query.

Not a timed test. Run from the project root:

    .venv/bin/python -m benchmarks.bench_glossary

With the glossary ``qms init`` seeds, times ``query.parse`` alone and
``service.parse_expanded`` (parse, read the glossary, rewrite) over the search
benchmark's 200 mixed queries plus a few glossary ones, 10 rounds; prints medians and
p95 in milliseconds. The engine's own time is ``bench_search``'s.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import queries
from qms import create_app
from qms.extensions import db

GLOSSARY_QUERIES = ["queja", "PAC 2026", "plan anual de capacitación", "CPHS", "sistema de gestión de la calidad"]


def _times(fn, texts, rounds=10) -> list[float]:
    out = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            fn(text)
            out.append((time.perf_counter() - started) * 1000)
    return out


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    return f"{name:<28} mediana {statistics.median(ordered):.3f} ms   p95 {ordered[int(len(ordered) * 0.95)]:.3f} ms"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qms-bench-glossary-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'qms.sqlite3'}", "INSTANCE_PATH": str(folder),
                      "SECRET_KEY": "bench", "STORAGE_PATH": str(folder / "storage"),
                      "INDEX_PATH": str(folder / "index"), "SEARCH_ENABLED": False})
    with app.app_context():
        from qms.home.reference_data import load_reference_data
        from qms.search import glossary
        from qms.search.expansion import expand
        from qms.search.query import parse
        from qms.search.service import parse_expanded

        db.create_all()
        load_reference_data()
        db.session.commit()
        texts = queries(200) + GLOSSARY_QUERIES
        print(f"{len(glossary.entries())} términos en el glosario; {len(texts)} consultas × 10\n")
        print(_line("parse", _times(parse, texts)))
        current = glossary.current()
        print(_line("reescritura (en memoria)", _times(lambda t: expand(parse(t), current), texts)))
        print(_line("parse + leer + reescribir", _times(parse_expanded, texts)))


if __name__ == "__main__":
    main()
