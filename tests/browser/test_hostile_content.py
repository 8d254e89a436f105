"""Every XSS vector of the hardening corpus (tests/xss_corpus.py), opened in Chromium on the public article
page and in the admin's live preview: no dialog opens, no CSP violation or other console error of ours
appears, no request leaves 127.0.0.1, and nothing a vector would run has run.

Each vector's `alert(1)` becomes `alert(window.xss=N)`: had it run, the dialog's text and the window's
`xss` marker would both name vector N. Vectors go eight to an article, each in its own paragraph, so the
corpus takes a few page loads rather than sixty.
"""

import pytest

from articles.models import Article
from tests.browser.conftest import log_in
from tests.xss_corpus import VECTORS

BATCH = 8
BATCHES = [list(range(start, min(start + BATCH, len(VECTORS)))) for start in range(0, len(VECTORS), BATCH)]

# What a page could do only if a vector ran: a dialog (the harness counts them), the marker, or a handler
# firing on the events a reader's pointer and keyboard cause.
PROVOKE = """(root) => {
    for (const el of document.querySelectorAll(root + ' *')) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'animationstart', 'toggle']) {
            el.dispatchEvent(new Event(type));
        }
    }
    return window.xss;
}"""


def armed(number: int) -> str:
    return VECTORS[number].replace("alert(1)", f"alert(window.xss={number})")


def body_of(numbers: list[int]) -> str:
    return "\n\n".join(f"Vector {number}:\n\n{armed(number)}" for number in numbers)


def ran(page, root: str, numbers: list[int]) -> dict:
    """The vectors of this batch that ran, by number, with their text; empty when none did."""
    marker = page.evaluate(PROVOKE, root)
    dialogs = page.context.watch.dialogs
    fired = {int(text) for text in dialogs if text.isdigit()} | ({marker} if marker is not None else set())
    fired |= set(numbers) if any(not text.isdigit() for text in dialogs) else set()  # a dialog of unknown origin
    return {number: VECTORS[number] for number in sorted(fired)}


@pytest.fixture
def hostile_articles(make_article):
    return [
        make_article(title=f"Hostile batch {n}", slug=f"hostile-{n}", body=body_of(numbers))
        for n, numbers in enumerate(BATCHES)
    ]


def test_the_corpus_is_armed_with_markers():
    armed_vectors = [number for number in range(len(VECTORS)) if "window.xss=" in armed(number)]
    assert len(armed_vectors) >= 50  # the rest use other payloads (base64, msgbox, evil.example)


def expect_harmless_messages(page) -> None:
    page.expect_console(r"status of 404")  # <img src=x> and the like: broken images, which is all they are
    # The one image on another host (a kept, harmless https: address): our policy refuses to load it.
    page.expect_console(r"^Loading the image 'https://example\.org/a\.png' violates .* \"img-src 'self'")


def test_no_vector_runs_on_the_public_article_page(open_context, hostile_articles):
    page = open_context().new_page()
    expect_harmless_messages(page)
    found = {}
    for article, numbers in zip(hostile_articles, BATCHES, strict=True):
        page.goto(article.get_absolute_url())
        assert page.get_by_role("heading", level=1).inner_text() == article.title
        assert page.get_by_text(f"Vector {numbers[0]}:").is_visible()
        found |= ran(page, ".prose", numbers)
    assert found == {}


def test_no_vector_runs_in_the_admin_live_preview(open_context, editor, hostile_articles):
    page = open_context().new_page()
    expect_harmless_messages(page)
    log_in(page, "editor")
    article = hostile_articles[0]
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    body = page.get_by_label("Body")
    found = {}
    for numbers in BATCHES:
        with page.expect_response("**/markdownx/markdownify/") as answer:
            body.fill(body_of(numbers) + "\n")  # as typed: markdownx previews on input
        assert answer.value.ok
        page.locator(".markdownx-preview").get_by_text(f"Vector {numbers[0]}:").wait_for()
        found |= ran(page, ".markdownx-preview", numbers)
    assert found == {}
    assert Article.objects.get(pk=article.pk).body == body_of(BATCHES[0])  # previewing saved nothing


def test_the_check_names_a_vector_that_runs(open_context, db):
    # With our policy bypassed and no sanitiser, an armed vector runs: the dialog and the marker name it.
    context = open_context(bypass_csp=True)
    page = context.new_page()
    page.expect_console(r"status of 404")
    page.goto("/")
    number = VECTORS.index("<img src=x onerror=alert(1)>")
    with page.expect_event("dialog"):
        page.evaluate("(html) => { document.querySelector('main').innerHTML = html; }", armed(number))
    assert ran(page, "main", [number]) == {number: "<img src=x onerror=alert(1)>"}
    context.watch.dialogs.clear()
