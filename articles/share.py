"""Share a draft: a signed, expiring address that shows one unpublished article to someone without an account.

The link carries the article's id, its share key and its expiry, signed with SECRET_KEY
(django.core.signing), so nothing is stored per link. Revoking gives the article a new key,
which ends every link given out before. A link to an article that has since been published
redirects to the public page; one to an article in the trash shows nothing.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Article

SALT = "articles.share.preview"
LINK_LIFETIME = timedelta(days=7)


def share_link(article: Article, *, now=None, lifetime: timedelta = LINK_LIFETIME) -> tuple[str, object]:
    """The path of a new preview link for `article`, and when it expires."""
    if not article.share_key:
        article.share_key = secrets.token_hex(16)
        Article.objects.filter(pk=article.pk).update(share_key=article.share_key)
    expires = (now or timezone.now()) + lifetime
    token = signing.dumps({"a": article.pk, "k": article.share_key, "e": int(expires.timestamp())}, salt=SALT)
    return reverse("articles:shared_preview", kwargs={"token": token}), expires


def revoke_links(article: Article) -> None:
    article.share_key = secrets.token_hex(16)
    Article.objects.filter(pk=article.pk).update(share_key=article.share_key)


def article_for_token(token: str, *, now=None) -> Article | None:
    """The article a link shows, or None when it is forged, expired, revoked or in the trash."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, key, expires = int(data["a"]), str(data["k"]), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if (now or timezone.now()).timestamp() >= expires or not key:
        return None
    return (
        Article.objects.not_trashed()
        .filter(pk=pk, share_key=key)
        .select_related("topic", "author")
        .prefetch_related("tags")
        .first()
    )
