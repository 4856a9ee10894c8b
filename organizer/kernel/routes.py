"""Routes written in several modules of one feature, mounted on the feature's one blueprint explicitly."""

from collections.abc import Callable

from flask import Blueprint


class Routes:
    """Collects `@routes.route(...)` like a blueprint does; `register_on(bp)` mounts them (same endpoints)."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, dict, Callable]] = []

    def route(self, rule: str, **options) -> Callable[[Callable], Callable]:
        """Remember `rule` for the decorated view; nothing is mounted until register_on()."""

        def decorator(view: Callable) -> Callable:
            self._rules.append((rule, options, view))
            return view

        return decorator

    def register_on(self, bp: Blueprint) -> None:
        """Add every remembered rule to `bp`, endpoint named after the view function as @bp.route does."""
        for rule, options, view in self._rules:
            options = dict(options)
            endpoint = options.pop("endpoint", view.__name__)
            bp.add_url_rule(rule, endpoint, view, **options)
