/*
 * Shows why an image upload was refused, above the Markdown editor, and keeps the article text as it was.
 *
 * markdownx.js (django-markdownx 4.0) passes every finished upload to its success handler, whatever the
 * HTTP status. An answer without "image_code" (our {"error": "..."} with a 400) fires
 * "markdownx.fileUploadError" on the editor's .markdownx element and then writes "Invalid response" into
 * the textarea at the cursor; a network failure fires "fileUploadError" and writes the same. Both events are
 * dispatched synchronously just before that write, so we note the text and selection then and put them back
 * in a microtask, which runs once markdownx's handler has returned (and before anything is painted).
 *
 * After a successful upload, alt_text_prompt.js asks for the image's description.
 *
 * Loaded as a file through ArticleAdmin.Media: no inline script, so it works under a strict CSP.
 */
(function () {
    "use strict";

    var NOTE_CLASS = "markdownx-upload-error";
    var FALLBACK = "The image could not be uploaded. Try again, or use a JPEG, PNG, GIF or WebP image.";

    function existingNote(container) {
        var previous = container.previousElementSibling;
        return previous && previous.classList.contains(NOTE_CLASS) ? previous : null;
    }

    function showNote(container, message) {
        var note = existingNote(container);
        if (!note) {
            note = document.createElement("p");
            note.className = "errornote " + NOTE_CLASS; // the admin's style for form errors
            note.setAttribute("role", "alert");
            container.parentNode.insertBefore(note, container);
        }
        note.textContent = message; // text, never HTML
    }

    function onUploadError(event) {
        var container = event.target;
        var editor = container.querySelector && container.querySelector(".markdownx-editor");
        if (!editor) {
            return;
        }
        var text = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
        Promise.resolve().then(function () {
            if (editor.value !== text) {
                editor.value = text;
                editor.setSelectionRange(start, end);
            }
        });
        var response = event.detail && event.detail[0];
        showNote(container, response && typeof response.error === "string" ? response.error : FALLBACK);
    }

    function onUploadEnd(event) {
        var note = existingNote(event.target);
        if (note) {
            note.parentNode.removeChild(note);
        }
    }

    // The events do not bubble; listening in the capture phase on the document reaches every editor,
    // including ones added to the page later.
    document.addEventListener("markdownx.fileUploadError", onUploadError, true);
    document.addEventListener("fileUploadError", onUploadError, true);
    document.addEventListener("markdownx.fileUploadEnd", onUploadEnd, true);
})();
