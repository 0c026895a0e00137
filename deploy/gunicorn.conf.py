"""gunicorn settings for orgwork (gunicorn orgwork.wsgi --config deploy/gunicorn.conf.py)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "2"))
# Large sheets are uploaded, not processed, in the request; the worker does the heavy part.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Access lines without what a search typed, ID numbers masked (a list's search and the
# autocomplete send the typed text in the address).
logger_class = "orgwork.log_scrub.GunicornLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
