// Autosave in the browser: the article form's unsaved text is copied to localStorage (one copy per
// article and user, keyed by the change form's data-autosave-key) and offered back after a closed tab, a
// crash or a lost session, to restore or discard. No inline script: this file is all there is.
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

  // After a successful save the server shows a success message: copies sent with a save are then stored there.
  function forgetSubmitted(store) {
    if (!document.querySelector(".messagelist .success")) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var copy = load(store, key);
        if (copy && copy.submitted) store.removeItem(key);
      }
    }
  }

  function offer(form, store, key, copy, done) {
    var box = document.createElement("div");
    box.className = "autosave-offer";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    var when = new Date(copy.savedAt);
    text.textContent = "This browser kept text you had not saved (" + when.toLocaleString() + "). Restore it, or discard it?";
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
      done();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
      done();
    });
  }

  function start() {
    var store = storage();
    if (!store) return;
    forgetSubmitted(store);
    var config = document.querySelector("[data-autosave-key]");
    var form = document.getElementById("article_form");
    if (!config || !form) return;
    var key = config.getAttribute("data-autosave-key");
    var copy = load(store, key);
    var paused = false;
    if (copy && copy.fields && document.querySelector(".errornote")) {
      copy.submitted = false; // refused: the server put the same text back in the form
      store.setItem(key, JSON.stringify(copy));
    } else if (copy && copy.fields && sameText(copy.fields, read(form))) {
      store.removeItem(key);
    } else if (copy && copy.fields) {
      paused = true; // keep the offered copy until the editor chooses
      offer(form, store, key, copy, function () {
        paused = false;
      });
    }
    function keep(submitted) {
      if (paused) return;
      try {
        store.setItem(key, JSON.stringify({ fields: read(form), savedAt: new Date().toISOString(), submitted: submitted }));
      } catch (error) {
        // storage full: the form itself still holds the text
      }
    }
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        keep(false);
      }, 500);
    });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      keep(true);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
