"""Revisions: the one path that records a version of an article, and the diff between two.

Why our own small model rather than django-reversion: every path (admin save, restore, list
action, import) must record through `record_revision`, and a restore must go through our own
change form, its permission checks and its conflict check. Reversion's admin recovers a version
by writing it straight back to the database, bypassing both; its follow/serialisation machinery
(whole object graphs in serialized JSON) is more than one article with a topic and tags needs.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime

from images.models import Image

from .markdown import render_markdown
from .models import Article, Revision, Tag, Topic

# Fields a revision keeps, in the order a comparison shows them, with editors' names for them.
FIELDS = {
    "title": "Title",
    "slug": "Slug",
    "summary": "Summary",
    "body": "Body",
    "status": "Status",
    "published_at": "Publication date",
    "topic": "Topic",
    "tags": "Tags",
    "author": "Author",
    "featured_image": "Featured image",
    "meta_description": "Meta description",
    "canonical_url": "Canonical URL",
}
# Kept with each revision, but not what makes two versions different: it moves by itself.
UNCOMPARED = ("updated_at",)


def snapshot(article: Article, tags=None) -> dict:
    """Everything an editor can change, as stored now; `tags` saves reading them when the caller just set them."""
    pairs = [(tag.pk, tag.name) for tag in tags] if tags is not None else article.tags.values_list("pk", "name")
    tags = sorted(pairs, key=lambda tag: tag[1].casefold()) if article.pk else []
    return {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "published_at": article.published_at.astimezone(UTC).isoformat() if article.published_at else None,
        "updated_at": article.updated_at.astimezone(UTC).isoformat() if article.updated_at else None,
        "topic": {"id": article.topic_id, "name": article.topic.name} if article.topic_id else None,
        "tags": [{"id": pk, "name": name} for pk, name in tags],
        "author": {"id": article.author_id, "name": article.author.get_username()} if article.author_id else None,
        "featured_image": (
            {"id": article.featured_image_id, "name": str(article.featured_image)}
            if article.featured_image_id
            else None
        ),
        "meta_description": article.meta_description,
        "canonical_url": article.canonical_url,
    }


def content_hash(content: dict) -> str:
    compared = {name: value for name, value in content.items() if name not in UNCOMPARED}
    return hashlib.sha256(json.dumps(compared, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def record_revision(
    article: Article, *, user=None, source: str, restored_from: Revision | None = None, created=False, tags=None
):
    """Record the article as saved now; returns the revision, or None when nothing changed since the last one.

    The one way a revision is made: the admin, a restore, list actions and the import writer all call this
    (through articles.workflow.after_save), after the article and its tags are saved. `created` (a new
    article has no revision to compare with) and `tags` (as just saved) only save queries.
    """
    content = snapshot(article, tags)
    digest = content_hash(content)
    latest = None if created else latest_revision(article)
    if latest is not None and latest.content_hash == digest:
        return None
    if user is not None and not user.is_authenticated:
        user = None
    return Revision.objects.create(
        article=article, user=user, source=source, restored_from=restored_from, content=content, content_hash=digest
    )


def latest_revision(article: Article) -> Revision | None:
    if article.pk is None:
        return None
    # Its content (the whole article) is read only when needed, e.g. to say what a conflicting save changed.
    return Revision.objects.filter(article_id=article.pk).select_related("user").defer("content").first()


def was_public_at(article: Article, slug: str, now=None) -> bool:
    """Whether the revisions show the article public at `slug` once: published there, and its time
    came before the next revision (or has come, for the newest)."""
    rows = list(
        Revision.objects.filter(article_id=article.pk)
        .order_by("pk")
        .values_list("created_at", "content__slug", "content__status", "content__published_at")
    )
    if not rows:
        return False
    ends = [created_at for created_at, *_ in rows[1:]] + [now or timezone.now()]
    for (_, was_slug, status, published_at), end in zip(rows, ends, strict=True):
        public = status == Article.Status.PUBLISHED and published_at and datetime.fromisoformat(published_at) <= end
        if was_slug == slug and public:
            return True
    return False


def live_hash(article: Article) -> str:
    """The hash of what the article holds now: the revision with it is the one that is live."""
    return content_hash(snapshot(article))


# -- loading a revision back into the change form


def form_initial(revision: Revision) -> dict:
    """The change form's initial values for restoring `revision`; topics and tags deleted since are left out."""
    content = revision.content
    initial = {name: content.get(name, "") for name in ("title", "slug", "summary", "body", "status")}
    initial["meta_description"] = content.get("meta_description", "")
    initial["canonical_url"] = content.get("canonical_url", "")
    initial["published_at"] = parse_datetime(content["published_at"]) if content.get("published_at") else None
    topic_id = (content.get("topic") or {}).get("id")
    initial["topic"] = topic_id if topic_id and Topic.objects.filter(pk=topic_id).exists() else None
    tag_ids = [tag["id"] for tag in content.get("tags", [])]
    initial["tags"] = list(Tag.objects.filter(pk__in=tag_ids).values_list("pk", flat=True))
    author_id = (content.get("author") or {}).get("id")
    initial["author"] = author_id
    image_id = (content.get("featured_image") or {}).get("id")
    initial["featured_image"] = image_id if image_id and Image.objects.filter(pk=image_id).exists() else None
    return initial


