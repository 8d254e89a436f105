// The admin's autocomplete boxes (Select2) leave gaps a screen reader hears and axe-core reports: a single
// choice box and its read-only value are named only by the value (nothing while empty), the tags' search
// field has no name, and the mouse-only "remove all" cross sits inside the list of choices. Select2 redraws
// its boxes as choices change, so they are mended after every change.
(function () {
  "use strict";

  function mend(container) {
    var select = container.previousElementSibling;
    var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return;
    }
    label.id = label.id || select.id + "-label";
    var single = container.querySelector(".select2-selection--single");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (single && rendered && !single.getAttribute("aria-labelledby").startsWith(label.id)) {
      single.setAttribute("aria-labelledby", label.id + " " + rendered.id); // "Topic: Sleep"
      rendered.setAttribute("aria-labelledby", label.id + " " + rendered.id); // the value shown, a read-only textbox
    }
    var search = container.querySelector(".select2-search__field");
    if (search && search.getAttribute("aria-labelledby") !== label.id) {
      search.setAttribute("aria-labelledby", label.id);
    }
    // Keyboard users remove choices with Backspace; the cross is for the mouse only.
    container.querySelectorAll(".select2-selection__clear:not([aria-hidden])").forEach(function (cross) {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  function mendAll() {
    document.querySelectorAll(".select2-container").forEach(mend);
  }

  document.addEventListener("DOMContentLoaded", function () {
    mendAll();
    new MutationObserver(mendAll).observe(document.body, { childList: true, subtree: true });
  });
})();
