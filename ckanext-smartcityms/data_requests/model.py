"""The table of data requests, on CKAN's metadata (so CKAN's test helpers
empty it like their own) and created by our migration (migrations.py)."""
import datetime
import uuid

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

STATUSES = ("open", "in_progress", "published", "declined")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class DataRequest(tk.BaseModel):
    __tablename__ = "smartcityms_data_request"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    title = sa.Column(sa.UnicodeText, nullable=False)
    description = sa.Column(sa.UnicodeText, nullable=False)
    intended_use = sa.Column(sa.UnicodeText, nullable=False)
    # Personal data: shown only to those who answer, deletable (actions.contact_delete).
    contact_name = sa.Column(sa.UnicodeText)
    contact_email = sa.Column(sa.UnicodeText)
    # sha256 of the key the requester got once, to delete the contact without an account
    deletion_key_hash = sa.Column(sa.UnicodeText)
    status = sa.Column(sa.UnicodeText, nullable=False, default="open")
    answer = sa.Column(sa.UnicodeText)
    dataset_id = sa.Column(sa.UnicodeText)
    handlungsfeld = sa.Column(sa.UnicodeText)
    created = sa.Column(sa.DateTime, nullable=False, default=_now)
    modified = sa.Column(sa.DateTime, nullable=False, default=_now, onupdate=_now)
