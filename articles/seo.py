"""What browsers, search engines and link previews read about a page.

Views build a PageMeta and put it in the context as `seo`; templates/base.html
turns it into <title>, meta description, canonical link, Open Graph and Twitter
tags and JSON-LD. Nothing here queries the database.
"""

import json
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from images.markup import SocialImage, social_image
from images.references import references_in
from site_settings.models import current as current_settings

from .text import collapse_whitespace, truncate_words_at

TITLE_SEPARATOR = " · "
# Search engines show about this much of a description; link previews less. Longer ones are
# cut at a word boundary with an ellipsis, so the page says where the cut is.
DESCRIPTION_MAX_LENGTH = 160
# SITE_NAME's default (site_config/settings/base.py): a generic word, not a name to quote.
DEFAULT_SITE_NAME = "Articles"

# Same escapes as django.utils.html.json_script: the JSON can then never close
# the <script> element or open a comment, whatever the article says.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_name() -> str:
    return current_settings().site_name


def has_own_name() -> bool:
    """Whether SITE_NAME names the site, rather than being the generic default."""
    return site_name().strip().casefold() != DEFAULT_SITE_NAME.casefold()


def from_site(phrase: str) -> str:
    """'The latest articles from Calm Practice.', or just 'The latest articles.' on a site without its own name."""
    return f"{phrase} from {site_name()}." if has_own_name() else f"{phrase}."


def site_description() -> str:
    return current_settings().default_description or from_site("The latest articles")


def short_description(text: str) -> str:
    """A description as search engines and link previews take it: one line, at most DESCRIPTION_MAX_LENGTH."""
    return truncate_words_at(collapse_whitespace(text or ""), DESCRIPTION_MAX_LENGTH)


def absolute_url(request, path: str) -> str:
    """The one way this site writes its own absolute addresses (canonical links, og:url, JSON-LD).

    From SITE_URL when it is set (production requires it), so the request's Host header has
    no say in them; else, for local use, from the request.
    """
    if path.startswith(("https://", "http://")):  # already absolute (an image elsewhere)
        return path
    if settings.SITE_URL:
        return settings.SITE_URL + path if path.startswith("/") else f"{settings.SITE_URL}/{path}"
    return request.build_absolute_uri(path)


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
    image: SocialImage | None = None  # og:image, twitter:image; its url absolute

    def __post_init__(self):
        # Every page's description is cut here, whoever builds the PageMeta.
        object.__setattr__(self, "description", short_description(self.description))

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
    return absolute_url(request, path)


def article_canonical_url(request, article) -> str:
    return article.canonical_url or absolute_url(request, article.get_absolute_url())


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

    Before standard time zones (in New York, until November 1883) the local offset is the
    local mean time, with seconds ("-04:56:02"), which neither HTML nor ISO 8601 allows in an
    offset: such a time is written in UTC instead (noon there, 1850-06-01, is "1850-06-01T16:56:02Z").
    """
    if not value:
        return ""
    local = timezone.localtime(value).replace(microsecond=0)
    if local.utcoffset().total_seconds() % 60:
        return local.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return local.isoformat()


def _iso(value) -> str | None:
    return iso_datetime(value) or None


def article_image(request, article) -> SocialImage | None:
    """The picture link previews and JSON-LD show for an article: its featured image, else the first
    library image of its body, else the site's default social image.
    The featured image must be loaded with the article (select_related): nothing here queries."""
    if article.featured_image_id:
        featured = article.featured_image
        image = social_image(featured.ref, featured.alt_text)
    elif refs := references_in(article.body):
        image = social_image(refs[0])
    else:
        return default_social_image(request)
    if image is None:
        return None
    url = image.url if "//" in image.url else absolute_url(request, image.url)
    return SocialImage(url, image.width, image.height, image.alt)


def default_social_image(request) -> SocialImage | None:
    """Pages without their own picture: the site settings' address, else DEFAULT_SOCIAL_IMAGE (a static file)."""
    if address := current_settings().social_image:
        return SocialImage(absolute_url(request, address), 0, 0)
    if settings.DEFAULT_SOCIAL_IMAGE:
        return SocialImage(absolute_url(request, static(settings.DEFAULT_SOCIAL_IMAGE)), 0, 0)
    return None


def publisher_json_ld(request=None) -> dict:
    """The Organization behind the site (site settings: publisher name and logo)."""
    values = current_settings()
    data = {"@type": "Organization", "name": values.publisher_name or site_name()}
    if values.publisher_logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute_url(request, values.publisher_logo)}
    return data


def article_json_ld(article, canonical_url: str, image: SocialImage | None = None, request=None, tags=None) -> dict:
    organisation = publisher_json_ld(request)
    name = author_name(article)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": short_description(article.description),
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(date_modified(article)),
        "author": {"@type": "Person", "name": name} if name else organisation,
        "publisher": organisation,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
    }
    if image is not None:
        data["image"] = (
            {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
            if image.width
            else image.url
        )
    if article.topic_id:
        data["articleSection"] = article.topic.name
    keywords = [tag.name for tag in (article.tags.all() if tags is None else tags)]
    if keywords:
        data["keywords"] = keywords
    return {key: value for key, value in data.items() if value not in (None, "")}


def website_json_ld(home_url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name(),
        "description": short_description(site_description()),
        "url": home_url,
        # Lets search engines offer a search box for this site that lands on our /search/.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": _search_template(home_url)},
            "query-input": "required name=search_term_string",
        },
    }


def _search_template(home_url: str) -> str:
    return f"{home_url.rstrip('/')}{reverse('articles:search')}?q={{search_term_string}}"


def breadcrumbs_json_ld(request, article) -> dict:
    """Home › topic › article, as search engines show a result's path."""
    trail = [(site_name(), "/")]
    if article.topic_id:
        trail.append((article.topic.name, article.topic.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(request, path)}
            for n, (name, path) in enumerate(trail, 1)
        ],
    }
