"""Why a turf cannot be cut, assigned or filled as asked."""

from flask_babel import lazy_gettext as _l


class TurfError(ValueError):
    """A turf cannot be cut, assigned or filled as asked; str() gives the reason in the current language."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OverlapError(TurfError):
    """The cut would take addresses that belong to other turfs; the caller must confirm (`preview`: a CutPreview)."""

    def __init__(self, preview):
        super().__init__(_l("Some of these addresses belong to other turfs."))
        self.preview = preview
