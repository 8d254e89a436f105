"""articles.importers.markdown_files.parse: Markdown with optional YAML front matter → ArticleRecord."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from articles.importers.markdown_files import NO_TITLE, parse
from articles.importers.records import SourceError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "markdown"
NEW_YORK = ZoneInfo("America/New_York")  # settings.TIME_ZONE


def parse_text(text: str, location: str = "post.md"):
    return parse(text, import_key="markdown:post.md", location=location)


def parse_fixture(name: str):
    return parse((FIXTURES / name).read_text(encoding="utf-8"), import_key=f"markdown:{name}", location=name)


def front(lines: str, body: str = "Body.") -> str:
    return f"---\n{lines}\n---\n{body}\n"


def error_of(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse_text(text)
    return info.value


# -- whole files -------------------------------------------------------------------


def test_every_key():
    record = parse_fixture("every_key.md")
    assert record.import_key == "markdown:every_key.md"
    assert record.location == "every_key.md"
    assert record.title == "Choosing a therapist: a checklist"
    assert record.slug == "choosing-a-therapist"
    assert record.published_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert record.updated_at == datetime(2024, 6, 2, 10, 0, tzinfo=NEW_YORK)
    assert record.status == "published"
    assert record.tags == ["therapy", "checklists"]
    assert record.topic == "Mental health"
    assert record.summary == "Five questions to ask before the first session."
    assert record.meta_description == "A checklist for choosing a therapist in New York City."
    assert record.author == "editor"
    assert record.canonical_url == "https://example.com/original/choosing/"
    assert record.redirect_from == ["/2024/05/choosing-a-therapist/", "/?p=123"]
    assert record.body == "Start with what you want from therapy.\n\n## Credentials\n\nAsk about licences."
    assert record.notes == []


def test_hugo_post():
    record = parse_fixture("hugo.md")
    assert record.title == "Notes from the conference"
    assert record.status == "draft"  # draft: true
    assert record.published_at == datetime(2023, 11, 20, tzinfo=NEW_YORK)
    assert record.updated_at == datetime(2023, 11, 21, 8, 0, tzinfo=UTC)  # lastmod
    assert record.topic == "Events"  # the first of the categories
    assert record.tags == ["conferences"]
    assert record.redirect_from == ["/posts/conference-notes/"]  # aliases
    assert record.canonical_url == "https://blog.example.org/conference/"  # canonicalURL
    assert (record.summary, record.meta_description) == ("What we heard in Berlin.", "")
    assert record.body == "The talks, briefly."


def test_jekyll_post():
    record = parse_fixture("jekyll.md")
    assert record.title == "Welcome to Jekyll!"
    assert record.published_at == datetime(2015, 11, 10, 22, 25, 11, tzinfo=timezone(timedelta(hours=-5)))
    assert record.topic == "jekyll"  # Jekyll's categories are space-separated
    assert record.tags == ["ruby", "static sites"]
    assert record.status is None
    assert record.body == "You'll find this post in your `_posts` directory.\n..."  # only the first '...' closes


def test_without_front_matter_the_first_level_one_heading_is_the_title():
    record = parse_fixture("no_front_matter.md")
    assert record.title == "Getting started"  # closing hashes dropped
    assert record.body == (
        "Install it:\n\n```sh\n# not a title: a shell comment\npip install thing\n```\n\n"
        "# A second level-one heading stays in the body"
    )
    assert (record.status, record.published_at, record.tags, record.slug) == (None, None, [], "")


def test_setext_title():
    record = parse_fixture("setext.md")
    assert record.title == "Getting started"
    assert record.body == "Body text.\n\nAnother heading\n==============="


def test_setext_title_may_span_lines():
    assert parse_text("A long\ntitle\n===\n\nBody.").title == "A long title"


def test_heading_inside_a_tilde_fence_is_not_a_title():
    record = parse_text("~~~~\n# comment\n~~~\n# still code\n~~~~\n\n# Real title\n\nText.")
    assert record.title == "Real title"
    assert record.body == "~~~~\n# comment\n~~~\n# still code\n~~~~\n\n\nText."


@pytest.mark.parametrize(
    ("line", "title"),
    [("# Title", "Title"), ("   # Title", "Title"), ("# C#", "C#"), ("# Title ##", "Title"), ("#\tTab", "Tab")],
)
def test_atx_heading_forms(line, title):
    assert parse_text(f"{line}\n\nBody.").title == title


@pytest.mark.parametrize("line", ["#Title", "    # indented code", "## Second level"])
def test_not_a_level_one_heading(line):
    assert error_of(f"{line}\n\nBody.").message == NO_TITLE


def test_front_matter_without_title_takes_the_heading():
    record = parse_text(front("tags: [a]", "# From the heading\n\nText."))
    assert (record.title, record.body, record.tags) == ("From the heading", "Text.", ["a"])


def test_front_matter_title_leaves_the_heading_in_the_body():
    record = parse_text(front("title: From front matter", "# Heading\n\nText."))
    assert (record.title, record.body) == ("From front matter", "# Heading\n\nText.")


def test_empty_front_matter():
    assert parse_text("---\n---\n# Title\n").title == "Title"


def test_front_matter_may_close_with_dots():
    record = parse_text("---\ntitle: Dots\n...\nBody.")
    assert (record.title, record.body) == ("Dots", "Body.")


def test_no_title_anywhere():
    error = error_of(front("tags: [a]", "Just text."))
    assert error.location == "post.md"
    assert error.message == NO_TITLE
    assert str(error) == f"post.md: {NO_TITLE}"


def test_empty_heading_is_no_title():
    assert error_of("#\n\nText.").message == NO_TITLE


def test_body_loses_blank_lines_at_both_ends_but_keeps_indentation():
    record = parse_text(front("title: T", "\n\n    indented code\n\ntext  \n\n\n"))
    assert record.body == "    indented code\n\ntext"


def test_windows_line_endings():
    record = parse_text("---\r\ntitle: T\r\ntags: a, b\r\n---\r\n\r\nOne\r\nTwo\r\n")
    assert (record.title, record.tags, record.body) == ("T", ["a", "b"], "One\nTwo")


# -- keys --------------------------------------------------------------------------


def test_title_and_slug_are_stripped_text():
    record = parse_text(front("title: '  Spaced  '\nslug: my-slug"))
    assert (record.title, record.slug) == ("Spaced", "my-slug")


def test_numeric_title_is_kept_as_text():
    assert parse_text(front("title: 1984")).title == "1984"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=NEW_YORK)),
        ("'2024-05-01'", datetime(2024, 5, 1, tzinfo=NEW_YORK)),
        ("2024-05-01 09:30:00", datetime(2024, 5, 1, 9, 30, tzinfo=NEW_YORK)),
        ("2024-05-01T09:30", datetime(2024, 5, 1, 9, 30, tzinfo=NEW_YORK)),
        ("2024-05-01T09:30:00Z", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        ("'2024-05-01T09:30:00Z'", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        ("2024-05-01T09:30:00+02:00", datetime(2024, 5, 1, 7, 30, tzinfo=UTC)),
        ("'2024-05-01T09:30+02:00'", datetime(2024, 5, 1, 7, 30, tzinfo=UTC)),
        ("2024-05-01 09:30:00 +0200", datetime(2024, 5, 1, 7, 30, tzinfo=UTC)),
        ("2024-05-01T09:30:00.250000Z", datetime(2024, 5, 1, 9, 30, 0, 250000, tzinfo=UTC)),
    ],
)
def test_date_forms(value, expected):
    published_at = parse_text(front(f"title: T\ndate: {value}")).published_at
    assert published_at == expected
    assert published_at.utcoffset() is not None


def test_naive_dates_follow_the_time_zone_setting(settings):
    settings.TIME_ZONE = "Europe/Paris"
    record = parse_text(front("title: T\ndate: 2024-01-15\nupdated: 2024-01-15 12:00:00"))
    assert record.published_at == datetime(2024, 1, 14, 23, 0, tzinfo=UTC)
    assert record.updated_at == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)


def test_published_at_is_a_synonym_of_date_and_wins():
    assert parse_text(front("title: T\npublished_at: 2024-01-02")).published_at == datetime(2024, 1, 2, tzinfo=NEW_YORK)
    both = parse_text(front("title: T\ndate: 2020-01-01\npublished_at: 2024-01-02"))
    assert both.published_at == datetime(2024, 1, 2, tzinfo=NEW_YORK)


@pytest.mark.parametrize("key", ["updated", "updated_at", "lastmod", "last_modified_at"])
def test_updated_synonyms(key):
    record = parse_text(front(f"title: T\n{key}: 2024-03-04T05:06:07Z"))
    assert record.updated_at == datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert record.published_at is None


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        ("status: draft", "draft"),
        ("status: published", "published"),
        ("status: publish", "published"),
        ("status: public", "published"),
        ("status: scheduled", "published"),
        ("status: Published", "published"),
        ("draft: true", "draft"),
        ("draft: false", "published"),
        ("draft: true\nstatus: published", "draft"),
        ("draft: false\nstatus: draft", "draft"),
        ("tags: [a]", None),
    ],
)
def test_status(lines, status):
    assert parse_text(front(f"title: T\n{lines}")).status == status


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        ("[one, two]", ["one", "two"]),
        ("\n  - one\n  - two", ["one", "two"]),
        ("one, two , ,three", ["one", "two", "three"]),
        ("single", ["single"]),
        ("[a, a, ' b ', '']", ["a", "b"]),
        ("[2024, python]", ["2024", "python"]),
        ("", []),
        ("[]", []),
    ],
)
def test_tags(value, tags):
    assert parse_text(front(f"title: T\ntags: {value}")).tags == tags


@pytest.mark.parametrize(
    ("lines", "topic"),
    [
        ("topic: Health", "Health"),
        ("category: Health", "Health"),
        ("categories: [Health, Food]", "Health"),
        ("categories: Health, Food", "Health"),
        ("categories: health food", "health"),
        ("category: [Health]", "Health"),
        ("topic: Health\ncategory: Food\ncategories: [Travel]", "Health"),
        ("category: Food\ncategories: [Travel]", "Food"),
        ("categories: []", ""),
    ],
)
def test_topic(lines, topic):
    assert parse_text(front(f"title: T\n{lines}")).topic == topic


@pytest.mark.parametrize(
    ("lines", "summary", "meta_description"),
    [
        ("description: D", "D", ""),
        ("summary: S", "S", ""),
        ("summary: S\ndescription: D", "S", "D"),
        ("meta_description: M", "", "M"),
        ("description: D\nmeta_description: M", "D", "M"),
        ("summary: S\ndescription: D\nmeta_description: M", "S", "M"),
    ],
)
def test_summary_and_meta_description(lines, summary, meta_description):
    record = parse_text(front(f"title: T\n{lines}"))
    assert (record.summary, record.meta_description) == (summary, meta_description)


def test_multiline_summary():
    record = parse_text(front("title: T\nsummary: |\n  Line one.\n  Line two."))
    assert record.summary == "Line one.\nLine two."


def test_author_and_canonical_url():
    record = parse_text(front("title: T\nauthor: jane\ncanonical_url: https://example.com/a/"))
    assert (record.author, record.canonical_url) == ("jane", "https://example.com/a/")


@pytest.mark.parametrize(
    ("value", "paths"),
    [
        ("/old/", ["/old/"]),
        ("old/page.html", ["/old/page.html"]),
        ("https://example.com/old/path/", ["/old/path/"]),
        ("https://example.com", ["/"]),
        ("https://example.com/?p=12#comments", ["/?p=12"]),
        ("/café/", ["/caf%C3%A9/"]),
        ("/caf%C3%A9/", ["/caf%C3%A9/"]),
        ("[/a/, https://example.com/a/, /b/]", ["/a/", "/b/"]),
    ],
)
def test_redirect_from(value, paths):
    assert parse_text(front(f"title: T\nredirect_from: {value}")).redirect_from == paths


def test_unknown_keys_are_ignored():
    lines = "title: T\nlayout: post\nextra: {a: [1, {b: 2}]}\n2024: year key\ntrue: yes\nweights: [1.5, 2]"
    record = parse_text(front(lines))
    assert record.title == "T"


def test_keys_are_case_insensitive():
    record = parse_text(front("Title: T\nTags: [a]\nDraft: true"))
    assert (record.title, record.tags, record.status) == ("T", ["a"], "draft")


def test_empty_values_count_as_absent():
    record = parse_text(front("title:\ndate:\ntags:\nstatus:", "# Heading"))
    assert (record.title, record.published_at, record.tags, record.status) == ("Heading", None, [], None)


# -- errors ------------------------------------------------------------------------


def test_invalid_yaml_names_the_line_in_the_file():
    with pytest.raises(SourceError) as info:
        parse_fixture("invalid_yaml.md")
    assert info.value.location == "invalid_yaml.md, line 4"
    assert info.value.message.startswith("front matter is not valid YAML: ")


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        ("title: T\n\tindented: with a tab", 3),
        ("title: T\ntags: [a\nstatus: draft\nauthor: x", 4),
        ("title: 'unclosed", 2),
        ("title: T\nsummary: a: b", 3),
    ],
)
def test_invalid_yaml_line_numbers(lines, line):
    error = error_of(front(lines))
    assert error.location == f"post.md, line {line}"
    assert "front matter is not valid YAML" in error.message


def test_front_matter_without_closing_line():
    error = error_of("---\ntitle: T\n\nBody without an end to the front matter.\n")
    assert error.location == "post.md, line 1"
    assert "no closing '---'" in error.message


@pytest.mark.parametrize(("lines", "kind"), [("- a\n- b", "list"), ("just a sentence", "plain text")])
def test_front_matter_must_be_a_mapping(lines, kind):
    error = error_of(front(lines))
    assert error.location == "post.md, line 2"
    assert error.message == f"front matter must be 'key: value' lines (like 'title: My article'), not a {kind}"


@pytest.mark.parametrize(
    ("lines", "location", "words"),
    [
        ("tags: 3", "line 3", ["'tags' must be a list", "comma-separated"]),
        ("tags: {a: b}", "line 3", ["'tags' must be a list"]),
        ("tags: [[a, b]]", "line 3", ["'tags' must be a simple list"]),
        ("tags: [true]", "line 3", ["'tags' must be text"]),
        ("date: soon", "line 3", ["'date' must be a date like 2024-05-01", "2024-05-01T09:30:00+02:00"]),
        ("date: 20240501", "line 3", ["'date' must be a date"]),
        ("date: 2024-02-30", "line 3", ["'date' must be a date"]),
        ("date: '2024-13-01T10:00'", "line 3", ["'date' must be a date"]),
        ("updated: [2024-01-01]", "line 3", ["'updated' must be a date"]),
        ("status: gone", "line 3", ["'status' must be one of draft, published, publish, public, scheduled", "'gone'"]),
        ("status: true", "line 3", ["'status' must be text"]),
        ("draft: maybe", "line 3", ["'draft' must be true or false"]),
        ("author: [a, b]", "line 3", ["'author' must be text"]),
        ("summary: 1.50", "line 3", ["'summary' must be text", "quotes"]),
        ("redirect_from: 301", "line 3", ["'redirect_from' must be a list"]),
    ],
)
def test_wrong_types_name_the_field_and_what_is_accepted(lines, location, words):
    error = error_of(front(f"title: T\n{lines}"))
    assert error.location == f"post.md, {location}"
    for word in words:
        assert word in error.message


def test_title_of_the_wrong_type():
    error = error_of(front("title: [a, b]"))
    assert error.location == "post.md, line 2"
    assert error.message == "'title' must be text; put the value in quotes (title: \"...\")"


def test_control_character_in_front_matter():
    error = error_of(front("title: T\nsummary: S\x00"))
    assert error.location == "post.md, line 3"
    assert error.message == "front matter is not valid YAML: it contains the character U+0000, which YAML forbids"


def test_deeply_nested_front_matter():
    error = error_of(front("title: T\nx: " + "[" * 3000 + "]" * 3000))
    assert "nested too deeply" in error.message


def test_hugo_toml_front_matter():
    record = parse(
        '+++\ntitle = "From Hugo"\ndate = 2024-05-01T09:30:00Z\ntags = ["a", "b"]\ndraft = true\n+++\nBody.\n',
        import_key="markdown:post.md",
        location="post.md",
    )
    assert (record.title, record.tags, record.status, record.body) == ("From Hugo", ["a", "b"], "draft", "Body.")
    assert record.published_at == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_invalid_toml_names_the_file_line():
    with pytest.raises(SourceError) as error:
        parse('+++\ntitle = "ok"\ntags = [a, b]\n+++\nBody.\n', import_key="markdown:p.md", location="p.md")
    assert error.value.location == "p.md, line 3"
    assert "not valid TOML" in error.value.message


def test_jekyll_file_name_gives_date_and_slug():
    record = parse("---\ntitle: Post\n---\nBody.\n", import_key="markdown:_posts/2023-07-04-my-post.md", location="x")
    assert record.slug == "my-post"
    assert record.published_at == datetime(2023, 7, 4, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_a_file_that_names_its_slug_takes_nothing_from_its_name():
    # export_articles writes <slug>.md with the slug inside; a draft has no date to guess.
    text = "---\ntitle: Post\nslug: 2023-07-04-my-post\nstatus: draft\n---\nBody.\n"
    record = parse(text, import_key="markdown:2023-07-04-my-post.md", location="x")
    assert record.slug == "2023-07-04-my-post" and record.published_at is None
