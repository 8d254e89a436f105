"""What each content change makes stale in the page cache (articles/page_cache.py), in one place.

Every way content changes ends in one of these model signals or in ArticleQuerySet.update (which
calls `articles_updated`): the admin's forms and actions, the import writer, term, settings, redirect
and image changes. A draft's edit touches only its own address; a change to an article that is, was
or is scheduled to be public also makes every list (and, through previous/next/related links, every
article page) fresh. The versions are forgotten at once and again after the transaction commits, so a
request that read the old rows in between cannot keep its copy.
"""

from django.contrib.redirects.models import Redirect
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from . import page_cache
from .models import Article, Tag, Topic, TrashedArticle


def invalidate(*, slugs=(), lists: bool = False, site: bool = False) -> None:
    tags = [page_cache.article_tag(slug) for slug in slugs if slug]
    tags += [page_cache.SITE] * (lists or site)  # every page shows both (lists through its links)
    if not tags:
        return
    page_cache.forget(tags, settings_changed=site)
    transaction.on_commit(lambda: page_cache.forget(tags, settings_changed=site), robust=True)


def _listed(article: Article, created: bool = False) -> bool:
    """Public or scheduled (the lists' lifetime ends at its time) now or at its previous save or load."""
    before = getattr(article, "_page_cache_listed", None)
    if before is None:  # loaded (Article.from_db), else new, else saved by other code before: assume listed
        before = getattr(article, "_loaded_public", not created)
    now = article.status == Article.Status.PUBLISHED
    article._page_cache_listed = now
    return now or before


def article_changed(sender, instance: Article, created: bool = False, **kwargs) -> None:
    invalidate(slugs={instance.slug, getattr(instance, "_loaded_slug", "")}, lists=_listed(instance, created))


def article_tags_changed(sender, instance, action: str, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        invalidate(slugs={instance.slug}, lists=instance.status == Article.Status.PUBLISHED)
    else:  # a tag's articles changed from the tag's side
        invalidate(lists=True)


def articles_updated(rows: list[tuple[str, str]], changes: dict) -> None:
    """After QuerySet.update: `rows` are the (slug, status) pairs before it, `changes` its keyword arguments."""
    slugs = {slug for slug, _ in rows} | ({changes["slug"]} if "slug" in changes else set())
    published = Article.Status.PUBLISHED
    lists = any(status == published for _, status in rows) or changes.get("status") == published
    invalidate(slugs=slugs, lists=lists)


def lists_changed(sender, **kwargs) -> None:
    """Terms, images and redirects show on (or decide) every public page."""
    invalidate(lists=True)


def site_changed(sender, **kwargs) -> None:
    """Site settings show on every page; a deploy's migrate may change any template."""
    invalidate(site=True)


def connect_signals() -> None:
    from images.models import Image
    from site_settings.models import SiteSettings

    for signal in (post_save, post_delete):
        for model in (Article, TrashedArticle):  # the Trash admin saves and deletes through the proxy
            signal.connect(article_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}")
        for model in (Topic, Tag, Image, Redirect):
            signal.connect(lists_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}")
        signal.connect(site_changed, sender=SiteSettings, dispatch_uid="page_cache_site_settings")
    m2m_changed.connect(article_tags_changed, sender=Article.tags.through, dispatch_uid="page_cache_tags")
    post_migrate.connect(site_changed, dispatch_uid="page_cache_migrate")
