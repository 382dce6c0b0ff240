"""search index jobs: retry_after, failed jobs back off instead of being dropped

A job whose index write failed is tried again after a growing pause; before, after five
failures it was never tried again. Existing failed jobs become due at once.

Revision ID: b7e2a91c5d40
Revises: a7c3e9d2b410
Create Date: 2026-12-01 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = 'b7e2a91c5d40'
down_revision = 'a7c3e9d2b410'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_index_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_after', qms.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('search_index_jobs', schema=None) as batch_op:
        batch_op.drop_column('retry_after')
