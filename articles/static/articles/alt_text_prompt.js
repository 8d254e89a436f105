/*
 * Asks for the description (alt text) of an image just dropped or pasted into the Markdown editor.
 *
 * The upload (articles/editor_views.py) inserts "![Describe the image](image:…)" when the library image has
 * no alt text yet. A selected placeholder is easy to miss, so a dialog asks at once: what the editor types
 * replaces the placeholder in that image's Markdown; "Not now" (or Escape) leaves the placeholder selected in
 * the editor, and the "Images without alt text" line and the SEO checklist keep naming the image.
 *
 * A native modal <dialog>: the browser keeps focus inside it, closes it on Escape and gives focus back;
 * it is labelled by its heading and described by its explanation. Loaded as a file through
 * ArticleAdmin.Media: no inline script or style, so it works under the admin's strict CSP.
 */
(function () {
    "use strict";

    var ALT_PLACEHOLDER = "Describe the image"; // images/alt_text.py's ALT_PLACEHOLDER
    var PREFIX = "![" + ALT_PLACEHOLDER + "](";
    var queue = [];
    var dialog = null;

    // Characters that would end or change the alt text in Markdown are backslash-escaped (CommonMark allows
    // it before any ASCII punctuation); line breaks become spaces, since alt text is one line.
    function markdownAlt(text) {
        return text.replace(/\s+/g, " ").trim().replace(/[\\`*_[\]<>&!]/g, "\\$&");
    }

    function build() {
        var box = document.createElement("dialog");
        box.className = "alt-text-prompt";
        box.setAttribute("aria-labelledby", "alt-text-prompt-title");
        box.setAttribute("aria-describedby", "alt-text-prompt-help");
        var form = document.createElement("form");
        form.method = "dialog";
        var title = document.createElement("h2");
        title.id = "alt-text-prompt-title";
        title.textContent = "Describe the image";
        var help = document.createElement("p");
        help.id = "alt-text-prompt-help";
        help.textContent = "Say what the image shows, in a sentence. Readers who cannot see it hear or read " +
            "this text instead (its alt text).";
        var label = document.createElement("label");
        label.htmlFor = "alt-text-prompt-input";
        label.textContent = "Description";
        var input = document.createElement("input");
        input.type = "text";
        input.id = "alt-text-prompt-input";
        input.name = "alt";
        input.required = true;
        input.maxLength = 1000;
        input.autocomplete = "off";
        var buttons = document.createElement("p");
        buttons.className = "alt-text-prompt-buttons";
        var add = document.createElement("button");
        add.type = "submit";
        add.className = "button default";
        add.value = "add";
        add.textContent = "Add description";
        var later = document.createElement("button");
        later.type = "button";
        later.className = "button cancel-link";
        later.textContent = "Not now";
        later.addEventListener("click", function () {
            box.close("later");
        });
        buttons.appendChild(add);
        buttons.appendChild(later);
        form.appendChild(title);
        form.appendChild(help);
        form.appendChild(label);
        form.appendChild(input);
        form.appendChild(buttons);
        box.appendChild(form);
        document.body.appendChild(box);
        return box;
    }

    // Where the image's Markdown is now: where the upload left it (the cursor is just after it), else the
    // first copy of it in the text.
    function locate(editor, code) {
        var start = editor.selectionEnd - code.length;
        if (start >= 0 && editor.value.substring(start, editor.selectionEnd) === code) return start;
        return editor.value.indexOf(code);
    }

    function ask(editor, code) {
        dialog = dialog || build();
        var input = dialog.querySelector("input");
        input.value = "";
        dialog.returnValue = "";
        dialog.addEventListener("close", function done() {
            dialog.removeEventListener("close", done);
            var start = locate(editor, code);
            var description = markdownAlt(input.value);
            editor.focus();
            if (start >= 0 && dialog.returnValue === "add" && description) {
                var described = "![" + description + "]" + code.substring(PREFIX.length - 1);
                editor.value = editor.value.substring(0, start) + described + editor.value.substring(start + code.length);
                editor.setSelectionRange(start + described.length, start + described.length);
            } else if (start >= 0) {
                editor.setSelectionRange(start + 2, start + 2 + ALT_PLACEHOLDER.length);
            }
            // The preview and autosave follow "input"; markdownx's own insertion does not fire one.
            editor.dispatchEvent(new Event("input", { bubbles: true }));
            next();
        });
        dialog.showModal();
        input.focus();
    }

    function next() {
        var waiting = queue.shift();
        if (waiting) ask(waiting.editor, waiting.code);
    }

    function onUploadEnd(event) {
        var editor = event.target.querySelector && event.target.querySelector(".markdownx-editor");
        var response = event.detail && event.detail[0];
        var code = response && typeof response.image_code === "string" ? response.image_code : "";
        if (!editor || code.indexOf(PREFIX) !== 0) return; // the library already has its description
        queue.push({ editor: editor, code: code });
        if (!dialog || !dialog.open) next();
    }

    // markdownx fires the event on the editor's .markdownx element without bubbling: listen in the capture
    // phase on the document, which reaches every editor, including ones added later.
    document.addEventListener("markdownx.fileUploadEnd", onUploadEnd, true);
})();
