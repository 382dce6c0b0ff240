"""The glossary a new installation starts with: acronyms of the PMG and of the State,
and the everyday words staff use for the same thing. Reference data, in our own words;
the PMG systems come from ``qms.org.reference.PMG_SYSTEMS`` (see ``rows``)."""
from __future__ import annotations

#: (term, equivalents, note for the committee).
GLOSSARY = [
    ("queja", ["reclamo", "reclamación"], "Lo que la ciudadanía llama queja se registra como reclamo."),
    ("OIRS", ["Oficina de Informaciones, Reclamos y Sugerencias"], "Puerta de entrada de las solicitudes ciudadanas."),
    ("PAC", ["Plan Anual de Capacitación"], "Sistema de capacitación del PMG."),
    ("CPHS", ["Comité Paritario de Higiene y Seguridad"], "Ley 16.744."),
    ("PMG", ["Programa de Mejoramiento de la Gestión"], "Incentivo institucional ligado a metas de gestión."),
    ("PNC", ["producto no conforme", "servicio no conforme", "salida no conforme"], "ISO 9001, cláusula 8.7."),
    ("CAPA", ["acción correctiva", "acción preventiva"], "Acciones correctivas y preventivas."),
    ("SAIP", ["Sistema de Acceso a la Información Pública"], "Ley de transparencia."),
    ("DIPRES", ["Dirección de Presupuestos"], "Secretaría técnica del PMG."),
    ("SUBDERE", ["Subsecretaría de Desarrollo Regional y Administrativo"], "Apoya el sistema de gestión territorial."),
    ("CAIGG", ["Consejo de Auditoría Interna General de Gobierno"], "Orienta el sistema de auditoría interna."),
    ("BGI", ["Balance de Gestión Integral"], "Cuenta anual de resultados del Servicio."),
    ("SIG", ["Sistema de Información para la Gestión"], "Indicadores del sistema de planificación y control."),
    ("TIC", ["tecnologías de información y comunicaciones"], ""),
    ("GORE", ["Gobierno Regional"], ""),
    ("PROPIR", ["Programa Público de Inversión Regional"], "Inversión de los servicios en cada región."),
    ("ARI", ["Anteproyecto Regional de Inversiones"], "Estimación de la inversión regional del año siguiente."),
    ("SERNAM", ["Servicio Nacional de la Mujer"], "Guías del sistema de enfoque de género."),
    ("SIGFE", ["Sistema de Información para la Gestión Financiera del Estado"], ""),
]


def rows(pmg_systems) -> list[tuple[str, list[str], str]]:
    """Return the seed: each PMG system's acronym with its name, then ``GLOSSARY``."""
    systems = [(code, [name], "Sistema del PMG.") for code, name in pmg_systems]
    return systems + GLOSSARY