def restore_consequences(revision: Revision, article: Article) -> list[str]:
    """What saving `revision` over `article` does besides the text: offline, a new address, a new date."""
    content = revision.content
    said = []
    status = content.get("status", article.status)
    if article.is_public and status != Article.Status.PUBLISHED:
        label = Article.Status(status).label if status in Article.Status.values else status
        said.append(f"Saving will take this article offline: this revision is “{label}”.")
    elif article.status != Article.Status.PUBLISHED and status == Article.Status.PUBLISHED:
        said.append("Saving will publish this article (or schedule it): this revision is published.")
    slug = content.get("slug") or article.slug
    if slug != article.slug:
        old, new = article.get_absolute_url(), Article(slug=slug).get_absolute_url()
        after = " The old address will lead to the new one." if article.is_public else ""
        said.append(f"Saving will change its address from {old} to {new}.{after}")
    published_at = content.get("published_at")
    live = article.published_at.astimezone(UTC).isoformat() if article.published_at else None
    if published_at != live:
        said.append(
            f"Saving will change its publication date from {_shown('published_at', live) or '(none)'} "
            f"to {_shown('published_at', published_at) or '(none)'}."
        )
    return said


def missing_terms(revision: Revision) -> list[str]:
    """Names of the revision's topic and tags that no longer exist, so restoring cannot bring them back."""
    content = revision.content
    topic = content.get("topic")
    missing = []
    if topic and not Topic.objects.filter(pk=topic["id"]).exists():
        missing.append(f"topic “{topic['name']}”")
    existing = set(
        Tag.objects.filter(pk__in=[tag["id"] for tag in content.get("tags", [])]).values_list("pk", flat=True)
    )
    missing += [f"tag “{tag['name']}”" for tag in content.get("tags", []) if tag["id"] not in existing]
    return missing


def rendered_body(revision: Revision) -> str:
    return render_markdown(revision.content.get("body", ""))


# -- comparing two revisions


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]] | None = None  # the body: ("equal" | "delete" | "insert", text)


def changed_fields(old: dict, new: dict) -> list[str]:
    """The labels of the fields that differ, without computing a diff."""
    return [label for name, label in FIELDS.items() if _shown(name, old.get(name)) != _shown(name, new.get(name))]


def compare(old: dict, new: dict) -> list[FieldChange]:
    """The fields that differ between two revisions' contents, the body as a word-level diff."""
    changes = []
    for name, label in FIELDS.items():
        before, after = _shown(name, old.get(name)), _shown(name, new.get(name))
        if before == after:
            continue
        segments = word_diff(before, after) if name in {"body", "summary"} else None
        changes.append(FieldChange(label, before, after, segments))
    return changes


def _shown(name: str, value) -> str:
    if value is None:
        return ""
    if name == "tags":
        return ", ".join(tag["name"] for tag in value)
    if name in {"topic", "author", "featured_image"}:
        return value["name"]
    if name == "status":
        return Article.Status(value).label if value in Article.Status.values else value
    if name == "published_at":
        return formats.date_format(timezone.localtime(datetime.fromisoformat(value)), "N j, Y, P T")
    return str(value)


_TOKENS = re.compile(r"\s+|[^\s]+")
# Word-level matching costs up to (old words × new words) a changed passage. Past this much in one
# comparison, the remaining changed passages are shown removed and added whole: long rewrites stay fast.
WORD_DIFF_BUDGET = 1_000_000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: lines are matched first (fast on long bodies), then the words of changed lines."""
    segments: list[tuple[str, str]] = []
    budget = WORD_DIFF_BUDGET
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    # autojunk (the default) ignores lines that repeat everywhere, such as blank lines, when anchoring.
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        if op == "equal":
            _add(segments, "equal", "".join(old_lines[i1:i2]))
            continue
        old_words = _TOKENS.findall("".join(old_lines[i1:i2]))
        new_words = _TOKENS.findall("".join(new_lines[j1:j2]))
        cost = len(old_words) * len(new_words)
        if cost > budget:
            _add(segments, "delete", "".join(old_words))
            _add(segments, "insert", "".join(new_words))
            continue
        budget -= cost
        for word_op, a1, a2, b1, b2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
            if word_op == "equal":
                _add(segments, "equal", "".join(old_words[a1:a2]))
            if word_op in {"delete", "replace"}:
                _add(segments, "delete", "".join(old_words[a1:a2]))
            if word_op in {"insert", "replace"}:
                _add(segments, "insert", "".join(new_words[b1:b2]))
    return segments


def _add(segments: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


# -- pruning


def prune_revisions(*, keep: int, older_than: timedelta, now=None) -> int:
    """Delete revisions beyond each article's newest `keep` that are older than `older_than`; returns how many.

    Never deleted: an article's newest revision, and the newest one matching what the article holds now
    (what is live), so the current version can always be seen and compared.
    """
    cutoff = (now or timezone.now()) - older_than
    deleted = 0
    articles = Article.objects.filter(revisions__created_at__lt=cutoff).distinct().select_related("topic", "author")
    for article in articles:
        found = list(article.revisions.values_list("pk", "created_at", "content_hash"))  # newest first
        live = live_hash(article)
        kept = {pk for pk, _, _ in found[: max(keep, 1)]}
        kept |= {next((pk for pk, _, digest in found if digest == live), None)}
        doomed = [pk for pk, created_at, _ in found if pk not in kept and created_at < cutoff]
        if doomed:
            deleted += Revision.objects.filter(pk__in=doomed).delete()[0]
    return deleted
