"""Who may do what to an article, and what follows every save, whatever the path.

Editors add and change articles; only Publishers (the `articles.publish_article` permission)
publish, schedule, unpublish, delete, or change the address of a public article. The admin's
forms and actions, and the import writer, call `after_save` so that revisions and slug
redirects are recorded the same way everywhere.
"""

from . import redirects, revisions
from .models import Article, Revision

PUBLISH_PERMISSION = "articles.publish_article"
EDITORS_GROUP, PUBLISHERS_GROUP = "Editors", "Publishers"


def may_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def refusals(user, before: Article | None, after: Article) -> list[str]:
    """Why `user` may not turn `before` (None for a new article) into `after`; empty when they may."""
    if may_publish(user):
        return []
    problems = []
    was_published = before is not None and before.status == Article.Status.PUBLISHED
    if after.status == Article.Status.PUBLISHED and not was_published:
        problems.append(
            "Only a Publisher can publish or schedule an article. Choose “Ready for review” "
            "and a Publisher will publish it."
        )
    if was_published and after.status != Article.Status.PUBLISHED:
        problems.append("Only a Publisher can unpublish an article.")
    if (before.published_at if before else None) != after.published_at and not (
        after.status == Article.Status.PUBLISHED and not was_published  # already said above
    ):
        problems.append("Only a Publisher can set or change the publication date. Leave it as it was.")
    if before is not None and before.is_public and after.slug != before.slug:
        problems.append(f"Only a Publisher can change the address of a public article; keep the slug “{before.slug}”.")
    return problems


def refused_fields(user, before: Article, after: Article) -> list[str]:
    """The fields of `after` that `user` may not change from `before`, as refusals() judges them."""
    if may_publish(user):
        return []
    fields = []
    if after.status != before.status and Article.Status.PUBLISHED in (after.status, before.status):
        fields.append("status")
    if after.published_at != before.published_at:
        fields.append("published_at")
    if before.is_public and after.slug != before.slug:
        fields.append("slug")
    return fields


def after_save(
    article: Article, *, user=None, source: str, restored_from: Revision | None = None, created=False, tags=None
):
    """What follows every save of an article's content: its old public address redirects to the new one,
    and a revision is recorded. Call it after the article and its tags are saved (see record_revision for
    `created` and `tags`)."""
    old_slug = getattr(article, "_loaded_slug", "")
    # Public there when loaded, or at some time before (unpublished, renamed, to be published again).
    renamed = old_slug and old_slug != article.slug
    if renamed and (getattr(article, "_loaded_public", False) or revisions.was_public_at(article, old_slug)):
        redirects.redirect_old_address(old_slug, article)
    if article.is_public:
        redirects.claim_address(article)
    article._loaded_slug, article._loaded_public = article.slug, article.is_public
    return revisions.record_revision(
        article, user=user, source=source, restored_from=restored_from, created=created, tags=tags
    )
