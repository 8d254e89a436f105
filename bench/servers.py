"""Real app servers for the benchmark and the two-server test: a site in a folder, gunicorn processes on it.

A `Site` is a database, media, static and page-cache folder under one directory, configured the way
production is (site_config.settings.prod, DEBUG off) but over plain HTTP on loopback.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, folder: Path, **env: str):
        self.folder = Path(folder)
        inherited = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "PAGE_CACHE_URL"}}
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://example.org",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{self.folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.folder / "media"),
            "STATIC_ROOT": str(self.folder / "static"),
            "PAGE_CACHE_DIR": str(self.folder / "page-cache"),
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG": "",  # none, as the peers (gunicorn.conf.py logs every request to stdout by default)
            **env,
        }
        self.servers: list[subprocess.Popen] = []

    def manage(self, *args: str, **env: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **env}, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code: str, **env: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code, **env).strip()

    def build(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.manage("collectstatic", "--noinput")  # first: with DEBUG off, checks need the manifest
        self.manage("migrate", "--noinput")

    def serve(self, *, workers: int = 2, port: int | None = None, counts_dir: Path | None = None, **env: str) -> str:
        """Start gunicorn (sync workers) and return its address once it answers. With `counts_dir`, each
        worker writes its requests, page-cache hits and queries there when it exits (see `counts`)."""
        port = port or free_port()
        if counts_dir is not None:
            Path(counts_dir).mkdir(parents=True, exist_ok=True)
            env = {**env, "BENCH_COUNTS_DIR": str(counts_dir)}
        config = ["-c", str(ROOT / "bench" / "gunicorn_counts.py")] if counts_dir is not None else []
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                *config,
                "site_config.wsgi",
                "-w",
                str(workers),
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**self.env, **env},
        )
        self.servers.append(process)
        address = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(address + "/robots.txt", timeout=1)
                return address
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}") from None
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn on port {port} did not answer")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of every worker of every server started."""
        sizes = []
        for server in self.servers:
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
            for pid in children.read_text().split() if children.exists() else []:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    @staticmethod
    def counts(counts_dir: Path) -> dict[str, int]:
        """Requests, page-cache hits and misses and queries of every worker that has exited (after stop())."""
        total = {"requests": 0, "hits": 0, "misses": 0, "queries": 0}
        for path in Path(counts_dir).glob("*.json"):
            for key, value in json.loads(path.read_text()).items():
                total[key] += value
        return total

    def stop(self) -> None:
        for server in self.servers:
            server.send_signal(signal.SIGTERM)
        for server in self.servers:
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        self.servers.clear()
