// Self-completion on a centre tablet. Every step replaces the current history entry, so that the
// Back button never leads to an earlier questionnaire page; after a few idle minutes the session
// is paused and the tablet returns to the start screen.
(function () {
  "use strict";
  var root = document.getElementById("tablet");
  if (!root) { return; }
  var idleSeconds = parseInt(root.getAttribute("data-idle-seconds") || "180", 10);
  var pauseUrl = root.getAttribute("data-pause-url");
  var startUrl = root.getAttribute("data-start-url");
  var csrf = root.getAttribute("data-csrf");

  function beacon(url) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    if (navigator.sendBeacon) { navigator.sendBeacon(url, data); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-replace")) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    // getAttribute: a control named "action" would shadow the form.action property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin", redirect: "follow",
      headers: { "X-Tablet-Step": "1" }
    })
      .then(function (response) { window.location.replace(response.url); })
      .catch(function () { window.location.replace(startUrl); });
  });

  var timer;
  function resetTimer() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      beacon(pauseUrl);
      window.location.replace(startUrl);
    }, idleSeconds * 1000);
  }
  ["keydown", "pointerdown", "input", "touchstart"].forEach(function (name) {
    document.addEventListener(name, resetTimer, { passive: true });
  });
  resetTimer();

  // On the end screen, ask every few seconds whether the operator has taken the session back on
  // her own screen: then the tablet shows its start screen at once (the server forgot everything).
  var done = document.getElementById("tablet-done");
  if (done) {
    var pollSeconds = parseInt(done.getAttribute("data-poll-seconds") || "5", 10);
    window.setInterval(function () {
      fetch(startUrl, { credentials: "same-origin", headers: { "X-Tablet-Poll": "1" } })
        .then(function (response) {
          if (response.status !== 204) { window.location.replace(startUrl); }
        })
        .catch(function () { /* offline for a moment: ask again at the next tick */ });
    }, pollSeconds * 1000);
  }

  // The quick exit also ends the tablet session on the server before leaving.
  document.addEventListener("scarpette:quick-exit", function () {
    beacon(root.getAttribute("data-exit-url"));
  });
})();
