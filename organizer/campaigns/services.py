"""Verbs on campaigns, actors, local bodies and actions (they add and flush; views commit)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.auth.models import Role, User
from organizer.campaigns.models import (
    RSVP_ANSWERS,
    Action,
    Actor,
    Attendee,
    CalendarToken,
    Campaign,
    CampaignActor,
    CouncilMeeting,
    Demand,
    LocalBody,
    PowerChange,
    Stakeholder,
)
from organizer.conversations.models import Issue
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc
from organizer.residents import lists
from organizer.residents.normalize import phone_e164

CAMPAIGN_FIELDS = (
    "name",
    "status",
    "summary",
    "long_term_goals",
    "intermediate_goals",
    "short_term_goals",
    "win_definition",
    "resources",
    "gain_members",
    "gain_leaders",
    "gain_money",
    "internal_problems",
    "tactics",
)

# Stored moments are aware UTC already (kernel.time.UTCDateTime); the old name stays for callers.
as_utc = aware_utc
ACTOR_FIELDS = ("name", "kind", "role_title", "local_body_id", "influence", "stance", "relationship_note", "email")
ACTOR_FIELDS += ("phone", "contact")
LOCAL_BODY_FIELDS = ("level", "name", "code", "address", "website", "services")
ACTION_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "target_actor_id", "turnout_goal", "description")
EVALUATION_FIELDS = ("eval_worked", "eval_did_not_work", "commitments_won", "lessons")


# --- Permissions -------------------------------------------------------------------------------------


def can_create(user) -> bool:
    """Organizers and leaders start campaigns (admins too)."""
    return bool(user and user.is_authenticated and user.has_role(Role.ORGANIZER, Role.LEADER))


def can_edit(user, campaign: Campaign) -> bool:
    """Admins and organizers edit every campaign; leaders those they lead or whose team they are on.

    `campaign.team` must be loaded. Canvassers only read."""
    if not (user and user.is_authenticated):
        return False
    if user.has_role(Role.ORGANIZER):
        return True
    if user.role != Role.LEADER:
        return False
    return campaign.lead_id == user.id or any(member.id == user.id for member in campaign.team)


def can_edit_directory(user) -> bool:
    """Actors and local bodies are shared: organizers and leaders keep them up to date."""
    return can_create(user)


# --- Time --------------------------------------------------------------------------------------------


def local_to_utc(moment: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time typed in the organization's timezone, as aware UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def utc_to_local(moment: datetime | None, timezone: str) -> datetime | None:
    """A stored time as naive wall-clock time in `timezone` (what a datetime-local field shows)."""
    if moment is None:
        return None
    return aware_utc(moment).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


# --- Loading -----------------------------------------------------------------------------------------


def campaign_page_options() -> tuple:
    """What a campaign's page shows, loaded on purpose."""
    return (
        selectinload(Campaign.lead),
        selectinload(Campaign.team),
        selectinload(Campaign.issues),
        selectinload(Campaign.stakeholders),
        selectinload(Campaign.campaign_actors).selectinload(CampaignActor.actor).selectinload(Actor.local_body),
        selectinload(Campaign.actions).selectinload(Action.target),
        selectinload(Campaign.actions).selectinload(Action.demands),
        selectinload(Campaign.actions).selectinload(Action.attendees),
        selectinload(Campaign.actions)
        .selectinload(Action.power_changes)
        .selectinload(PowerChange.campaign_actor)
        .selectinload(CampaignActor.actor),
    )


def load_campaign(campaign_id: int) -> Campaign | None:
    """A campaign with everything its page shows, loaded on purpose."""
    return db.session.scalar(select(Campaign).where(Campaign.id == campaign_id).options(*campaign_page_options()))


def action_page_options() -> tuple:
    """What an action's page shows: its campaign (team, power map), demands, attendees and evaluation."""
    return (
        selectinload(Action.campaign).selectinload(Campaign.team),
        selectinload(Action.campaign).selectinload(Campaign.campaign_actors).selectinload(CampaignActor.actor),
        selectinload(Action.target),
        selectinload(Action.demands),
        selectinload(Action.attendees).selectinload(Attendee.resident),
        selectinload(Action.power_changes).selectinload(PowerChange.campaign_actor).selectinload(CampaignActor.actor),
    )


def load_action(action_id: int) -> Action | None:
    """An action with its campaign (team, power map), demands, attendees and evaluation."""
    return db.session.scalar(select(Action).where(Action.id == action_id).options(*action_page_options()))


