"""axe-core on every page a reader or an editor meets, at phone and desktop widths: zero violations.
Each page is also photographed (test-artifacts/screenshots/), so anyone can look at what people get."""

from pprint import pformat

import pytest
from django.urls import reverse

from articles.models import Revision
from articles.revisions import record_revision
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, log_in, screenshot


def public_pages(site) -> dict[str, str]:
    return {
        "home": "/",
        "article": site.middle.get_absolute_url(),
        "topic": site.topic.get_absolute_url(),
        "tag": site.tag.get_absolute_url(),
        "search-results": "/search/?q=sleep",
        "search-none": "/search/?q=zebra",
        "not-found": "/articles/no-such-article/",
        "gone": site.gone.get_absolute_url(),
        "admin-login": reverse("admin:login"),
    }


def admin_pages(site) -> dict[str, str]:
    article = site.middle
    record_revision(article, user=site.admin, source=Revision.Source.ADMIN, created=True)
    article.body += "\n\nOne more paragraph, added later."
    article.save()
    record_revision(article, user=site.admin, source=Revision.Source.ADMIN)
    old, new = article.revisions.order_by("created_at", "pk")
    compare = reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={old.pk}&b={new.pk}"
    return {
        "admin-article-list": reverse("admin:articles_article_changelist"),
        "admin-change-form": reverse("admin:articles_article_change", args=[article.pk]),
        "admin-history": reverse("admin:articles_article_history", args=[article.pk]),
        "admin-diff": compare,
    }


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_every_public_page_and_the_admin_login_have_no_axe_violations(open_context, reader_site, width):
    page = open_context(width=width).new_page()
    page.expect_console(r"status of 404")  # the 404 page's own status
    page.expect_console(r"status of 410")  # and the 410's
    found = {}
    for name, url in public_pages(reader_site).items():
        page.goto(url)
        if violations := axe_violations(page):
            found[name] = violations
        screenshot(page, name)
    assert found == {}, pformat(found)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_admin_pages_an_editor_uses_have_no_axe_violations(open_context, reader_site, width):
    page = open_context(width=width).new_page()
    log_in(page, "admin")
    found = {}
    for name, url in admin_pages(reader_site).items():
        page.goto(url)
        if violations := axe_violations(page):
            found[name] = violations
        screenshot(page, name)
    assert found == {}, pformat(found)
