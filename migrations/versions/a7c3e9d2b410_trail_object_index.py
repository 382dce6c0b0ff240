"""trail: one index on (object_type, object_id, seq) for the trail of one object

Revision ID: a7c3e9d2b410
Revises: 4021c295872b
Create Date: 2026-12-01 14:00:00

"""
from alembic import op


revision = 'a7c3e9d2b410'
down_revision = '4021c295872b'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX, not a batch: a batch could copy the table on SQLite and lose the
    # triggers that keep the trail append-only.
    op.create_index('ix_audit_entries_object', 'audit_entries', ['object_type', 'object_id', 'seq'], unique=False)


def downgrade():
    op.drop_index('ix_audit_entries_object', table_name='audit_entries')
