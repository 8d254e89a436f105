#!/usr/bin/env python
"""Renderer benchmark: a normal article of about 200 KB through articles.markdown.render_markdown.

Prints the median and the best of several renders of three articles: one in English words with
headings, lists, quotes, code, tables, footnotes and links written in Markdown; the same with
bare addresses ("https://…", "www.…") in some paragraphs, which become links; and the first with
Arabic words (the right-to-left path). --compare renders each, in turn, with another copy of
the renderer too (a saved older version, say) and prints the ratio, so that machine noise
hits both alike:

    .venv/bin/python bench/render_bench.py [--size 200000] [--runs 21] [--compare path/to/old/markdown.py]
"""

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.test")

WORDS = [
    "therapy", "anxiety", "stress", "client", "therapist", "session", "confidential", "trust", "city", "support",
    "care", "family", "work", "relationship", "change", "practice", "approach", "health", "mind", "balance",
    "sleep", "routine", "goal", "progress", "listen",
]  # fmt: skip
ARABIC = [
    "علاج", "قلق", "ضغط", "عميل", "معالج", "جلسة", "سري", "ثقة", "مدينة", "دعم", "رعاية", "عائلة", "عمل", "علاقة",
    "تغيير", "ممارسة",
]  # fmt: skip


def sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choices(words, k=rng.randint(8, 20))).capitalize() + "."


def paragraph(rng: random.Random, words: list[str], bare_urls: bool) -> str:
    parts = [sentence(rng, words) for _ in range(rng.randint(3, 6))]
    i = rng.randrange(len(parts))
    parts[i] = parts[i].replace(" ", " **", 1).replace(" ", "** ", 2) if rng.random() < 0.3 else parts[i]
    if rng.random() < 0.4:
        parts.append(f"See [the {rng.choice(words)} guide](https://example.com/{rng.choice(WORDS)}/).")
    if bare_urls and rng.random() < 0.15:
        parts.append(f"More at https://example.org/{rng.choice(WORDS)}_{rng.randrange(99)} or www.example.net.")
    if rng.random() < 0.1:
        parts.append(f"Run `{rng.choice(WORDS)} --help` first.")
    if rng.random() < 0.05:
        parts.append("A claim[^1].")
    return " ".join(parts)


def article(size: int, words: list[str], *, bare_urls: bool = False, seed: int = 42) -> str:
    rng = random.Random(seed)
    blocks: list[str] = []
    total = 0
    section = 0
    while total < size:
        if len(blocks) % 8 == 0:
            section += 1
            blocks.append(f"## {rng.choice(words).capitalize()} {section}")
        kind = rng.random()
        if kind < 0.7:
            block = paragraph(rng, words, bare_urls)
        elif kind < 0.8:
            block = "\n".join(f"- {sentence(rng, words)}" for _ in range(rng.randint(2, 6)))
        elif kind < 0.86:
            block = "> " + paragraph(rng, words, bare_urls)
        elif kind < 0.92:
            block = "```python\n" + "\n".join(f"x_{i} = {i}  # {rng.choice(WORDS)}" for i in range(5)) + "\n```"
        else:
            rows = [f"| {rng.choice(words)} | {rng.randrange(100)} |" for _ in range(4)]
            block = "| Name | Count |\n|:--|--:|\n" + "\n".join(rows)
        blocks.append(block)
        total += len(block) + 2
    blocks.append("[^1]: The source of the claim.")
    return "\n\n".join(blocks)


def load(module_path: str | None):
    import django

    django.setup()
    if not module_path:
        from articles.markdown import render_markdown

        return render_markdown
    spec = importlib.util.spec_from_file_location("articles._bench_markdown", module_path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "articles"
    spec.loader.exec_module(module)
    return module.render_markdown


def measure(renders: list, text: str, runs: int) -> list[list[float]]:
    """CPU seconds per render (other processes on the machine count less), for each renderer, taking turns."""
    times: list[list[float]] = [[] for _ in renders]
    for render in renders:
        render(text)  # warm up
    for _ in range(runs):
        for render, own in zip(renders, times, strict=True):
            started = time.process_time()
            render(text)
            own.append(time.process_time() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--compare", help="another markdown.py to render with, in turn")
    args = parser.parse_args()
    renders = [load(None)] + ([load(args.compare)] if args.compare else [])
    articles = {
        "english": article(args.size, WORDS),
        "english, bare URLs": article(args.size, WORDS, bare_urls=True),
        "arabic": article(args.size, ARABIC),
    }
    for name, text in articles.items():
        times = measure(renders, text, args.runs)
        line = f"{name:19} {len(text) / 1000:4.0f}k chars"
        for label, own in zip(("now", "other"), times, strict=False):
            line += f"  {label} median {statistics.median(own) * 1000:6.1f} ms, best {min(own) * 1000:6.1f} ms"
        if args.compare:
            line += f"  ratio {statistics.median(times[0]) / statistics.median(times[1]):.2f}"
            line += f" (best {min(times[0]) / min(times[1]):.2f})"
        print(line)


if __name__ == "__main__":
    main()
