"""semantic model indexes: invoices by issue date, payments by payment date, orders by shipping date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:10:00
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_issue_date', ['issue_date'], unique=False)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_paid_on', ['paid_on'], unique=False)
    with op.batch_alter_table('sales_orders', schema=None) as batch_op:
        batch_op.create_index('ix_sales_orders_shipped_date', ['shipped_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sales_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_orders_shipped_date')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_paid_on')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_issue_date')
