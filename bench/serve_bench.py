#!/usr/bin/env python
"""Serving benchmark: our public pages against the same article as a static file, with wrk.

Builds a site in a temporary folder (production settings, DEBUG off, SQLite), serves it with gunicorn
(2 sync workers) three ways: with the page cache on the embedded default (files), with the cache in Redis
(--redis), and with the cache off. The article page's HTML is saved as a static file served by the first
gunicorn through WhiteNoise. Each target gets a warm-up, then `wrk -t2 -c16 -d10s`, in interleaved rounds
(order rotated each round); medians are printed with each one's ratio to the static file, with the load
average and the workers' resident memory. With --large N, a second site of N generated articles is served
with the cache off and each page's latency measured with one connection per worker (-c2), so that the
numbers are the page's own time rather than queueing, and every query of those pages is written with its
plan to --plans-dir (bench/query_plans.py). Each server's workers count requests, page-cache hits and
database queries (bench/gunicorn_counts.py), printed per 1,000 requests. It also writes serve.sh, to start
the cached server for ../shared/peer/peer_bench.sh (OUR_CMD="bash DIR/serve.sh PORT"), which --peer runs.

    .venv/bin/python bench/serve_bench.py [--rounds 3] [--duration 10s] [--redis redis://127.0.0.1:6379/13]
                                          [--large 100000] [--large-database-url postgres://...] [--keep DIR]
                                          [--peer [--peer-dir DIR]]
"""

import argparse
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import ROOT, Site, free_port

PEER_BENCH = ROOT.parent / "shared" / "peer" / "peer_bench.sh"

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def wrk(url: str, *, duration: str, threads: int = 2, connections: int = 16, headers=()) -> dict:
    # A long timeout: wrk's default (2 s) would leave a slow page's requests out of its p50 and p99.
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "30s", "--latency", url]
    for header in headers:
        args[1:1] = ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
        return float(number) * UNITS[unit]

    if int(re.search(r"(\d+) requests in", out).group(1)) == 0:  # none finished: slower than the run itself
        return {"rps": 0.0, "p50": math.inf, "p99": math.inf}

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms(latency["50"]),
        "p99": ms(latency["99"]),
    }


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def fetch(url: str) -> bytes:
    return urllib.request.urlopen(url, timeout=30).read()


def facts(site: Site) -> dict:
    code = (
        "from articles.models import Article, Tag, Topic; "
        "a = Article.objects.published().filter(topic__isnull=False).order_by('-published_at')[20]; "
        "t = Tag.objects.public().first(); "
        "from articles.sitemaps import ArticleSitemap; files = ArticleSitemap('https://x').paginator.num_pages; "
        "print(a.slug, a.topic.slug, t.slug, a.title.split()[0], files)"
    )
    slug, topic, tag, word, files = site.shell(code).split()
    return {"slug": slug, "topic": topic, "tag": tag, "word": word, "sitemap_files": files}


