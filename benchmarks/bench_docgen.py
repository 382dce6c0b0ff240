"""Benchmark: render a ten-page procedure with a ten-row change table.

    .venv/bin/python benchmarks/bench_docgen.py [--runs 30]

Prints the median and spread of the render time (template to .docx bytes, the QR code
included, as on approval) and the memory it takes. Goal on the reference machine:
median <= 80 ms, under 100 MB of extra memory. Not a timed test: results go in the README.
"""
from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.docgen import render, stamp  # noqa: E402
from qms.docgen.qr import qr_png  # noqa: E402
from qms.docgen.samples import long_procedure_context  # noqa: E402

TEMPLATE = ROOT / "document_templates" / "procedimiento.docx"


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_once(template: bytes, context: dict, mark: str | None = None) -> bytes:
    document = render.render_document(template, context)
    if mark:
        stamp.add_mark(document, mark)
    return render.to_bytes(document)


def timed(template: bytes, context: dict, runs: int, mark: str | None = None) -> list[float]:
    samples = []
    for _ in range(runs):
        qr_png.cache_clear()  # every copy of a new version draws its own QR code
        started = time.perf_counter()
        render_once(template, context, mark)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    template = TEMPLATE.read_bytes()
    context = long_procedure_context()
    words = sum(len(s["markdown"].split()) for s in context["sections"])
    baseline = rss_mb()
    render_once(template, context)  # warm-up: imports, Jinja compilation

    rows = [
        ("oficial (aprobación)", timed(template, context, args.runs)),
        ("borrador (con marca)", timed(template, context, args.runs, "BORRADOR")),
    ]
    gc.collect()
    tracemalloc.start()
    render_once(template, context)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"Procedimiento de {len(context['sections'])} secciones, {words} palabras, "
          f"{len(context['changes'])} filas de control de cambios; {args.runs} repeticiones.\n")
    print(f"{'caso':24} {'mediana ms':>10} {'p10 ms':>8} {'p90 ms':>8}")
    for label, samples in rows:
        deciles = statistics.quantiles(samples, n=10)
        print(f"{label:24} {statistics.median(samples):10.1f} {deciles[0]:8.1f} {deciles[-1]:8.1f}")
    print(f"\nmemoria extra (RSS máximo del proceso sobre el de después de importar): "
          f"+{rss_mb() - baseline:.1f} MB")
    print(f"  objetos Python en un render (tracemalloc; lxml asigna aparte): pico {traced_peak / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
