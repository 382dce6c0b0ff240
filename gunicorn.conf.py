"""gunicorn's configuration for QMS in production: ``gunicorn -c gunicorn.conf.py``.

Every value can be set from the environment (``QMS_WORKERS``...), so one file serves a
laptop test and a server. The fault tests start their servers with this file, so what
they prove is what production runs.
"""
import multiprocessing
import os

wsgi_app = "qms:create_app()"
bind = os.environ.get("QMS_BIND", "0.0.0.0:8000")

# Sync workers, one request each: the search and template caches are per process, and
# Word generation and signing are CPU-bound, so processes (not threads) use the cores.
# Two per core plus one keeps a core busy while another worker waits on the database.
worker_class = "sync"
workers = int(os.environ.get("QMS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = 1

# A request that takes longer than this (a stuck worker) is killed and the worker
# replaced; the slowest honest requests (a large upload checked, a Word file rendered)
# take a few seconds.
timeout = int(os.environ.get("QMS_WORKER_TIMEOUT", 60))
# On a reload (HUP) or a stop, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("QMS_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Workers are replaced after a number of requests, at staggered moments (the jitter), so
# a slow leak never grows without bound and never restarts all workers at once.
max_requests = int(os.environ.get("QMS_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("QMS_MAX_REQUESTS_JITTER", 100))

# Each worker opens its own database connections: no app loaded before the fork.
preload_app = False

# Requests beyond these limits are refused before they reach the app.
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("QMS_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("QMS_LOG_LEVEL", "info")
