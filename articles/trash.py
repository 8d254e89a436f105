"""The trash: deleting an article in the admin puts it here, out of every public surface at once
(ArticleQuerySet.published() excludes it); Publishers restore from it, and empty_trash deletes for good."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Article


def move_to_trash(articles, *, user) -> int:
    """Put `articles` (a QuerySet or a list of articles) in the trash; returns how many went there."""
    pks = [article.pk for article in articles]
    return Article.objects.filter(pk__in=pks).not_trashed().update(trashed_at=timezone.now(), trashed_by=user)


def restore_from_trash(articles) -> int:
    pks = [article.pk for article in articles]
    return Article.objects.filter(pk__in=pks).trashed().update(trashed_at=None, trashed_by=None)


def empty_trash(*, older_than: timedelta, now=None) -> list[str]:
    """Delete for good what has been in the trash longer than `older_than`; returns their titles."""
    cutoff = (now or timezone.now()) - older_than
    doomed = list(Article.objects.trashed().filter(trashed_at__lte=cutoff).order_by("pk"))
    with transaction.atomic():
        for article in doomed:  # one by one: post_delete remembers deleted imports
            article.delete()
    return [article.title for article in doomed]
