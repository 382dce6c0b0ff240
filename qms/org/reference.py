"""Reference data loaded by ``qms init``: regions, PMG systems, ISO clauses, document types."""
from __future__ import annotations

#: The 16 regions of Chile, north to south: (code, name).
REGIONS = [
    ("XV", "Arica y Parinacota"),
    ("I", "Tarapacá"),
    ("II", "Antofagasta"),
    ("III", "Atacama"),
    ("IV", "Coquimbo"),
    ("V", "Valparaíso"),
    ("RM", "Metropolitana de Santiago"),
    ("VI", "Libertador General Bernardo O'Higgins"),
    ("VII", "Maule"),
    ("XVI", "Ñuble"),
    ("VIII", "Biobío"),
    ("IX", "La Araucanía"),
    ("XIV", "Los Ríos"),
    ("X", "Los Lagos"),
    ("XI", "Aysén del General Carlos Ibáñez del Campo"),
    ("XII", "Magallanes y de la Antártica Chilena"),
]

PMG_SYSTEMS = [
    ("PCG", "Planificación y Control de Gestión"),
    ("CAP", "Capacitación"),
    ("HSMAT", "Higiene, Seguridad y Mejoramiento de Ambientes de Trabajo"),
    ("ED", "Evaluación del Desempeño"),
    ("AI", "Auditoría Interna"),
    ("SIAC", "Sistema Integral de Información y Atención Ciudadana"),
    ("CCP", "Compras y Contrataciones del Sector Público"),
    ("GT", "Gestión Territorial"),
    ("EG", "Enfoque de Género"),
    ("GE", "Gobierno Electrónico"),
    ("AFC", "Administración Financiero-Contable"),
    ("SSI", "Seguridad de la Información"),
    ("SGC", "Sistema de Gestión de la Calidad"),
]

#: ISO 9001:2015 clauses: (number, short title).
ISO_CLAUSES = [
    ("4", "Contexto de la organización"),
    ("4.1", "Comprensión de la organización y de su contexto"),
    ("4.2", "Necesidades y expectativas de las partes interesadas"),
    ("4.3", "Alcance del sistema de gestión de la calidad"),
    ("4.4", "Sistema de gestión de la calidad y sus procesos"),
    ("5", "Liderazgo"),
    ("5.1", "Liderazgo y compromiso"),
    ("5.1.2", "Enfoque al cliente"),
    ("5.2", "Política de la calidad"),
    ("5.3", "Roles, responsabilidades y autoridades"),
    ("6", "Planificación"),
    ("6.1", "Acciones para abordar riesgos y oportunidades"),
    ("6.2", "Objetivos de la calidad y planificación para lograrlos"),
    ("6.3", "Planificación de los cambios"),
    ("7", "Apoyo"),
    ("7.1", "Recursos"),
    ("7.1.5", "Recursos de seguimiento y medición"),
    ("7.1.6", "Conocimientos de la organización"),
    ("7.2", "Competencia"),
    ("7.3", "Toma de conciencia"),
    ("7.4", "Comunicación"),
    ("7.5", "Información documentada"),
    ("7.5.2", "Creación y actualización"),
    ("7.5.3", "Control de la información documentada"),
    ("8", "Operación"),
    ("8.1", "Planificación y control operacional"),
    ("8.2", "Requisitos para los productos y servicios"),
    ("8.3", "Diseño y desarrollo de los productos y servicios"),
    ("8.4", "Control de los procesos, productos y servicios suministrados externamente"),
    ("8.5", "Producción y provisión del servicio"),
    ("8.5.2", "Identificación y trazabilidad"),
    ("8.5.6", "Control de los cambios"),
    ("8.6", "Liberación de los productos y servicios"),
    ("8.7", "Control de las salidas no conformes"),
    ("9", "Evaluación del desempeño"),
    ("9.1", "Seguimiento, medición, análisis y evaluación"),
    ("9.1.2", "Satisfacción del cliente"),
    ("9.1.3", "Análisis y evaluación"),
    ("9.2", "Auditoría interna"),
    ("9.3", "Revisión por la dirección"),
    ("10", "Mejora"),
    ("10.2", "No conformidad y acción correctiva"),
    ("10.3", "Mejora continua"),
]


def _sections(*items: tuple[str, str, str, str]) -> list[dict]:
    return [{"key": k, "number": n, "title": t, "hint": h} for k, n, t, h in items]


