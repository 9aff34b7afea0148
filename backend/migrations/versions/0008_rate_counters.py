"""rate counters: sign-in throttling and assistant turn limits shared by every worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""
from alembic import op
import sqlalchemy as sa
import backend.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('window_start', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counters'))
    )


def downgrade() -> None:
    op.drop_table('rate_counters')
