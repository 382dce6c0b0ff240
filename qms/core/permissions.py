"""Named permissions and the default roles built from them.

A view asks for a permission, never for a role name. Roles are sets of permissions
stored in the database; these defaults are what ``qms init`` loads.
"""
from __future__ import annotations

# Controlled documents
DOCUMENT_READ_DRAFTS = "document.read_drafts"  #: see versions that are not effective
DOCUMENT_DRAFT = "document.draft"  #: create documents and write drafts
DOCUMENT_REVIEW = "document.review"
DOCUMENT_APPROVE = "document.approve"
DOCUMENT_MANAGE = "document.manage"  #: register, distribution lists, withdrawals, new revisions
DOCUMENT_ACK_REPORT = "document.ack_report"  #: who has read what
# Organisation
PROCESS_MANAGE = "process.manage"
# Audit trail
TRAIL_VIEW = "trail.view"
# Search
GLOSSARY_MANAGE = "glossary.manage"  #: synonyms and acronyms the search applies
# Later modules
AUDIT_MANAGE = "audit.manage"
AUDIT_PERFORM = "audit.perform"
FINDING_CREATE = "finding.create"
CAPA_MANAGE = "capa.manage"
CAPA_VERIFY = "capa.verify"
NC_REPORT = "nonconformity.report"
NC_MANAGE = "nonconformity.manage"
RECORD_READ = "record.read"
RECORD_MANAGE = "record.manage"
RECORD_DISPOSE = "record.dispose"
INDICATOR_VIEW = "indicator.view"  #: every indicator, its compliance and the committee's dashboard
INDICATOR_MANAGE = "indicator.manage"  #: objectives, indicators, confirming measurements, bands
REVIEW_MANAGE = "review.manage"  #: prepare and hold management reviews
REVIEW_APPROVE = "review.approve"  #: sign the approval of the minutes (Jefe/a de Servicio)
PMG_VIEW = "pmg.view"  #: the PMG stage of each year, its evidence and its report
PMG_MANAGE = "pmg.manage"  #: reference objectives, commitment, diagnosis, scope, plan, work programme
PMG_APPROVE = "pmg.approve"  #: sign the approval of the annual work programme (Jefe/a de Servicio)
# Administration
ADMIN_USERS = "admin.users"
ADMIN_SETTINGS = "admin.settings"
ADMIN_TEMPLATES = "admin.templates"

#: Every permission with its Spanish label, in display order.
PERMISSIONS: dict[str, str] = {
    DOCUMENT_READ_DRAFTS: "Ver borradores y versiones no vigentes",
    DOCUMENT_DRAFT: "Elaborar documentos",
    DOCUMENT_REVIEW: "Revisar documentos",
    DOCUMENT_APPROVE: "Aprobar documentos",
    DOCUMENT_MANAGE: "Administrar el listado maestro de documentos",
    DOCUMENT_ACK_REPORT: "Ver tomas de conocimiento",
    PROCESS_MANAGE: "Administrar procesos",
    TRAIL_VIEW: "Ver la bitácora",
    GLOSSARY_MANAGE: "Administrar el glosario de búsqueda",
    AUDIT_MANAGE: "Planificar auditorías",
    AUDIT_PERFORM: "Ejecutar auditorías",
    FINDING_CREATE: "Registrar hallazgos",
    CAPA_MANAGE: "Gestionar acciones correctivas y preventivas",
    CAPA_VERIFY: "Verificar la eficacia de acciones",
    NC_REPORT: "Informar producto o servicio no conforme",
    NC_MANAGE: "Tratar producto o servicio no conforme",
    RECORD_READ: "Consultar registros",
    RECORD_MANAGE: "Gestionar registros",
    RECORD_DISPOSE: "Aprobar la disposición de registros",
    INDICATOR_VIEW: "Ver indicadores y el tablero del comité",
    INDICATOR_MANAGE: "Gestionar objetivos, indicadores y confirmar mediciones",
    REVIEW_MANAGE: "Preparar la revisión por la dirección",
    REVIEW_APPROVE: "Aprobar el acta de la revisión por la dirección",
    PMG_VIEW: "Ver la etapa PMG del año y sus medios de verificación",
    PMG_MANAGE: "Gestionar el programa PMG: diagnóstico, alcance, plan y programa de trabajo",
    PMG_APPROVE: "Aprobar el programa de trabajo anual PMG",
    ADMIN_USERS: "Administrar usuarios y roles",
    ADMIN_SETTINGS: "Configurar la institución",
    ADMIN_TEMPLATES: "Administrar plantillas Word",
}

_STAFF = {NC_REPORT}

#: Default roles: name -> (label, permissions).
DEFAULT_ROLES: dict[str, tuple[str, set[str]]] = {
    "quality": (
        "Encargado(a) de Calidad",
        _STAFF
        | {
            DOCUMENT_READ_DRAFTS, DOCUMENT_DRAFT, DOCUMENT_MANAGE, DOCUMENT_ACK_REPORT,
            PROCESS_MANAGE, TRAIL_VIEW, AUDIT_MANAGE, CAPA_MANAGE, NC_MANAGE,
            RECORD_READ, RECORD_MANAGE, FINDING_CREATE, INDICATOR_VIEW, INDICATOR_MANAGE, REVIEW_MANAGE,
            PMG_VIEW, PMG_MANAGE, GLOSSARY_MANAGE,
        },
    ),
    "author": ("Elabora", _STAFF | {DOCUMENT_READ_DRAFTS, DOCUMENT_DRAFT}),
    "reviewer": ("Revisa", _STAFF | {DOCUMENT_READ_DRAFTS, DOCUMENT_REVIEW}),
    "approver": (
        "Aprueba (Jefe/a de Servicio)",
        _STAFF | {DOCUMENT_READ_DRAFTS, DOCUMENT_APPROVE, RECORD_DISPOSE, RECORD_READ, DOCUMENT_ACK_REPORT,
                  INDICATOR_VIEW, REVIEW_APPROVE, PMG_VIEW, PMG_APPROVE},
    ),
    "auditor": (
        "Auditor(a) interno(a)",
        _STAFF | {AUDIT_PERFORM, FINDING_CREATE, CAPA_VERIFY, RECORD_READ, DOCUMENT_READ_DRAFTS, TRAIL_VIEW,
                  INDICATOR_VIEW, PMG_VIEW},
    ),
    "staff": ("Funcionario(a)", set(_STAFF)),
    "admin": ("Administrador(a)", {ADMIN_USERS, ADMIN_SETTINGS, ADMIN_TEMPLATES, TRAIL_VIEW}),
}
