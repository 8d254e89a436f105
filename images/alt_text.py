"""Which images of an article lack alt text: for the admin, and for the SEO checklist."""

import re

from articles.markdown import render_markdown

# What the editor's upload inserts ("![Describe the image](image:…)") until someone describes it.
ALT_PLACEHOLDER = "Describe the image"
_IMG_RE = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE_RE = re.compile(r'\s(src|alt)="([^"]*)"')


def images_without_alt(body: str) -> list[str]:
    """The address (`src`) of every image in `body` that has no
    alt text, or still has the placeholder the upload inserted, in order.

    Read from the rendered HTML, so Markdown images and raw <img> tags count alike, and only images
    readers will see (the sanitiser's output: attribute values are double-quoted and escaped).
    """
    missing = []
    for tag in _IMG_RE.findall(render_markdown(body)):
        attributes = dict(_ATTRIBUTE_RE.findall(tag))
        if attributes.get("alt", "").strip() in ("", ALT_PLACEHOLDER):
            missing.append(attributes.get("src", ""))
    return missing
