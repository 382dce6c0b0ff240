"""PNC: the authoriser's signature of the treatment and who registered it

Revision ID: 6c2f1d8b0e34
Revises: 5b1e0c7a9d21
Create Date: 2026-12-02 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = '6c2f1d8b0e34'
down_revision = '5b1e0c7a9d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nonconformities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorisation_signed_at', qms.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('treatment_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_nonconformities_treatment_recorded_by_id_users'), 'users',
                                    ['treatment_recorded_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('nonconformities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_nonconformities_treatment_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('treatment_recorded_by_id')
        batch_op.drop_column('authorisation_signed_at')
