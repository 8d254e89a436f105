"""Dates in <time datetime>, Open Graph and JSON-LD are valid ISO 8601, whatever the era."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

# HTML's "valid global date and time string", which schema.org's ISO 8601 dates also satisfy:
# the offset is Z or hours and minutes, never seconds.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})")
NEW_YORK = ZoneInfo("America/New_York")


def published_dates(client, article) -> list[str]:
    """The publication date as the <time> element, Open Graph and JSON-LD give it."""
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "lxml")
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    return [
        soup.find("time")["datetime"],
        soup.find("meta", property="article:published_time")["content"],
        json_ld["datePublished"],
    ]


def test_a_date_before_standard_time_is_written_in_utc(client, make_article, settings):
    settings.TIME_ZONE = "America/New_York"  # local mean time, -4:56:02, until November 1883
    article = make_article(title="Letters home", published_at=datetime(1850, 6, 1, 12, 0, tzinfo=NEW_YORK))

    assert published_dates(client, article) == ["1850-06-01T16:56:02Z"] * 3


def test_a_date_after_1883_keeps_its_local_offset(client, make_article, settings):
    settings.TIME_ZONE = "America/New_York"
    article = make_article(title="Standard time", published_at=datetime(1884, 1, 2, 12, 0, tzinfo=NEW_YORK))

    assert published_dates(client, article) == ["1884-01-02T12:00:00-05:00"] * 3


def test_an_offset_with_seconds_in_the_twentieth_century_is_written_in_utc(client, make_article, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"  # Amsterdam time was +0:19:32 until 1937
    amsterdam = ZoneInfo("Europe/Amsterdam")
    article = make_article(title="Before 1937", published_at=datetime(1930, 1, 15, 9, 0, tzinfo=amsterdam))

    assert published_dates(client, article) == ["1930-01-15T08:40:28Z"] * 3


def test_the_home_list_writes_an_old_date_as_a_valid_html_datetime(client, make_article, settings):
    settings.TIME_ZONE = "America/New_York"
    make_article(title="Letters home", published_at=datetime(1850, 6, 1, 12, 0, tzinfo=NEW_YORK))

    times = BeautifulSoup(client.get("/").content, "lxml").find_all("time")

    assert [time["datetime"] for time in times] == ["1850-06-01T16:56:02Z"]
    assert HTML_DATETIME.fullmatch(times[0]["datetime"])
