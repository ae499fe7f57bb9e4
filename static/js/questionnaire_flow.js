// Follow-up questions without a page reload (docs/questionnaire.md). When an answer changes, htmx
// posts the page (hx-post on #q-fields) and the server, which alone decides what is relevant,
// sends the page's fields again without saving anything. Only that answer is put into the page:
// anything else (the sign-in page after a lapsed session, the tablet's start screen) is left
// alone, and "Avanti" then does what it does without JavaScript.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("X-Questionnaire-Fields") !== "1") {
      event.detail.shouldSwap = false;
    }
  });
})();
