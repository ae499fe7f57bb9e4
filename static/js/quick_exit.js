// Quick exit: leave for a neutral site, replacing this page in the tab's history so that Back does
// not return here. Triggered by the button or by Escape pressed twice within one second.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var target = button.getAttribute("data-exit-url");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.visibility = "hidden";
    document.dispatchEvent(new CustomEvent("scarpette:quick-exit"));
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* ignore */ }
    window.location.replace(target);
  }
  button.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); }
    lastEscape = now;
  });
})();
