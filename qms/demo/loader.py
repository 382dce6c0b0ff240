"""Load the demo institution through the services, so its trail and signatures are real."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from qms.auth import service as auth_service
from qms.auth.models import User
from qms.demo import content
from qms.documents import service as documents
from qms.documents.models import DocumentType
from qms.extensions import db
from qms.org import service as org_service
from qms.home.reference_data import load_reference_data
from qms.org.models import Institution, Region, Unit
from qms.actions import demo as actions_demo
from qms.audits import demo as audits_demo
from qms.indicators import demo as indicators_demo
from qms.reviews import demo as reviews_demo
from qms.nonconformities import demo as nonconformities_demo
from qms.pmg import demo as pmg_demo
from qms.records.demo import load_demo_records
from qms.timeutil import clock_at, local_zone, system_now


class DemoAlreadyLoaded(Exception):
    def __init__(self, users):
        super().__init__("demo already loaded")
        self.users = users


def _users_summary() -> list[dict]:
    return [{"username": u["username"], "password": u["password"], "roles": u["roles"]} for u in content.USERS]


def load_demo() -> list[dict]:
    """Create the demo institution; raise DemoAlreadyLoaded if its users exist."""
    load_reference_data()
    if db.session.scalar(sa.select(User.id).where(User.username == content.USERS[0]["username"])):
        raise DemoAlreadyLoaded(_users_summary())
    institution = db.session.get(Institution, 1)
    institution.name = content.INSTITUTION["name"]
    institution.short_name = content.INSTITUTION.get("short_name", "")
    units = {name: Unit(name=name) for name in content.UNITS}
    db.session.add_all(units.values())
    db.session.flush()
    users = {}
    for spec in content.USERS:
        users[spec["username"]] = auth_service.create_user(
            None, username=spec["username"], full_name=spec["full_name"], password=spec["password"],
            roles=spec["roles"], position=spec.get("position", ""), unit=units.get(spec.get("unit")),
            email=spec.get("email", ""))
    quality = users["calidad"]
    processes = {}
    for spec in content.PROCESSES:
        owner = next((u for u in users.values() if u.unit and u.unit.name == spec.get("unit")), quality)
        processes[spec["code"]] = org_service.save_process(
            quality, None, code=spec["code"], name=spec["name"], kind=spec["kind"], owner_id=owner.id,
            unit_id=units[spec["unit"]].id if spec.get("unit") in units else None,
            pmg_system_code=spec.get("pmg_system"), description=spec.get("description", ""),
            has_gender_focus=spec.get("has_gender_focus", False),
            has_territorial_focus=spec.get("has_territorial_focus", False), is_active=True)
    types = {t.code: t for t in db.session.scalars(sa.select(DocumentType))}
    for spec in content.DOCUMENTS:
        _load_document(spec, types, processes, users)
    load_demo_records()
    # Quality records of the other modules, in the order they depend on each other.
    audits_demo.load(users, processes)
    actions_demo.load(users, processes)
    nonconformities_demo.load(users, processes)
    indicators_demo.load(users, processes, content.INDICATORS)
    reviews_demo.load(users, processes, content.REVIEW, _password)
    pmg_demo.load(users, processes, content.PMG, _password)
    return _users_summary()


def _password(user: User) -> str:
    return next(u["password"] for u in content.USERS if u["username"] == user.username)


def _load_document(spec: dict, types, processes, users) -> None:
    author, quality = users["autora"], users["calidad"]
    regions = db.session.scalars(sa.select(Region).where(Region.code.in_(spec.get("regions", [])))).all()
    document = documents.create_document(
        author, doc_type=types[spec["type"]], process=processes[spec["process"]], title=spec["title"],
        owner=processes[spec["process"]].owner, regions=regions)
    for index, version_spec in enumerate(spec["versions"]):
        with clock_at(_moment(version_spec)):
            _load_version(document, index, version_spec, spec, users)
    _set_distribution(document, quality)


def _moment(version_spec: dict) -> datetime:
    """Return when the version's history happened: its effective date, or now."""
    if version_spec.get("effective_date"):
        day = date.fromisoformat(version_spec["effective_date"])
        return datetime(day.year, day.month, day.day, 12, 0, tzinfo=local_zone())
    return system_now()


def _load_version(document, index: int, version_spec: dict, spec: dict, users) -> None:
    author, reviewer, approver = users["autora"], users["revisor"], users["jefa"]
    version = document.versions[-1] if index == 0 else documents.start_revision(author, document)
    documents.save_draft(author, version, title=version_spec.get("title", spec["title"]),
                         sections=version_spec["sections"],
                         change_description=version_spec.get("change_description", ""))
    state = version_spec["state"]
    if state == "draft":
        return
    documents.apply_transition(author, version, "submit", password=_password(author))
    if state == "returned":
        documents.apply_transition(reviewer, version, "return_review", password=_password(reviewer),
                                   comment=version_spec.get("review_comment",
                                                            "Precisar responsables y plazos en la descripción de etapas."))
        return
    if state == "in_review":
        return
    documents.apply_transition(reviewer, version, "pass_review", password=_password(reviewer))
    if state == "in_approval":
        return
    documents.apply_transition(approver, version, "approve", password=_password(approver))


def _set_distribution(document, quality) -> None:
    from qms.auth.models import Role

    staff = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    documents.set_distribution(quality, document, roles=[staff])
