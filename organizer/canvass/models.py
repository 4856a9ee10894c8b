"""What the phone sent: one receipt per key made on the phone, so a resend never makes a second knock."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime


class CanvassReceipt(db.Model):
    """A knock accepted from the phone's queue, under the key the phone made for it (a UUID).

    The unique key is the idempotency guarantee: two sends of one item, even at the same instant on two
    workers, leave one knock; the second insert fails on the index and is answered "already saved"."""

    __tablename__ = "canvass_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    door_knock_id: Mapped[int | None] = mapped_column(ForeignKey("door_knocks.id", ondelete="SET NULL"), index=True)
    # The person met at this door and added with this knock (undone with it).
    new_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    # Residents this knock marked do-not-contact (an undo restores them): [12, 13].
    marked_do_not_contact: Mapped[list] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
