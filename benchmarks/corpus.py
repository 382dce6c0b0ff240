"""Synthetic Spanish corpus for the search benchmark: document versions and records.

Deterministic (seeded). Text is built from the vocabulary of a Chilean public service's
quality system, with accents, plurals and codes, so analysis cost is realistic.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from qms.search.kinds import PUBLIC, Entry

TYPES = ["PR", "IT", "FO", "PL", "PG", "PO", "MC", "DE"]
PROCESSES = ["GT", "CAP", "SIAC", "AI", "HSMAT", "ED", "PCG", "CCP", "EG", "GD", "FIN", "RRHH"]
REGIONS = ["XV", "I", "II", "III", "IV", "V", "RM", "VI", "VII", "XVI", "VIII", "IX", "XIV", "X", "XI", "XII"]
DOC_STATES = ["effective"] * 6 + ["obsolete"] * 2 + ["draft", "in_review"]
RECORD_STATES = ["active"] * 8 + ["disposed"]

NOUNS = """auditoría auditorías hallazgo hallazgos acción acciones correctiva correctivas preventiva
procedimiento procedimientos instructivo registro registros capacitación capacitaciones
funcionario funcionarios funcionaria usuaria usuarios reclamo reclamos solicitud solicitudes
indicador indicadores meta metas proceso procesos revisión revisiones dirección comité
calidad gestión documento documentos versión control evidencia evidencias riesgo riesgos
oportunidad mejora mejoras política objetivo objetivos alcance responsabilidad
responsabilidades contrato proveedor proveedores compra compras inventario bodega archivo
expediente expedientes resolución oficio memorándum plazo plazos informe informes
programa plan planificación seguimiento medición análisis causa causas eficacia verificación
inspección conformidad no-conformidad producto servicio servicios atención ciudadanía
región regiones territorio territorial género enfoque equidad transparencia probidad
presupuesto ejecución licitación convenio capacitador jefatura departamento unidad
""".split()
VERBS = """establecer definir registrar verificar revisar aprobar elaborar distribuir controlar
analizar implementar evaluar medir informar comunicar archivar conservar actualizar
planificar ejecutar asegurar garantizar coordinar supervisar documentar identificar""".split()
LINKS = "de la el en y a los las del con para por según cuando mediante sobre entre cada".split()


def _sentence(rng: random.Random, n: int) -> str:
    words = []
    for i in range(n):
        pool = VERBS if i % 7 == 0 else (LINKS if i % 3 == 2 else NOUNS)
        words.append(rng.choice(pool))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def documents(n: int, seed: int = 1):
    """Yield ``n`` document-version entries (~250 words each)."""
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    for i in range(1, n + 1):
        t, p = rng.choice(TYPES), rng.choice(PROCESSES)
        code = f"{t}-{p}-{(i % 97) + 1:02d}"
        state = rng.choice(DOC_STATES)
        yield Entry(
            kind="document", object_id=i,
            title=f"{rng.choice(['Procedimiento de', 'Instructivo para', 'Plan de', 'Política de'])} "
                  f"{rng.choice(NOUNS)} y {rng.choice(NOUNS)}",
            body=_text(rng, 18), code=code if i <= 9000 else f"{t}{p}{i}",
            subtitle=f"Versión {rng.randint(1, 6):02d}", type=t, process=p, state=state,
            regions=rng.sample(REGIONS, rng.randint(0, 2)),
            date=start + timedelta(days=rng.randint(0, 2600)),
            is_archived=state == "obsolete",
            visibility={PUBLIC} if state in ("effective", "obsolete") else {"perm:document.read_drafts"},
            link={"endpoint": "documents.version_detail", "values": {"code": code, "number": 1}},
        )


def records(n: int, seed: int = 2):
    """Yield ``n`` record entries (~80 words), readable with ``record.read`` or by their owner."""
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    for i in range(1, n + 1):
        state = rng.choice(RECORD_STATES)
        yield Entry(
            kind="record", object_id=i,
            title=f"Registro de {rng.choice(NOUNS)} {rng.choice(REGIONS)} {2019 + i % 7}",
            body=_text(rng, 6), code=f"REG-{2019 + i % 7}-{i:05d}", type="REG",
            process=rng.choice(PROCESSES), state=state, regions=[rng.choice(REGIONS)],
            date=start + timedelta(days=rng.randint(0, 2600)), is_archived=state == "disposed",
            visibility={"perm:record.read", f"user:{rng.randint(1, 300)}"},
        )


def queries(n: int = 200, seed: int = 3) -> list[str]:
    """Return ``n`` mixed queries: words, 2–3 words, phrases, codes, words without accents."""
    rng = random.Random(seed)
    out = []
    plain = lambda w: w.translate(str.maketrans("áéíóú", "aeiou"))  # noqa: E731
    for i in range(n):
        kind = i % 5
        if kind == 0:
            out.append(rng.choice(NOUNS))
        elif kind == 1:
            out.append(" ".join(rng.sample(NOUNS, rng.randint(2, 3))))
        elif kind == 2:
            out.append(f'"{rng.choice(VERBS)} {rng.choice(NOUNS)}"')
        elif kind == 3:
            out.append(f"{rng.choice(TYPES)}-{rng.choice(PROCESSES)}-{rng.randint(1, 97):02d}")
        else:
            out.append(plain(rng.choice([w for w in NOUNS if plain(w) != w])))
    return out
