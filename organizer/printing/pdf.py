"""render_pdf(): Jinja templates to PDF with WeasyPrint, fetching nothing but the app's own static files."""

from contextlib import nullcontext
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, has_request_context, render_template
from flask_babel import get_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from organizer.i18n import paper_size

# Relative URLs in printed templates resolve against this base; it names no real host.
ASSET_BASE_URL = "http://organizer-assets.invalid/static/"
_ASSET_HOST = urlsplit(ASSET_BASE_URL).netloc
_MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}


class RefusedURL(ValueError):
    """A printed document asked for something outside the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and files under the static folder; refuses file:, network and everything else."""

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=("http", "data"), allow_redirects=False, fail_on_errors=False)
        self.static_root = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme == "http" and parts.netloc == _ASSET_HOST and parts.path.startswith("/static/"):
            path = (self.static_root / unquote(parts.path.removeprefix("/static/"))).resolve()
            if path.is_file() and path.is_relative_to(self.static_root):
                mime = _MIME_TYPES.get(path.suffix, "application/octet-stream")
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        self.refused.append(url)
        raise RefusedURL(f"printed documents may not load {url[:80]!r}")


def html_to_pdf(html: str, static_folder: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes with the locked-down fetcher."""
    fetcher = StaticOnlyFetcher(static_folder or current_app.static_folder)
    pdf = HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=fetcher).write_pdf()
    if fetcher.refused:
        current_app.logger.warning("PDF rendering refused %d URL(s)", len(fetcher.refused))
    return pdf


def render_print_html(template: str, **context) -> str:
    """The HTML of a printed document, in the current locale and with its paper size."""
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    context.setdefault("paper", paper_size(locale))
    context.setdefault("lang", locale)
    return render_template(template, **context)


def render_pdf(template: str, **context) -> bytes:
    """Render `template` (in the current locale, with its paper size) to PDF bytes, in a request or not.

    From the command line or a job there is no request: one is simulated, as the layout's context
    processors (navigation, language) expect one."""
    with nullcontext() if has_request_context() else current_app.test_request_context():
        return html_to_pdf(render_print_html(template, **context))


def pdf_response(pdf: bytes, filename: str, inline: bool = False) -> Response:
    """An HTTP response carrying a PDF download that no cache keeps."""
    disposition = "inline" if inline else "attachment"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
