"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live_server.

Every page a test opens is watched: a console error, an uncaught exception, a Content-Security-Policy
violation or a request leaving 127.0.0.1 fails the test at teardown (`page.expect_console` allows a
named, expected message such as the 404 page's own status). Without Chromium, Playwright or axe-core the
tests are skipped with the reason; under CI=true that is a failure instead.
"""

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "test-artifacts"))
PHONE, DESKTOP = 390, 1280


def chromium_path() -> str | None:
    default = ["/usr/bin/chromium", shutil.which("chromium")]
    candidates = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else default
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make setup installs requirements.txt)"
    if not chromium_path():
        return "Chromium not found at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM=/path)"
    if not AXE.exists():
        return "axe-core not installed (needs npm: make setup runs npm ci)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = missing_tools()
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if reason and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make between
    # browser steps are ordinary synchronous code, so Django's async-safety guard would refuse them.
    # Set for these tests only, never for the process: `check --deploy` in other tests refuses it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


# One browser for the browser tests, closed after them, so its event loop is gone for the tests that follow.
@pytest.fixture(scope="package")
def browser():
    if reason := missing_tools():  # only under CI=true: elsewhere the tests were skipped at collection
        pytest.fail(f"CI=true: the browser tests must run, but {reason}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


class Watch:
    """What went wrong in the pages of one browser context."""

    def __init__(self, host: str):
        self.host = host
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.dialogs: list[str] = []

    def on_console(self, message):
        if message.type == "error" and not any(pattern.search(message.text) for pattern in self.allowed):
            self.console_errors.append(message.text)

    def on_request(self, route):
        url = route.request.url
        if urlsplit(url).hostname in (self.host, None) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside_requests.append(url)
            route.abort()

    def problems(self) -> list[str]:
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"uncaught exception: {text}" for text in self.page_errors]
            + [f"request left 127.0.0.1: {url}" for url in self.outside_requests]
            + [f"dialog opened: {text}" for text in self.dialogs]
        )


@pytest.fixture
def open_context(browser, live_server):
    """open_context(width=1280, **options) -> a new, watched browser context (fresh cookies and storage)."""
    host = urlsplit(live_server.url).hostname
    contexts = []

    def open_(width: int = DESKTOP, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url, **options)
        watch = Watch(host)
        context.watch = watch
        context.route("**/*", watch.on_request)

        def watch_page(page):
            page.on("console", watch.on_console)
            page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
            page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
            # Expected console messages, by pattern: page.expect_console(r"status of 404")
            page.expect_console = lambda pattern: watch.allowed.append(re.compile(pattern))

        context.on("page", watch_page)
        contexts.append(context)
        return context

    yield open_
    problems = [problem for context in contexts for problem in context.watch.problems()]
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(open_context):
    """A watched page at desktop width in a fresh context."""
    return open_context().new_page()


def log_in(page, username: str, password: str = "pw") -> None:
    """Sign in through the admin's login form, as a person does."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url("**/admin/")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (run through the DevTools protocol, so our CSP,
    which allows no inline script, stays on while it runs)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> Path:
    """Writes test-artifacts/screenshots/<name>-<width>.png (git-ignored) and returns its path."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=path, full_page=True)
    return path


def pytest_terminal_summary(terminalreporter):
    reason = missing_tools()
    if reason and os.environ.get("CI") != "true":
        terminalreporter.write_line(f"Browser tests (tests/browser/) were skipped: {reason}.", yellow=True)


# -- Editor journeys (tests/browser/test_editor_*.py) ---------------------------------------------------------


def screenshots(page, name: str) -> list[Path]:
    """The page as it is now at phone and desktop widths (test-artifacts/screenshots/<name>-390/1280.png);
    the page is left at the width it had."""
    size = page.viewport_size
    paths = []
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": size["height"]})
        paths.append(screenshot(page, name))
    page.set_viewport_size(size)
    return paths


def drop_file(target, name: str, mime: str, content: bytes) -> None:
    """Drag a file from the desktop onto `target` (a locator), as the browser does: dragenter, dragover, drop,
    with a DataTransfer holding a File built in the page from `content`."""
    transfer = target.page.evaluate_handle(
        """([name, mime, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: mime}));
            return transfer;
        }""",
        [name, mime, list(content)],
    )
    for event in ("dragenter", "dragover", "drop"):
        target.dispatch_event(event, {"dataTransfer": transfer})


GROUP_MIGRATIONS = [
    ("articles.migrations.0009_editor_publisher_groups", "create_groups"),
    ("images.migrations.0002_editor_publisher_permissions", "grant"),
    ("site_settings.migrations.0002_publisher_permissions", "grant"),
]


@pytest.fixture(scope="session")
def _historical_apps():
    """The models as the migrations see them, for running their data functions again."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True).project_state().apps