def list_campaigns() -> list[Campaign]:
    """Every campaign (all roles read them), the live ones first."""
    order = {"active": 0, "planning": 1, "research": 2, "paused": 3, "won": 4, "lost": 5}
    campaigns = db.session.scalars(
        select(Campaign).options(selectinload(Campaign.lead), selectinload(Campaign.team)).order_by(Campaign.name)
    ).all()
    return sorted(campaigns, key=lambda c: (order.get(c.status, 9), c.name.lower()))


def actor_choices() -> list[Actor]:
    return list(db.session.scalars(select(Actor).order_by(Actor.name)))


def user_choices() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role != Role.CANVASSER).order_by(User.display_name)
        )
    )


def issue_choices() -> list[Issue]:
    return list(db.session.scalars(select(Issue).order_by(Issue.name)))


# --- Campaigns ---------------------------------------------------------------------------------------


@dataclass
class StakeholderRow:
    """One constituent, ally or opponent as typed in the chart."""

    kind: str
    who: str
    whose_problem: str | None = None
    gain_or_risk: str | None = None
    power: str | None = None


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def save_campaign(
    campaign: Campaign | None,
    data: dict,
    *,
    by: User,
    lead_id: int | None,
    team_ids: list[int],
    issue_ids: list[int],
    stakeholders: list[StakeholderRow],
    primary_target_id: int | None,
    secondary_target_ids: list[int],
) -> Campaign:
    """Create (campaign None) or update a strategy chart with all its rows (audited)."""
    created = campaign is None
    if campaign is None:
        campaign = Campaign(created_by_id=by.id, team=[], issues=[], stakeholders=[], campaign_actors=[])
        db.session.add(campaign)
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, _clean(data[name]))
    campaign.lead_id = lead_id
    members = set(team_ids) | ({lead_id} if lead_id else set())
    if campaign.id is None:
        members.add(by.id)  # whoever starts a campaign is on its team
    campaign.team = list(db.session.scalars(select(User).where(User.id.in_(members)))) if members else []
    campaign.issues = list(db.session.scalars(select(Issue).where(Issue.id.in_(issue_ids)))) if issue_ids else []
    _replace_stakeholders(campaign, stakeholders)
    set_targets(campaign, primary_target_id, secondary_target_ids)
    db.session.flush()
    audit.record("campaign.create" if created else "campaign.update", campaign)
    return campaign


def _replace_stakeholders(campaign: Campaign, rows: list[StakeholderRow]) -> None:
    kept = [row for row in rows if (row.who or "").strip()]
    existing = list(campaign.stakeholders)
    new_rows = []
    for position, row in enumerate(kept):
        stakeholder = existing[position] if position < len(existing) else Stakeholder()
        stakeholder.position = position
        stakeholder.kind = row.kind
        stakeholder.who = row.who.strip()
        stakeholder.whose_problem = _clean(row.whose_problem)
        stakeholder.gain_or_risk = _clean(row.gain_or_risk)
        stakeholder.power = _clean(row.power)
        new_rows.append(stakeholder)
    campaign.stakeholders = new_rows


def set_targets(campaign: Campaign, primary_id: int | None, secondary_ids: list[int]) -> None:
    """Mark the primary and secondary targets on the power map (adding them if needed)."""
    secondary = [actor_id for actor_id in secondary_ids if actor_id != primary_id]
    wanted = {actor_id: "secondary" for actor_id in secondary}
    if primary_id:
        wanted[primary_id] = "primary"
    by_actor = {link.actor_id: link for link in campaign.campaign_actors}
    for link in campaign.campaign_actors:
        if link.actor_id not in wanted and link.role in ("primary", "secondary"):
            link.role = "other"
    for actor_id, role in wanted.items():
        link = by_actor.get(actor_id)
        if link is None:
            actor = db.session.get(Actor, actor_id)
            if actor is None:
                continue
            link = CampaignActor(actor=actor, influence=actor.influence, stance=actor.stance)
            campaign.campaign_actors.append(link)
        link.role = role


def targets(campaign: Campaign, role: str) -> list[CampaignActor]:
    return [link for link in campaign.campaign_actors if link.role == role]


def place_actor(campaign: Campaign, actor: Actor, influence: int, stance: int, role: str | None = None):
    """Put an actor on the campaign's power map, or move it."""
    link = next((link for link in campaign.campaign_actors if link.actor_id == actor.id), None)
    if link is None:
        link = CampaignActor(actor=actor, role=role or "other")
        campaign.campaign_actors.append(link)
    elif role:
        link.role = role
    link.influence, link.stance = influence, stance
    db.session.flush()
    audit.record("campaign.power_map", campaign, actor_id_moved=actor.id)
    return link


