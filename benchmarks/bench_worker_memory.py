"""Worker memory: the RSS one process reaches serving a data set's pages and searches.

    .venv/bin/python benchmarks/bench_worker_memory.py --instance /tmp/qms-5k-sqlite
    QMS_CODE=/path/to/other/checkout .venv/bin/python benchmarks/bench_worker_memory.py --instance DIR

Opens the instance written by ``generate_data.py`` as a worker would (``create_app``),
logs in as one of its generated people (a committee member: the widest view) and serves,
in one process and through the test client: the lists, 200 searches of the search
benchmark (each with its facets, and again on page 2 and filtered by kind), 300 document
and record pages and 50 draft Word copies. Prints the RSS (psutil) after each stage, so a
cache that grows without bound shows as a line that keeps climbing. ``QMS_CODE`` runs
another checkout's application on the same data (a before/after comparison).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The application from QMS_CODE (default: this checkout), the benchmark helpers from here.
sys.path.insert(0, os.environ.get("QMS_CODE", str(ROOT)))
import benchmarks  # noqa: E402

benchmarks.__path__.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2, help="times the searches are repeated")
    args = parser.parse_args()
    facts = json.loads((args.instance / "dataset.json").read_text(encoding="utf-8"))
    os.environ.update(facts["env"])
    from benchmarks.bench_load import LISTS, targets
    from qms import create_app

    person = next(u for u in facts["users"] if u["username"].startswith("persona"))
    plan = targets(facts["env"], facts["users"])
    app = create_app()
    client = app.test_client()
    stages = {"started": rss_mb()}
    page = client.get("/ingresar").get_data(as_text=True)
    from benchmarks.html_forms import form_posting_to

    login = form_posting_to(page, "")
    answer = client.post("/ingresar", data={**login.fields, "username": person["username"],
                                            "password": person["password"]})
    assert answer.status_code == 302, answer.status_code
    statuses: dict[int, int] = {}

    def get(path):
        status = client.get(path).status_code
        statuses[status] = statuses.get(status, 0) + 1

    for path in LISTS:
        get(path)
    stages["lists"] = rss_mb()
    for round_ in range(args.rounds):
        for query in plan["queries"]:
            get(f"/buscar?q={query}")
            get(f"/buscar?q={query}&page=2")
            get(f"/buscar?q={query}&kind=record")
        stages[f"200 searches × 3, round {round_ + 1}"] = rss_mb()
    for path in random.Random(3).sample(plan["pages"], min(300, len(plan["pages"]))):
        get(path)
    stages["300 detail pages"] = rss_mb()
    for path in plan["drafts"][:50]:
        get(path)
    stages["50 draft Word copies"] = rss_mb()
    print(json.dumps({"code": os.environ.get("QMS_CODE", str(ROOT)), "data": facts["counts"],
                      "rss_mb": stages, "statuses": statuses}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
