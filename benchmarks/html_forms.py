"""The forms of a page, read the way a browser submits them (for the load benchmark).

A signed transition, an upload or a CAPA edit is a real POST: the load generator reads
the form from the page it came from (CSRF token, hidden fields, current values) and sends
it back with what the person typed, so a stale token or a missing field fails as it would
for a person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str = "get"
    id: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              id=a.get("id", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._form.fields.setdefault(self._select, value)
            if "selected" in a:
                self._form.fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


def forms(html: str) -> list[Form]:
    """Every form of ``html`` with the values a browser would send unchanged."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, fragment: str) -> Form | None:
    """The first POST form whose action contains ``fragment`` ("": the first POST form)."""
    return next((f for f in forms(html) if f.method == "post" and fragment in f.action), None)


def form_with_id(html: str, ident: str) -> Form | None:
    return next((f for f in forms(html) if f.id == ident), None)