def remove_actor(campaign: Campaign, link: CampaignActor) -> None:
    """Take an actor off this campaign's power map (the actor stays in the directory)."""
    link_id = link.id
    campaign.campaign_actors.remove(link)
    db.session.flush()
    audit.record("campaign.power_map", campaign, removed=link_id)


# --- Directory: actors and local bodies --------------------------------------------------------------


def save_actor(actor: Actor | None, data: dict) -> Actor:
    """Create or update an actor of the directory."""
    if actor is None:
        actor = Actor()
        db.session.add(actor)
    for name in ACTOR_FIELDS:
        if name in data:
            setattr(actor, name, _clean(data[name]))
    db.session.flush()
    audit.record("actor.save", actor)
    return actor


@dataclass
class MeetingRow:
    """A council meeting date as typed (UTC)."""

    starts_at: datetime | None
    title: str | None = None
    place: str | None = None


def save_local_body(body: LocalBody | None, data: dict, meetings: list[MeetingRow]) -> LocalBody:
    """Create or update a local body and its council meeting dates."""
    if body is None:
        body = LocalBody(meetings=[])
        db.session.add(body)
    for name in LOCAL_BODY_FIELDS:
        if name in data:
            setattr(body, name, _clean(data[name]))
    rows = sorted((row for row in meetings if row.starts_at), key=lambda row: row.starts_at)
    existing = list(body.meetings)
    kept = []
    for index, row in enumerate(rows):
        meeting = existing[index] if index < len(existing) else CouncilMeeting()
        meeting.starts_at, meeting.title, meeting.place = row.starts_at, _clean(row.title), _clean(row.place)
        kept.append(meeting)
    body.meetings = kept
    db.session.flush()
    audit.record("local_body.save", body)
    return body


# --- Actions -----------------------------------------------------------------------------------------


@dataclass
class DemandRow:
    """A demand and the target's answer."""

    text: str
    answer: str = "no_answer"
    answer_note: str | None = None


def save_action(action: Action | None, campaign: Campaign, data: dict, demands: list[DemandRow], *, by: User):
    """Create or update an action of `campaign` with its demands (audited)."""
    created = action is None
    if action is None:
        action = Action(campaign=campaign, created_by_id=by.id, demands=[], attendees=[], power_changes=[])
        db.session.add(action)
    for name in ACTION_FIELDS:
        if name in data:
            setattr(action, name, _clean(data[name]))
    kept = [row for row in demands if (row.text or "").strip()]
    existing = list(action.demands)
    rows = []
    for position, row in enumerate(kept):
        demand = existing[position] if position < len(existing) else Demand()
        demand.position, demand.text = position, row.text.strip()
        demand.answer, demand.answer_note = row.answer or "no_answer", _clean(row.answer_note)
        rows.append(demand)
    action.demands = rows
    if action.target_actor_id and all(link.actor_id != action.target_actor_id for link in campaign.campaign_actors):
        # The target of an action belongs on the campaign's power map.
        target = db.session.get(Actor, action.target_actor_id)
        if target is not None:
            campaign.campaign_actors.append(
                CampaignActor(actor=target, role="other", influence=target.influence, stance=target.stance)
            )
    db.session.flush()
    audit.record("action.create" if created else "action.update", action)
    return action


def add_resident(action: Action, resident_id: int, *, rsvp: str | None = None, attended: bool = False) -> Attendee:
    """Invite or check in a known resident (once per action)."""
    attendee = next((a for a in action.attendees if a.resident_id == resident_id), None)
    if attendee is None:
        attendee = Attendee(resident_id=resident_id, consent=True)
        action.attendees.append(attendee)
    if rsvp:
        attendee.rsvp = rsvp
    if attended:
        set_attended(attendee, True)
    db.session.flush()
    audit.record("action.attendee", action, attendee=attendee.id, checked_in=attended)
    return attendee


def add_walk_in(action: Action, name: str, *, phone: str | None, consent: bool) -> Attendee:
    """Someone who came without being on the list: kept by name only with their consent."""
    if not consent:
        raise ValueError("walk-ins are recorded only with their consent")
    attendee = Attendee(name=name.strip(), phone=phone_e164(phone), consent=True, rsvp=None)
    action.attendees.append(attendee)
    set_attended(attendee, True)
    db.session.flush()
    audit.record("action.attendee", action, attendee=attendee.id, walk_in=True)
    return attendee


