"""purchasing and payables: suppliers and their contacts, purchase orders, goods receipts, supplier bills (three-way
matched), supplier payments, and stock movements (with an opening movement for every stock level held today)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00
"""
from datetime import date
from decimal import Decimal

from alembic import op
import sqlalchemy as sa
import backend.models.base


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_MONEY = backend.models.base.ExactDecimal(scale=4, precision=20)
_RATE = backend.models.base.ExactDecimal(scale=8, precision=24)


def upgrade() -> None:
    op.create_table('suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=400), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('payment_terms_days >= 0', name=op.f('ck_suppliers_terms_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('code', name=op.f('uq_suppliers_code'))
    )
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suppliers_search_key'), ['search_key'], unique=False)

    _usual_supplier_column()

    op.create_table('purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fx_rate', _RATE, nullable=False),
    sa.Column('net_amount', _MONEY, nullable=False),
    sa.Column('tax_rate_pct', backend.models.base.ExactDecimal(scale=4, precision=9), nullable=False),
    sa.Column('tax_amount', _MONEY, nullable=False),
    sa.Column('total', _MONEY, nullable=False),
    sa.Column('needs_approval', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'sent', 'partially_received', 'received', 'closed', 'cancelled')", name=op.f('ck_purchase_orders_status_allowed')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_purchase_orders_total_non_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['employees.id'], name=op.f('fk_purchase_orders_approved_by_id_employees')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_purchase_orders_created_by_id_employees')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_purchase_orders_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_purchase_orders_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number'))
    )
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_orders_date_status', ['order_date', 'status'], unique=False)
        batch_op.create_index('ix_purchase_orders_supplier_date', ['supplier_id', 'order_date'], unique=False)

    op.create_table('stock_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('unit_cost', _MONEY, nullable=True),
    sa.Column('source_type', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('opening', 'receipt', 'delivery', 'adjustment')", name=op.f('ck_stock_movements_kind_allowed')),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movements_quantity_non_zero')),
    sa.CheckConstraint('unit_cost IS NULL OR unit_cost >= 0', name=op.f('ck_stock_movements_cost_non_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_stock_movements_created_by_id_employees')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_movements_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_stock_movements_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_moved_on', ['moved_on'], unique=False)
        batch_op.create_index('ix_stock_movements_product_warehouse_date', ['product_id', 'warehouse_id', 'moved_on'], unique=False)
        batch_op.create_index('ix_stock_movements_source', ['source_type', 'source_id'], unique=False)

    op.create_table('supplier_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_contacts_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_contacts'))
    )
    with op.batch_alter_table('supplier_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_contacts_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supplier_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', _MONEY, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fx_rate', _RATE, nullable=False),
    sa.Column('method', sa.String(length=40), nullable=True),
    sa.Column('reference', sa.String(length=80), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_supplier_payments_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_supplier_payments_created_by_id_employees')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_payments_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_payments')),
    sa.UniqueConstraint('number', name=op.f('uq_supplier_payments_number'))
    )
    with op.batch_alter_table('supplier_payments', schema=None) as batch_op:
        batch_op.create_index('ix_supplier_payments_paid_on', ['paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payments_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('goods_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('purchase_order_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_goods_receipts_created_by_id_employees')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_goods_receipts_purchase_order_id_purchase_orders')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_goods_receipts_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_goods_receipts_number'))
    )
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipts_purchase_order_id'), ['purchase_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goods_receipts_received_on'), ['received_on'], unique=False)

    op.create_table('purchase_order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purchase_order_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', _MONEY, nullable=False),
    sa.Column('line_amount', _MONEY, nullable=False),
    sa.Column('received_quantity', sa.Integer(), nullable=False),
    sa.Column('billed_quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('billed_quantity >= 0', name=op.f('ck_purchase_order_lines_billed_non_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_order_lines_quantity_positive')),
    sa.CheckConstraint('received_quantity >= 0 AND received_quantity <= quantity', name=op.f('ck_purchase_order_lines_received_in_range')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_purchase_order_lines_cost_non_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_purchase_order_lines_product_id_products')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_purchase_order_lines_purchase_order_id_purchase_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_lines'))
    )
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_purchase_order_id'), ['purchase_order_id'], unique=False)

    op.create_table('supplier_bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('supplier_reference', sa.String(length=80), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('purchase_order_id', sa.Integer(), nullable=True),
    sa.Column('bill_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fx_rate', _RATE, nullable=False),
    sa.Column('net_amount', _MONEY, nullable=False),
    sa.Column('tax_amount', _MONEY, nullable=False),
    sa.Column('total', _MONEY, nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('match_status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("match_status IN ('matched', 'exceptions')", name=op.f('ck_supplier_bills_match_status_allowed')),
    sa.CheckConstraint("status IN ('open', 'paid', 'void')", name=op.f('ck_supplier_bills_status_allowed')),
    sa.CheckConstraint('due_date >= bill_date', name=op.f('ck_supplier_bills_due_after_bill')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_supplier_bills_total_non_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_supplier_bills_created_by_id_employees')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_supplier_bills_purchase_order_id_purchase_orders')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_bills_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_bills')),
    sa.UniqueConstraint('number', name=op.f('uq_supplier_bills_number')),
    sa.UniqueConstraint('supplier_id', 'supplier_reference', name='uq_supplier_bills_supplier_reference')
    )
    with op.batch_alter_table('supplier_bills', schema=None) as batch_op:
        batch_op.create_index('ix_supplier_bills_bill_date', ['bill_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_bills_purchase_order_id'), ['purchase_order_id'], unique=False)
        batch_op.create_index('ix_supplier_bills_status_due', ['status', 'due_date'], unique=False)

    op.create_table('goods_receipt_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('purchase_order_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', _MONEY, nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_goods_receipt_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_goods_receipt_lines_product_id_products')),
    sa.ForeignKeyConstraint(['purchase_order_line_id'], ['purchase_order_lines.id'], name=op.f('fk_goods_receipt_lines_purchase_order_line_id_purchase_order_lines')),
    sa.ForeignKeyConstraint(['receipt_id'], ['goods_receipts.id'], name=op.f('fk_goods_receipt_lines_receipt_id_goods_receipts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipt_lines'))
    )
    with op.batch_alter_table('goods_receipt_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipt_lines_purchase_order_line_id'), ['purchase_order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goods_receipt_lines_receipt_id'), ['receipt_id'], unique=False)

    op.create_table('supplier_bill_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('purchase_order_line_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', _MONEY, nullable=False),
    sa.Column('line_amount', _MONEY, nullable=False),
    sa.Column('quantity_difference', sa.Integer(), nullable=False),
    sa.Column('price_difference', _MONEY, nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_supplier_bill_lines_quantity_positive')),
    sa.CheckConstraint('quantity_difference >= 0', name=op.f('ck_supplier_bill_lines_quantity_difference_non_negative')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_supplier_bill_lines_cost_non_negative')),
    sa.ForeignKeyConstraint(['bill_id'], ['supplier_bills.id'], name=op.f('fk_supplier_bill_lines_bill_id_supplier_bills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_supplier_bill_lines_product_id_products')),
    sa.ForeignKeyConstraint(['purchase_order_line_id'], ['purchase_order_lines.id'], name=op.f('fk_supplier_bill_lines_purchase_order_line_id_purchase_order_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_bill_lines'))
    )
    with op.batch_alter_table('supplier_bill_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_bill_lines_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_bill_lines_purchase_order_line_id'), ['purchase_order_line_id'], unique=False)

    op.create_table('supplier_payment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('amount', _MONEY, nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_supplier_payment_allocations_amount_positive')),
    sa.ForeignKeyConstraint(['bill_id'], ['supplier_bills.id'], name=op.f('fk_supplier_payment_allocations_bill_id_supplier_bills')),
    sa.ForeignKeyConstraint(['payment_id'], ['supplier_payments.id'], name=op.f('fk_supplier_payment_allocations_payment_id_supplier_payments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_payment_allocations'))
    )
    with op.batch_alter_table('supplier_payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_payment_allocations_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payment_allocations_payment_id'), ['payment_id'], unique=False)

    # Journal lines name suppliers from here on (revision 0011 kept the column without its key).
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_journal_lines_supplier_id_suppliers'), 'suppliers', ['supplier_id'], ['id'])

    _opening_movements()


