"""journal entries may come from stock adjustments (source type 'stock_adjustment')

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-12 09:00:00

Only the source type's CHECK constraint widens. PostgreSQL drops and recreates it. SQLite can't alter a constraint,
and rebuilding journal_entries would trip the foreign keys of journal_lines (and its own reverses_id) on a database
with entries, so the constraint's text is rewritten in the schema as SQLite documents for loosening a CHECK
(writable_schema, schema_version bumped); every existing row satisfies the wider list.
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_OLD = ("'invoice', 'payment', 'payment_allocation', 'goods_receipt', 'delivery', 'supplier_bill', 'supplier_payment', "
        "'supplier_allocation', 'manual', 'reversal', 'opening'")
_NEW = _OLD + ", 'stock_adjustment'"
_NAME = 'ck_journal_entries_source_type_allowed'


def _swap(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(_NAME), 'journal_entries', type_='check')
        op.create_check_constraint(op.f(_NAME), 'journal_entries', f"source_type IN ({new})")
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'journal_entries'",
                         (f"source_type IN ({old})", f"source_type IN ({new})"))
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    _swap(_OLD, _NEW)


def downgrade() -> None:
    op.execute("DELETE FROM journal_lines WHERE entry_id IN "
               "(SELECT id FROM journal_entries WHERE source_type = 'stock_adjustment')")
    op.execute("DELETE FROM journal_entries WHERE source_type = 'stock_adjustment'")
    _swap(_NEW, _OLD)
