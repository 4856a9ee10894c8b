"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from organizer import create_app

app = create_app()
