"""The organization this deployment serves."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from organizer.db import TimestampMixin
from organizer.extensions import db


class Organization(TimestampMixin, db.Model):
    """One row: the group's name and home town, shown on pages and printed sheets."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
