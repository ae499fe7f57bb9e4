// Warn before the staff session lapses for inactivity. The seconds left come from the server
// (data-expires-in); "Continua a lavorare" posts to the renew endpoint, which moves the deadline.
// Without JavaScript the warning stays hidden and nothing else changes.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) { return; }
  var text = document.getElementById("session-warning-text");
  var form = document.getElementById("session-warning-form");
  var warnBefore = parseInt(box.getAttribute("data-warn-before"), 10) || 120;
  var deadline = 0;
  var state = "quiet";

  function setDeadline(seconds) {
    deadline = Date.now() + seconds * 1000;
    state = "quiet";
    box.hidden = true;
    text.textContent = "";
  }

  function show(kind) {
    state = kind;
    box.hidden = false;
    form.hidden = kind === "expired";
    // Text set after the region is visible, so that screen readers announce it.
    text.textContent = box.getAttribute(kind === "expired" ? "data-text-expired" : "data-text-warning");
  }

  function tick() {
    var left = (deadline - Date.now()) / 1000;
    if (left <= 0 && state !== "expired") { show("expired"); }
    else if (left > 0 && left <= warnBefore && state === "quiet") { show("warning"); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        setDeadline(parseInt(response.headers.get("X-Session-Expires-In"), 10) || 0);
      } else {
        show("expired");
      }
    }).catch(function () { show("expired"); });
  });

  setDeadline(parseInt(box.getAttribute("data-expires-in"), 10) || 0);
  // A timer checked often rather than one long timeout: a sleeping laptop does not delay it.
  window.setInterval(tick, 1000);
  tick();
})();
