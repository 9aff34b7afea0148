"""search keys folded again: ø, æ, œ, ł, ð, þ and ı now fold to the plain letters people type ('Bjorn' finds Bjørn)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:40:00
"""
import sqlalchemy as sa
from alembic import op

from backend.text import search_key

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Only rows holding one of the newly folded letters change; the rest already have the key they would get.
_LETTERS = ("ø", "Ø", "æ", "Æ", "œ", "Œ", "ł", "Ł", "ı", "þ", "Þ", "ð", "Ð")

_TABLES = {
    # table: the columns its search key is built from, in order
    "customers": ("name", "code", "city"),
    "contacts": ("name",),
    "products": ("name", "sku", "category"),
}


def upgrade() -> None:
    bind = op.get_bind()
    for name, parts in _TABLES.items():
        table = sa.table(name, sa.column("id"), sa.column("search_key"), *(sa.column(p) for p in parts))
        holds = sa.or_(*(table.c[p].contains(letter) for p in parts for letter in _LETTERS))
        rows = bind.execute(sa.select(table.c.id, *(table.c[p] for p in parts)).where(holds)).all()
        for row in rows:
            key = search_key(*(row._mapping[p] for p in parts))
            bind.execute(sa.update(table).where(table.c.id == row.id).values(search_key=key))


def downgrade() -> None:
    # The older keys are a strictly worse fold of the same names; nothing to undo.
    pass
