"""Which article a source file is: sources never collide, one file is one article however it is reached,
and an article saved unchanged in the admin is still recognised as unedited by the next import."""

import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

PAGE = "A title\n\nA title\n\nThe first paragraph of the body.\n\nanxiety\n\nAbout therapy\n"


def _md(title: str, body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def test_two_folders_with_the_same_file_names_are_different_articles(run_import, tmp_path):
    for site in ("siteA", "siteB"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "index.md").write_text(_md(f"Home of {site}"))
    assert "1 created" in run_import(tmp_path / "siteA").out
    assert "1 created" in run_import(tmp_path / "siteB").out
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Home of siteA", "Home of siteB"]
    # And each is recognised again, not flipped between.
    assert "1 unchanged" in run_import(tmp_path / "siteA").out
    assert "1 unchanged" in run_import(tmp_path / "siteB").out


def test_a_file_reached_through_its_parent_folder_is_the_same_article(run_import, tmp_path):
    posts = tmp_path / "site" / "posts"
    posts.mkdir(parents=True)
    (posts / "a.md").write_text(_md("Post A"))
    run_import(posts / "a.md")
    result = run_import(tmp_path / "site")
    assert "0 created" in result.out and "1 unchanged" in result.out
    assert Article.objects.count() == 1


def test_a_zip_named_alone_or_inside_its_folder_is_the_same_article(run_import, tmp_path):
    archive = tmp_path / "export" / "posts.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.md", _md("Zipped"))
    run_import(archive)
    assert "1 unchanged" in run_import(archive.parent).out
    assert Article.objects.count() == 1


def test_a_named_source_recognises_its_files_after_they_move(run_import, tmp_path):
    for place in ("old", "new"):
        (tmp_path / place).mkdir()
        (tmp_path / place / "a.md").write_text(_md("Moved post"))
    run_import("--source", "practice-site", tmp_path / "old")
    result = run_import("--source", "practice-site", tmp_path / "new")
    assert "1 unchanged" in result.out
    article = Article.objects.get()
    assert article.import_source == "practice-site: a.md"


def test_the_admin_shows_where_an_article_was_imported_from(run_import, tmp_path, admin_client):
    (tmp_path / "a.md").write_text(_md("Shown source"))
    run_import(tmp_path)
    article = Article.objects.get()
    assert article.import_source == f"{tmp_path.resolve()}/a.md"
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Imported from" in page and f"{tmp_path.resolve()}/a.md" in page


