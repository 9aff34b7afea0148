"""marketing campaigns and lead sources with their spend; customers and opportunities name the campaign that
brought them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 11:00:00
"""
import sqlalchemy as sa
from alembic import op

import backend.models.base

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_MONEY = backend.models.base.ExactDecimal(scale=4, precision=20)
_WHEN = backend.models.base.UTCDateTime(timezone=True)
_CHANNELS = "('trade_fair', 'google_ads', 'facebook', 'zalo', 'email', 'referral', 'telesales', 'other')"


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('spend', _MONEY, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', _WHEN, nullable=False),
    sa.CheckConstraint(f"channel IN {_CHANNELS}", name=op.f('ck_campaigns_channel_allowed')),
    sa.CheckConstraint('spend >= 0', name=op.f('ck_campaigns_spend_non_negative')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_campaigns_end_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('code', name=op.f('uq_campaigns_code'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_channel_start', ['channel', 'start_date'], unique=False)

    for table in ('customers', 'opportunities'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])
            batch_op.create_index(batch_op.f(f'ix_{table}_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    for table in ('opportunities', 'customers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_campaign_id'))
            batch_op.drop_constraint(op.f(f'fk_{table}_campaign_id_campaigns'), type_='foreignkey')
            batch_op.drop_column('campaign_id')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_channel_start')
    op.drop_table('campaigns')
