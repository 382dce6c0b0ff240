"""Data generator for the capacity benchmarks: an institution of 2k, 10k or 50k documents.

    .venv/bin/python benchmarks/generate_data.py --size 2k --instance /tmp/qms-2k
    .venv/bin/python benchmarks/generate_data.py --size 10k --instance /tmp/qms-10k \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/qms_10k     # an empty database

The shape is the one measured in the capacity issue, per 1,000 documents: 2,950 versions,
10,000 records (one file each), 250 audits and the trail they leave (~25 entries per
document). Everything goes through the services on top of the demo institution (``qms
demo``), with the business clock set to the day each step happened, so codes, signatures,
Word copies, acknowledgements and the trail are real; search is then built the way
``qms search rebuild`` builds it. Signing uses a cheap password hash while loading (the
server upgrades each account to argon2id at its first login, as for any old hash).

Writes ``DIR/dataset.json``: the database address, the counts, how long each step took, and
the people who log in during the load benchmark (demo users and generated ones, with their
passwords). Deterministic for a given ``--seed``.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: What one document brings with it (the issue's data set at 2,000 documents).
VERSIONS_PER_DOCUMENT = 2.95
RECORDS_PER_DOCUMENT = 10
AUDITS_PER_DOCUMENT = 0.25
#: The state the newest version of a document is left in (the rest are effective or obsolete).
LAST_STATES = ["effective"] * 12 + ["draft"] * 3 + ["in_review", "in_approval", "returned"]
GENERATED_PASSWORD = "Medicion.{n:04d}.Calidad"
#: The people of the load benchmark: each can do every kind of its mix (upload a record's
#: file, edit a CAPA, sign a review), so the mix does not depend on who drew which task.
GENERATED_ROLES = (["quality", "reviewer"],)
COMMIT_EVERY = 20


def parse_size(text: str) -> int:
    """``2k`` → 2000; a plain number is a count of documents."""
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def plan(documents: int) -> dict:
    """How many of each thing a data set of ``documents`` documents holds."""
    return {"documents": documents, "records": documents * RECORDS_PER_DOCUMENT,
            "audits": max(1, round(documents * AUDITS_PER_DOCUMENT)),
            "generated_users": max(20, documents // 20)}


def versions_of(index: int) -> int:
    """2 versions for one document in 20, else 3: 2.95 on average."""
    return 2 if index % 20 == 0 else 3


class Text:
    """Spanish prose for sections and titles: the search benchmark's corpus writer."""

    def __init__(self, rng: random.Random):
        from benchmarks.corpus import _Writer

        self.rng = rng
        self.writer = _Writer(rng)

    def title(self, words: tuple[int, int] = (2, 5)) -> str:
        text = " ".join(self.writer.zipf(self.rng.randint(*words)))
        return text[:1].upper() + text[1:]

    def paragraph(self, median_words: int) -> str:
        return self.writer.text(max(20, int(self.rng.lognormvariate(0, 0.5) * median_words)))


