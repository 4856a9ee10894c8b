"""Whole numbers read from a request (query string, form, URL path): bounded, or a 400 that says why.

Python's int() takes any length, the databases do not: an id of twenty digits reached SQLite as an
OverflowError (500). Every integer a view reads from the request goes through int_arg()/int_list(), and
every <int:...> in a URL through IdConverter."""

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# The largest id both databases store (PostgreSQL's integer); larger numbers name no record.
MAX_ID = 2**31 - 1


class BadParameter(BadRequest):
    """A request parameter that is not what the page reads; its description is shown to the person."""


def parse_int(raw, name: str, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`raw` as an integer within [minimum, maximum]; None when blank; BadParameter otherwise."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        raise BadParameter(_l("“%(name)s” must be a whole number.", name=name))
    # Never int() a thousand digits: anything longer than the bounds is out of range as it stands.
    value = int(text) if len(digits) <= len(str(max(abs(minimum), abs(maximum)))) else None
    if value is None or not minimum <= value <= maximum:
        raise BadParameter(
            _l("“%(name)s” must be between %(minimum)s and %(maximum)s.", name=name, minimum=minimum, maximum=maximum)
        )
    return value


def int_arg(
    name: str, default: int | None = None, *, values: MultiDict | None = None, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """The integer parameter `name` of the request (query string, or `values` such as request.form)."""
    source = request.args if values is None else values
    value = parse_int(source.get(name), name, minimum, maximum)
    return default if value is None else value


def int_list(name: str, *, values: MultiDict | None = None, minimum: int = 0, maximum: int = MAX_ID) -> list[int]:
    """Every integer given for `name` (repeated parameter, ticked boxes), blanks skipped, in order."""
    source = request.args if values is None else values
    parsed = (parse_int(raw, name, minimum, maximum) for raw in source.getlist(name))
    return [value for value in parsed if value is not None]


class IdConverter(IntegerConverter):
    """<int:...> in URLs: a number too large to be an id matches no route (404), instead of reaching the database."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
