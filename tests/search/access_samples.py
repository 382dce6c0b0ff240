"""Sample URL values for the search module's routes (see tests/test_access_matrix.py)."""
import sqlalchemy as sa


def make_samples(users, document):
    from qms.extensions import db
    from qms.search.models import GlossaryEntry

    # ``qms init``'s reference data seeds the glossary, so the first entry exists.
    return {"entry_id": db.session.scalar(sa.select(sa.func.min(GlossaryEntry.id)))}
