"""Objects the access matrix needs for the records routes (see tests/test_access_matrix.py)."""
from __future__ import annotations

from datetime import date


def make_samples(users, document):
    from qms.extensions import db
    from qms.records import disposition, service
    from qms.records.defaults import load_default_record_types
    from tests.records.conftest import pdf_bytes

    load_default_record_types()
    record = service.create_record(
        users["quality"], record_type=service.get_type_by_code("REG-PNC"), title="Registro de muestra",
        record_date=date(2015, 1, 10), data=pdf_bytes("muestra"), filename="muestra.pdf",
        process=document.process, documents=[document])
    batch = disposition.propose_batch(users["quality"], [record], "Plazo cumplido.")
    db.session.flush()
    return {"record_id": record.id, "record_file_id": record.files[0].id,
            "record_type_id": record.type_id, "disposition_id": batch.id}
