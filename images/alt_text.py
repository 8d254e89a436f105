"""Which images of an article lack alt text: for the admin, and for the SEO checklist."""

import re

from articles.markdown import render_markdown

# What the editor's upload inserts ("![Describe the image](image:…)") until someone describes it.
ALT_PLACEHOLDER = "Describe the image"
_IMG_RE = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE_RE = re.compile(r'\s(src|alt)="([^"]*)"')


def images_without_alt(body: str) -> list[str]:
    """The address (`src`) of every image in a Markdown `body` that has no
    alt text, or still has the placeholder the upload inserted, in order.

    Read from the rendered HTML, so Markdown images and raw <img> tags count alike, and only images
    readers will see.
    """
    return images_without_alt_in_html(render_markdown(body))


def images_without_alt_in_html(html: str) -> list[str]:
    """The same for HTML our renderer made (a saved article's body_html: no rendering again).

    The sanitiser's output double-quotes and escapes every attribute value, so a pattern can read it.
    """
    missing = []
    for tag in _IMG_RE.findall(html):
        attributes = dict(_ATTRIBUTE_RE.findall(tag))
        if attributes.get("alt", "").strip() in ("", ALT_PLACEHOLDER):
            missing.append(attributes.get("src", ""))
    return missing
