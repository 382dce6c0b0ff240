"""Each objective's state computed from its evidence: plain functions over plain facts.

``YearFacts`` holds what QMS knows of a year (gathered by ``qms.pmg.queries.year_facts``
from each module's queries); ``evaluate(kind, facts)`` says, for one kind of evidence, which
medios de verificación exist, what is still missing and whether the kind is met; an
objective is met when every kind it asks for is met, pending when none has anything yet,
and in progress otherwise. Nothing here reads the database, so each rule is tested alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qms.timeutil import format_date

MET, ONGOING, PENDING = "met", "ongoing", "pending"
#: The states of a linked object that complete an activity naming it.
DONE_WHEN = {"audit": {"reported", "closed"}, "action": {"closed"}, "review": {"approved"}}


@dataclass
class Item:
    """One medio de verificación: what it is, its code and where it can be checked."""

    label: str
    code: str
    url: str


@dataclass
class KindResult:
    kind: str
    state: str
    items: list[Item] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class YearFacts:
    """What QMS holds for a programme year, as plain values (see ``queries.year_facts``)."""

    year: int
    #: ``{process code: number of clauses assessed}`` of the year's diagnosis.
    assessed: dict = field(default_factory=dict)
    #: ``[{"process", "included", "reason", "regions"}]``.
    scope: list = field(default_factory=list)
    #: ``[{"year", "process", "region"}]`` of the three-year plan.
    plan: list = field(default_factory=list)
    #: ``{"state", "activities": [{"number", "title", "done", "ends_on"}]}`` or None.
    programme: dict | None = None
    #: Documents in force of types MC and PR: ``[{"code", "title", "type", "process", "effective_date", "url"}]``.
    documents: list = field(default_factory=list)
    #: ``{"state", "url"}`` of the year's audit programme, or None.
    audit_programme: dict | None = None
    #: ``[{"code", "title", "state", "state_label", "url"}]`` (url: the report's record when there is one).
    audits: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    #: Records of type CERT-ISO dated in the year: ``[{"code", "title", "record_date", "url"}]``.
    certificates: list = field(default_factory=list)
    #: ``{(objective id, kind): [{"code", "title", "record_date", "url"}]}``: medios de verificación
    #: uploaded for one of an objective's kinds of evidence.
    uploads: dict = field(default_factory=dict)
    #: The diagnosis, scope and plan pages (their own verification addresses).
    pages: dict = field(default_factory=dict)


def _state(met: bool, anything: bool) -> str:
    return MET if met else (ONGOING if anything else PENDING)


def _in_scope(facts: YearFacts) -> list[str]:
    return [s["process"] for s in facts.scope if s["included"]]


def diagnosis(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when every process of the scope (or, without a scope, at least one) has its diagnosis."""
    url = facts.pages.get("diagnosis", "")
    items = [Item(f"Diagnóstico {facts.year} del proceso {p}: {n} cláusulas evaluadas", f"DIAG-{facts.year}-{p}", url)
             for p, n in sorted(facts.assessed.items())]
    targets = _in_scope(facts) or list(facts.assessed)
    missing = [f"Falta el diagnóstico del proceso {p}." for p in targets if p not in facts.assessed]
    if not facts.assessed:
        missing = [f"No hay diagnóstico registrado para {facts.year}."]
    return KindResult("diagnosis", _state(bool(facts.assessed) and not missing, bool(items)), items, missing)


