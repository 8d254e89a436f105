// Autosave in the browser: the article form's unsaved text is copied to localStorage (one copy per
// article and user, keyed by the change form's data-autosave-key, and per tab for a new article) and
// offered back after a closed tab, a crash or a lost session, to restore or discard. No inline script:
// this file is all there is.
(function () {
  "use strict";
  var FIELDS = ["title", "slug", "summary", "body", "meta_description", "canonical_url"];
  var PREFIX = "article-autosave:";

  function storage() {
    try {
      var store = window.localStorage;
      store.getItem(PREFIX);
      return store;
    } catch (error) {
      return null; // private mode or storage disabled: nothing to keep
    }
  }

  function load(store, key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function normal(value) {
    return (value || "").replace(/\r\n?/g, "\n").replace(/\s+/g, " ").trim();
  }

  function read(form) {
    var fields = {};
    FIELDS.forEach(function (name) {
      var element = form.elements[name];
      if (element) fields[name] = element.value;
    });
    return fields;
  }

  function sameText(a, b) {
    return FIELDS.every(function (name) {
      return normal(a[name]) === normal(b[name]);
    });
  }

  // After a successful save the next page names the copies that save came from (data-autosave-saved):
  // forget those, and only if still marked submitted. Other copies, e.g. another article's failed save, stay.
  function forgetSaved(store) {
    var saved = document.querySelectorAll("[data-autosave-saved]");
    for (var i = 0; i < saved.length; i++) {
      var key = saved[i].getAttribute("data-autosave-saved");
      var copy = key && key.indexOf(PREFIX) === 0 ? load(store, key) : null;
      if (copy && copy.submitted) store.removeItem(key);
    }
  }

  function uniqueId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  }

  // Per tab (sessionStorage), so it survives a reload of the tab but is not shared with other tabs.
  function tabValue(name, value) {
    try {
      if (value !== undefined) window.sessionStorage.setItem(PREFIX + name, value);
      return window.sessionStorage.getItem(PREFIX + name);
    } catch (error) {
      return value === undefined ? null : value;
    }
  }

  // A new article has no id yet: each tab gets its own slot, so two new articles never share one copy.
  function tabSlot(base) {
    return base + ":" + (tabValue("tab") || tabValue("tab", uniqueId()));
  }

  // Every kept copy for this form: its own slot first, then the others (other tabs' new articles, text typed
  // while an earlier offer was open), newest first.
  function keptCopies(store, base, own) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key !== base && (!key || key.indexOf(base + ":") !== 0)) continue;
      var copy = load(store, key);
      if (copy && copy.fields) found.push({ key: key, copy: copy });
    }
    found.sort(function (a, b) {
      if ((a.key === own) !== (b.key === own)) return a.key === own ? -1 : 1;
      return String(b.copy.savedAt).localeCompare(String(a.copy.savedAt));
    });
    return found;
  }

  function offer(form, kept, choose) {
    var copy = kept.copy;
    var box = document.createElement("div");
    box.className = "autosave-offer";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    var when = new Date(copy.savedAt);
    var title = normal(copy.fields.title);
    text.textContent = "This browser kept text you had not saved" + (title ? " (“" + title + "”, " : " (") +
      when.toLocaleString() + "). Restore it, or discard it?";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "Restore unsaved text";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "Discard it";
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
    restore.addEventListener("click", function () {
      FIELDS.forEach(function (name) {
        var element = form.elements[name];
        if (element && copy.fields[name] !== undefined) {
          element.value = copy.fields[name];
          element.dispatchEvent(new Event("input", { bubbles: true })); // markdownx refreshes its preview
        }
      });
      box.remove();
      choose(true);
    });
    discard.addEventListener("click", function () {
      box.remove();
      choose(false);
    });
  }

  function start() {
    var store = storage();
    if (!store) return;
    forgetSaved(store);
    var config = document.querySelector("[data-autosave-key]");
    var form = document.getElementById("article_form");
    if (!config || !form) return;
    var base = config.getAttribute("data-autosave-key");
    var isNew = base.indexOf(PREFIX + "new:") === 0;
    var own = isNew ? tabSlot(base) : base;
    // While an offer is open, typing goes here (a slot of this page's own, so no kept copy, not even one
    // offered now, is overwritten before the editor chooses); offered like any other copy if the tab closes.
    var aside = own + ":while-offered:" + uniqueId();
    var paused = false;
    var typedWhileOffered = false;
    var queue = [];
    if (document.querySelector(".errornote")) {
      // Refused: the server put the submitted text back in the form; it is no longer "submitted".
      var sent = tabValue("submitted");
      var copy = sent && sent.indexOf(base) === 0 ? load(store, sent) : null;
      if (copy && copy.fields && copy.submitted) {
        copy.submitted = false;
        store.setItem(sent, JSON.stringify(copy));
      }
    } else {
      queue = keptCopies(store, base, own).filter(function (kept) {
        if (!sameText(kept.copy.fields, read(form))) return true;
        store.removeItem(kept.key); // the form already holds this text: nothing to lose
        return false;
      });
    }

    function slot() {
      return paused ? aside : own;
    }
    function keep(submitted) {
      try {
        store.setItem(slot(), JSON.stringify({ fields: read(form), savedAt: new Date().toISOString(), submitted: submitted }));
      } catch (error) {
        // storage full: the form itself still holds the text
      }
    }
    function resume(restored) {
      paused = false;
      if (restored) {
        keep(false); // the restored text, now in this form's own slot
        // Anything typed during the offer was replaced in the form by the restore: kept aside, offered next time.
      } else if (typedWhileOffered) {
        keep(false); // what was typed during the offer, still in the form, now in the own slot
        store.removeItem(aside);
      }
    }
    function next() {
      var kept = queue.shift();
      if (!kept) return resume(false);
      paused = true;
      offer(form, kept, function (restored) {
        if (restored) {
          // Adopted: from now on this form's own slot holds it.
          if (kept.key !== own) store.removeItem(kept.key);
          resume(true); // the rest stay kept, offered on the next visit
        } else {
          store.removeItem(kept.key);
          next();
        }
      });
    }
    next();

    var timer = null;
    form.addEventListener("input", function () {
      if (paused) typedWhileOffered = true;
      clearTimeout(timer);
      timer = setTimeout(function () {
        keep(false);
      }, 500);
    });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      keep(true);
      // Tells the server which copy this is, so the page after a successful save names it (forgetSaved).
      var marker = form.elements._autosave_key;
      if (!marker) {
        marker = document.createElement("input");
        marker.type = "hidden";
        marker.name = "_autosave_key";
        form.appendChild(marker);
      }
      marker.value = slot();
      tabValue("submitted", slot());
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