class Generator:
    """Loads one data set; each ``load_*`` step commits as it goes."""

    def __init__(self, size: dict, seed: int, progress):
        from qms.auth.models import User
        from qms.demo import content
        from qms.documents.models import DocumentType
        from qms.extensions import db
        from qms.org.models import Process, Region

        import sqlalchemy as sa

        self.db, self.sa, self.size, self.progress = db, sa, size, progress
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.passwords = {u["username"]: u["password"] for u in content.USERS}
        self.users = {u.username: u for u in db.session.scalars(sa.select(User))}
        self.processes = db.session.scalars(sa.select(Process).order_by(Process.code)).all()
        self.types = db.session.scalars(sa.select(DocumentType).where(DocumentType.is_active.is_(True))).all()
        self.regions = db.session.scalars(sa.select(Region.code)).all()
        self.generated: list[dict] = []

    def commit_every(self, index: int, what: str, total: int) -> None:
        if (index + 1) % COMMIT_EVERY == 0 or index + 1 == total:
            # Committed objects are expired, and the session holds them only weakly: memory stays flat.
            self.db.session.commit()
            self.progress(what, index + 1, total)

    def users_model(self):
        from qms.auth.models import User

        return User

    def load_users(self) -> None:
        from qms.auth import service as auth

        count = self.size["generated_users"]
        for n in range(count):
            roles = GENERATED_ROLES[n % len(GENERATED_ROLES)]
            username, password = f"persona{n:04d}", GENERATED_PASSWORD.format(n=n)
            auth.create_user(None, username=username, full_name=f"Persona Medición {n:04d}", password=password,
                             roles=roles, position="Profesional")
            self.generated.append({"username": username, "password": password, "roles": roles})
            self.commit_every(n, "usuarios", count)
        self.passwords.update({u["username"]: u["password"] for u in self.generated})

    def load_documents(self) -> None:
        total = self.size["documents"]
        for index in range(total):
            self.load_document(index)
            self.commit_every(index, "documentos", total)

    def load_document(self, index: int) -> None:
        from qms.auth.models import Role
        from qms.documents import service as documents
        from qms.org.models import Region

        rng, author, quality = self.rng, self.users["autora"], self.users["calidad"]
        doc_type, process = rng.choice(self.types), rng.choice(self.processes)
        regions = self.db.session.scalars(self.sa.select(Region).where(
            Region.code.in_(rng.sample(self.regions, rng.choice([0, 0, 1, 2]))))).all()
        document = documents.create_document(author, doc_type=doc_type, process=process, owner=process.owner,
                                             title=f"{doc_type.name} de {self.text.title()}", regions=regions)
        staff = self.db.session.scalar(self.sa.select(Role).where(Role.name == "staff"))
        documents.set_distribution(quality, document, roles=[staff])
        count = versions_of(index)
        # Versions take effect in order over the last seven years; the newest is the most recent.
        day = date.today() - timedelta(days=rng.randint(900, 2500))
        for number in range(count):
            state = rng.choice(LAST_STATES) if number == count - 1 else "effective"
            with self.on_day(day):
                self.load_version(document, number, state)
            day += timedelta(days=rng.randint(200, 400))
            day = min(day, date.today() - timedelta(days=1))

    def on_day(self, day: date):
        from qms.timeutil import on_day

        return on_day(day)

    def load_version(self, document, number: int, state: str) -> None:
        from qms.documents import service as documents

        author, reviewer, approver = self.users["autora"], self.users["revisor"], self.users["jefa"]
        version = document.versions[-1] if number == 0 else documents.start_revision(author, document)
        sections = {s["key"]: self.text.paragraph(90) for s in document.type.sections}
        documents.save_draft(author, version, title=document.title, sections=sections,
                             change_description="Versión inicial." if number == 0 else
                             f"Actualiza {self.text.title((1, 3)).lower()}.")
        if state == "draft":
            return
        documents.apply_transition(author, version, "submit", password=self.passwords["autora"])
        if state == "in_review":
            return
        if state == "returned":
            documents.apply_transition(reviewer, version, "return_review", password=self.passwords["revisor"],
                                       comment="Precisar responsables y plazos de cada etapa.")
            return
        documents.apply_transition(reviewer, version, "pass_review", password=self.passwords["revisor"])
        if state == "in_approval":
            return
        documents.apply_transition(approver, version, "approve", password=self.passwords["jefa"])

    def load_records(self) -> None:
        from qms.records import service as records
        from qms.records.models import RecordType

        types = self.db.session.scalars(self.sa.select(RecordType).where(
            RecordType.is_active.is_(True), RecordType.is_confidential.is_(False))).all()
        type_ids = [t.id for t in types]
        process_ids = [p.id for p in self.processes]
        owners = [u.id for u in self.users.values() if u.is_enabled]
        total, rng = self.size["records"], self.rng
        for index in range(total):
            record_type = self.db.session.get(RecordType, rng.choice(type_ids))
            day = date.today() - timedelta(days=rng.randint(1, 2500))
            title = f"Registro de {self.text.title((3, 7)).lower()} {day.year}"
            with self.on_day(date.today()):
                records.create_record(
                    self.users["calidad"], record_type=record_type, title=title, record_date=day,
                    data=f"{title}\n{self.text.paragraph(40)}\n".encode(), filename=f"registro-{index:06d}.txt",
                    process=rng.choice(process_ids), region_code=rng.choice([None, *self.regions]),
                    owner=self.db.session.get(self.users_model(), rng.choice(owners)),
                    description=self.text.paragraph(40))
            self.commit_every(index, "registros", total)

    def load_audits(self) -> None:
        from qms.audits import service as audits

        # Impartiality: the auditor never audits her own unit's process (AI).
        processes = [p.id for p in self.processes if p.code != "AI"]
        total, rng = self.size["audits"], self.rng
        for index in range(total):
            from qms.org.models import Process

            start = date.today() + timedelta(days=rng.randint(-2000, 200))
            chosen = [self.db.session.get(Process, pid) for pid in rng.sample(processes, rng.randint(1, 2))]
            with self.on_day(min(start, date.today()) - timedelta(days=20)):
                audits.save_audit(self.users["calidad"], None, audit_type=rng.choice(["internal"] * 4 + ["follow_up"]),
                                  title=f"Auditoría de {self.text.title().lower()}",
                                  objective=self.text.paragraph(30), processes=chosen,
                                  lead_auditor=self.users["auditora"], planned_start=start,
                                  planned_end=start + timedelta(days=rng.randint(1, 5)))
            self.commit_every(index, "auditorías", total)


