#!/usr/bin/env python
"""Import benchmark: N generated articles into a fresh SQLite database.

Prints articles per second and peak memory (RSS) for a first import and for an
unchanged re-import, each run in its own process so each peak is its own.
Targets on a 2-core machine: first import >= 500/s, re-import >= 2,000/s, peak < 300 MB.

    .venv/bin/python bench/import_bench.py [-n 10000] [--keep DIR]
    .venv/bin/python bench/import_bench.py --wordpress -n 50000   # one WXR file of about 250 MB
    .venv/bin/python bench/import_bench.py --html -n 2000   # a wget mirror of a themed blog

--html writes N saved pages with a real theme's boilerplate (menus, sidebar, comments,
related posts, cookie banner, footer, JSON-LD), plus one listing page per 50 posts;
its target is 30 pages/s, and its peak RSS should not grow with N (compare two sizes).

The default input is N scraped-text files; --wordpress writes the same N articles as
one WordPress export instead, to show that memory stays flat however large the file.
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
HTML_TARGET = 30  # saved web pages per second, first import and re-import
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


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example.org</wp:base_site_url>
"""
WXR_ITEM = """<item><title>{title}</title><link>https://old.example.org/{i}/</link>
<guid isPermaLink="false">https://old.example.org/?p={i}</guid><dc:creator>bench</dc:creator>
<content:encoded><![CDATA[{html}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{i}</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
<wp:post_name>post-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="c"><![CDATA[{topic}]]></category>
<category domain="post_tag" nicename="t"><![CDATA[{tag}]]></category></item>
"""


def generate_wxr(path: Path, n: int) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as out:
        out.write(WXR_HEAD)
        for i in range(n):
            paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(4, 7))) for _ in range(6)]
            html = "<!-- wp:paragraph -->\n" + "\n".join(f"<p>{p}</p>" for p in paragraphs)
            title = f"Post {i}: {' '.join(rng.choices(WORDS, k=5))}"
            out.write(WXR_ITEM.format(i=i, title=title, html=html, topic=rng.choice(WORDS), tag=rng.choice(WORDS)))
        out.write("</channel></rss>\n")


HTML_PAGE = """<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>{title} | Old Practice</title><meta name="description" content="{description}">
<link rel="canonical" href="https://old.example.org/{path}/"><meta property="og:type" content="article">
<meta property="article:published_time" content="2020-01-01T10:00:00+00:00">
<meta property="article:tag" content="{tag}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"BlogPosting","headline":"{title}",
"datePublished":"2020-01-01T10:00:00+00:00","author":{{"@type":"Person","name":"bench"}}}}</script>
<script>window.dataLayer=[];function gtag(){{dataLayer.push(arguments)}}</script>
<style>body{{font-family:serif}} .site-header{{padding:1em}}</style></head>
<body class="post-template-default single single-post">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Old Practice</a></p>
<nav id="site-navigation" class="main-navigation"><ul>{menu}</ul></nav></header>
<div id="cookie-notice"><p>We use cookies. By browsing you agree.</p><button>OK</button></div>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="post type-post status-publish hentry"><header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta"><time class="published" datetime="2020-01-01T10:00:00+00:00">Jan 1</time></div></header>
<div class="entry-content">{body}</div>
<footer class="entry-footer"><a href="/category/{topic}/" rel="category tag">{topic}</a>
<a href="/tag/{tag}/" rel="tag">{tag}</a></footer>
</article>
<div class="sharedaddy"><h3>Share this:</h3><a href="https://facebook.com/sharer">Facebook</a><a href="https://twitter.com/share">Twitter</a></div>
<div id="jp-relatedposts"><h3>Related</h3>{related}</div>
<div id="comments" class="comments-area"><h2>{comments} thoughts</h2><ol class="comment-list">{comment_items}</ol>
<div id="respond"><form action="/wp-comments-post.php"><textarea name="comment"></textarea></form></div></div>
</main><aside id="secondary" class="widget-area">
<section class="widget"><h2>Recent Posts</h2><ul>{recent}</ul></section>
<section class="widget"><h2>Archives</h2><ul>{archives}</ul></section></aside></div>
<footer id="colophon" class="site-footer"><p>Old Practice, 1 Main Street, New York. Call (212) 555-0100.</p>
<p>&copy; 2020 Old Practice. Proudly powered by WordPress.</p></footer>
<script src="/wp-includes/js/wp-embed.min.js"></script></body></html>
"""


