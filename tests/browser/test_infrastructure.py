"""The browser harness itself: it must catch what the other browser tests rely on it to catch."""

import pytest

from tests.browser.conftest import axe_violations, screenshot


def test_home_page_opens_without_console_errors_or_axe_violations(page, make_article):
    make_article(title="A first article", body="Hello, readers.")
    page.goto("/")
    assert page.get_by_role("link", name="A first article").is_visible()
    assert axe_violations(page) == []
    assert screenshot(page, "infrastructure-home").stat().st_size > 0


def test_a_csp_violation_on_the_page_is_reported(open_context, db):
    context = open_context()
    page = context.new_page()
    page.goto("/")
    # An inline script is what our policy refuses; the browser says so on the console.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    page.wait_for_timeout(100)
    assert any("Content Security Policy" in text for text in context.watch.console_errors)
    context.watch.console_errors.clear()


def test_a_request_to_another_host_is_blocked_and_reported(open_context, db):
    # Our CSP would refuse it first; with the policy bypassed, the harness is the last line.
    context = open_context(bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    page.evaluate("() => fetch('http://example.com/x').catch(() => null)")
    page.wait_for_timeout(100)
    assert context.watch.outside_requests == ["http://example.com/x"]
    context.watch.outside_requests.clear()
    context.watch.console_errors.clear()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_viewport_width_is_the_one_asked_for(open_context, width, db):
    page = open_context(width=width).new_page()
    page.goto("/")
    assert page.evaluate("() => window.innerWidth") == width
