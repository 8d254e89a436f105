"""Scraped plain-text pages (the format of shared/seeds/*.txt).

Layout of such a page:
    the title, repeated (once or several times) as the first paragraphs
    paragraphs of body text; " ." after a sentence marks where a link was removed
    short lines at the end: "About X" names the topic, the others are keywords (tags)
"""

import re

from ..text import collapse_whitespace, escape_markdown, normalise_title
from .records import ArticleRecord, SourceError

# A trailing line counts as a keyword line when it is this short and does not end
# like a sentence; body paragraphs are longer or end with punctuation.
KEYWORD_MAX_CHARS = 60
KEYWORD_MAX_WORDS = 8
_SENTENCE_END = (".", "!", "?", ":", ";", "…", '"', "”", "'", "’", ")")
_ABOUT_RE = re.compile(r"^about\s+(?P<topic>.+)$", re.IGNORECASE)


def parse(text: str, *, import_key: str, location: str) -> ArticleRecord:
    blocks = _blocks(text)
    if not blocks:
        raise SourceError(location, "has no text")
    title = blocks[0]
    body_blocks = _drop_repeated_title(blocks[1:], title)
    body_blocks, topic, tags = split_keywords(body_blocks)
    if not body_blocks:
        raise SourceError(location, "has a title but no body paragraphs")
    body = "\n\n".join(escape_markdown(block) for block in body_blocks)
    return ArticleRecord(
        import_key=import_key,
        location=location,
        title=title,
        body=body,
        topic=topic,
        tags=tags,
        link_residue=has_link_residue(body),
    )


def _blocks(text: str) -> list[str]:
    """Paragraphs: runs of non-blank lines, joined by spaces (scrapers often hard-wrap)."""
    return [collapse_whitespace(block) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _drop_repeated_title(blocks: list[str], title: str) -> list[str]:
    key = normalise_title(title)
    start = 0
    while start < len(blocks) and normalise_title(blocks[start]) == key:
        start += 1
    return blocks[start:]


def is_keyword_line(block: str) -> bool:
    return (
        len(block) <= KEYWORD_MAX_CHARS
        and len(block.split()) <= KEYWORD_MAX_WORDS
        and not block.endswith(_SENTENCE_END)
    )


def split_keywords(blocks: list[str]) -> tuple[list[str], str, list[str]]:
    end = len(blocks)
    while end > 1 and is_keyword_line(blocks[end - 1]):
        end -= 1
    topic, tags, seen = "", [], set()
    for line in blocks[end:]:
        about = _ABOUT_RE.match(line)
        if about and not topic:
            topic = about.group("topic").strip()
            continue
        for tag in (part.strip() for part in line.split(",")):
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return blocks[:end], topic, tags


RESIDUE_RE = re.compile(r"(?<=\S) \.(?=\s|$)")


def has_link_residue(body: str) -> bool:
    return RESIDUE_RE.search(body) is not None
