"""Pages of controlled documents: register, drafting, workflow, compare, acknowledgements."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qms.core import permissions as P
from qms.documents import access, acknowledgements, compare, queries, service, word_checks, word_sections, workflow
from qms.documents.forms import NewDocumentForm, SimpleForm, TransitionForm, draft_form_class, section_field_name
from qms.documents.markdown import to_html
from qms.documents.models import STATES, Document, DocumentType, DocumentVersion
from qms.errors import ConflictError, NotFound, ServiceError
from qms.extensions import db
from qms.timeutil import today_local
from qms.org.models import Process, Region
from qms.records import queries as records
from qms.records.service import record_types_for_choice
from qms.web import Page, acting_user, as_conflict, attempt, form_error, int_arg, login_required, options, page_arg, permission_required

bp = Blueprint("documents", __name__, url_prefix="/documentos")


def _load_document(code: str) -> Document:
    """Return the document, or 404 when it does not exist or the user may see none of it."""
    try:
        document = service.get_document(code)
    except NotFound:
        abort(404)
    if not access.can_view_document(current_user, document):
        abort(404)
    return document


def _load_version(code: str, number: int) -> DocumentVersion:
    try:
        version = service.get_version(code, number)
    except NotFound:
        abort(404)
    if not access.can_view_version(current_user, version):
        abort(404)
    return version


@bp.route("/")
@login_required
def register():
    filters = queries.RegisterFilters(
        type_id=int_arg("type"), process_id=int_arg("process"), state=request.args.get("state") or None,
        region=request.args.get("region") or None, text=(request.args.get("q") or "").strip()[:100],
        sort=request.args.get("sort", "code"))
    page = Page(queries.register_query(filters, current_user), page_arg(), per_page=25)
    return render_template(
        "documents/register.html", page=page, filters=filters,
        types=db.session.scalars(sa.select(DocumentType).order_by(DocumentType.code)).all(),
        processes=db.session.scalars(sa.select(Process).order_by(Process.code)).all(),
        regions=db.session.scalars(sa.select(Region).order_by(Region.position)).all(),
        register_states=queries.REGISTER_STATES)


def _choices_for_new(form: NewDocumentForm) -> None:
    form.type_id.choices = options([(t.id, f"{t.code} · {t.name}") for t in db.session.scalars(
        sa.select(DocumentType).where(DocumentType.is_active).order_by(DocumentType.code))])
    form.process_id.choices = options([(p.id, f"{p.code} · {p.name}") for p in db.session.scalars(
        sa.select(Process).where(Process.is_active).order_by(Process.code))])
    form.regions.choices = options([(r.code, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.position))])


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_DRAFT)
def new():
    form = NewDocumentForm()
    _choices_for_new(form)
    if form.validate_on_submit():
        regions = db.session.scalars(sa.select(Region).where(Region.code.in_(form.regions.data or []))).all()
        outcome = attempt(lambda: service.create_document(
            acting_user(), doc_type=db.session.get(DocumentType, form.type_id.data),
            process=db.session.get(Process, form.process_id.data), title=form.title.data, regions=regions), form)
        if outcome.ok:
            document = outcome.value
            flash(f"Documento {document.code} creado. Redacte su primera versión.", "success")
            return redirect(url_for("documents.edit", code=document.code, number=1))
    return render_template("documents/new.html", form=form)


@bp.route("/<code>")
@login_required
def detail(code: str):
    document = _load_document(code)
    visible = [v for v in document.versions if access.can_view_version(current_user, v)]
    shown = document.effective_version if document.effective_version in visible else visible[-1]
    return redirect(url_for("documents.version_detail", code=code, number=shown.number))


def _transition_forms(version: DocumentVersion, override: dict | None = None) -> dict:
    forms = {}
    for transition in workflow.available(version.state):
        if current_user.can(transition.permission):
            form = (override or {}).get(transition.name) or TransitionForm(prefix=transition.name, formdata=None)
            form.lock_version.data = version.lock_version
            forms[transition.name] = (transition, form)
    return forms


def _render_version(version: DocumentVersion, override: dict | None = None, status: int = 200, review_form=None):
    from qms.documents.control_views import control_context

    document = version.document
    sections = [(s, to_html((version.sections or {}).get(s["key"], ""), _image_url(version)))
                for s in document.type.sections]
    return render_template(
        "documents/version.html", document=document, version=version, sections=sections,
        versions=[v for v in document.versions if access.can_view_version(current_user, v)],
        transitions=_transition_forms(version, override), states=STATES,
        can_edit=access.can_edit_version(current_user, version),
        word_match=word_sections.match_version(version),
        uncontrolled=word_checks.summary(found) if (found := word_checks.uncontrolled_of(version)) else [],
        can_revise=current_user.can(P.DOCUMENT_DRAFT) and service.open_version(document) is None
        and not any(v.state == "approved" for v in document.versions),
        acknowledged=version.state == "effective" and acknowledgements.has_acknowledged(current_user, version),
        simple_form=SimpleForm(),
        **control_context(version, review_form),
    ), status


@bp.route("/<code>/v/<int:number>")
@login_required
def version_detail(code: str, number: int):
    return _render_version(_load_version(code, number))


@bp.route("/<code>/v/<int:number>/editar", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_DRAFT)
def edit(code: str, number: int):
    version = _load_version(code, number)
    if not access.can_edit_version(current_user, version):
        flash(access.why_not_editable(current_user, version) or "Esta versión no se puede editar.", "warning")
        return redirect(url_for("documents.version_detail", code=code, number=number))
    schema = version.document.type.sections
    form = draft_form_class(schema)()
    form.references.choices = options([(d.id, f"{d.code} · {d.title}") for d in db.session.scalars(
        sa.select(Document).where(Document.id != version.document_id).order_by(Document.code))])
    form.record_types.choices = options([(t.id, f"{t.code} · {t.name}") for t in record_types_for_choice()])
    form.image_section.choices = [(s["key"], f"{s['number']}. {s['title']}") for s in schema]
    if not form.is_submitted():
        form.record_types.data = [t.id for t in version.record_types]
        form.title.data = version.title
        form.change_description.data = version.change_description
        form.references.data = [d.id for d in version.references]
        form.lock_version.data = version.lock_version
        for section in schema:
            getattr(form, section_field_name(section["key"])).data = (version.sections or {}).get(section["key"], "")
    previews, conflict = None, None
    if form.validate_on_submit():
        # A Word-authored draft's content is its file: only the other fields are saved.
        typed = None if version.authoring_mode == "word" else {
            s["key"]: getattr(form, section_field_name(s["key"])).data or "" for s in schema}
        image_url = _image_url(version)
        if "preview" in request.form and typed is not None:
            previews = {key: to_html(text, image_url) for key, text in typed.items()}
        elif "upload_image" in request.form and not _place_image(version, form, typed):
            pass  # the reason is on the image fields; everything typed is shown again
        else:
            try:
                with as_conflict():
                    service.save_draft(
                        acting_user(), version, title=form.title.data, sections=typed,
                        change_description=form.change_description.data,
                        references=db.session.scalars(sa.select(Document).where(Document.id.in_(form.references.data or []))).all(),
                        record_types=records.record_types_by_ids(form.record_types.data),
                        expected_lock_version=_as_int(form.lock_version.data))
                    db.session.commit()
            except ConflictError as error:
                db.session.rollback()
                flash(error.message, "danger")
                conflict = version
                # A second save, made knowingly after seeing the other text, goes through.
                form.lock_version.data = version.lock_version
            except ServiceError as error:
                db.session.rollback()
                form_error(form, error)
            else:
                flash("Imagen agregada al final de la sección y borrador guardado: mueva la línea «![…](imagen:…)» "
                      "donde deba ir." if "upload_image" in request.form else "Borrador guardado.", "success")
                return redirect(url_for("documents.edit", code=code, number=number))
    return render_template("documents/edit.html", document=version.document, version=version, form=form,
                           schema=schema, previews=previews, conflict=conflict,
                           conflict_html={s["key"]: to_html((version.sections or {}).get(s["key"], ""), _image_url(version))
                                          for s in schema} if conflict else None), 409 if conflict else 200


def _image_url(version):
    """Return how a page addresses the images placed in ``version``'s sections."""
    return lambda sha: url_for("doccontrol.image", code=version.document.code, number=version.number, sha256=sha)


