"""iCalendar (RFC 5545) feeds: every feature's calendar sources (organizer.kernel.contributions), as one feed.

A source is a function `source(user, since) -> iterable of CalendarEntry` listing what `user` may see from
`since` on; a feature lists its sources in its contributions.py (`Contribution(calendar=[...])`).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.campaigns.models import ACTION_KINDS, DEMAND_ANSWERS, Action, CouncilMeeting
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.contributions import CalendarEntry, registry
from organizer.kernel.time import aware_utc

# How far back a feed goes: calendars keep what they already have.
FEED_HISTORY = timedelta(days=90)
DEFAULT_DURATION = timedelta(hours=2)


def calendar_uid(kind: str, record_id: int) -> str:
    """A stable UID for a record's event (the same in every feed and every time)."""
    host = current_app.config.get("CALENDAR_UID_DOMAIN") or "organizer.invalid"
    return f"{kind}-{record_id}@{host}"


def action_entry(action: Action) -> CalendarEntry:
    """An action as a calendar entry (demands in the description). Needs demands, target and campaign loaded."""
    lines = [f"{ACTION_KINDS.get(action.kind, action.kind)} · {action.campaign.name}"]
    if action.target is not None:
        lines.append(_("Target: %(name)s", name=action.target.name))
    if action.turnout_goal:
        lines.append(_("Turnout goal: %(count)s", count=action.turnout_goal))
    if action.demands:
        lines.append(_("Demands:"))
        lines += [f"- {d.text} ({DEMAND_ANSWERS.get(d.answer, d.answer)})" for d in action.demands]
    if action.description:
        lines += ["", action.description]
    return CalendarEntry(
        uid=calendar_uid("action", action.id),
        summary=action.title,
        starts_at=aware_utc(action.starts_at),
        ends_at=aware_utc(action.ends_at),
        location=action.place,
        description="\n".join(lines),
        url=url_for("campaigns.action", action_id=action.id, _external=True),
        updated_at=aware_utc(action.updated_at),
        sequence=(action.version or 1) - 1,
    )


def campaign_actions(user, since: datetime) -> Iterable[CalendarEntry]:
    """Actions of every campaign (every role may read campaigns) from `since` on."""
    actions = db.session.scalars(
        select(Action)
        .where(Action.starts_at >= since)
        .options(selectinload(Action.campaign), selectinload(Action.target), selectinload(Action.demands))
        .order_by(Action.starts_at)
    )
    return [action_entry(action) for action in actions]


def council_meetings(user, since: datetime) -> Iterable[CalendarEntry]:
    """Council sessions of the local government directory: where targets decide in public."""
    meetings = db.session.scalars(
        select(CouncilMeeting)
        .where(CouncilMeeting.starts_at >= since)
        .options(selectinload(CouncilMeeting.local_body))
        .order_by(CouncilMeeting.starts_at)
    )
    return [
        CalendarEntry(
            uid=calendar_uid("council-meeting", meeting.id),
            summary=f"{meeting.title or _('Council meeting')} · {meeting.local_body.name}",
            starts_at=aware_utc(meeting.starts_at),
            location=meeting.place or meeting.local_body.address,
            url=url_for("campaigns.local_bodies", _external=True) + f"#body-{meeting.local_body_id}",
        )
        for meeting in meetings
    ]


def to_ical(entries: Iterable[CalendarEntry], name: str) -> bytes:
    """Serialise entries as a VCALENDAR, times in UTC (valid for Google Calendar, Thunderbird, Apple)."""
    cal = Calendar()
    cal.add("prodid", "-//Organizer//Campaigns//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", current_app.config["BABEL_DEFAULT_TIMEZONE"])
    stamp = utcnow().replace(microsecond=0)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        starts = entry.starts_at.replace(microsecond=0)
        event.add("dtstart", starts)
        event.add("dtend", (entry.ends_at or entry.starts_at + DEFAULT_DURATION).replace(microsecond=0))
        event.add("summary", entry.summary)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        if entry.updated_at:
            event.add("last-modified", entry.updated_at.replace(microsecond=0))
        event.add("sequence", entry.sequence)
        cal.add_component(event)
    return cal.to_ical()


def feed_for(user) -> bytes:
    """Everything the registered sources give `user`, as one calendar."""
    since = utcnow() - FEED_HISTORY
    entries = [entry for source in registry().calendar for entry in source(user, since)]
    entries.sort(key=lambda entry: entry.starts_at)
    org = current_app.config.get("ORGANIZATION_NAME") or "Organizer"
    return to_ical(entries, name=f"{org} · {user.display_name}")
