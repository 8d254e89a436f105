"""A reader's journey through the public site, in Chromium at phone and desktop widths: from the home
page to an article, its previous/next and related articles, its topic and tag, the search box (a match
and none) and the feeds, all by clicking and typing, with nothing wider than the screen."""

import re

import feedparser
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, overflow_x


def heading(page):
    return page.get_by_role("heading", level=1)


def assert_fits_and_reads(page) -> None:
    """Nothing scrolls sideways; body text is at least 16 px and no paragraph under 12 px (Lighthouse's floor for
    legible text), readable on a phone without zooming."""
    # Measured once the page has loaded and laid out (a click's navigation may still be settling).
    page.wait_for_load_state("load")
    try:
        page.wait_for_function("() => document.scrollingElement.scrollWidth <= innerWidth", timeout=3000)
    except PlaywrightTimeout:
        raise AssertionError(f"{page.url} is {overflow_x(page)} px wider than the window") from None
    sizes = page.evaluate(  # the body first, then every paragraph
        "() => [document.body, ...document.querySelectorAll('main p')]"
        ".map(p => parseFloat(getComputedStyle(p).fontSize))"
    )
    body, smallest = sizes[0], min(sizes)
    assert body >= 16 and smallest >= 12, f"{page.url}: text {body} px, smallest paragraph {smallest} px"


def images_loaded(page) -> list[bool]:
    return page.evaluate("() => [...document.querySelectorAll('main img')].map(i => i.complete && i.naturalWidth > 0)")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_reader_follows_links_from_home_to_articles_topic_and_tag(open_context, reader_site, width):
    page = open_context(width=width).new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Naps and the afternoon slump")).to_be_visible()
    assert_fits_and_reads(page)

    page.get_by_role("link", name="How much sleep do we need").first.click()
    expect(heading(page)).to_have_text("How much sleep do we need")
    figures = page.locator("main img")
    expect(figures).to_have_count(3)  # the featured image and the two in the text
    figures.last.scroll_into_view_if_needed()  # lazy images load as they come near
    page.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
    assert images_loaded(page) == [True, True, True]
    expect(page.get_by_role("img", name="Hours slept per night, by week")).to_be_visible()
    assert_fits_and_reads(page)

    page.get_by_role("link", name=re.compile("Previous article")).click()
    expect(heading(page)).to_have_text("Winding down before bed")
    page.get_by_role("link", name=re.compile("Next article")).click()
    expect(heading(page)).to_have_text("How much sleep do we need")
    page.get_by_role("link", name=re.compile("Next article")).click()
    expect(heading(page)).to_have_text("Naps and the afternoon slump")

    related = page.get_by_role("region", name="Related articles")
    expect(related.get_by_role("link")).to_have_count(2)
    related.get_by_role("link", name="How much sleep do we need").click()
    expect(heading(page)).to_have_text("How much sleep do we need")

    page.get_by_role("link", name="Sleep", exact=True).first.click()
    expect(heading(page)).to_contain_text("Sleep")
    expect(page.locator("main").get_by_role("link", name=re.compile("^(Winding|How much|Naps)"))).to_have_count(3)
    assert_fits_and_reads(page)
    page.go_back()

    page.get_by_role("link", name="Night routines").click()
    expect(heading(page)).to_contain_text("Night routines")
    expect(page.locator("main").get_by_role("link", name=re.compile("^(Winding|How much|Naps)"))).to_have_count(3)
    assert_fits_and_reads(page)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_reader_searches_and_finds_an_article_or_is_told_nothing_matched(open_context, reader_site, width):
    page = open_context(width=width).new_page()
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search articles")
    box.fill("afternoon nap")
    box.press("Enter")
    expect(heading(page)).to_have_text("Search results for “afternoon nap”")
    expect(page.get_by_text("1 result", exact=True)).to_be_visible()
    assert_fits_and_reads(page)
    page.get_by_role("link", name="Naps and the afternoon slump").click()
    expect(heading(page)).to_have_text("Naps and the afternoon slump")

    box = page.get_by_role("searchbox", name="Search articles")
    box.fill("zebra crossing")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No articles match every word of your search.")).to_be_visible()
    expect(page.get_by_text("0 results", exact=True)).to_be_visible()
    assert_fits_and_reads(page)


def test_the_feed_links_of_every_page_lead_to_valid_feeds(page, reader_site):
    titles = {"Winding down before bed", "How much sleep do we need", "Naps and the afternoon slump"}
    for url in ["/", reader_site.topic.get_absolute_url(), reader_site.tag.get_absolute_url()]:
        page.goto(url)
        feeds = page.locator("link[rel=alternate]")
        hrefs = [feeds.nth(n).get_attribute("href") for n in range(feeds.count())]
        assert len(hrefs) == (2 if url == "/" else 3), hrefs
        for href in hrefs:
            feed = feedparser.parse(page.request.get(href).body())
            assert not feed.bozo, f"{href}: {feed.get('bozo_exception')}"
            assert {entry.title for entry in feed.entries} == titles, href

    page.goto("/")
    link = page.get_by_role("contentinfo").get_by_role("link", name="RSS feed")  # the visible one, in the footer
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/feed/"  # a click would download it: Chromium shows no feeds
    feed = feedparser.parse(page.request.get("/feed/").body())
    assert not feed.bozo and {entry.title for entry in feed.entries} == titles
