"""search glossary: the committee's synonyms and acronyms, and its permission for the quality role

Revision ID: e3f1a9c2b7d4
Revises: e19a4c0d7b31
Create Date: 2026-12-01 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db


# revision identifiers, used by Alembic.
revision = 'e3f1a9c2b7d4'
down_revision = 'e19a4c0d7b31'
branch_labels = None
depends_on = None

PERMISSION = "glossary.manage"


def upgrade():
    op.create_table('search_glossary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=120), nullable=False),
    sa.Column('term_key', sa.String(length=120), nullable=False),
    sa.Column('equivalents', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', qms.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', qms.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_glossary')),
    sa.UniqueConstraint('term_key', name=op.f('uq_search_glossary_term_key'))
    )
    # The committee's role keeps the glossary in installations made before it existed
    # (``qms init`` never changes the permissions of an existing role).
    roles = sa.table('roles', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('permissions', sa.JSON))
    bind = op.get_bind()
    for role_id, permissions in bind.execute(sa.select(roles.c.id, roles.c.permissions)
                                             .where(roles.c.name == 'quality')).all():
        if PERMISSION not in (permissions or []):
            bind.execute(roles.update().where(roles.c.id == role_id)
                         .values(permissions=sorted([*(permissions or []), PERMISSION])))


def downgrade():
    op.drop_table('search_glossary')
