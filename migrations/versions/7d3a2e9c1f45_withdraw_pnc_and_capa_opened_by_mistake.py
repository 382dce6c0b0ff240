"""PNC and CAPA opened by mistake can be withdrawn: reason, when and by whom

Revision ID: 7d3a2e9c1f45
Revises: 6c2f1d8b0e34
Create Date: 2026-12-02 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = '7d3a2e9c1f45'
down_revision = '6c2f1d8b0e34'
branch_labels = None
depends_on = None

TABLES = ('actions', 'nonconformities')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), server_default='', nullable=False))
            batch_op.add_column(sa.Column('withdrawn_at', qms.db.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), 'users',
                                        ['withdrawn_by_id'], ['id'])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), type_='foreignkey')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
            batch_op.drop_column('withdrawn_reason')