def set_attended(attendee: Attendee, attended: bool) -> None:
    """Check someone in (or undo it)."""
    attendee.attended = attended
    attendee.checked_in_at = utcnow() if attended else None


ATTENDEE_OPERATIONS = ("check_in", "undo", "remove")


def update_attendee(action: Action, attendee: Attendee, operation: str) -> None:
    """Check in, undo a check-in, set an RSVP answer, or take someone off the list (audited).

    Raises ValueError for an unknown operation."""
    if operation == "check_in":
        set_attended(attendee, True)
    elif operation == "undo":
        set_attended(attendee, False)
    elif operation in RSVP_ANSWERS:
        attendee.rsvp = operation
    elif operation == "remove":
        action.attendees.remove(attendee)
    else:
        raise ValueError(operation)
    attendee_id = attendee.id
    db.session.flush()
    audit.record("action.attendee", action, attendee=attendee_id, op=operation)


def actual_turnout(action: Action) -> int:
    """How many people were checked in."""
    return sum(1 for attendee in action.attendees if attendee.attended)


def rsvp_count(action: Action) -> int:
    return sum(1 for attendee in action.attendees if attendee.rsvp == "yes")


def evaluate(action: Action, data: dict, moves: dict[int, tuple[int, int]]) -> list[PowerChange]:
    """Record the debrief and move actors on the power map: moves = {campaign_actor_id: (influence, stance)}."""
    for name in EVALUATION_FIELDS:
        if name in data:
            setattr(action, name, _clean(data[name]))
    action.evaluated_at = action.evaluated_at or utcnow()
    changes = []
    links = {link.id: link for link in action.campaign.campaign_actors}
    for link_id, (influence, stance) in moves.items():
        link = links.get(link_id)
        if link is None or (link.influence, link.stance) == (influence, stance):
            continue
        change = PowerChange(
            campaign_actor=link,
            old_influence=link.influence,
            new_influence=influence,
            old_stance=link.stance,
            new_stance=stance,
        )
        action.power_changes.append(change)
        link.influence, link.stance = influence, stance
        changes.append(change)
    db.session.flush()
    audit.record("action.evaluate", action, power_changes=len(changes))
    return changes


@dataclass
class TimelineEntry:
    """One line of a campaign's timeline: an action, and its evaluation when there is one."""

    when: datetime
    action: Action
    turnout: int
    upcoming: bool


def timeline(campaign: Campaign) -> list[TimelineEntry]:
    """The campaign's actions, most recent first, with turnout and evaluation."""
    now = utcnow()
    entries = [
        TimelineEntry(
            when=aware_utc(action.starts_at),
            action=action,
            turnout=actual_turnout(action),
            upcoming=aware_utc(action.starts_at) > now,
        )
        for action in campaign.actions
    ]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


# --- Calendar tokens ---------------------------------------------------------------------------------


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_calendar_token(user: User) -> str:
    """A new secret feed token for `user`; only its hash is kept, so show it now."""
    raw = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(user_id=user.id, token_hash=_hash_token(raw), hint=raw[:6]))
    db.session.flush()
    audit.record("calendar.token_create", user)
    return raw


def mark_calendar_token_used(token_id: int) -> None:
    """Remember when a feed was last read (shown to its owner beside the URL)."""
    token = db.session.get(CalendarToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
        db.session.flush()


def revoke_calendar_token(token: CalendarToken) -> None:
    """The feed URL stops answering at once."""
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()
    audit.record("calendar.token_revoke", ("users", token.user_id), token=token.id)


def find_calendar_token(raw: str) -> CalendarToken | None:
    """The live token matching `raw` (its user active), or None."""
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalar(
        select(CalendarToken)
        .where(CalendarToken.token_hash == _hash_token(raw), CalendarToken.revoked_at.is_(None))
        .options(selectinload(CalendarToken.user))
    )
    if token is None or not token.user.active or token.revoked_for(token.user):
        return None
    return token


def calendar_tokens(user: User) -> list[CalendarToken]:
    return list(
        db.session.scalars(
            select(CalendarToken).where(CalendarToken.user_id == user.id).order_by(CalendarToken.created_at.desc())
        )
    )


def invite_search(action: Action, user, search, selection) -> int:
    """Invite every resident of a saved search's `selection` to `action` (never do-not-contact, never twice);
    audited; returns how many were added."""
    added = lists.invite(user, selection, Attendee.__table__, "resident_id", {"action_id": action.id})
    audit.record("action.invite_search", action, search=search.id, count=added)
    return added
