"""Summaries of a load run: percentiles per kind, throughput, errors, and the run's validity.

Reads the JSON lines ``load_users.py`` writes (one per request: kind, ms, status, error)
and the resource samples ``bench_load.py`` takes. Kept apart from the runner so that the
arithmetic is tested without a server.
"""
from __future__ import annotations

import json
from pathlib import Path

#: Kinds summed into the groups the goals speak of (pages p95 < 500 ms...).
GROUPS = {"pages and lists": ("page", "list"), "search": ("search",), "downloads": ("download",),
          "Word generation": ("word",), "uploads": ("upload",), "signed transitions": ("transition",),
          "CAPA edits": ("capa",)}
#: The load generator may use at most this share of the machine, or the run measured it.
MAX_GENERATOR_SHARE = 0.25


def read_timings(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value below which ``fraction`` of them fall)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))  # ceil(fraction * n)
    return ordered[min(len(ordered), rank) - 1]


def is_error(row: dict) -> bool:
    """A server error or a failed connection: 5xx or no answer."""
    return row["status"] == 0 or row["status"] >= 500


def is_unexpected(row: dict) -> bool:
    """A 2xx–4xx answer the person did not expect (a refused form, a 403): not the server
    failing, but a sign the run did not do what it says."""
    return bool(row["error"]) and not is_error(row)


def describe(rows: list[dict]) -> dict:
    ms = [r["ms"] for r in rows]
    return {"n": len(rows), "p50_ms": percentile(ms, 0.50), "p95_ms": percentile(ms, 0.95),
            "p99_ms": percentile(ms, 0.99), "max_ms": max(ms, default=0.0),
            "errors": sum(map(is_error, rows)),
            "unexpected": sum(map(is_unexpected, rows))}


def summarise(rows: list[dict], seconds: float) -> dict:
    """Per kind and per group: count, p50/p95/p99, errors; overall throughput."""
    kinds = sorted({r["kind"] for r in rows})
    by_kind = {k: describe([r for r in rows if r["kind"] == k]) for k in kinds}
    groups = {g: describe([r for r in rows if r["kind"] in members]) for g, members in GROUPS.items()}
    samples = [f"{r['kind']} {r['status']} {r['error'][:160]}" for r in rows if r["error"] or is_error(r)][:8]
    return {"requests": len(rows), "seconds": round(seconds, 1),
            "throughput_per_s": round(len(rows) / seconds, 2) if seconds else 0.0,
            "errors": sum(map(is_error, rows)), "unexpected": sum(map(is_unexpected, rows)),
            "error_samples": samples,
            "groups": groups, "kinds": by_kind}


def generator_share(cpu_seconds: float, wall_seconds: float, cores: int) -> float:
    """The share of the whole machine the load generator used."""
    return cpu_seconds / (wall_seconds * cores) if wall_seconds and cores else 0.0


def validity(share: float) -> str:
    if share > MAX_GENERATOR_SHARE:
        return f"INVALID: the load generator used {share:.0%} of the machine (more than a quarter)"
    return f"valid: the load generator used {share:.0%} of the machine"


def memory(samples: dict[int, list[int]]) -> dict:
    """Per worker pid, RSS samples in bytes → the largest and the last, in MB."""
    mb = lambda b: round(b / 2**20, 1)  # noqa: E731
    peaks = {pid: max(values) for pid, values in samples.items() if values}
    last = {pid: values[-1] for pid, values in samples.items() if values}
    return {"workers": len(peaks), "peak_rss_mb": mb(max(peaks.values(), default=0)),
            "last_rss_mb": sorted(mb(v) for v in last.values())}


def table(summary: dict) -> str:
    """The groups as a plain-text table (what the README quotes)."""
    lines = [f"{'kind':<20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for name, g in summary["groups"].items():
        lines.append(f"{name:<20} {g['n']:>6} {g['p50_ms']:>8.0f} {g['p95_ms']:>8.0f} {g['p99_ms']:>8.0f} "
                     f"{g['errors']:>7}")
    return "\n".join(lines)
