"""What the resident pages share: who may see the list, and the list's filters read from a request."""

from flask import current_app

from organizer.auth import records
from organizer.params import parse_int
from organizer.residents import lists, services
from organizer.residents.labels import STAGE_LABELS
from organizer.residents.models import Address

ALL_ROLES = ("organizer", "leader", "canvasser")


def _int(value, name: str = "id") -> int | None:
    """An id from the request (organizer.params: None when blank, 400 when not a bounded whole number)."""
    return parse_int(value, name)


def _turf_model() -> type:
    # Turfs are a layer above residents: reached through Address.turf's mapped class, not imported.
    return Address.turf.property.mapper.class_


def _filter_args(filters: services.Filters) -> dict:
    pairs = {
        "q": filters.q,
        "turf": filters.turf_id,
        "tag": filters.tag_id,
        "issue": filters.issue_id,
        "support": filters.support_level,
        "stage": filters.stage,
        "contacted": filters.contacted,
        "dnc": filters.dnc,
    }
    return {key: value for key, value in pairs.items() if value}


def _filters_from(values, tag_key: str = "tag") -> services.Filters:
    """The list's filters from the request's `values`; a turf outside the viewer's scope is a 404."""
    args = {key: values.get(tag_key if key == "tag" else key) for key in lists.FILTER_KEYS}
    turf_id = parse_int(args.get("turf"), "turf")
    return services.Filters(
        q=(args.get("q") or "").strip()[:200],
        turf_id=records.load(_turf_model(), turf_id).id if turf_id else None,
        tag_id=parse_int(args.get("tag"), tag_key),
        issue_id=parse_int(args.get("issue"), "issue"),
        support_level=parse_int(args.get("support"), "support", minimum=1, maximum=5)
        if current_app.config["SUPPORT_LEVELS_ENABLED"]
        else None,
        stage=args.get("stage") if args.get("stage") in STAGE_LABELS else None,
        contacted=args.get("contacted") if args.get("contacted") in ("7", "30", "90", "never", "over90") else None,
        dnc=args.get("dnc") if args.get("dnc") in ("only", "exclude") else None,
    )
