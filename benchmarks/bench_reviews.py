"""Benchmark: the management review's input pack, the committee's dashboard and the acta.

    .venv/bin/python benchmarks/bench_reviews.py [--records 10000] [--actions 2000] [--indicators 200] [--runs 5]

Fills a fresh SQLite database (in a temporary folder) in bulk with a year of data:
``--records`` records, ``--actions`` actions (with one verification each, half decided),
200 PNC, 40 audits with 5 findings each and ``--indicators`` quarterly indicators with
four confirmed measurements, half of them per sex. Then times, as medians of ``--runs``:

* ``pack``: ``qms.reviews.pack.compile_pack`` for the year (goal ≤ 2 s);
* ``dashboard``: ``GET /tablero`` as the committee, page rendered (goal ≤ 300 ms);
* ``acta``: rendering the acta of a review held over that year, charts included (goal ≤ 3 s).

Not a timed test: results go in the README.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from qms import create_app  # noqa: E402
from qms.extensions import db  # noqa: E402

YEAR = 2026
PASSWORD = "clave-bench-larga-1"


def fill(records: int, actions: int, indicators: int) -> None:
    from qms.actions.models import Action, Verification
    from qms.audits.models import Audit, Finding
    from qms.auth import service as auth
    from qms.home.reference_data import load_reference_data
    from qms.indicators.models import Indicator, IndicatorTarget, Measurement, MeasurementPart
    from qms.nonconformities.models import Nonconformity
    from qms.org.models import Process
    from qms.records.models import Record, RecordType

    db.drop_all()
    db.create_all()
    load_reference_data()
    people = [auth.create_user(None, username=f"persona{n}", full_name=f"Persona {n}", password=PASSWORD,
                               roles=["quality"], position="Cargo") for n in range(10)]
    processes = [Process(code=f"P{n:02d}", name=f"Proceso {n}", kind="support") for n in range(20)]
    db.session.add_all(processes)
    db.session.flush()
    start = date(YEAR, 1, 1)
    types = db.session.scalars(sa.select(RecordType.id)).all()
    db.session.execute(sa.insert(Record), [
        {"code": f"REG-{n:06d}", "type_id": types[n % len(types)], "title": f"Registro {n}",
         "record_date": start + timedelta(days=n % 330), "process_id": processes[n % 20].id,
         "owner_id": people[n % 10].id, "description": "", "retention_until": date(YEAR + 5, 1, 1), "state": "active",
         "is_on_legal_hold": False, "legal_hold_reason": "", "revision": 1} for n in range(records)])
    states = ("open", "analysis", "implementing", "verifying", "closed")
    kinds, sources = ("corrective", "preventive", "improvement"), ("finding", "pnc", "siac", "review", "indicator")
    db.session.execute(sa.insert(Action), [
        {"id": n + 1, "code": f"AC-{YEAR}-{n + 1:04d}", "year": YEAR, "kind": kinds[n % 3], "source_kind": sources[n % 5],
         "title": f"Acción {n}", "problem": "Problema", "process_id": processes[n % 20].id, "owner_id": people[n % 10].id,
         "state": states[n % 5], "opened_on": start + timedelta(days=n % 330)} for n in range(actions)])
    db.session.execute(sa.insert(Verification), [
        {"action_id": n + 1, "planned_date": start + timedelta(days=n % 330), "verifier_id": people[(n + 1) % 10].id,
         "result": ("effective" if n % 4 else "not_effective") if n % 2 else "",
         "performed_on": start + timedelta(days=n % 330) if n % 2 else None} for n in range(actions)])
    db.session.execute(sa.insert(Nonconformity), [
        {"code": f"PNC-{YEAR}-{n + 1:03d}", "year": YEAR, "product": f"Servicio {n}", "process_id": processes[n % 20].id,
         "description": "Error", "detected_on": start + timedelta(days=n % 330), "detected_by_id": people[0].id,
         "treatment_due": start + timedelta(days=n % 330 + 10), "state": "reported"} for n in range(200)])
    db.session.execute(sa.insert(Audit), [
        {"id": n + 1, "code": f"AUD-{YEAR}-{n + 1:02d}", "year": YEAR, "title": f"Auditoría {n}",
         "lead_auditor_id": people[1].id, "planned_start": start + timedelta(days=7 * n),
         "planned_end": start + timedelta(days=7 * n + 1), "state": "closed" if n % 3 else "planned"} for n in range(40)])
    clauses = ["7.5.3", "9.1", "8.5.2", "10.2", "6.2"]
    db.session.execute(sa.insert(Finding), [
        {"audit_id": a + 1, "number": k + 1, "kind": ("nc_minor", "observation", "opportunity")[k % 3],
         "clause_number": clauses[(a + k) % 5], "process_id": processes[a % 20].id, "description": "Hallazgo"}
        for a in range(40) for k in range(5)])
    db.session.execute(sa.insert(Indicator), [
        {"id": n + 1, "code": f"IND-P{n:03d}", "name": f"Indicador {n}", "process_id": processes[n % 20].id,
         "numerator_definition": "N", "denominator_definition": "D", "factor": Decimal(100), "unit": "percent",
         "direction": "higher", "frequency": "quarterly", "responsible_id": people[n % 10].id,
         "is_by_sex": n % 2 == 0, "is_by_region": False, "region_codes": []} for n in range(indicators)])
    db.session.execute(sa.insert(IndicatorTarget), [
        {"indicator_id": n + 1, "year": YEAR, "target": Decimal(90)} for n in range(indicators)])
    rows, parts, ident = [], [], 0
    for n in range(indicators):
        for q in range(1, 5):
            ident += 1
            num = Decimal(70 + (n * 7 + q * 5) % 30)
            rows.append({"id": ident, "indicator_id": n + 1, "year": YEAR, "period": q, "revision": 1, "numerator": num,
                         "denominator": Decimal(100), "value": num, "state": "confirmed", "entered_by_id": people[0].id,
                         "confirmed_by_id": people[1].id})
            if n % 2 == 0:
                parts += [{"measurement_id": ident, "sex": "F", "numerator": num / 2, "denominator": Decimal(50)},
                          {"measurement_id": ident, "sex": "M", "numerator": num / 2, "denominator": Decimal(50)}]
    db.session.execute(sa.insert(Measurement), rows)
    db.session.execute(sa.insert(MeasurementPart), parts)
    db.session.commit()


def median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        fn()
        times.append(time.perf_counter() - begin)
        db.session.rollback()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", choices=("pack", "dashboard", "acta"), help="print a profile of one of them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
                          "INSTANCE_PATH": folder, "STORAGE_PATH": f"{folder}/storage", "INDEX_PATH": f"{folder}/index",
                          "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            fill(args.records, args.actions, args.indicators)
            from qms.docgen.service import render_report
            from qms.reviews.pack import compile_pack
            from qms.reviews.report import acta_context
            from qms.reviews.models import ManagementReview

            end = date(YEAR, 11, 30)
            pack_time = median(lambda: compile_pack(date(YEAR, 1, 1), end, YEAR, []), args.runs)
            pack = compile_pack(date(YEAR, 1, 1), end, YEAR, [])
            client = app.test_client()
            client.post("/ingresar", data={"username": "persona0", "password": PASSWORD})
            client.get(f"/tablero?year={YEAR}")
            dashboard_time = median(lambda: client.get(f"/tablero?year={YEAR}").close(), args.runs)
            review = ManagementReview(code=f"RD-{YEAR}-01", year=YEAR, period_start=date(YEAR, 1, 1), period_end=end,
                                      planned_on=end, held_on=end, agenda="Entradas", state="held", snapshot=pack,
                                      participants=[{"user_id": 1, "name": "Persona 0", "position": "Cargo",
                                                     "attended": True}],
                                      analysis={s["key"]: "Análisis." for s in pack["sections"]})
            db.session.add(review)
            db.session.flush()
            context = acta_context(review)
            acta_time = median(lambda: render_report("revision_direccion.docx", context), args.runs)
            if args.profile:
                import cProfile
                import pstats

                work = {"pack": lambda: compile_pack(date(YEAR, 1, 1), end, YEAR, []),
                        "dashboard": lambda: client.get(f"/tablero?year={YEAR}").close(),
                        "acta": lambda: render_report("revision_direccion.docx", context)}[args.profile]
                profile = cProfile.Profile()
                profile.runcall(work)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    print(f"data: {args.records} records, {args.actions} actions, {args.indicators} indicators ({args.indicators * 4} "
          "measurements), 200 PNC, 40 audits / 200 findings")
    print(f"pack      median {pack_time * 1000:8.1f} ms  (goal 2000)")
    print(f"dashboard median {dashboard_time * 1000:8.1f} ms  (goal 300)")
    print(f"acta      median {acta_time * 1000:8.1f} ms  (goal 3000)")


if __name__ == "__main__":
    main()
