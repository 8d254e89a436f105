#!/usr/bin/env python
"""Revision comparison benchmark: articles.revisions.word_diff on long bodies and hostile rewrites.

A comparison page and a conflict message must answer quickly whatever two revisions hold (the
body limit is 2 MB). Prints the time of one comparison for each case:

    .venv/bin/python bench/diff_bench.py
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.test")

import django

django.setup()

from articles.revisions import word_diff  # noqa: E402

WORDS = ["therapy", "anxiety", "sleep", "session", "the", "a", "and", "of", "practice", "client"]


def words(count: int) -> str:
    return " ".join(random.choice(WORDS) for _ in range(count))


def cases():
    paragraphs = [words(80) for _ in range(4000)]
    edited = list(paragraphs)
    for index in range(0, len(edited), 400):
        edited[index] = edited[index].replace("sleep", "rest", 3) + " added words here"
    yield "1.9 MB body, 10 paragraphs edited", "\n\n".join(paragraphs), "\n\n".join(edited)
    yield "one 20,000-word line rewritten", words(20000), words(20000)
    old = "\n\n".join(words(900) for _ in range(250))
    yield "250 rewritten 900-word paragraphs", old, "\n\n".join(words(900) for _ in range(250))
    old = "\n".join(f"line {i} {random.choice(WORDS)}" for i in range(60000))
    yield "60,000 changed short lines", old, "\n".join(f"row {i} {random.choice(WORDS)}" for i in range(60000))
    yield (
        "100,000 one-word lines, shuffled",
        "\n".join(words(1) for _ in range(100000)),
        "\n".join(words(1) for _ in range(100000)),
    )


def main():
    random.seed(1)
    for name, old, new in cases():
        start = time.perf_counter()
        segments = word_diff(old, new)
        print(f"{name:40} {time.perf_counter() - start:6.2f} s  ({len(segments)} segments)")


if __name__ == "__main__":
    main()