def counts() -> dict:
    """What the database holds, table by table (the facts the README quotes)."""
    import sqlalchemy as sa

    from qms.extensions import db

    tables = {"documents": "documents", "versions": "document_versions", "records": "records",
              "audits": "audits", "trail": "audit_entries", "users": "users"}
    return {name: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) for name, table in tables.items()}


def generate(documents: int, instance: Path, database_url: str | None = None, seed: int = 14,
             search: bool = True, quiet: bool = False) -> dict:
    """Build the data set in ``instance``; return what ``dataset.json`` says."""
    import os

    instance.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{instance / 'qms.sqlite3'}"
    env = {"QMS_DATABASE_URL": url, "QMS_INSTANCE_PATH": str(instance), "QMS_SECRET_KEY": "benchmark",
           "QMS_TRAIL_KEY": "benchmark-trail-key"}
    os.environ.update(env)
    from flask_migrate import upgrade

    from qms import create_app
    from qms.demo.loader import load_demo
    from qms.extensions import db

    size = plan(documents)
    started = time.monotonic()
    last = [started]

    def progress(what, done, total):
        if not quiet and (done == total or time.monotonic() - last[0] > 10):
            last[0] = time.monotonic()
            print(f"  {what}: {done}/{total} ({time.monotonic() - started:.0f} s)", flush=True)

    # A cheap hash while loading: signing checks the password at every transition.
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SEARCH_ENABLED": False})
    steps = {}
    with app.app_context():
        upgrade()
        users = load_demo()
        db.session.commit()
        generator = Generator(size, seed, progress)
        for name in ("users", "documents", "records", "audits"):
            began = time.monotonic()
            getattr(generator, f"load_{name}")()
            steps[name] = round(time.monotonic() - began, 1)
        if search:
            from qms.search import maintenance

            began = time.monotonic()
            maintenance.rebuild()
            steps["search"] = round(time.monotonic() - began, 1)
        facts = counts()
        db.session.remove()
        db.engine.dispose()
    result = {"size": size, "counts": facts, "seconds": round(time.monotonic() - started, 1), "steps": steps,
              "env": env, "seed": seed, "users": users + generator.generated}
    (instance / "dataset.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2k", help="documents: 2k, 10k, 50k or a number")
    parser.add_argument("--instance", type=Path, required=True, help="an empty folder for the instance")
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite in the folder)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-search", action="store_true", help="leave the search index unbuilt")
    args = parser.parse_args()
    if (args.instance / "dataset.json").exists():
        parser.error(f"{args.instance} already holds a data set")
    result = generate(parse_size(args.size), args.instance, args.database_url, args.seed, not args.no_search)
    print(json.dumps({k: result[k] for k in ("size", "counts", "seconds", "steps")}, indent=2))


if __name__ == "__main__":
    main()
