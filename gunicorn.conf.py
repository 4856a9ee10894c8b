"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working directory."""

import multiprocessing
import os

bind = os.environ.get("ORGANIZER_BIND", "127.0.0.1:8000")
# Two workers per core is plenty for a CRM; the database is the bottleneck, not Python.
workers = int(os.environ.get("ORGANIZER_WORKERS", min(4, 2 * multiprocessing.cpu_count())))
threads = int(os.environ.get("ORGANIZER_THREADS", 1))
# Long work (imports, walk sheet batches) runs in background jobs, so a request never needs long.
timeout = int(os.environ.get("ORGANIZER_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then: bounded memory over weeks of uptime.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Behind a reverse proxy on the same machine: trust its X-Forwarded-* (see ORGANIZER_PROXY_FIX_HOPS).
forwarded_allow_ips = os.environ.get("ORGANIZER_FORWARDED_ALLOW_IPS", "127.0.0.1")