def scope(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the year's scope has at least one process in it (those out carry their reason)."""
    url = facts.pages.get("scope", "")
    items = []
    for s in facts.scope:
        if s["included"]:
            regions = f" (regiones: {', '.join(s['regions'])})" if s.get("regions") else ""
            items.append(Item(f"Proceso {s['process']} dentro del alcance{regions}", f"ALC-{facts.year}-{s['process']}", url))
        else:
            items.append(Item(f"Proceso {s['process']} fuera del alcance: {s['reason']}", f"ALC-{facts.year}-{s['process']}", url))
    included = _in_scope(facts)
    missing = [] if included else [f"El alcance de {facts.year} no tiene procesos dentro."]
    return KindResult("scope", _state(bool(included), bool(items)), items, missing)


def plan(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the three-year plan names processes for this year."""
    url = facts.pages.get("plan", "")
    items = [Item(f"Plan trienal: {p['process']} en {p['year']} ({p['region'] or 'nivel central'})",
                  f"PT-{p['year']}-{p['process']}", url) for p in facts.plan]
    this_year = [p for p in facts.plan if p["year"] == facts.year]
    missing = [] if this_year else [f"El plan trienal no tiene procesos para {facts.year}."]
    return KindResult("plan", _state(bool(this_year), bool(items)), items, missing)


def programme(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the work programme is approved and every activity is done."""
    p = facts.programme
    if p is None:
        return KindResult("programme", PENDING, [], [f"No hay programa de trabajo {facts.year}."])
    url = facts.pages.get("programme", "")
    done = [a for a in p["activities"] if a["done"]]
    items = [Item(f"Programa de trabajo {facts.year} ({'aprobado' if p['state'] == 'approved' else 'borrador'}): "
                  f"{len(done)} de {len(p['activities'])} actividades terminadas", f"PTA-{facts.year}", url)]
    missing = [] if p["state"] == "approved" else ["El programa de trabajo no está aprobado por la jefatura."]
    if not p["activities"]:
        missing.append("El programa de trabajo no tiene actividades.")
    missing += [f"Actividad {a['number']} «{a['title']}» sin terminar (termina el {format_date(a['ends_on'])})."
                for a in p["activities"] if not a["done"]]
    return KindResult("programme", _state(not missing, True), items, missing)


def manual_procedures(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the Manual de la Calidad is in force and every process of the scope has a procedure in force."""
    items = [Item(f"{d['title']} (vigente desde {format_date(d['effective_date'])})", d["code"], d["url"])
             for d in facts.documents]
    missing = [] if any(d["type"] == "MC" for d in facts.documents) else ["Falta el Manual de la Calidad vigente."]
    with_procedure = {d["process"] for d in facts.documents if d["type"] == "PR"}
    targets = _in_scope(facts)
    if targets:
        missing += [f"El proceso {p} no tiene procedimiento vigente." for p in targets if p not in with_procedure]
    elif not with_procedure:
        missing.append("No hay procedimientos vigentes.")
    return KindResult("manual_procedures", _state(not missing, bool(items)), items, missing)


def internal_audits(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the year's audit programme is approved and every audit of the year is reported."""
    items, missing = [], []
    programme_ = facts.audit_programme
    if programme_ is None:
        missing.append(f"No hay programa de auditorías {facts.year}.")
    else:
        items.append(Item(f"Programa de auditorías {facts.year}", f"PROG-AUD-{facts.year}", programme_["url"]))
        if programme_["state"] != "approved":
            missing.append("El programa de auditorías no está aprobado.")
    for a in facts.audits:
        items.append(Item(f"{a['title']} ({a['state_label']})", a["code"], a["url"]))
        if a["state"] not in DONE_WHEN["audit"]:
            missing.append(f"La auditoría {a['code']} aún no tiene informe.")
    if not facts.audits:
        missing.append(f"No hay auditorías registradas en {facts.year}.")
    return KindResult("internal_audits", _state(not missing, bool(items)), items, missing)


def capa(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when the year has corrective or preventive actions and all of them are closed (with their report)."""
    items = [Item(f"{a['title']} ({a['state_label']})", a["code"], a["url"]) for a in facts.actions]
    missing = [f"La acción {a['code']} sigue abierta ({a['state_label'].lower()})."
               for a in facts.actions if a["state"] != "closed"]
    if not facts.actions:
        missing.append(f"No hay acciones correctivas o preventivas en {facts.year}.")
    return KindResult("capa", _state(not missing, bool(items)), items, missing)


def management_review(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when a review of the year has its minutes approved."""
    items = [Item(f"Revisión por la dirección ({r['state_label']})", r["code"], r["url"])
             for r in facts.reviews]
    approved = [r for r in facts.reviews if r["state"] == "approved"]
    missing = [] if approved else [f"Falta el acta aprobada de la revisión por la dirección {facts.year}."]
    return KindResult("management_review", _state(bool(approved), bool(items)), items, missing)


def certificate(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when a certificate of the certification body dated in the year is kept as a record."""
    items = [Item(f"{c['title']} ({format_date(c['record_date'])})", c["code"], c["url"])
             for c in facts.certificates]
    missing = [] if items else [f"Falta el certificado del organismo certificador de {facts.year} "
                                "(regístrelo como «Certificado ISO 9001»)."]
    return KindResult("certificate", _state(bool(items), False), items, missing)


def upload(facts: YearFacts, objective_id=None) -> KindResult:
    """Met when a medio de verificación was uploaded for the objective."""
    items = uploaded(facts, objective_id, "upload")
    missing = [] if items else ["Falta cargar el medio de verificación."]
    return KindResult("upload", _state(bool(items), False), items, missing)


def uploaded(facts: YearFacts, objective_id, kind: str) -> list[Item]:
    return [Item(f"{u['title']} ({format_date(u['record_date'])})", u["code"], u["url"])
            for u in facts.uploads.get((objective_id, kind), [])]


RULES = {"diagnosis": diagnosis, "scope": scope, "plan": plan, "programme": programme,
         "manual_procedures": manual_procedures, "internal_audits": internal_audits, "capa": capa,
         "management_review": management_review, "certificate": certificate, "upload": upload}


def evaluate(kind: str, facts: YearFacts, objective_id=None) -> KindResult:
    """The kind's state from what QMS holds; a medio de verificación uploaded for the kind
    (evidence QMS does not produce) makes it met."""
    result = RULES[kind](facts, objective_id)
    if kind != "upload":
        # A certificate uploaded here is also a CERT-ISO record of the year: list it once.
        known = {i.code for i in result.items}
        extra = [i for i in uploaded(facts, objective_id, kind) if i.code not in known]
        if extra or (known and facts.uploads.get((objective_id, kind))):
            result.items += extra
            result.state, result.missing = MET, []
    return result


@dataclass
class ObjectiveResult:
    objective: object
    state: str
    kinds: list[KindResult]

    @property
    def items(self) -> list[Item]:
        return [i for k in self.kinds for i in k.items]

    @property
    def missing(self) -> list[str]:
        return [m for k in self.kinds for m in k.missing]


def combine(states: list[str]) -> str:
    """Met when every kind is met, pending when none has anything, in progress otherwise."""
    if states and all(s == MET for s in states):
        return MET
    if all(s == PENDING for s in states):
        return PENDING
    return ONGOING


def objective_result(objective, facts: YearFacts) -> ObjectiveResult:
    kinds = [evaluate(k, facts, objective.id) for k in objective.evidence_kinds]
    return ObjectiveResult(objective, combine([k.state for k in kinds]), kinds)


def activity_done(link_kind: str, link_id, entered_state: str, in_force: set, states: dict) -> bool:
    """An activity naming an object is done when that object is (a document in force, an audit
    reported, an action closed, minutes approved); one naming nothing, when marked done."""
    if not link_kind or not link_id:
        return entered_state == "done"
    if link_kind == "document":
        return link_id in in_force
    return states.get((link_kind, link_id)) in DONE_WHEN[link_kind]


def is_overdue(done: bool, ends_on: date, today: date) -> bool:
    return not done and ends_on < today
