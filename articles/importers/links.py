"""Links between articles that only exist once a whole import has run.

Scraped pages keep " ." where a link was removed: the text before it is the old
link text. When that text (its last words) is the title of an article, it becomes a
link to it; otherwise the text stays and the stray dot goes. Links in imported
Markdown that point at an imported item's old address are pointed at its new one.
"""

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.utils.encoding import escape_uri_path, iri_to_uri

from ..text import WEB_SCHEMES, normalise_title
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


def site_path(url: str) -> str:
    """'/old/', 'old/' or 'https://example.com/old/?p=1' → '/old/?p=1', encoded as Django's request path is.

    RedirectFallbackMiddleware compares request.get_full_path(), which percent-encodes
    the path, so '/café/' must be stored as '/caf%C3%A9/'. Decoding first keeps this idempotent.
    """
    parts = urlsplit(url.strip())
    path = escape_uri_path(unquote(parts.path)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path + (f"?{iri_to_uri(parts.query)}" if parts.query else "")


_MD_LINK_RE = re.compile(r"(\]\()(<?)([^)\s>]+)(>?)")
_MARKDOWN_SUFFIXES = (".md", ".markdown")


def rewrite_links(body: str, resolve: Callable[[str], str | None]) -> str:
    """Replace the target of every Markdown link for which `resolve` gives a new address."""

    def replace(match: re.Match) -> str:
        new = resolve(match.group(3))
        return f"{match.group(1)}{match.group(2)}{new}{match.group(4)}" if new else match.group(0)

    return _MD_LINK_RE.sub(replace, body)


class ImportedAddresses:
    """Where links to imported items should now point.

    `redirects` maps old site paths (as stored in Redirect.old_path) to new ones;
    `local_hosts` are the old site's host names, so absolute links to it count as
    internal; `files` maps imported Markdown files (by path within the import) to
    their articles' addresses, for links such as [x](../other-post.md).
    """

    def __init__(self, redirects: dict[str, str], local_hosts: set[str], files: dict[str, str]):
        self.redirects, self.local_hosts, self.files = redirects, local_hosts, files

    def __bool__(self) -> bool:
        return bool(self.redirects or self.files)

    def resolver(self, source_path: str) -> Callable[[str], str | None]:
        """Resolve links found in the item imported from `source_path` (relative file links start there)."""
        base = posixpath.dirname(source_path)

        def resolve(url: str) -> str | None:
            parts = urlsplit(url)
            if parts.scheme and parts.scheme not in WEB_SCHEMES:
                return None
            if parts.netloc and parts.netloc.lower() not in self.local_hosts:
                return None
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            if not parts.netloc and parts.path.lower().endswith(_MARKDOWN_SUFFIXES):
                new = self.files.get(posixpath.normpath(posixpath.join(base, unquote(parts.path))))
            elif parts.path or parts.query:
                path = site_path(parts.path)
                new = self.redirects.get(site_path(url.split("#", 1)[0])) or self.redirects.get(path)
            else:
                new = None  # a link within the page
            return new + fragment if new else None

        return resolve
