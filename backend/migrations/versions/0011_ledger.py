"""the general ledger: chart of accounts, journal entries and lines, accounting periods, moving-average cost

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 09:00:00
"""
import sqlalchemy as sa
from alembic import op

import backend.models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_MONEY = backend.models.base.ExactDecimal(scale=4, precision=20)
_WHEN = backend.models.base.UTCDateTime(timezone=True)
_SOURCES = ("('invoice', 'payment', 'payment_allocation', 'goods_receipt', 'delivery', 'supplier_bill', 'supplier_payment', "
            "'supplier_allocation', 'manual', 'reversal', 'opening')")


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_vi', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('normal_side', sa.String(length=6), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('asset', 'liability', 'equity', 'revenue', 'expense')", name=op.f('ck_accounts_kind_allowed')),
    sa.CheckConstraint("normal_side IN ('debit', 'credit')", name=op.f('ck_accounts_normal_side_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('code', name=op.f('uq_accounts_code')),
    sa.UniqueConstraint('role', name=op.f('uq_accounts_role'))
    )

    op.create_table('accounting_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('closed_at', _WHEN, nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['employees.id'], name=op.f('fk_accounting_periods_closed_by_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_periods')),
    sa.UniqueConstraint('period', name=op.f('uq_accounting_periods_period'))
    )

    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', _WHEN, nullable=False),
    sa.CheckConstraint(f"source_type IN {_SOURCES}", name=op.f('ck_journal_entries_source_type_allowed')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_journal_entries_created_by_id_employees')),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entries.id'], name=op.f('fk_journal_entries_reverses_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    sa.UniqueConstraint('number', name=op.f('uq_journal_entries_number')),
    # A document posts once; manual entries carry no source id and NULLs never collide.
    sa.UniqueConstraint('source_type', 'source_id', name='uq_journal_entries_source')
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_entry_date', ['entry_date'], unique=False)
        batch_op.create_index('ix_journal_entries_period', ['period'], unique=False)

    op.create_table('journal_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('debit', _MONEY, nullable=False),
    sa.Column('credit', _MONEY, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_in_currency', _MONEY, nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    # Suppliers arrive in revision 0012; the key is checked there, not here.
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(debit > 0 AND credit = 0) OR (debit = 0 AND credit > 0)', name=op.f('ck_journal_lines_one_side')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_journal_lines_account_id_accounts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_journal_lines_customer_id_customers')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_lines_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_journal_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_lines'))
    )
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index('ix_journal_lines_entry_id', ['entry_id'], unique=False)
        # Covering indexes: a trial balance and an account's ledger read lines without the table.
        batch_op.create_index('ix_journal_lines_balance', ['entry_date', 'account_id', 'debit', 'credit'], unique=False)
        # Account first: SQLite's skip-scan sums every account's lines for a date range out of this index alone.
        batch_op.create_index('ix_journal_lines_account_date', ['account_id', 'entry_date', 'debit', 'credit'], unique=False)
        batch_op.create_index('ix_journal_lines_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_journal_lines_supplier_id', ['supplier_id'], unique=False)

    op.create_table('product_costs',
    sa.Column('product_id', sa.Integer(), nullable=False),
    # The quantity and base-currency value the ledger holds in inventory; average cost = value / quantity.
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('value', _MONEY, nullable=False),
    sa.Column('average_cost', _MONEY, nullable=False),
    sa.Column('updated_at', _WHEN, nullable=False),
    sa.CheckConstraint('average_cost >= 0', name=op.f('ck_product_costs_cost_non_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_costs_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_product_costs'))
    )


def downgrade() -> None:
    op.drop_table('product_costs')
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_lines_supplier_id')
        batch_op.drop_index('ix_journal_lines_customer_id')
        batch_op.drop_index('ix_journal_lines_account_date')
        batch_op.drop_index('ix_journal_lines_balance')
        batch_op.drop_index('ix_journal_lines_entry_id')
    op.drop_table('journal_lines')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entries_period')
        batch_op.drop_index('ix_journal_entries_entry_date')
    op.drop_table('journal_entries')
    op.drop_table('accounting_periods')
    op.drop_table('accounts')
