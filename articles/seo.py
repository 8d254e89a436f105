"""What browsers, search engines and link previews read about a page.

Views build a PageMeta and put it in the context as `seo`; templates/base.html
turns it into <title>, meta description, canonical link, Open Graph and Twitter
tags and JSON-LD. Nothing here queries the database.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

TITLE_SEPARATOR = " · "

# Same escapes as django.utils.html.json_script: the JSON can then never close
# the <script> element or open a comment, whatever the article says.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_name() -> str:
    return settings.SITE_NAME


def site_description() -> str:
    return settings.SITE_DESCRIPTION or f"Articles from {site_name()}."


def json_ld_html(data: dict) -> SafeString:
    """JSON for the inside of <script type="application/ld+json">, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


@dataclass(frozen=True)
class PageMeta:
    title: str = ""  # the page's own title; empty on the home page
    description: str = ""
    canonical_url: str = ""
    og_type: str = "website"
    json_ld: dict | None = None
    noindex: bool = False

    @property
    def document_title(self) -> str:
        """'Article title · Site name', or just the site name."""
        return TITLE_SEPARATOR.join(part for part in (self.title, site_name()) if part)

    @property
    def og_title(self) -> str:
        return self.title or site_name()

    @property
    def site_name(self) -> str:
        return site_name()

    @property
    def json_ld_script(self) -> SafeString:
        return json_ld_html(self.json_ld) if self.json_ld else mark_safe("")


def page_url(request, path: str, page_number: int = 1) -> str:
    """Absolute URL of a list page; page 1 has no ?page= so it has one address."""
    if page_number > 1:
        path = f"{path}?page={page_number}"
    return request.build_absolute_uri(path)


def article_canonical_url(request, article) -> str:
    return article.canonical_url or request.build_absolute_uri(article.get_absolute_url())


def author_name(article) -> str:
    """The author's full name, never a username; empty when unknown."""
    if article.author is None:
        return ""
    return article.author.get_full_name().strip()


def date_modified(article):
    """When the article last changed, never before it was published."""
    if article.published_at and article.updated_at < article.published_at:
        return article.published_at
    return article.updated_at


def was_meaningfully_updated(article, threshold: timedelta = timedelta(days=1)) -> bool:
    """Whether an "Updated" date is worth showing to readers.

    It must be at least `threshold` after publication, and not just the moment the row
    was created: an article typed in with a back-dated publication time, or imported
    from a source that gives no modification date, has updated_at == created_at.
    A modification date an importer took from its source predates created_at and counts.
    """
    updated, created = article.updated_at, article.created_at
    if article.published_at is None or updated - article.published_at < threshold:
        return False
    return not (created <= updated < created + threshold)


def iso_datetime(value) -> str:
    """A date and time in the site's time zone, to the second: "2025-03-01T09:30:00-05:00".

    The one format for <time datetime>, Open Graph article times and JSON-LD. Django's
    |date:"c" is isoformat(), which writes six fractional digits whenever the value has
    microseconds (anything stamped with timezone.now()), and HTML's datetime syntax
    allows at most three, so the page would not validate.
    """
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else ""


def _iso(value) -> str | None:
    return iso_datetime(value) or None


def article_json_ld(article, canonical_url: str) -> dict:
    organisation = {"@type": "Organization", "name": site_name()}
    name = author_name(article)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": article.description,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(date_modified(article)),
        "author": {"@type": "Person", "name": name} if name else organisation,
        "publisher": organisation,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
    }
    if article.topic_id:
        data["articleSection"] = article.topic.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    return {key: value for key, value in data.items() if value not in (None, "")}


def website_json_ld(home_url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name(),
        "description": site_description(),
        "url": home_url,
    }
