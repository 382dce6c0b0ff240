"""The capacity benchmarks' own tools: the data generator at a tiny size, the load
report's arithmetic and the form reader the load generator posts with."""
from __future__ import annotations

import json

import pytest

from benchmarks import generate_data, load_report
from benchmarks.html_forms import form_posting_to, form_with_id, forms


def test_the_generator_builds_a_small_institution_through_the_services(tmp_path, monkeypatch):
    for name in ("QMS_DATABASE_URL", "QMS_INSTANCE_PATH", "QMS_SECRET_KEY", "QMS_TRAIL_KEY"):
        monkeypatch.delenv(name, raising=False)  # the generator sets them; put them back after
    result = generate_data.generate(4, tmp_path, quiet=True)
    size, counts = result["size"], result["counts"]
    assert size == {"documents": 4, "records": 40, "audits": 1, "generated_users": 20}
    assert json.loads((tmp_path / "dataset.json").read_text())["counts"] == counts  # what the load run reads
    # On top of the demo institution: 4 more documents, their versions, 40 records, 1 audit.
    assert counts["documents"] >= 4 + 10 and counts["records"] >= 40 and counts["audits"] >= 1
    assert counts["versions"] >= counts["documents"] + 4
    # Every change left its trail entry (the services wrote them): far more than the rows.
    assert counts["trail"] > counts["records"] + counts["versions"] * 2
    people = [u for u in result["users"] if u["username"].startswith("persona")]
    assert len(people) == 20 and all(u["password"] for u in people)
    assert (tmp_path / "index").exists()  # search built as `qms search rebuild` builds it


def test_parse_size():
    assert generate_data.parse_size("2k") == 2000 and generate_data.parse_size("50K") == 50_000
    assert generate_data.parse_size("300") == 300


def _rows(kind, values, status=200, error=""):
    return [{"kind": kind, "ms": float(v), "status": status, "error": error, "t": 0} for v in values]


def test_the_report_gives_percentiles_per_kind_and_group():
    rows = _rows("page", range(1, 101)) + _rows("list", [1000] * 10) + _rows("search", [5, 7])
    rows += _rows("upload", [40], status=500, error="HTTPError 500")
    rows += _rows("capa", [30], status=400, error="capa: 400")
    summary = load_report.summarise(rows, seconds=10)
    assert summary["requests"] == 114 and summary["throughput_per_s"] == 11.4
    page = summary["kinds"]["page"]
    assert (page["p50_ms"], page["p95_ms"], page["p99_ms"]) == (50.0, 95.0, 99.0)
    pages = summary["groups"]["pages and lists"]
    assert pages["n"] == 110 and pages["p95_ms"] == 1000.0
    assert summary["errors"] == 1 and summary["unexpected"] == 1
    assert summary["groups"]["uploads"]["errors"] == 1 and summary["groups"]["CAPA edits"]["unexpected"] == 1
    assert "upload 500" in summary["error_samples"][0]


def test_a_run_is_invalid_when_the_generator_takes_more_than_a_quarter():
    share = load_report.generator_share(cpu_seconds=60, wall_seconds=100, cores=2)
    assert share == pytest.approx(0.3) and load_report.validity(share).startswith("INVALID")
    assert load_report.validity(load_report.generator_share(40, 100, 2)).startswith("valid")


def test_worker_memory_is_the_peak_and_the_last_sample():
    mib = 2**20
    memory = load_report.memory({11: [100 * mib, 180 * mib, 150 * mib], 12: [90 * mib]})
    assert memory == {"workers": 2, "peak_rss_mb": 180.0, "last_rss_mb": [90.0, 150.0]}


def test_forms_are_read_as_a_browser_sends_them():
    html = """<form method="post" action="/salir"><input name="csrf_token" value="T1"></form>
    <form method="post" id="edit" novalidate><input type="hidden" name="csrf_token" value="T2">
      <input name="title" value="Título &amp; más"><input type="checkbox" name="flag">
      <input type="checkbox" name="on" checked><input name="off" value="x" disabled>
      <textarea name="problem">Línea 1
Línea 2</textarea>
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="owner"><option value="7">Siete</option></select>
      <input type="submit" name="go" value="Guardar"></form>"""
    assert len(forms(html)) == 2
    edit = form_with_id(html, "edit")
    assert edit.fields == {"csrf_token": "T2", "title": "Título & más", "on": "on",
                           "problem": "Línea 1\nLínea 2", "kind": "b", "owner": "7"}
    assert form_posting_to(html, "/salir").fields == {"csrf_token": "T1"}
    assert form_posting_to(html, "").action == "/salir" and form_posting_to(html, "/nada") is None