#: The reference layout of a procedure.
PROCEDURE_SECTIONS = _sections(
    ("objetivo", "1", "Objetivo", "Para qué existe el procedimiento, en una o dos frases."),
    ("alcance", "2", "Alcance", "Desde qué actividad hasta cuál, qué unidades y regiones cubre."),
    ("responsabilidades", "3", "Responsabilidades", "Quién hace qué: Jefe/a de Servicio, Encargado/a de Calidad, dueños de proceso."),
    ("terminologia", "4", "Terminología", "Definiciones de los términos que usa el documento."),
    ("referencias", "5", "Referencias", "Normas, leyes y documentos relacionados."),
    ("descripcion", "6", "Descripción del proceso", "Diagrama de flujo y descripción de etapas."),
    ("seguimiento", "7", "Seguimiento del proceso", "Indicadores: nombre, fórmula, meta, frecuencia."),
    ("resultados", "8", "Resultados esperados", "Qué productos o resultados entrega el proceso."),
    ("registros", "9", "Registros", "Registros que genera: código, nombre, responsable, retención."),
    ("anexos", "10", "Anexos", "Formularios, diagramas u otros anexos."),
)

#: Plans and programmes share one layout.
PLAN_SECTIONS = _sections(
    ("objetivo", "1", "Objetivo", "Qué se quiere lograr."),
    ("alcance", "2", "Alcance", "Período, procesos y regiones."),
    ("actividades", "3", "Actividades", "Actividades, responsables y plazos."),
    ("seguimiento", "4", "Seguimiento", "Cómo y cuándo se controla su avance."),
)

#: Document types: code, name, code pattern, template, sections, review period (months).
DOCUMENT_TYPES = [
    {
        "code": "MC", "name": "Manual de la Calidad", "code_pattern": "MC-{process}-{seq:02}",
        "template_name": "manual.docx", "review_period_months": 12,
        "sections": _sections(
            ("introduccion", "1", "Introducción", "La institución, su misión y su sistema de gestión."),
            ("alcance", "2", "Alcance del sistema de gestión de la calidad", "Procesos, productos y regiones incluidos."),
            ("politica", "3", "Política de la calidad", "La política vigente y cómo se comunica."),
            ("organizacion", "4", "Organización y responsabilidades", "Estructura del sistema y sus roles."),
            ("procesos", "5", "Mapa de procesos", "Procesos estratégicos, de provisión y de soporte."),
            ("exclusiones", "6", "Exclusiones", "Requisitos de la norma que no aplican, con su justificación."),
            ("referencias", "7", "Referencias", "Normas y documentos relacionados."),
        ),
    },
    {
        "code": "PR", "name": "Procedimiento", "code_pattern": "PR-{process}-{seq:02}",
        "template_name": "procedimiento.docx", "review_period_months": 24, "sections": PROCEDURE_SECTIONS,
    },
    {
        "code": "IT", "name": "Instructivo", "code_pattern": "IT-{process}-{seq:02}",
        "template_name": "instructivo.docx", "review_period_months": 24,
        "sections": _sections(
            ("objetivo", "1", "Objetivo", "Qué tarea explica el instructivo."),
            ("alcance", "2", "Alcance", "A quién y en qué casos se aplica."),
            ("instrucciones", "3", "Instrucciones", "Los pasos, en orden."),
            ("registros", "4", "Registros", "Qué queda registrado."),
        ),
    },
    {
        "code": "FO", "name": "Formulario", "code_pattern": "FO-{process}-{seq:02}",
        "template_name": "formulario.docx", "review_period_months": 24,
        "sections": _sections(
            ("objetivo", "1", "Objetivo", "Para qué se usa el formulario."),
            ("instrucciones", "2", "Instrucciones de llenado", "Cómo completarlo."),
            ("campos", "3", "Campos", "Los campos del formulario, como tabla."),
        ),
    },
    {
        "code": "PL", "name": "Plan", "code_pattern": "PL-{process}-{seq:02}",
        "template_name": "plan.docx", "review_period_months": 12,
        "sections": PLAN_SECTIONS,
    },
    {
        "code": "PG", "name": "Programa", "code_pattern": "PG-{process}-{seq:02}",
        "template_name": "plan.docx", "review_period_months": 12,
        "sections": PLAN_SECTIONS,
    },
    {
        "code": "PO", "name": "Política", "code_pattern": "PO-{process}-{seq:02}",
        "template_name": "politica.docx", "review_period_months": 36,
        "sections": _sections(("politica", "1", "Política", "El texto de la política.")),
    },
    {
        "code": "DE", "name": "Documento externo", "code_pattern": "DE-{seq:03}",
        "template_name": "politica.docx", "review_period_months": 36,
        "sections": _sections(
            ("descripcion", "1", "Descripción", "Qué documento es, quién lo emite, dónde se consulta la versión vigente."),
        ),
    },
]
