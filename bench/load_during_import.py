#!/usr/bin/env python
"""Load while importing: the site under gunicorn (2 workers, production settings) takes 32 concurrent
connections for 30 seconds on article, home, topic and search pages while 2,000 articles import.

Prints requests, non-2xx/3xx responses, socket errors, 5xx (from gunicorn's access log), p50 and
p99 latency, and how the import ended. Target: zero errors and zero 5xx.

    .venv/bin/python bench/load_during_import.py                      # SQLite in a temporary folder
    .venv/bin/python bench/load_during_import.py --database-url postgres://postgres@127.0.0.1:5432/bench
        # an existing PostgreSQL database whose content may be thrown away (it is flushed first)

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from import_bench import generate, generate_wxr  # noqa: E402

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else ""


def page_paths(env: dict) -> list[str]:
    code = (
        "import json; from articles.models import Article, Topic;"
        "a = [x.get_absolute_url() for x in Article.objects.published()[:20]];"
        "t = [x.get_absolute_url() for x in Topic.objects.all()[:5]];"
        "print(json.dumps({'articles': a, 'topics': t}))"
    )
    found = json.loads(manage(env, "shell", "-c", code, capture=True).strip().splitlines()[-1])
    if not found["articles"] or not found["topics"]:
        sys.exit(f"seeding left no articles or no topics: {found}")
    searches = ["/search/?q=therapy", "/search/?q=anxiety+sleep", "/search/?q=family"]
    return ["/", "/topics/", *found["articles"], *found["topics"], *searches]


def percentile_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (flushed first); default: SQLite in a temp folder")
    parser.add_argument("-n", type=int, default=2000, help="articles imported during the load (default 2000)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="load-during-import-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
        "SECRET_KEY": "bench-only-" + "x7#Q" * 15,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://example.org",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback, no TLS proxy in front
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'site.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{port}",
        "ACCESS_LOG": str(work / "access.log"),
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "-v0")
    if args.database_url:
        manage(env, "flush", "--noinput", "-v0")
    (work / "seed").mkdir()
    generate_wxr(work / "seed" / "export.xml", 300)  # pages to read, with topics and tags
    manage(env, "import_articles", str(work / "seed"), capture=True)
    (work / "import").mkdir()
    generate(work / "import", args.n)
    paths = page_paths(env)
    (work / "paths.lua").write_text(LUA % ", ".join(json.dumps(p) for p in paths))

    server_log = (work / "gunicorn.err").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stderr=server_log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"gunicorn did not answer /healthz: see {work / 'gunicorn.err'}")
        (work / "access.log").write_text("")  # count only the load's requests

        started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "manage.py", "import_articles", str(work / "import")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        load = subprocess.run(
            [
                "wrk",
                "-t",
                "4",
                "-c",
                str(args.connections),
                "-d",
                f"{args.seconds}s",
                # wrk's default 2 s would count a slow answer as an error; 10 s is a browser's patience.
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(work / "paths.lua"),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        import_output, _ = importer.communicate()
        import_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()

    text = load.stdout
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    statuses = re.findall(r'" (\d{3}) ', (work / "access.log").read_text())
    server_errors = sum(status.startswith("5") for status in statuses)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{database}: {args.connections} connections for {args.seconds} s over {len(paths)} pages, "
        f"while importing {args.n} articles"
    )
    print(f"requests {requests} ({requests / args.seconds:.0f}/s)")
    print(f"non-2xx/3xx {int(non_2xx.group(1)) if non_2xx else 0}")
    print(
        f"socket errors {sum(map(int, errors.groups())) if errors else 0}" + (f" ({errors.group(0)})" if errors else "")
    )
    print(f"5xx in the access log {server_errors} of {len(statuses)} logged")
    print(f"latency p50 {percentile_ms(text, '50'):.1f} ms, p99 {percentile_ms(text, '99'):.1f} ms")
    summary = [line.strip() for line in import_output.splitlines() if line.strip()]
    print(f"import exit {importer.returncode} in {import_seconds:.1f} s: {summary[-1] if summary else ''}")
    ok = importer.returncode == 0 and not server_errors and not non_2xx and not errors
    shutil.rmtree(work)
    print("target met: zero errors, zero 5xx" if ok else "TARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
