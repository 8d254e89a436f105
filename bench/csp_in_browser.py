#!/usr/bin/env python
"""Browser proof that our Content Security Policy breaks nothing: zero violations in Chromium.

Serves the site with gunicorn under production settings (plain HTTP on localhost), signs in to the
admin, opens the dashboard, the article list, the add form (typing in the markdownx editor, which
fetches the live preview), an article's change form, and the public home, article, search and
topic pages; every `securitypolicyviolation` event and console error is collected and printed.

    /tmp/audit/venv/bin/python bench/csp_in_browser.py   # any Python with playwright; Chromium at /usr/bin/chromium

Exit status 0 only with zero violations and zero console errors.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
"""
SEED = """
from django.contrib.auth import get_user_model
from articles.models import Article, Topic
from django.utils import timezone
get_user_model().objects.create_superuser('owner', 'owner@example.org', 'Browser-check passphrase 7')
topic = Topic.objects.create(name='Anxiety')
Article.objects.create(title='Sleep and mood', body='Some **text**.\\n\\n![A room](/static/favicon.svg)',
    status='published', published_at=timezone.now(), topic=topic)
"""


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="csp-browser-"))
    port = 8765
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
        "SECRET_KEY": "browser-check-" + "x7#Q" * 15,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://example.org",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{work / 'site.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{port}",
        "ACCESS_LOG": str(work / "access.log"),
    }
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "-v0"], ["shell", "-c", SEED]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env)
    base = f"http://localhost:{port}"
    violations, errors, visited = [], [], []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.add_init_script(WATCH)
            page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)

            def visit(path: str, action=None) -> None:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if action:
                    action()
                violations.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))
                visited.append(f"{path} (CSP: {page.evaluate('1') and 'enforced'})")

            def sign_in() -> None:
                page.fill("#id_username", "owner")
                page.fill("#id_password", "Browser-check passphrase 7")
                page.click("input[type=submit]")
                page.wait_for_load_state("networkidle")

            def type_in_editor() -> None:
                page.fill("#id_title", "Typed in the browser")
                page.click("#id_body")
                with page.expect_response(lambda r: "/markdownx/markdownify/" in r.url) as preview:
                    page.keyboard.type("# Heading\n\nSome *emphasis* and a [link](https://example.org).")
                status = preview.value.status
                if status != 200:
                    errors.append(f"the live preview answered {status}")
                page.wait_for_timeout(1500)
                html = page.evaluate("document.querySelector('.markdownx-preview').innerHTML")
                if "<em>emphasis</em>" not in html:
                    errors.append(f"the live preview was not drawn: {html[:200]!r}")

            visit("/admin/login/", sign_in)
            visit("/admin/")
            visit("/admin/articles/article/")
            visit("/admin/articles/article/add/", type_in_editor)
            visit("/admin/articles/article/1/change/")
            visit("/admin/images/image/")
            visit("/")
            visit("/articles/sleep-and-mood/")
            visit("/search/?q=sleep")
            visit("/topics/anxiety/")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work)
    print("pages:", ", ".join(v.split(" (")[0] for v in visited))
    print(f"CSP violations: {len(violations)}")
    for line in violations:
        print("  ", line)
    print(f"console errors: {len(errors)}")
    for line in errors:
        print("  ", line)
    sys.exit(1 if violations or errors else 0)


if __name__ == "__main__":
    main()
