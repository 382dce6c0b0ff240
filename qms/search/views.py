"""Search pages: the results page behind the navbar's search box."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from qms.search.schema import FACETS
from qms.search.service import SearchRequest, find_code, search
from qms.web import login_required

bp = Blueprint("search", __name__, url_prefix="/buscar")

#: Chip group titles.
FACET_TITLES = {
    "kind": "Clase", "type": "Tipo de documento", "process": "Proceso", "state": "Estado",
    "region": "Región", "year": "Año",
}
PER_PAGE = 20


def _request_from_args(args: MultiDict) -> SearchRequest:
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    return SearchRequest(
        text=args.get("q", "").strip(),
        page=page,
        per_page=PER_PAGE,
        sort="date" if args.get("orden") == "fecha" else "relevance",
        filters={f: args.getlist(f) for f in FACETS if args.getlist(f)},
        include_archived=args.get("obsoletos") == "1",
    )


def _url_with(args: MultiDict, **changes) -> str:
    """Return the results URL with ``changes`` applied (None removes a parameter)."""
    new = MultiDict(args)
    for key, value in changes.items():
        new.poplist(key)
        if value is not None:
            new[key] = value
    if "page" not in changes:
        new.poplist("page")  # a new query or order starts at page 1
    return url_for("search.results", **new.to_dict(flat=False))


def _toggle_url(args: MultiDict, facet: str, value: str) -> str:
    """Return the results URL with one facet chip switched on or off."""
    new = MultiDict(args)
    values = new.poplist(facet)
    values = [v for v in values if v != value] if value in values else values + [value]
    new.setlist(facet, values)
    new.poplist("page")
    return url_for("search.results", **new.to_dict(flat=False))


@bp.route("")
@login_required
def results():
    """Show results with facets and snippets; a typed code jumps to its document."""
    args = request.args
    req = _request_from_args(args)
    if req.text and not req.filters and req.page == 1 and args.get("buscar") != "1":
        target = find_code(current_user, req.text)
        if target:
            return redirect(url_for(target["endpoint"], **target["values"]))
    result = search(current_user, req)
    return render_template(
        "search/results.html",
        result=result,
        facet_titles=FACET_TITLES,
        url_with=lambda **kw: _url_with(args, **kw),
        toggle_url=lambda facet, value: _toggle_url(args, facet, value),
    )