def test_articles_imported_under_the_old_keys_are_adopted_not_duplicated(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    Article.objects.update(import_key="text:page.txt", import_hash="from-an-older-version")  # as keyed before
    result = run_import(path)
    assert result.code == 0 and "0 created" in result.out
    assert Article.objects.count() == 1
    assert Article.objects.get().import_key.startswith("file:")
    assert "1 unchanged" in run_import(path).out


def test_a_locally_edited_article_under_an_old_key_is_kept_and_still_recognised(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    Article.objects.update(import_key="text:page.txt")
    article = Article.objects.get()
    article.body = "Edited by an editor."
    article.save()
    assert "1 locally modified" in run_import(path).out
    # Found again under its new key: the source has not changed, and no second article appears.
    assert "0 created, 0 updated, 1 unchanged" in run_import(path).out
    assert Article.objects.get().body == "Edited by an editor."


# -- the admin and the importer agree on what "edited" means -----------------------


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize(
    "source",
    [
        PAGE,
        "---\ntitle: Dated\ndate: 2024-05-01T09:30:15.123456+02:00\ntags: [a, b]\nsummary: |\n  Two\n  lines\n---\n"
        "    indented code first\n\nThen a paragraph.\n",
    ],
    ids=["scraped-text", "markdown-with-microseconds-and-code"],
)
def test_saving_unchanged_in_the_admin_does_not_freeze_the_article(
    run_import, write, admin_client, browser_post, source
):
    path = write("page.md" if source.startswith("---") else "page.txt", source)
    run_import(path)
    article = Article.objects.get()
    response = browser_post(admin_client, _change_url(article))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Article.objects.get().edited_since_import
    path.write_text(source.replace("paragraph", "changed paragraph"))
    result = run_import(path)
    assert "1 updated" in result.out, result.out
    assert "changed paragraph" in Article.objects.get().body


def test_an_imported_article_with_no_date_saved_in_the_admin_is_still_unedited(
    run_import, write, admin_client, browser_post
):
    path = write("page.md", _md("No date given"))
    run_import(path)
    article = Article.objects.get()
    assert article.published_at.microsecond == 0
    browser_post(admin_client, _change_url(article))
    assert not Article.objects.get().edited_since_import


def test_a_real_edit_in_the_admin_is_kept_by_the_next_import(run_import, write, admin_client, browser_post):
    path = write("page.txt", PAGE)
    run_import(path)
    article = Article.objects.get()
    browser_post(admin_client, _change_url(article), {"body": "Rewritten\r\nby hand."})
    assert Article.objects.get().body == "Rewritten\nby hand."
    path.write_text(PAGE.replace("first paragraph", "new source text"))
    assert "1 locally modified" in run_import(path).out
    assert Article.objects.get().body == "Rewritten\nby hand."


def test_every_path_stores_text_and_times_the_same_way(make_article):
    moment = timezone.now() - timedelta(hours=1)
    article = make_article(
        title="  Spaced   title ",
        body="Line one\r\nLine two\rLine three",
        summary="Summary\r\nmore",
        published_at=moment,
    )
    article.refresh_from_db()
    assert article.title == "Spaced title"
    assert article.body == "Line one\nLine two\nLine three"
    assert article.summary == "Summary\nmore"
    assert article.published_at == moment.replace(microsecond=0)


def test_relative_links_lead_to_the_file_beside_them_not_a_namesake_in_another_folder(run_import, tmp_path):
    for site in ("siteA", "siteB"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "contact.md").write_text(_md(f"Contact {site}"))
        (tmp_path / site / "about.md").write_text(_md(f"About {site}", "See [the contact page](contact.md)."))
    assert run_import(tmp_path / "siteA", tmp_path / "siteB").code == 0
    for site in ("siteA", "siteB"):
        contact = Article.objects.get(title=f"Contact {site}")
        assert f"]({contact.get_absolute_url()})" in Article.objects.get(title=f"About {site}").body


def test_links_between_files_named_in_different_paths_are_resolved(run_import, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "index.md").write_text(_md("Post A"))
    (tmp_path / "b" / "index.md").write_text(_md("Post B", "Back to [A](../a/index.md)."))
    assert run_import(tmp_path / "a", tmp_path / "b").code == 0
    assert "](/articles/post-a/)" in Article.objects.get(title="Post B").body


def test_one_source_name_for_two_folders_with_the_same_file_names_refuses_the_second(run_import, tmp_path):
    for site in ("siteA", "siteB"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "contact.md").write_text(_md(f"Contact {site}"))
    result = run_import("--source", "old-site", tmp_path / "siteA", tmp_path / "siteB")
    assert result.code == 1
    assert f"{tmp_path / 'siteB' / 'contact.md'}: is the same item as {tmp_path / 'siteA' / 'contact.md'}" in result.err
    assert "give each folder its own name" in result.err
    assert list(Article.objects.values_list("title", flat=True)) == ["Contact siteA"]


def test_a_folder_named_twice_is_read_once(run_import, tmp_path):
    (tmp_path / "a.md").write_text(_md("Once"))
    result = run_import(tmp_path, tmp_path, tmp_path / "a.md")
    assert result.code == 0 and "1 created, 0 updated, 0 unchanged" in result.out


def test_tags_differing_only_in_case_or_spacing_are_one_tag(run_import, write):
    result = run_import(
        write("t.md", '---\ntitle: Tagged\ntags: ["Python", "python", "Py  thon", "Py thon"]\n---\nx\n')
    )
    assert result.code == 0, result.err
    assert sorted(Article.objects.get().tags.values_list("name", flat=True)) == ["Py thon", "Python"]


def test_renaming_a_topic_or_tag_in_the_admin_is_not_an_edit_of_its_articles(run_import, write, admin_client):
    path = write("page.txt", PAGE)
    run_import(path)
    from articles.models import Tag, Topic

    topic, tag = Topic.objects.get(), Tag.objects.get()
    admin_client.post(reverse("admin:articles_topic_change", args=[topic.pk]), {"name": "Therapy", "slug": topic.slug})
    admin_client.post(reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Anxiety", "slug": tag.slug})
    assert Topic.objects.get().name == "Therapy"
    path.write_text(PAGE.replace("first paragraph", "new source text"))
    assert "1 updated" in run_import(path).out


def test_a_body_of_invisible_characters_in_a_file_is_refused_naming_it(run_import, write):
    path = write("blank.md", "---\ntitle: Blank\n---\n\u00a0\u200b\n")
    result = run_import(path)
    assert result.code == 1
    assert f"{path}: body: An article needs a body: this one is only spaces or invisible characters." in result.err


def test_a_symlinked_file_named_alone_or_found_in_its_folder_is_one_article(run_import, tmp_path):
    target = tmp_path / "elsewhere" / "real.md"
    target.parent.mkdir()
    target.write_text(_md("Linked"))
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "link.md").symlink_to(target)
    run_import(tmp_path / "site" / "link.md")
    assert "1 unchanged" in run_import(tmp_path / "site").out
    assert Article.objects.count() == 1