def _place_image(version, form, typed: dict | None) -> bool:
    """Store the uploaded image and append it to the chosen section of ``typed``; False if refused."""
    from qms.documents import images

    if typed is None or not form.image.data:
        form.image.errors = list(form.image.errors) + ["Elija la imagen que desea agregar."]
        return False
    key = form.image_section.data if form.image_section.data in typed else next(iter(typed), None)
    try:
        snippet = images.add_image(acting_user(), version, form.image.data.read(), form.image_alt.data)
    except ServiceError as error:
        db.session.rollback()
        form_error(form, error if error.field else ServiceError(error.message, field="image"))
        return False
    typed[key] = "\n\n".join(t for t in ((typed.get(key) or "").rstrip(), snippet) if t)
    return True


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/<code>/v/<int:number>/accion/<name>", methods=["POST"])
@login_required
def transition(code: str, number: int, name: str):
    version = _load_version(code, number)
    if name not in workflow.USER_TRANSITIONS:
        abort(404)
    if not current_user.can(workflow.TRANSITIONS[name].permission):
        abort(403)
    form = TransitionForm(prefix=name)
    status = 400
    if form.validate_on_submit():
        outcome = attempt(lambda: service.apply_transition(
            acting_user(), version, name, password=form.password.data, comment=form.comment.data,
            effective_date=form.effective_date.data, expected_lock_version=_as_int(form.lock_version.data),
            backdate_reason=form.backdate_reason.data or "",
            confirm_empty_distribution=bool(form.confirm_empty_distribution.data)), form)
        if outcome.ok:
            flash(f"{workflow.TRANSITIONS[name].label}: hecho. La versión está «{version.state_label}».", "success")
            return redirect(url_for("documents.version_detail", code=code, number=number))
        status = outcome.status
    else:
        flash("Revise los datos de la acción.", "danger")
    return _render_version(version, {name: form}, status=status)