def serve_script(site: Site, folder: Path) -> Path:
    """serve.sh PORT: the cached server alone, as peer_bench.sh's OUR_CMD starts it."""
    keys = ["DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "SECURE_SSL_REDIRECT"]
    keys += ["DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "PAGE_CACHE_DIR", "LOG_LEVEL", "ACCESS_LOG"]
    env = " ".join(f"{key}={shlex.quote(site.env[key])}" for key in keys)
    script = folder / "serve.sh"
    script.write_text(
        f"#!/bin/sh\ncd {shlex.quote(str(ROOT))}\nexec env {env} {shlex.quote(sys.executable)} -m gunicorn "
        'site_config.wsgi -w 2 -k sync -b "127.0.0.1:$1" --log-level warning\n'
    )
    return script


def main_table(args, folder: Path) -> None:
    site = Site(folder / "site")
    site.build()
    site.manage("generate_articles", str(args.articles))
    f = facts(site)
    article = f"/articles/{f['slug']}/"
    counts = {name: folder / "counts" / name for name in ("cached", "redis", "cache off")}
    uncached = site.serve(PAGE_CACHE="0", counts_dir=counts["cache off"])
    # The same bytes as static files, written before the cached server starts (WhiteNoise scans at start): the
    # article is the yardstick of every ratio; the feed and the sitemap are far larger, so each also gets a
    # ratio to its own bytes served as a file.
    static_folder = Path(site.env["STATIC_ROOT"]) / "bench"
    static_folder.mkdir(parents=True, exist_ok=True)
    same_bytes = {"article.html": article, "feed.xml": "/feed/", "sitemap.xml": "/sitemap-articles.xml"}
    for name, path in same_bytes.items():
        (static_folder / name).write_bytes(fetch(uncached + path))
    cached = site.serve(counts_dir=counts["cached"])
    servers = {"cached": cached}
    if args.redis:
        servers["redis"] = site.serve(
            REDIS_URL=args.redis, CACHE_KEY_PREFIX=f"bench-{os.getpid()}", counts_dir=counts["redis"]
        )
    targets = {
        "static file (gunicorn + WhiteNoise)": cached + "/static/bench/article.html",
        "article, cached, embedded default (files)": cached + article,
        **({"article, cached, Redis": servers["redis"] + article} if args.redis else {}),
        "article, cache off": uncached + article,
        "home, cached": cached + "/",
        "topic, cached": cached + f"/topics/{f['topic']}/",
        "tag, cached": cached + f"/tags/{f['tag']}/",
        "search, cached": cached + f"/search/?q={f['word']}",
        "feed, cached": cached + "/feed/",
        "sitemap, cached": cached + "/sitemap-articles.xml",
        "feed's bytes as a static file": cached + "/static/bench/feed.xml",
        "sitemap's bytes as a static file": cached + "/static/bench/sitemap.xml",
        "home, cache off": uncached + "/",
    }
    print(f"site: {args.articles} articles; article page {len(fetch(cached + article)):,} bytes; load {load()}")
    results: dict[str, list[dict]] = {name: [] for name in targets}
    names = list(targets)
    for round_number in range(args.rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in order:
            wrk(targets[name], duration=args.warmup)
            results[name].append(wrk(targets[name], duration=args.duration))
        print(f"round {round_number + 1} done; load {load()}", flush=True)
    static = median_of(results[names[0]])["rps"]
    own = {"feed, cached": "feed's bytes as a static file", "sitemap, cached": "sitemap's bytes as a static file"}
    print("\n| target | bytes | req/s | p50 ms | p99 ms | × static | × same bytes static |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        m = median_of(results[name])
        mine = f"{m['rps'] / median_of(results[own[name]])['rps']:.2f}" if name in own else ""
        size = len(fetch(targets[name]))
        timings = f"{m['rps']:,.0f} | {m['p50']:.2f} | {m['p99']:.2f}"
        print(f"| {name} | {size:,} | {timings} | {m['rps'] / static:.2f} | {mine} |")
    rss = site.worker_rss_mb()
    print(f"\nworker resident memory after the run: {', '.join(f'{size:.0f} MB' for size in rss)}; load {load()}")
    script = serve_script(site, folder)
    site.stop()
    if args.peer:
        peer_bench(args, folder, script, article)
    else:
        print(f"peer bench: OUR_CMD='sh {script} 18199' {PEER_BENCH} '' http://127.0.0.1:18199{article}")
    print("\n| server (whole run, warm-ups in) | requests | page-cache hit rate (pages) | queries per 1,000 requests |")
    print("|---|---|---|---|")
    for name, counts_dir in counts.items():
        total = site.counts(counts_dir)
        if total["requests"]:
            pages = total["hits"] + total["misses"]
            hit_rate = f"{100 * total['hits'] / pages:.1f}% of {pages:,}" if pages else "no page cached (cache off)"
            per_thousand = 1000 * total["queries"] / total["requests"]
            print(f"| {name} | {total['requests']:,} | {hit_rate} | {per_thousand:,.1f} |")


def peer_bench(args, folder: Path, script: Path, article: str) -> None:
    """../shared/peer/peer_bench.sh with our cached article page (started alone, by serve.sh) beside Wagtail,
    a plain Django view, the static file and the bare WSGI app; its own table is printed as it comes."""
    workdir = Path(args.peer_dir or folder / "peer")
    port = free_port()
    env = {**os.environ, "OUR_CMD": f"sh {script} {port}", "ROUNDS": str(args.rounds), "DURATION": args.duration}
    print(f"\npeer bench ({PEER_BENCH}, work folder {workdir}); load {load()}", flush=True)
    subprocess.run(["bash", str(PEER_BENCH), str(workdir), f"http://127.0.0.1:{port}{article}"], env=env, check=True)


def large_table(args, folder: Path) -> None:
    env = {"DATABASE_URL": args.large_database_url} if args.large_database_url else {}
    site = Site(folder / "large", **env)
    site.build()
    started = time.monotonic()
    have = int(site.shell("from articles.models import Article; print(Article.objects.count())"))
    if have != args.large:  # a kept folder (--keep) of the right size is reused
        site.manage("flush", "--noinput")
        site.manage("generate_articles", str(args.large))
        print(f"\n{args.large:,} articles generated in {time.monotonic() - started:.0f} s", flush=True)
    site.shell("from django.contrib.auth.models import User; User.objects.filter(username='bench').delete()")
    f = facts(site)
    session = site.shell(
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY; "
        "from django.contrib.auth.models import User; from django.contrib.sessions.backends.db import SessionStore; "
        "u = User.objects.create_superuser('bench', 'b@example.org', 'x'); s = SessionStore(); "
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; "
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    server = site.serve(PAGE_CACHE="0")
    staff = [f"Cookie: sessionid={session}"]
    pages = {
        "home": ("/", ()),
        "list page 500": ("/?page=500", ()),
        "topic": (f"/topics/{f['topic']}/", ()),
        "tag": (f"/tags/{f['tag']}/", ()),
        "search": (f"/search/?q={f['word']}+care", ()),
        "article": (f"/articles/{f['slug']}/", ()),
        "feed": ("/feed/", ()),
        "sitemap index": ("/sitemap.xml", ()),
        "sitemap of articles, first file": ("/sitemap-articles.xml", ()),
        "sitemap of articles, last file": (f"/sitemap-articles.xml?p={f['sitemap_files']}", ()),
        "sitemap of tags": ("/sitemap-tags.xml", ()),
        "admin change list": ("/admin/articles/article/", staff),
        "admin change list, search": (f"/admin/articles/article/?q={f['word']}", staff),
    }
    print(
        f"\n| page, cache off, {args.large:,} articles ({site.env['DATABASE_URL'].split(':')[0]}) | p50 ms | p99 ms |"
    )
    print("|---|---|---|")
    for name, (path, headers) in pages.items():
        wrk(server + path, duration="2s", threads=1, connections=2, headers=headers)
        m = wrk(server + path, duration=args.large_duration, threads=1, connections=2, headers=headers)
        print(f"| {name} | {m['p50']:.1f} | {m['p99']:.1f} |", flush=True)
    print(f"worker resident memory: {', '.join(f'{size:.0f} MB' for size in site.worker_rss_mb())}; load {load()}")
    site.stop()
    # Every query of each page, timed, with its plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE), for the record.
    vendor = site.env["DATABASE_URL"].split(":")[0]
    plans = Path(args.plans_dir).resolve() / f"plans-{vendor}-{args.large}.txt"
    plans.parent.mkdir(parents=True, exist_ok=True)
    public = [path for path, headers in pages.values() if not headers]
    admin = [path for path, headers in pages.values() if headers]
    subprocess.run(
        [
            sys.executable,
            "bench/query_plans.py",
            *public,
            "--staff",
            "bench",
            "--staff-paths",
            *admin,
            "--output",
            plans,
        ],
        cwd=ROOT,
        env=site.env,
        check=True,
    )
    print(f"query plans: {plans}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--warmup", default="3s")
    parser.add_argument("--articles", type=int, default=500, help="size of the site of the main table")
    parser.add_argument("--redis", default="", help="a Redis URL for the Redis-cached target (e.g. db 13)")
    parser.add_argument("--large", type=int, default=0, help="also measure a site of this many articles")
    parser.add_argument("--large-database-url", default="", help="PostgreSQL for the large site (it is flushed)")
    parser.add_argument("--large-duration", default="10s")
    parser.add_argument("--plans-dir", default="var/bench-plans", help="where the large site's query plans go")
    parser.add_argument("--skip-main", action="store_true", help="only the large site")
    parser.add_argument("--peer", action="store_true", help=f"also run {PEER_BENCH} with our cached article page")
    parser.add_argument("--peer-dir", default="", help="peer_bench.sh's work folder (its venvs are reused there)")
    parser.add_argument("--keep", default="", help="build in this folder and keep it (serve.sh stays usable)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="serve-bench-"))
    print(f"{os.cpu_count()} cores; load {load()}; folder {folder}")
    try:
        if not args.skip_main:
            main_table(args, folder)
        if args.large:
            large_table(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
