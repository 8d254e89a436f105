"""Autosave in the browser: the change form loads a small self-hosted script (no inline script, for a
strict CSP) and names the local copy's key, per article and per user. Its presence and inputs are tested
through the admin; its behaviour (what it keeps, offers and forgets) by running it in Node on a minimal page."""

import json
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, url):
    return BeautifulSoup(client.get(url).content, "lxml")


def test_the_change_form_loads_the_script_and_names_a_key_per_article_and_user(client, group_editor, make_article):
    article = make_article()
    client.force_login(group_editor)
    html = page(client, reverse("admin:articles_article_change", args=[article.pk]))
    sources = [script["src"] for script in html.find_all("script", src=True)]
    assert any(src.endswith("/articles/autosave.js") for src in sources)
    key = html.select_one("form#article_form [data-autosave-key]")["data-autosave-key"]
    assert key == f"article-autosave:{article.pk}:{group_editor.pk}"
    add = page(client, reverse("admin:articles_article_add"))
    assert add.select_one("[data-autosave-key]")["data-autosave-key"] == f"article-autosave:new:{group_editor.pk}"


def test_the_change_form_has_no_inline_script(client, group_editor, make_article):
    article = make_article()
    client.force_login(group_editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    soup = BeautifulSoup(html, "lxml")
    inline = [s for s in soup.find_all("script") if not s.has_attr("src") and s.get("type") != "application/json"]
    assert inline == []
    assert " onclick=" not in html and " oninput=" not in html


def test_the_script_is_served_and_keeps_restores_and_discards(client):
    path = finders.find("articles/autosave.js")
    with open(path, encoding="utf-8") as file:
        source = file.read()
    assert "localStorage" in source and "data-autosave-key" in source
    assert "Restore unsaved text" in source and "Discard it" in source
    assert "eval(" not in source and "innerHTML" not in source  # nothing a strict CSP or a stored text could abuse
    response = client.get("/static/articles/autosave.js")
    assert response.status_code == 200


# -- the script's behaviour, run in Node against a minimal page (no browser needed) ---------------------

HARNESS = r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
function makeStore(items) {
  const data = new Map(Object.entries(items || {}));
  return {
    get length() { return data.size; },
    key(i) { return Array.from(data.keys())[i] ?? null; },
    getItem(k) { return data.has(k) ? data.get(k) : null; },
    setItem(k, v) { data.set(k, String(v)); },
    removeItem(k) { data.delete(k); },
    dump() { return Object.fromEntries(data); },
  };
}
function makeElement(tag) {
  const listeners = {};
  const el = {
    tagName: tag, children: [], attributes: {}, value: "", parent: null,
    setAttribute(n, v) { this.attributes[n] = v; }, getAttribute(n) { return this.attributes[n] ?? null; },
    appendChild(c) { c.parent = this; this.children.push(c); return c; },
    insertBefore(c) { c.parent = this; this.children.unshift(c); return c; },
    get firstChild() { return this.children[0] || null; },
    remove() { if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this); },
    addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    dispatchEvent(event) {
      (listeners[event.type] || []).forEach((fn) => fn(event));
      if (event.bubbles && this.form) this.form.dispatchEvent(event);
    },
  };
  return el;
}
const page = input.page;
const form = page.form ? makeElement("form") : null;
if (form) {
  form.elements = {};
  for (const [name, value] of Object.entries(page.form)) {
    const field = makeElement("input"); field.value = value; field.form = form; form.elements[name] = field;
  }
  const append = form.appendChild.bind(form);
  form.appendChild = (c) => { if (c.name) form.elements[c.name] = c; return append(c); };
}
const marks = (page.saved || []).map((key) => ({ getAttribute: () => key }));
const config = page.key ? { getAttribute: () => page.key } : null;
global.Event = function (type, options) { this.type = type; this.bubbles = !!(options && options.bubbles); };
let timers = [];
global.setTimeout = (fn) => { timers.push(fn); return timers.length; };
global.clearTimeout = () => { timers = []; };
global.window = { localStorage: makeStore(input.local), sessionStorage: makeStore(input.session) };
global.document = {
  readyState: "complete",
  getElementById: (id) => (id === "article_form" ? form : null),
  querySelector: (sel) => ({ "[data-autosave-key]": config, ".errornote": page.error ? {} : null })[sel] || null,
  querySelectorAll: (sel) => (sel === "[data-autosave-saved]" ? marks : []),
  createElement: (tag) => makeElement(tag),
};
eval(fs.readFileSync(input.script, "utf8"));
function offers() { return form ? form.children.filter((c) => c.className === "autosave-offer") : []; }
function button(label) { return offers()[0].children.find((c) => c.textContent === label); }
for (const step of input.steps || []) {
  if (step.type) {
    const field = form.elements[step.type[0]];
    field.value = step.type[1];
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  if (step.wait) { const run = timers; timers = []; run.forEach((fn) => fn()); }
  if (step.click) button(step.click).dispatchEvent(new Event("click"));
  if (step.submit) form.dispatchEvent(new Event("submit"));
}
process.stdout.write(JSON.stringify({
  local: window.localStorage.dump(), session: window.sessionStorage.dump(), offers: offers().length,
  form: form ? Object.fromEntries(Object.entries(form.elements).map(([n, e]) => [n, e.value])) : null,
}));
"""

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js runs the script outside a browser")


def run_script(*, page, local=None, session=None, steps=()):
    source = finders.find("articles/autosave.js")
    given = {"page": page, "local": local or {}, "session": session or {}, "steps": list(steps), "script": source}
    done = subprocess.run(
        [NODE, "-e", HARNESS], input=json.dumps(given), capture_output=True, text=True, check=True, timeout=30
    )
    result = json.loads(done.stdout)
    result["copies"] = {key: json.loads(value) for key, value in result["local"].items()}
    return result


def copy(title, *, submitted=False, at="2026-01-01T10:00:00Z"):
    fields = {"title": title, "slug": "", "summary": "", "body": f"{title} body"}
    return json.dumps({"fields": fields, "savedAt": at, "submitted": submitted})


EMPTY_FORM = {"title": "", "slug": "", "summary": "", "body": ""}


@needs_node
def test_a_save_forgets_only_the_copy_it_came_from():
    local = {
        "article-autosave:1:7": copy("Saved", submitted=True),
        "article-autosave:2:7": copy("Failed", submitted=True),
    }
    # The list after "Save": the server names the copy of article 1, whose save succeeded.
    result = run_script(page={"success": True, "saved": ["article-autosave:1:7"]}, local=local)
    assert set(result["local"]) == {"article-autosave:2:7"}  # article 2's failed save is still kept


@needs_node
def test_two_new_articles_in_two_tabs_keep_two_copies_and_both_are_offered():
    add = {"key": "article-autosave:new:7", "form": EMPTY_FORM}
    first = run_script(
        page=add, session={"article-autosave:tab": "one"}, steps=[{"type": ["title", "One"]}, {"wait": 1}]
    )
    second = run_script(
        page=add, local=first["local"], session={"article-autosave:tab": "two"},
        steps=[{"type": ["title", "Two"]}, {"wait": 1}],
    )  # fmt: skip
    titles = sorted(c["fields"]["title"] for c in second["copies"].values())
    assert titles == ["One", "Two"]
    # A third tab is offered each, one after the other; discarding one does not drop the other.
    third = run_script(page=add, local=second["local"], session={"article-autosave:tab": "three"})
    assert third["offers"] == 1
    after = run_script(page=add, local=second["local"], session={"article-autosave:tab": "three"},
                       steps=[{"click": "Discard it"}])  # fmt: skip
    assert after["offers"] == 1 and len(after["copies"]) == 1
    restored = run_script(page=add, local=after["local"], session={"article-autosave:tab": "three"},
                          steps=[{"click": "Restore unsaved text"}])  # fmt: skip
    assert restored["form"]["title"] in {"One", "Two"}
    assert [c["fields"]["title"] for c in restored["copies"].values()] == [restored["form"]["title"]]
    assert list(restored["copies"]) == ["article-autosave:new:7:three"]  # now this tab's own copy


@needs_node
def test_typing_while_the_offer_is_open_is_kept_without_overwriting_the_offered_copy():
    change = {"key": "article-autosave:1:7", "form": {**EMPTY_FORM, "title": "Saved title"}}
    local = {"article-autosave:1:7": copy("Kept earlier")}
    typed = run_script(page=change, local=local, steps=[{"type": ["body", "New typing"]}, {"wait": 1}])
    assert typed["offers"] == 1
    assert typed["copies"]["article-autosave:1:7"]["fields"]["title"] == "Kept earlier"  # untouched
    aside = [c for key, c in typed["copies"].items() if key != "article-autosave:1:7"]
    assert [c["fields"]["body"] for c in aside] == ["New typing"]
    # The tab closed with the offer open: next time both are offered, none dropped.
    reopened = run_script(page=change, local=typed["local"])
    assert reopened["offers"] == 1 and len(reopened["copies"]) == 2
    # Discarding the old copy keeps what was typed, now in the article's own slot.
    chosen = run_script(
        page=change, local=local, steps=[{"type": ["body", "New typing"]}, {"wait": 1}, {"click": "Discard it"}]
    )
    assert list(chosen["copies"]) == ["article-autosave:1:7"]
    assert chosen["copies"]["article-autosave:1:7"]["fields"]["body"] == "New typing"


@needs_node
def test_a_submit_names_its_copy_for_the_server():
    result = run_script(
        page={"key": "article-autosave:new:7", "form": EMPTY_FORM},
        session={"article-autosave:tab": "one"},
        steps=[{"type": ["title", "Sent"]}, {"submit": 1}],
    )
    assert result["form"]["_autosave_key"] == "article-autosave:new:7:one"
    assert result["copies"]["article-autosave:new:7:one"]["submitted"] is True


@needs_node
def test_a_refused_save_unmarks_its_copy_so_a_later_success_elsewhere_keeps_it():
    local = {"article-autosave:1:7": copy("Refused", submitted=True)}
    page_ = {"key": "article-autosave:1:7", "form": {**EMPTY_FORM, "title": "Refused"}, "error": True}
    result = run_script(page=page_, local=local, session={"article-autosave:submitted": "article-autosave:1:7"})
    assert result["copies"]["article-autosave:1:7"]["submitted"] is False
