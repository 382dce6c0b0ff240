"""Fixtures of the records tests: the default retention table and a record factory."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from qms.extensions import db


def pdf_bytes(text: str = "registro") -> bytes:
    """Return a small PDF-looking file (the store judges by content: it starts with %PDF-)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def docx_bytes(text: str = "registro") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def moment(day: date) -> datetime:
    """Noon UTC of ``day`` (the same local date in Chile)."""
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def record_types(app):
    from qms.records.defaults import load_default_record_types

    load_default_record_types()
    db.session.commit()
    from qms.records import service

    return {code: service.get_type_by_code(code) for code in ("INF-AUD", "INF-AC", "REG-PNC", "ACTA-RD", "LIST-CAP")}


@pytest.fixture
def make_record(app, users, process, record_types):
    """Create a record through the service as the quality committee."""
    from qms.records import service

    def factory(type_code="INF-AUD", title="Informe de auditoría interna", record_date=date(2019, 3, 15),
                data=None, filename="informe.pdf", actor=None, **kwargs):
        record = service.create_record(
            actor or users["quality"], record_type=service.get_type_by_code(type_code), title=title,
            record_date=record_date, data=data if data is not None else pdf_bytes(title), filename=filename,
            process=process, **kwargs)
        db.session.commit()
        return record

    return factory
