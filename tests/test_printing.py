"""The PDF renderer fetches nothing outside the app's static files."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from organizer.printing.pdf import StaticOnlyFetcher, html_to_pdf


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.any_database
def test_renders_text_and_own_stylesheet(app):
    with app.app_context():
        pdf = html_to_pdf(
            '<html><head><link rel="stylesheet" href="css/print-base.css"></head>'
            '<body class="paper-a4"><h1>Feuille de porte-à-porte</h1><p>12 bis rue Joffre</p></body></html>'
        )
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Feuille de porte-à-porte" in text and "12 bis rue Joffre" in text


@pytest.mark.any_database
def test_refuses_files_and_network(app, tmp_path):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    port = server.server_port
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css"></head><body>'
        f'<img src="file:///etc/passwd"><img src="file://{secret}">'
        f'<img src="http://127.0.0.1:{port}/tracker.png">'
        '<img src="../../../../etc/passwd"><img src="http://organizer-assets.invalid/static/../../pyproject.toml">'
        f'<object data="file://{secret}"></object><iframe src="file://{secret}"></iframe>'
        f'<p>Nom: &lt;img src="file:///etc/passwd"&gt;</p></body></html>'
    )
    fetcher = StaticOnlyFetcher(app.static_folder)
    from weasyprint import HTML

    with app.app_context():
        pdf = HTML(string=html, base_url="http://organizer-assets.invalid/static/", url_fetcher=fetcher).write_pdf()
    server.shutdown()
    assert hits == []
    assert "TOP-SECRET-CONTENT" not in pdf_text(pdf)
    assert b"root:x:0" not in pdf
    refused = " ".join(fetcher.refused)
    assert "file:///etc/passwd" in refused and f"127.0.0.1:{port}" in refused and "pyproject.toml" in refused
