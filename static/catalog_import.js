// CSV import page: while a file is checked or imported (a few seconds for
// large files) both buttons are disabled and a status line says so. The
// page works without it.
(function () {
  "use strict";
  var form = document.getElementById("catalog-import");
  var status = document.getElementById("import-progress");
  if (!form || !status) { return; }
  form.addEventListener("submit", function (ev) {
    if (ev.defaultPrevented) { return; }
    var importing = ev.submitter && ev.submitter.value === "import";
    status.textContent = importing ? "Import läuft …" : "Prüfung läuft …";
    status.hidden = false;
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has taken the form data, so that the
    // pressed button's mode is still sent.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Coming back through the browser's history: ready again.
  window.addEventListener("pageshow", function () {
    status.hidden = true;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
})();
