"""What the resident pages share: who may see the list, and the list's filters read from a request."""

from flask import current_app

from organizer.residents import lists, services
from organizer.residents.labels import STAGE_LABELS

ALL_ROLES = ("organizer", "leader", "canvasser")


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


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
    args = {key: values.get(tag_key if key == "tag" else key) for key in lists.FILTER_KEYS}
    return services.Filters(
        q=(args.get("q") or "").strip()[:200],
        turf_id=_int(args.get("turf")),
        tag_id=_int(args.get("tag")),
        issue_id=_int(args.get("issue")),
        support_level=_int(args.get("support")) if current_app.config["SUPPORT_LEVELS_ENABLED"] else None,
        stage=args.get("stage") if args.get("stage") in STAGE_LABELS else None,
        contacted=args.get("contacted") if args.get("contacted") in ("7", "30", "90", "never", "over90") else None,
        dnc=args.get("dnc") if args.get("dnc") in ("only", "exclude") else None,
    )
