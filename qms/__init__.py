"""QMS: controlled documents and quality records for public institutions."""
from __future__ import annotations

import importlib

from flask import Flask

from qms.config import PROJECT_ROOT, build_config

#: Every blueprint module; each exposes ``bp``.
BLUEPRINTS = (
    "qms.home.views",
    "qms.auth.views",
    "qms.admin.views",
    "qms.admin.security_views",
    "qms.org.views",
    "qms.documents.views",
    "qms.documents.word_views",
    "qms.documents.control_views",
    "qms.documents.import_views",
    "qms.trail.views",
    "qms.docgen.views",
    "qms.search.views",
    "qms.search.glossary_views",
    "qms.records.views",
    "qms.records.import_views",
    "qms.audits.views",
    "qms.actions.views",
    "qms.nonconformities.views",
    "qms.notifications.views",
    "qms.indicators.views",
    "qms.indicators.transfer_views",
    "qms.reviews.views",
    "qms.pmg.views",
    "qms.home.dashboard",
)

#: Modules that declare models, imported so that metadata and migrations see them.
MODEL_MODULES = (
    "qms.auth.models",
    "qms.core.codes",
    "qms.core.submissions",
    "qms.org.models",
    "qms.documents.models",
    "qms.trail.models",
    "qms.storage.models",
    "qms.docgen.models",
    "qms.search.models",
    "qms.search.pg_models",
    "qms.records.models",
    "qms.audits.models",
    "qms.actions.models",
    "qms.nonconformities.models",
    "qms.core.jobs",
    "qms.notifications.models",
    "qms.indicators.models",
    "qms.reviews.models",
    "qms.pmg.models",
)


#: Modules that register what they contribute to the shared services: search kinds
#: (``<module>.indexing``), for the trail how to label, link and authorise their objects
#: (``<module>.trail_objects``), and rows of the committee's follow-up list
#: (``qms.nonconformities.queries``). The services below know no domain module; the
#: app composes them here. ``qms.auth.signature_check`` installs the kernel's signature
#: password check (counted by the login throttle).
REGISTRATIONS = (
    "qms.auth.signature_check",
    "qms.documents.indexing",
    "qms.records.indexing",
    "qms.audits.indexing",
    "qms.actions.indexing",
    "qms.nonconformities.indexing",
    "qms.documents.trail_objects",
    "qms.records.trail_objects",
    "qms.audits.trail_objects",
    "qms.actions.trail_objects",
    "qms.nonconformities.trail_objects",
    "qms.org.trail_objects",
    "qms.auth.trail_objects",
    "qms.docgen.trail_objects",
    "qms.notifications.trail_objects",
    "qms.indicators.trail_objects",
    "qms.reviews.trail_objects",
    "qms.pmg.trail_objects",
    "qms.search.trail_objects",
    "qms.nonconformities.queries",
    # What each module tells people, and the due dates it reminds them of.
    "qms.documents.notices",
    "qms.actions.notices",
    "qms.nonconformities.notices",
    "qms.audits.notices",
    "qms.records.notices",
    "qms.indicators.notices",
    "qms.reviews.notices",
)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; ``overrides`` replace settings (tests use it)."""
    config = build_config(overrides)
    app = Flask(
        __name__,
        instance_path=config["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config)

    from qms.extensions import csrf, db, login_manager, migrate, use_spanish_form_messages

    for module in MODEL_MODULES + REGISTRATIONS:
        importlib.import_module(module)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    use_spanish_form_messages()
    login_manager.init_app(app)

    with app.app_context():
        from qms.db import configure_sqlite, is_sqlite

        if is_sqlite(db.engine):
            configure_sqlite(db.engine)

    from qms.auth import hashing
    from qms.home import setup

    # A misspelt method fails here, not at the first login; and the first unknown
    # name then costs one hashing like every later one.
    hashing.prepare(app.config["PASSWORD_HASH_METHOD"])

    setup.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(module).bp)
    return app
