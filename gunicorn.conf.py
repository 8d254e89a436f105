"""gunicorn settings for `make serve` (production settings); every value can be overridden by environment."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# The usual rule for sync workers: two per core plus one, unless WEB_CONCURRENCY says otherwise.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request still running after this many seconds is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Replace workers now and then, so a slow leak never grows unbounded; rarely, since a new worker spends
# about a second of CPU starting, and a worker answering 1,000 stored pages a second would restart every
# two seconds at 2,000. Memory is bounded without it (the page cache remembers 8 MB per worker).
max_requests = int(os.environ.get("MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# Standard output by default; ACCESS_LOG names a file, or is empty for none (the benchmarks: the peers log none).
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
# Behind our own reverse proxy on the same host: trust its X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Refuse oversize request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
wsgi_app = "site_config.wsgi:application"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'site_config.settings.prod')}"]
