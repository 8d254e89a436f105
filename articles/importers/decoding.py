"""Bytes from a file to text: BOMs, UTF-8, UTF-16, Windows-1252, and refusing binary data."""

import codecs
import re

from ..text import normalise_newlines
from .records import SourceError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Windows-1252 leaves five bytes undefined; Windows maps them to the same-numbered C1 controls.
codecs.register_error("cp1252_c1", lambda exc: (chr(exc.object[exc.start]), exc.start + 1))
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, location: str) -> tuple[str, list[str]]:
    """Return (text with \\n line endings, notes for the report). Raises SourceError for binary or empty data."""
    notes: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(
                    location,
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {exc.start + len(bom)}); re-save it as UTF-8",
                ) from None
            break
    else:
        if b"\x00" in data[:65536]:
            raise SourceError(
                location,
                "is a binary file (it contains NUL bytes), not text; import .txt, .md or WordPress .xml exports",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="cp1252_c1")
            notes.append("not valid UTF-8: decoded as Windows-1252")
    text = normalise_newlines(text)
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(2, len(text) // 100):
        raise SourceError(location, "looks like a binary file (many control characters), not text")
    if not text.strip():
        raise SourceError(location, "is empty: there is no article in it")
    return text, notes