def _usual_supplier_column() -> None:
    """products.supplier_id, the usual supplier. Added with ALTER TABLE on both backends: a batch copy of products on
    SQLite would drop the table under foreign keys that cascade (stock levels, price list items)."""
    if op.get_bind().dialect.name == 'sqlite':
        # Alembic would add the key as a separate constraint, which SQLite cannot; a column may carry it inline.
        op.execute('ALTER TABLE products ADD COLUMN supplier_id INTEGER CONSTRAINT fk_products_supplier_id_suppliers '
                   'REFERENCES suppliers (id) ON DELETE SET NULL')
    else:
        op.add_column('products', sa.Column('supplier_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_products_supplier_id_suppliers'), 'products', 'suppliers', ['supplier_id'],
                              ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_products_supplier_id'), 'products', ['supplier_id'], unique=False)


def _opening_movements() -> None:
    """Stock held before movements were recorded is explained by one opening movement per stock level, today, at
    the catalogue cost in the base currency (the latest FX rate for a product priced in another currency)."""
    bind = op.get_bind()
    levels = sa.table('stock_levels', sa.column('product_id'), sa.column('warehouse_id'), sa.column('quantity'))
    products = sa.table('products', sa.column('id'), sa.column('unit_cost', _MONEY), sa.column('currency'))
    company = sa.table('company', sa.column('id'), sa.column('base_currency'))
    fx = sa.table('fx_rates', sa.column('currency'), sa.column('rate_date'), sa.column('rate', _RATE))
    movements = sa.table('stock_movements', sa.column('product_id'), sa.column('warehouse_id'), sa.column('moved_on'),
                         sa.column('quantity'), sa.column('kind'), sa.column('unit_cost', _MONEY),
                         sa.column('source_type'), sa.column('created_at', backend.models.base.UTCDateTime()))
    base = bind.execute(sa.select(company.c.base_currency).order_by(company.c.id).limit(1)).scalar() or 'USD'
    latest: dict[str, Decimal] = {}
    for currency, rate in bind.execute(sa.select(fx.c.currency, fx.c.rate).order_by(fx.c.rate_date)):
        latest[currency] = rate
    today = date.today()
    created = backend.models.base.utcnow()
    rows = []
    for product_id, warehouse_id, quantity, unit_cost, currency in bind.execute(
            sa.select(levels.c.product_id, levels.c.warehouse_id, levels.c.quantity, products.c.unit_cost,
                      products.c.currency).join(products, products.c.id == levels.c.product_id)
            .where(levels.c.quantity != 0).order_by(levels.c.product_id, levels.c.warehouse_id)):
        cost = None
        if unit_cost is not None:
            rate = 1 if currency == base else latest.get(currency)
            cost = (unit_cost * rate).quantize(Decimal('0.0001')) if rate is not None else None
        rows.append({'product_id': product_id, 'warehouse_id': warehouse_id, 'moved_on': today, 'quantity': quantity,
                     'kind': 'opening', 'unit_cost': cost, 'source_type': 'opening', 'created_at': created})
    for start in range(0, len(rows), 1000):
        bind.execute(movements.insert(), rows[start:start + 1000])


def downgrade() -> None:
    op.drop_index(op.f('ix_products_supplier_id'), table_name='products')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('supplier_id')
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_journal_lines_supplier_id_suppliers'), type_='foreignkey')
    with op.batch_alter_table('supplier_payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_payment_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_payment_allocations_bill_id'))

    op.drop_table('supplier_payment_allocations')
    with op.batch_alter_table('supplier_bill_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_bill_lines_purchase_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_bill_lines_bill_id'))

    op.drop_table('supplier_bill_lines')
    with op.batch_alter_table('goods_receipt_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_receipt_lines_receipt_id'))
        batch_op.drop_index(batch_op.f('ix_goods_receipt_lines_purchase_order_line_id'))

    op.drop_table('goods_receipt_lines')
    with op.batch_alter_table('supplier_bills', schema=None) as batch_op:
        batch_op.drop_index('ix_supplier_bills_status_due')
        batch_op.drop_index(batch_op.f('ix_supplier_bills_purchase_order_id'))
        batch_op.drop_index('ix_supplier_bills_bill_date')

    op.drop_table('supplier_bills')
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_purchase_order_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_product_id'))

    op.drop_table('purchase_order_lines')
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_receipts_received_on'))
        batch_op.drop_index(batch_op.f('ix_goods_receipts_purchase_order_id'))

    op.drop_table('goods_receipts')
    with op.batch_alter_table('supplier_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_payments_supplier_id'))
        batch_op.drop_index('ix_supplier_payments_paid_on')

    op.drop_table('supplier_payments')
    with op.batch_alter_table('supplier_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_contacts_supplier_id'))

    op.drop_table('supplier_contacts')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movements_source')
        batch_op.drop_index('ix_stock_movements_product_warehouse_date')
        batch_op.drop_index('ix_stock_movements_moved_on')

    op.drop_table('stock_movements')
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_purchase_orders_supplier_date')
        batch_op.drop_index('ix_purchase_orders_date_status')

    op.drop_table('purchase_orders')
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suppliers_search_key'))

    op.drop_table('suppliers')
