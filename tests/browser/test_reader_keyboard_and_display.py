"""The public pages with the keyboard alone, in dark mode and in print preview."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot, tab_to


def has_focus_ring(stop: dict) -> bool:
    """An outline of some width, or a box shadow: what a sighted keyboard user sees move."""
    outline_style, outline_width = stop["ring"].split(" ")[:2]
    has_shadow = not stop["ring"].endswith(" none")
    return (outline_style != "none" and outline_width != "0px") or has_shadow


def tab_through(page) -> list[dict]:
    """Every Tab stop of the page from the top, once round."""
    page.locator("body").focus()
    stops = []
    while True:
        stop = tab_to(page)
        if stop["tag"] == "body" or (stops and stop == stops[0]) or len(stops) > 80:
            return stops
        stops.append(stop)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("which", ["home", "article"])
def test_tab_order_follows_the_page_and_every_stop_shows_focus(open_context, reader_site, width, which):
    page = open_context(width=width).new_page()
    page.goto("/" if which == "home" else reader_site.middle.get_absolute_url())
    stops = tab_through(page)
    assert stops[0]["text"] == "Skip to content"
    assert len(stops) > 8
    # Visual order: each stop is below the one before, or on the same line (within one line's height) and
    # to its right.
    for before, after in itertools.pairwise(stops):
        same_line = abs(after["top"] - before["top"]) < 24
        assert (same_line and after["left"] > before["left"]) or after["top"] > before["top"], (before, after)
    assert [stop for stop in stops if not stop["visible"] or not has_focus_ring(stop)] == []


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, reader_site):
    page.goto(reader_site.middle.get_absolute_url())
    skip = page.get_by_role("link", name="Skip to content")
    assert not skip.is_visible() or skip.bounding_box()["y"] < 0  # out of sight until focused
    first = tab_to(page)
    assert first["text"] == "Skip to content" and first["top"] >= 0
    expect(skip).to_be_in_viewport()
    screenshot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    after = tab_to(page)  # the next stop is in the content, not the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)"), after
    assert after["text"] == "Sleep"  # the article's topic, first link of the content


def colours(page) -> dict:
    return page.evaluate(
        """() => ({body: getComputedStyle(document.body).backgroundColor,
                   text: getComputedStyle(document.body).color,
                   link: getComputedStyle(document.querySelector('main a')).color})"""
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_dark_mode_changes_the_colours_and_keeps_the_contrast(open_context, reader_site, width):
    page = open_context(width=width).new_page()
    found = {}
    for name, url in {"home": "/", "article": reader_site.middle.get_absolute_url()}.items():
        page.emulate_media(color_scheme="light")
        page.goto(url)
        light = colours(page)
        page.emulate_media(color_scheme="dark")
        page.reload()  # drawn afresh: links fade between colours when the scheme changes under them
        dark = colours(page)
        assert all(dark[key] != light[key] for key in light), (name, light, dark)
        luminance = sum(int(part) for part in re.findall(r"\d+", dark["body"])[:3])
        assert luminance < 3 * 80, f"{name}: the dark background is not dark ({dark['body']})"
        if violations := axe_violations(page):  # every rule, colour contrast among them
            found[name] = violations
        screenshot(page, f"{name}-dark")
    assert found == {}


def test_print_preview_hides_navigation_and_keeps_the_article(page, reader_site):
    page.goto(reader_site.middle.get_absolute_url())
    page.emulate_media(media="print")
    for furniture in [
        page.get_by_role("navigation", name="Main"),
        page.get_by_role("search"),
        page.get_by_role("link", name="Skip to content"),
        page.get_by_role("navigation", name="More articles"),
        page.get_by_role("region", name="Related articles"),
    ]:
        expect(furniture).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("How much sleep do we need")
    expect(page.get_by_role("heading", name="What the studies say")).to_be_visible()
    expect(page.get_by_text("Regular hours help the body settle.").first).to_be_visible()
    expect(page.get_by_role("img", name="Hours slept per night, by week")).to_be_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
