"""A public, a draft and a scheduled article side by side, for proving a surface shows only the public one.

tests/conftest.py makes the fixture available to every test.
Each hidden article has a topic and a tag of its own, which no public surface may name.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Tag, Topic


@dataclass
class ThreeStates:
    public: Article
    draft: Article
    scheduled: Article
    hidden_topics: list[Topic]
    hidden_tags: list[Tag]

    @property
    def hidden(self) -> list[Article]:
        return [self.draft, self.scheduled]


@pytest.fixture
def three_states(make_article, django_user_model):
    author = django_user_model.objects.create_user("writer", first_name="Dana", last_name="Reyes")
    shared_topic = Topic.objects.create(name="Anxiety")
    shared_tag = Tag.objects.create(name="sleep")
    public = make_article(
        title="Calm mornings for anxious sleepers",
        body="## Why mornings\n\nAnxious sleepers wake early. Zebrafinch routines help.\n\n## What helps\n\nLight.",
        topic=shared_topic,
        tags=[shared_tag],
        author=author,
    )
    hidden_topics, hidden_tags = [], []
    hidden = {}
    for state, fields in {
        "draft": {"status": Article.Status.DRAFT},
        "scheduled": {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=3)},
    }.items():
        topic = Topic.objects.create(name=f"Secret {state} topic")
        tag = Tag.objects.create(name=f"secret-{state}-tag")
        hidden_topics.append(topic)
        hidden_tags.append(tag)
        hidden[state] = make_article(
            title=f"Hidden {state} zebrafinch article",
            body=f"Zebrafinch anxious sleepers text of the {state}, with [a link](/articles/nowhere/).",
            topic=topic,
            tags=[tag, shared_tag],
            author=author,
            **fields,
        )
    return ThreeStates(public, hidden["draft"], hidden["scheduled"], hidden_topics, hidden_tags)
