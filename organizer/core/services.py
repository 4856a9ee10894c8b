"""The organization record and the health check."""

from flask import current_app
from sqlalchemy import select, text

from organizer.core.models import Organization
from organizer.extensions import db


def current_organization() -> Organization | None:
    """The deployment's organization, if it was set up."""
    return db.session.scalar(select(Organization).order_by(Organization.id).limit(1))


def organization_name() -> str:
    """The name to show and print: the organization's, else the configured one."""
    organization = current_organization()
    return organization.name if organization else current_app.config["ORGANIZATION_NAME"]


def database_status() -> str | None:
    """None when the database answers, else a short reason (no connection details)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        db.session.rollback()
        return type(error).__name__
    return None
