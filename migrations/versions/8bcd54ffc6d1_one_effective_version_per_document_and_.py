"""one effective version per document and one approval per version

Two partial unique indexes guard, in the database itself, what the services already
ensure under their row locks: a document has at most one version in force, and a
version carries at most one approval signature. If existing data already breaks
either rule the upgrade stops and names the rows, so they are corrected by hand
(through the trail) rather than by the migration.

Revision ID: 8bcd54ffc6d1
Revises: 99f771b874d8
Create Date: 2026-12-01 10:46:56.416800

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = '8bcd54ffc6d1'
down_revision = '99f771b874d8'
branch_labels = None
depends_on = None

EFFECTIVE = "state = 'effective'"
APPROVED = "meaning = 'approved'"


def _refuse_if_duplicated(table: str, column: str, where: str, what: str) -> None:
    rows = op.get_bind().execute(sa.text(
        f"SELECT {column}, COUNT(*) FROM {table} WHERE {where} GROUP BY {column} HAVING COUNT(*) > 1")).all()
    if rows:
        listed = ", ".join(f"{key} ({count})" for key, count in rows)
        raise RuntimeError(f"{what} already break the rule; correct them first: {table}.{column} {listed}")


def upgrade():
    _refuse_if_duplicated("document_versions", "document_id", EFFECTIVE, "documents with several effective versions")
    _refuse_if_duplicated("signatures", "version_id", APPROVED, "versions with several approval signatures")
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index('uq_document_versions_one_effective', ['document_id'], unique=True,
                              postgresql_where=sa.text(EFFECTIVE), sqlite_where=sa.text(EFFECTIVE))

    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index('uq_signatures_one_approval', ['version_id'], unique=True,
                              postgresql_where=sa.text(APPROVED), sqlite_where=sa.text(APPROVED))


def downgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index('uq_signatures_one_approval')

    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_document_versions_one_effective')
