"""Links between articles that only exist once a whole import has run.

Scraped pages keep " ." where a link was removed: the text before it is the old
link text. When that text (its last words) is the title of an article, it becomes a
link to it; otherwise the text stays and the stray dot goes. Links in imported
Markdown that point at an imported item's old address are pointed at its new one.
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ..text import normalise_title
from .scraped_text import RESIDUE_RE

# The longest title, in words, that link text is matched against.
MAX_TITLE_WORDS = 30
_TRAILING_PUNCTUATION = " .!?:;,"
_UNESCAPE_RE = re.compile(r"\\(.)")


def title_key(title: str) -> str:
    return normalise_title(title).rstrip(_TRAILING_PUNCTUATION)


def resolve_link_residue(body: str, url_for_title: Callable[[str], str | None]) -> str:
    """Replace each " ." residue by a link (when the text names an article) or by nothing."""
    out: list[str] = []
    last = 0
    for match in RESIDUE_RE.finditer(body):
        before = body[last : match.start()]
        out.append(_link_tail(before, url_for_title))
        last = match.end()
    out.append(body[last:])
    return "".join(out)


def _link_tail(text: str, url_for_title: Callable[[str], str | None]) -> str:
    """`text` with its longest suffix that is an article title made into a link, then end punctuation."""
    # Stop at the paragraph: link text never spans a blank line.
    para_start = text.rfind("\n") + 1
    head, tail = text[:para_start], text[para_start:]
    words = tail.split(" ")
    for count in range(min(len(words), MAX_TITLE_WORDS), 0, -1):
        candidate = " ".join(words[-count:])
        url = url_for_title(title_key(_UNESCAPE_RE.sub(r"\1", candidate)))
        if url:
            prefix = " ".join(words[:-count])
            link = f"[{candidate}]({url})"
            return head + (f"{prefix} " if prefix else "") + link + _closing(candidate)
    return head + tail + _closing(tail)


def _closing(text: str) -> str:
    # The " ." was the sentence's own full stop, set apart from the link: keep it
    # unless the link text already ends the sentence.
    return "" if text.rstrip().endswith((".", "!", "?")) else "."


_MD_LINK_RE = re.compile(r"(\]\()(<?)([^)\s>]+)(>?)")


def rewrite_internal_links(body: str, new_path_for: Callable[[str], str | None], local_hosts: set[str]) -> str:
    """Point Markdown links at old addresses of imported items to those items' new addresses."""

    def replace(match: re.Match) -> str:
        url = match.group(3)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc.lower() not in local_hosts:
            return match.group(0)
        if parts.scheme and parts.scheme not in {"http", "https"}:
            return match.group(0)
        path = parts.path or "/"
        new = new_path_for(path + (f"?{parts.query}" if parts.query else "")) or new_path_for(path)
        if not new:
            return match.group(0)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f"{match.group(1)}{match.group(2)}{new}{fragment}{match.group(4)}"

    return _MD_LINK_RE.sub(replace, body)
