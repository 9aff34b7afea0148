"""MCP: API tokens are read-only unless created with write access; the audit log names the client program

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tokens issued before this revision could write over REST; over MCP every existing token starts read-only.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_write', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('client')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('can_write')
