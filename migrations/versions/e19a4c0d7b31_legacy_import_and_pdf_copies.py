"""legacy import and PDF copies: historical signatures of imported versions, PDFs of Word files

Revision ID: e19a4c0d7b31
Revises: 2daa78449744
Create Date: 2026-12-01 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = 'e19a4c0d7b31'
down_revision = '2daa78449744'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'historical_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('meaning', sa.String(length=20), nullable=False),
        sa.Column('signer_name', sa.String(length=160), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=True),
        sa.Column('imported_at', qms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_historical_signatures_imported_by_id_users')),
        sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_historical_signatures_version_id_document_versions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_historical_signatures')),
    )
    with op.batch_alter_table('historical_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_historical_signatures_version_id'), ['version_id'], unique=False)
    op.create_table(
        'pdf_copies',
        sa.Column('source_sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
        sa.Column('is_pdfa', sa.Boolean(), nullable=False),
        sa.Column('created_at', qms.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('source_sha256', name=op.f('pk_pdf_copies')),
    )


def downgrade():
    op.drop_table('pdf_copies')
    with op.batch_alter_table('historical_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_historical_signatures_version_id'))
    op.drop_table('historical_signatures')
