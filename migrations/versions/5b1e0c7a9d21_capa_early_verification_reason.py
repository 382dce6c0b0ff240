"""CAPA: the reason of an effectiveness verification made before its planned date

Revision ID: 5b1e0c7a9d21
Revises: b7e2a91c5d40
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7a9d21'
down_revision = 'b7e2a91c5d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action_verifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('action_verifications', schema=None) as batch_op:
        batch_op.drop_column('early_reason')