@bp.route("/<code>/revision", methods=["POST"])
@permission_required(P.DOCUMENT_DRAFT)
def revise(code: str):
    document = _load_document(code)
    if SimpleForm().validate_on_submit():
        outcome = attempt(lambda: service.start_revision(acting_user(), document))
        if outcome.ok:
            version = outcome.value
            flash(f"{version.label} creada a partir del contenido vigente.", "success")
            return redirect(url_for("documents.edit", code=code, number=version.number))
    return redirect(url_for("documents.detail", code=code))


@bp.route("/<code>/comparar")
@login_required
def compare_view(code: str):
    document = _load_document(code)
    visible = [v for v in document.versions if access.can_view_version(current_user, v)]
    by_number = {v.number: v for v in visible}
    default_b = visible[-1].number
    a = by_number.get(int_arg("a") or max(default_b - 1, visible[0].number))
    b = by_number.get(int_arg("b") or default_b)
    if a is None or b is None:
        abort(404)
    return render_template("documents/compare.html", document=document, a=a, b=b, versions=visible,
                           diffs=compare.compare_versions(a, b))


@bp.route("/<code>/v/<int:number>/conocimiento", methods=["POST"])
@login_required
def acknowledge(code: str, number: int):
    version = _load_version(code, number)
    if SimpleForm().validate_on_submit():
        if attempt(lambda: acknowledgements.acknowledge(acting_user(), version), category="warning").ok:
            flash("Toma de conocimiento registrada.", "success")
    return redirect(url_for("documents.version_detail", code=code, number=number))


@bp.route("/<code>/v/<int:number>/lecturas")
@permission_required(P.DOCUMENT_ACK_REPORT)
def ack_report(code: str, number: int):
    version = _load_version(code, number)
    return render_template("documents/ack_report.html", document=version.document, version=version,
                           report=acknowledgements.report(version))


@bp.route("/revisiones")
@permission_required(P.DOCUMENT_MANAGE)
def reviews_due():
    return render_template("documents/reviews_due.html", page=Page(queries.review_due(), page_arg(), per_page=50),
                           counts=queries.review_due_counts(), today=today_local())


@bp.route("/<code>/propiedades", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_MANAGE)
def settings(code: str):
    from qms.auth.models import Role, User
    from qms.documents.forms import DocumentSettingsForm
    from qms.org.models import Unit

    document = _load_document(code)
    form = DocumentSettingsForm()
    form.owner_id.choices = options([(u.id, u.full_name) for u in db.session.scalars(
        sa.select(User).where(User.is_enabled).order_by(User.full_name))])
    form.regions.choices = options([(r.code, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.position))])
    form.distribution_roles.choices = options([(r.id, r.label) for r in db.session.scalars(sa.select(Role).order_by(Role.id))])
    form.distribution_units.choices = options([(u.id, u.name) for u in db.session.scalars(sa.select(Unit).order_by(Unit.name))])
    if not form.is_submitted():
        form.owner_id.data = document.owner_id
        form.regions.data = [r.code for r in document.regions]
        form.distribution_roles.data = [e.role_id for e in document.distribution if e.role_id]
        form.distribution_units.data = [e.unit_id for e in document.distribution if e.unit_id]
    if form.validate_on_submit():
        actor = acting_user()

        def save():
            service.update_document(
                actor, document, owner=db.session.get(User, form.owner_id.data),
                regions=db.session.scalars(sa.select(Region).where(Region.code.in_(form.regions.data or []))).all())
            service.set_distribution(
                actor, document,
                roles=db.session.scalars(sa.select(Role).where(Role.id.in_(form.distribution_roles.data or []))).all(),
                units=db.session.scalars(sa.select(Unit).where(Unit.id.in_(form.distribution_units.data or []))).all())

        if attempt(save, form).ok:
            flash("Propiedades y distribución guardadas.", "success")
            return redirect(url_for("documents.detail", code=code))
    return render_template("documents/settings.html", document=document, form=form)
