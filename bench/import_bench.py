#!/usr/bin/env python
"""Import benchmark: N generated scraped-text pages into a fresh SQLite database.

Prints articles per second and peak memory (RSS) for a first import and for an
unchanged re-import, each run in its own process so each peak is its own.
Targets on a 2-core machine: first import >= 500/s, re-import >= 2,000/s, peak < 300 MB.

    .venv/bin/python bench/import_bench.py [-n 10000] [--keep DIR]
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"first": 500, "reimport": 2000}
PEAK_LIMIT_MB = 300

WORDS = [
    "therapy",
    "anxiety",
    "stress",
    "client",
    "therapist",
    "session",
    "confidential",
    "trust",
    "city",
    "support",
    "care",
    "family",
    "work",
    "relationship",
    "change",
    "practice",
    "approach",
    "health",
    "mind",
    "balance",
    "sleep",
    "routine",
    "goal",
    "progress",
    "listen",
]


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 20))
    return " ".join(words).capitalize() + "."


def page(i: int, n: int, rng: random.Random) -> str:
    title = f"Article {i}: {' '.join(rng.choices(WORDS, k=5))}"
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(4, 7))) for _ in range(6)]
    # Every tenth page points at another page, the way scraped pages carry " ." link residue.
    if i % 10 == 0:
        paragraphs[0] += f" Article {rng.randrange(n)}: something else ."
    lines = [title, "", title, "", title, ""]
    lines += [p + "\n\n" for p in paragraphs]
    lines += [rng.choice(WORDS) + " nyc", "", "", f"About {rng.choice(WORDS)}"]
    return "\n".join(lines)


def generate(directory: Path, n: int) -> None:
    rng = random.Random(42)
    for i in range(n):
        (directory / f"{i:06d}.txt").write_text(page(i, n, rng), encoding="utf-8")


def bench_env(db: Path) -> dict:
    # As in production: DEBUG off (no query log), the embedded SQLite configuration.
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "site_config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
    }


def run_phase(db: Path, source: Path) -> dict:
    """Run in a child process: one import, timed, with its own peak RSS."""
    env = bench_env(db)
    code = (
        "import django, json, resource, time, io;"
        "django.setup();"
        "from django.core.management import call_command;"
        "out = io.StringIO(); t = time.perf_counter();"
        f"call_command('import_articles', {str(source)!r}, stdout=out);"
        "elapsed = time.perf_counter() - t;"
        "print(json.dumps({'seconds': elapsed, 'peak_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " 'summary': out.getvalue().splitlines()[1].strip()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"import failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="number of pages (default 10000)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source, db = work / "pages", work / "bench.sqlite3"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir()
    for stale in work.glob("bench.sqlite3*"):
        stale.unlink()
    generate(source, args.n)
    env = bench_env(db)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    print(f"{args.n} scraped-text pages, SQLite at {db}")
    ok = True
    for phase in ("first", "reimport"):
        result = run_phase(db, source)
        rate = args.n / result["seconds"]
        peak_mb = result["peak_kb"] / 1024
        ok &= rate >= TARGETS[phase] and peak_mb < PEAK_LIMIT_MB
        print(
            f"{phase:9} {rate:8,.0f} articles/s ({result['seconds']:.1f} s)  x{rate / TARGETS[phase]:.2f} of the "
            f"{TARGETS[phase]:,}/s target  peak RSS {peak_mb:.0f} MB (limit {PEAK_LIMIT_MB})  [{result['summary']}]"
        )
    print(f"self peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (generator)")
    if not args.keep:
        shutil.rmtree(work)
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
