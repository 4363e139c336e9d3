"""Data requests (Datenwünsche)

Revision ID: 0001_data_requests
Revises:
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_data_requests"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "smartcityms_data_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("intended_use", sa.UnicodeText, nullable=False),
        sa.Column("contact_name", sa.UnicodeText),
        sa.Column("contact_email", sa.UnicodeText),
        sa.Column("deletion_key_hash", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="open"),
        sa.Column("answer", sa.UnicodeText),
        sa.Column("dataset_id", sa.UnicodeText),
        sa.Column("handlungsfeld", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("smartcityms_data_request_status_created", "smartcityms_data_request", ["status", "created"])


def downgrade():
    op.drop_table("smartcityms_data_request")