@pytest.fixture
def editorial_groups(transactional_db, _historical_apps):
    """The groups the migrations make (Editors, Publishers), back in the database. A live_server test's database
    is emptied after each test (transactional), and the migrations' rows go with it, so the same data
    functions run again here, whatever ran before."""
    import importlib

    for module, function in GROUP_MIGRATIONS:
        getattr(importlib.import_module(module), function)(_historical_apps, None)


@pytest.fixture
def group_editor(editorial_groups, group_editor):
    return group_editor


@pytest.fixture
def publisher(editorial_groups, publisher):
    return publisher


# -- Reader journeys, hostile content, accessibility (issue 12, reader side) ----------------------------


@pytest.fixture
def reader_site(make_article, django_user_model):
    """A small public site: three articles sharing a topic and a tag (previous/next, related), the middle
    one with library images in its body and as featured image, and a once-public article in the trash."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, Tag, Topic
    from tests.image_helpers import add_picture

    topic = Topic.objects.create(name="Sleep")
    tag = Tag.objects.create(name="Night routines")
    photo = add_picture(size=(800, 500), alt_text="A quiet bedroom at dusk", colour=(40, 60, 90))
    chart = add_picture(size=(480, 320), alt_text="Hours slept per night, by week", colour=(200, 180, 60))
    now = timezone.now()
    paragraph = "Regular hours help the body settle. A dark, cool room helps too, and so does a short walk. "
    older = make_article(
        title="Winding down before bed", body=paragraph * 4, topic=topic, tags=[tag],
        published_at=now - timedelta(days=3), summary="Small habits for a calmer evening.",
    )  # fmt: skip
    middle = make_article(
        title="How much sleep do we need",
        body=f"{paragraph * 3}\n\n## What the studies say\n\n{photo.markdown()}\n\n{paragraph * 2}\n\n"
        f"## Keeping a diary\n\n{chart.markdown()}\n\n{paragraph}\n\n## In short\n\n{paragraph}",
        topic=topic, tags=[tag], featured_image=photo, published_at=now - timedelta(days=2),
        summary="What the research says about hours of sleep.",
    )  # fmt: skip
    newer = make_article(
        title="Naps and the afternoon slump", body=paragraph * 3, topic=topic, tags=[tag],
        published_at=now - timedelta(days=1), summary="When a nap helps and when it does not.",
    )  # fmt: skip
    gone = make_article(title="An article taken down", body=paragraph, published_at=now - timedelta(days=5))
    Article.objects.filter(pk=gone.pk).update(trashed_at=now)
    admin = django_user_model.objects.create_superuser("admin", password="pw")
    return SimpleNamespace(
        topic=topic, tag=tag, older=older, middle=middle, newer=newer, gone=gone, admin=admin, images=[photo, chart]
    )


def tab_to(page, times: int = 1) -> dict:
    """Press Tab and describe the element that has focus now (tag, text, href, where it is, its focus ring)."""
    for _ in range(times):
        page.keyboard.press("Tab")
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            const text = el.textContent || el.value || el.getAttribute('aria-label') || '';
            return {tag: el.tagName.toLowerCase(), text: text.trim(),
                    href: el.getAttribute('href'), id: el.id, top: box.top + scrollY, left: box.left + scrollX,
                    visible: box.width > 0 && box.height > 0,
                    ring: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' ')};
        }"""
    )


def overflow_x(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
