// coopshop – small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
  // Disable submit buttons while a form is being sent, against double posts.
  document.addEventListener("submit", function (ev) {
    if (ev.defaultPrevented) { return; }
    ev.target.querySelectorAll("button[type=submit]").forEach(function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
})();
