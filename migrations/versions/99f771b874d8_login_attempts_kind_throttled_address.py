"""login attempts: kind, throttled, address index

Where each password was typed (login, signature, password change), whether the
throttle refused it before looking at it (never counted as a failure), and an index
for counting failures per client address. Existing rows were logins, none refused.

Revision ID: 99f771b874d8
Revises: 4705eeeb1b0a
Create Date: 2026-12-01 10:16:49.646729

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = '99f771b874d8'
down_revision = '4705eeeb1b0a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='login', nullable=False))
        batch_op.add_column(sa.Column('throttled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_login_attempts_remote_addr'), ['remote_addr'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_remote_addr'))
        batch_op.drop_column('throttled')
        batch_op.drop_column('kind')
