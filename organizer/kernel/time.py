"""One time type and one local date: every stored moment is aware UTC, on SQLite as on PostgreSQL.

SQLite keeps no time zone and hands back naive values; UTCDateTime gives them back aware (UTC) so code never
compares naive with aware. What people type and read is local: local_today() and to_local() say where.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timestamp column: aware UTC in and out (a naive value going in is taken as UTC, as SQLite stored it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else aware_utc(value)

    def process_result_value(self, value, dialect):
        return None if value is None else aware_utc(value)


def aware_utc(moment: datetime | date) -> datetime:
    """A moment as aware UTC: naive values are UTC (what SQLite returns), a plain date is its midnight UTC."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time.min, UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def organization_zone() -> ZoneInfo:
    """The organization's time zone (BABEL_DEFAULT_TIMEZONE): where its days begin and end."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today where the organization is, not in UTC."""
    return datetime.now(organization_zone()).date()


def to_local(moment: datetime) -> datetime:
    """A stored moment on the organization's clock."""
    return aware_utc(moment).astimezone(organization_zone())
