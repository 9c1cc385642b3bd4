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
  // After a failed form post, move the focus to the error summary (or the
  // first field marked invalid), so that keyboard and screen reader users
  // start where the problem is; without script the summary still shows
  // at the top of the page.
  window.addEventListener("load", function () {
    if (document.activeElement && document.activeElement !== document.body) { return; } // the user moved already
    var target = document.querySelector("main .alert[role=alert]") || document.querySelector("main [aria-invalid=true]");
    if (!target) { return; }
    if (!target.matches("input, select, textarea, button, a[href]") && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
