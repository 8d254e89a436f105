#!/usr/bin/env python
"""Lighthouse (mobile settings) on the home page, an article with five large photos and a search page.

Builds a site in a temporary folder the way production runs it (bench/servers.py: site_config.settings.prod,
DEBUG off, static files collected, gunicorn with 2 sync workers, SQLite), with `generate_articles` plus one
article holding five 3000x2000 photos from the media library, then runs Lighthouse 12.8.2 (npm) with Debian's
Chromium on each page and prints the four category scores. Targets: accessibility, best practices and SEO
100, performance at least 95. Exit 1 when a score misses its target.

    .venv/bin/python bench/lighthouse.py [--port 18480] [--articles 200] [--keep DIR]
        LIGHTHOUSE="npx --yes lighthouse@12.8.2" (default) or the path of an installed lighthouse binary
        CHROME_PATH=/usr/bin/chromium (default)

The search page is `noindex` on purpose (search results are kept out of search engines), which Lighthouse's
SEO category counts against it ("Page is blocked from indexing"); that one audit is printed as a miss by
design, and only it: any other miss makes the exit status 1.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import Site

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Search results are kept out of search engines on purpose (noindex, robots.txt): Lighthouse's SEO category
# counts that against the search page. That audit alone is expected to fail there; any other miss is not.
EXPECTED_MISSES = {("search", "seo"): {"is-crawlable"}}

# Five photos with detail (noise over gradients), so their renditions weigh what real photos weigh.
ADD_PHOTO_ARTICLE = """
import io, random
from django.core.files.base import ContentFile
from PIL import Image, ImageFilter
from articles.models import Article
from images.library import add_image

random.seed(12)
refs = []
for n in range(5):
    noise = Image.effect_noise((3000, 2000), 60).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    tint = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    photo = Image.blend(noise, tint, 0.5)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    image, _ = add_image(ContentFile(buffer.getvalue(), name=f"photo-{n}.jpg"), alt_text=f"Photo {n + 1} of the walk")
    refs.append(image.markdown())
text = "A paragraph about the walk, long enough to read like an article's text. " * 8
body = "\\n\\n".join(f"{text}\\n\\n## Part {n + 1}\\n\\n{ref}" for n, ref in enumerate(refs))
article = Article(title="A walk in five photographs", body=body, status=Article.Status.PUBLISHED,
                  summary="Five photographs of an afternoon walk, with notes.")
article.full_clean()
article.save()
print(article.get_absolute_url())
"""


def lighthouse(command: list[str], url: str, report: Path) -> tuple[dict, dict[str, int]]:
    args = [
        *command,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for attempt in range(3):  # Lighthouse now and then loses the trace of a load (NO_NAVSTART) on a busy machine
        run = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode == 0:
            break
        print(f"lighthouse failed on {url} (attempt {attempt + 1}): {run.stderr.strip()[-300:]}", file=sys.stderr)
    else:
        raise RuntimeError(f"lighthouse failed three times on {url}")
    result = json.loads(report.read_text())
    return result, {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def failing_audits(result: dict, category: str) -> dict[str, str]:
    """The audits that cost a category points: id -> title."""
    audits = result["audits"]
    refs = result["categories"][category]["auditRefs"]
    return {
        ref["id"]: audits[ref["id"]]["title"]
        for ref in refs
        if ref["weight"] and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=None, help="port for gunicorn (default: a free one)")
    parser.add_argument("--articles", type=int, default=200, help="generated articles around the photo article")
    parser.add_argument("--keep", type=Path, help="build the site and keep reports in DIR instead of a temp folder")
    args = parser.parse_args()
    command = shlex.split(os.environ.get("LIGHTHOUSE", "npx --yes lighthouse@12.8.2"))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lighthouse-"))
    site = Site(folder / "site")
    try:
        site.build()
        site.manage("generate_articles", str(args.articles))
        article = site.shell(ADD_PHOTO_ARTICLE).splitlines()[-1]
        word = site.shell(
            "from articles.models import Article; print(Article.objects.published().latest('published_at').title)"
        ).split()[0]
        address = site.serve(port=args.port, ACCESS_LOG="")
        pages = {"home": "/", "article with 5 photos": article, "search": f"/search/?q={word}"}
        print(f"{'page':<24}" + "".join(f"{name:>16}" for name in CATEGORIES))
        notes, missed = [], []
        for name, path in pages.items():
            result, scores = lighthouse(command, address + path, folder / f"{name.replace(' ', '-')}.json")
            print(f"{name:<24}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES), flush=True)
            for category, score in scores.items():
                if score < TARGETS[category]:
                    failing = failing_audits(result, category)
                    line = f"{name}: {category} {score} < {TARGETS[category]}: " + "; ".join(failing.values())
                    expected = set(failing) <= EXPECTED_MISSES.get((name, category), set())
                    (notes if expected else missed).append(line)
        for line in notes:
            print("below target, by design (noindex):", line)
        for line in missed:
            print("below target:", line)
        return 1 if missed else 0
    finally:
        site.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
