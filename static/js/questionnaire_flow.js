// Follow-up questions without a page reload (docs/questionnaire.md). When an answer changes, htmx
// posts the page (hx-post on #q-fields) and the server, which alone decides what is relevant,
// sends the page's fields again without saving anything. Only that answer is put into the page:
// anything else (the sign-in page after a lapsed session, the tablet's start screen) is left
// alone, and "Avanti" then does what it does without JavaScript.
(function () {
  "use strict";
  // Typing while a refresh is on its way: its fields would lose what she typed since, so they are
  // not put in; a new refresh with everything typed so far is asked instead.
  var typedSince = false;
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#q-fields")) { typedSince = true; }
  }, true);
  document.addEventListener("htmx:beforeRequest", function () { typedSince = false; });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("X-Questionnaire-Fields") !== "1") {
      event.detail.shouldSwap = false;
      return;
    }
    if (typedSince && window.htmx) {
      event.detail.shouldSwap = false;
      var target = event.detail.target;
      window.setTimeout(function () { window.htmx.trigger(target, "change"); }, 0);
    }
  });
})();