def generate_html(directory: Path, n: int) -> None:
    """A wget mirror: old.example.org/<year>/<month>/post-<i>/index.html, and a listing page per 50 posts."""
    rng = random.Random(42)
    site = directory / "old.example.org"

    def links(count: int) -> str:
        return "".join(
            f'<li><a href="/2020/01/post-{rng.randrange(n)}/">{sentence(rng)}</a></li>' for _ in range(count)
        )

    for i in range(n):
        path = f"{2000 + i % 20}/{1 + i % 12:02d}/post-{i}"
        paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(4, 7))) for _ in range(6)]
        if i % 10 == 0:  # every tenth post links to another one, relative to its own folder
            other = rng.randrange(n)
            paragraphs[0] += f' <a href="../../../{2000 + other % 20}/{1 + other % 12:02d}/post-{other}/">more</a>.'
        body = "<h2>" + sentence(rng) + "</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)
        comments = rng.randint(0, 6)
        html = HTML_PAGE.format(
            title=f"Post {i}: {' '.join(rng.choices(WORDS, k=5))}",
            description=sentence(rng),
            path=path,
            tag=rng.choice(WORDS),
            topic=rng.choice(WORDS),
            body=body,
            menu=links(6),
            related=links(3),
            recent=links(5),
            archives=links(12),
            comments=comments,
            comment_items="".join(f'<li class="comment"><p>{sentence(rng)}</p></li>' for _ in range(comments)),
        )
        target = site / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        if i % 50 == 0:
            listing = site / "blog" / "page" / str(i // 50 + 1) / "index.html"
            listing.parent.mkdir(parents=True, exist_ok=True)
            listing.write_text(f"<html><body><h1>Blog</h1><ul>{links(10)}</ul></body></html>", encoding="utf-8")


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
    parser.add_argument("--wordpress", action="store_true", help="one WordPress export instead of text files")
    parser.add_argument("--html", action="store_true", help="a mirror of saved web pages instead of text files")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source, db = work / "pages", work / "bench.sqlite3"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir()
    for stale in work.glob("bench.sqlite3*"):
        stale.unlink()
    if args.wordpress:
        generate_wxr(source / "export.xml", args.n)
    elif args.html:
        generate_html(source, args.n)
    else:
        generate(source, args.n)
    size_mb = sum(f.stat().st_size for f in source.rglob("*") if f.is_file()) / 1e6
    env = bench_env(db)
    # --skip-checks: the static-files check wants collectstatic, which an import benchmark does not need.
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", "--skip-checks"], cwd=ROOT, env=env, check=True)

    kind = (
        "WordPress items in one export" if args.wordpress else "saved web pages" if args.html else "scraped-text pages"
    )
    print(f"{args.n} {kind} ({size_mb:.0f} MB), SQLite at {db}")
    ok = True
    for phase in ("first", "reimport"):
        result = run_phase(db, source)
        rate = args.n / result["seconds"]
        peak_mb = result["peak_kb"] / 1024
        ok &= peak_mb < PEAK_LIMIT_MB
        # The rate targets are set for scraped text; WordPress items also convert HTML to Markdown.
        target = HTML_TARGET if args.html else TARGETS[phase]
        versus = "" if args.wordpress else f"  x{rate / target:.2f} of the {target:,}/s target"
        ok &= args.wordpress or rate >= target
        print(
            f"{phase:9} {rate:8,.0f} articles/s ({result['seconds']:.1f} s){versus}  "
            f"peak RSS {peak_mb:.0f} MB (limit {PEAK_LIMIT_MB})  [{result['summary']}]"
        )
    print(f"self peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (generator)")
    if not args.keep:
        shutil.rmtree(work)
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
