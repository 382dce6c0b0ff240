"""search entries and words: the PostgreSQL full-text search backend

One row per indexed object with its terms as a tsvector (GIN), its visibility tokens
(text[], GIN), its facet values and the text snippets are made from; and the vocabulary
of "¿Quiso decir …?". On SQLite the tables exist and stay empty (Whoosh answers there).
After upgrading a PostgreSQL installation run ``qms search rebuild`` once to fill them.

Revision ID: e3f1a9c7b2d5
Revises: e3f1a9c2b7d4
Create Date: 2026-12-01 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import qms.db
import qms.search.pg_models


# revision identifiers, used by Alembic.
revision = 'e3f1a9c7b2d5'
down_revision = 'e3f1a9c2b7d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_entries',
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('codekeys', qms.search.pg_models.TokenList(), nullable=False),
        sa.Column('codeparts', qms.search.pg_models.TokenList(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('subtitle', sa.Text(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('process', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=40), nullable=False),
        sa.Column('state_label', sa.String(length=120), nullable=False),
        sa.Column('regions', qms.search.pg_models.TokenList(), nullable=False),
        sa.Column('year', sa.String(length=4), nullable=False),
        sa.Column('day', sa.Integer(), nullable=True),
        sa.Column('is_archived', sa.Boolean(), nullable=False),
        sa.Column('visibility', qms.search.pg_models.TokenList(), nullable=False),
        sa.Column('link', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=200), nullable=False),
        sa.Column('terms', qms.search.pg_models.TermVector(), nullable=False),
        sa.Column('title_terms', qms.search.pg_models.TermVector(), nullable=False),
        sa.Column('indexed_at', qms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'object_id'),
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index('ix_search_entries_terms', ['terms'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_entries_visibility', ['visibility'], unique=False,
                              postgresql_using='gin')
    if op.get_bind().dialect.name == 'postgresql':
        # Large values out of the row, the ones every match is read for in it (pg_models.ROW_STORAGE).
        op.execute(
            "ALTER TABLE search_entries SET (toast_tuple_target = 128), "
            "ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN title_terms SET STORAGE MAIN, "
            "ALTER COLUMN subtitle SET STORAGE MAIN, ALTER COLUMN link SET STORAGE MAIN"
        )
    op.create_table(
        'search_words',
        sa.Column('word', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('word'),
    )


def downgrade():
    op.drop_table('search_words')
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entries_visibility', postgresql_using='gin')
        batch_op.drop_index('ix_search_entries_terms', postgresql_using='gin')
    op.drop_table('search_entries')
