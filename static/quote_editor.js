// coopshop – live totals in sales' quote editor (views/quote.html).
// The page works without it („Neu berechnen“ asks the server); this script
// recomputes the same figures while typing, with the server's rules:
// integer cents, net per line = quantity × price less discount rounded half
// away from zero, VAT per rate on the summed nets, rounded the same way.
// The server recomputes on save and is the truth.
(function () {
  "use strict";
  var form = document.querySelector("[data-quote-editor]");
  if (!form || typeof BigInt !== "function") { return; }

  // roundDiv divides a by b (BigInt, b > 0), half away from zero.
  function roundDiv(a, b) {
    var neg = a < 0n;
    if (neg) { a = -a; }
    var q = (a + b / 2n) / b;
    return neg ? -q : q;
  }

  // parseCents reads "1.234,56", "1234,5", "12" like money.Parse; null if not.
  function parseCents(s) {
    s = s.replace(/\u00a0/g, "").trim().replace(/€$/, "").trim();
    if (s === "") { return null; }
    var neg = false;
    if (s[0] === "-" || s[0] === "+") { neg = s[0] === "-"; s = s.slice(1); }
    var parts = s.split(",");
    if (parts.length > 2) { return null; }
    var whole = parts[0], frac = parts.length === 2 ? parts[1] : "";
    if (parts.length === 2 && (frac === "" || frac.length > 2)) { return null; }
    if (whole.indexOf(".") >= 0) {
      var groups = whole.split(".");
      if (groups[0].length === 0 || groups[0].length > 3) { return null; }
      for (var i = 1; i < groups.length; i++) { if (groups[i].length !== 3) { return null; } }
      whole = groups.join("");
    }
    if (!/^\d{1,15}$/.test(whole) || !/^\d*$/.test(frac)) { return null; }
    var cents = BigInt(whole) * 100n + BigInt((frac + "00").slice(0, 2));
    return neg ? -cents : cents;
  }

  // parseBP reads a percentage ("15", "12,5") into basis points like
  // quote.ParsePercent; null if not.
  function parseBP(s) {
    s = s.trim().replace(/%$/, "").trim().replace(",", ".");
    if (s === "") { return 0n; }
    var m = /^(\d{0,3})(?:\.(\d{0,2}))?$/.exec(s);
    if (!m) { return null; }
    var bp = BigInt(m[1] || "0") * 100n + BigInt(((m[2] || "") + "00").slice(0, 2));
    return bp <= 10000n ? bp : null;
  }

  // formatNumber renders cents as "1.234,56" like money.FormatNumber.
  function formatNumber(c) {
    var sign = c < 0n ? "-" : "";
    if (c < 0n) { c = -c; }
    var euros = (c / 100n).toString(), cents = (c % 100n).toString();
    var out = "";
    for (var i = 0; i < euros.length; i++) {
      if (i > 0 && (euros.length - i) % 3 === 0) { out += "."; }
      out += euros[i];
    }
    return sign + out + "," + (cents.length < 2 ? "0" + cents : cents);
  }
  function euro(c) { return formatNumber(c) + " €"; }

  var approvalBP = 1000n, approvalGross = 5000000n; // quote.ApprovalDiscountBP, quote.ApprovalGrossCents

  function recompute() {
    var byRate = {}, net = 0n, anyBig = false, ok = true;
    form.querySelectorAll("tr[data-line]").forEach(function (row) {
      var q = row.querySelector("[data-qty]"), p = row.querySelector("[data-price]");
      var d = row.querySelector("[data-discount]"), v = row.querySelector("[data-vat]");
      var cell = row.querySelector("[data-net]");
      var desc = row.querySelector("input[name=line_description]");
      var free = row.querySelector("[name=line_product]").value === "";
      if (free && desc.value.trim() === "" && p.value.trim() === "") { cell.textContent = ""; return; }
      var qty = /^\d+$/.test(q.value.trim()) ? BigInt(q.value.trim()) : null;
      var price = parseCents(p.value), bp = parseBP(d.value), rate = BigInt(v.value || "0");
      if (qty === null || price === null || bp === null) { cell.textContent = "?"; ok = false; return; }
      var lineNet = bp === 0n ? qty * price : roundDiv(qty * price * (10000n - bp), 10000n);
      cell.textContent = formatNumber(lineNet);
      if (bp > approvalBP) { anyBig = true; }
      byRate[rate] = (byRate[rate] || 0n) + lineNet;
      net += lineNet;
    });
    var rates = Object.keys(byRate).map(Number).sort(function (a, b) { return a - b; });
    var vat = 0n, body = form.querySelector("[data-vat-rows]");
    body.replaceChildren();
    rates.forEach(function (r) {
      var rn = byRate[r], rv = roundDiv(rn * BigInt(r), 100n);
      vat += rv;
      var tr = document.createElement("tr"), label = document.createElement("td"), val = document.createElement("td");
      tr.setAttribute("data-vat-rate", String(r));
      label.colSpan = 8;
      label.textContent = "zzgl. " + r + " % USt auf " + euro(rn);
      val.className = "num";
      val.textContent = euro(rv);
      tr.append(label, val);
      body.append(tr);
    });
    var gross = net + vat;
    form.querySelector("[data-total=net]").textContent = ok ? euro(net) : "?";
    form.querySelector("[data-total=gross]").textContent = ok ? euro(gross) : "?";
    var hint = form.querySelector("[data-approval]");
    if (hint) {
      var reasons = [];
      if (anyBig) { reasons.push("Rabatt über 10 %"); }
      if (gross > approvalGross) { reasons.push("Gesamtbetrag über 50.000,00 €"); }
      hint.hidden = reasons.length === 0;
      hint.textContent = "Freigabe durch die Vertriebsleitung nötig: " + reasons.join(", ");
    }
  }

  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);

  // „Freie Position hinzufügen“: a copy of the empty row at the end.
  var add = form.querySelector("[data-add-line]");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var blanks = form.querySelectorAll("tr[data-blank]");
      if (blanks.length === 0) { return; }
      var tpl = blanks[blanks.length - 1], row = tpl.cloneNode(true);
      row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      row.querySelector("input[name=line_description]").value = "";
      row.querySelector("input[name=line_price]").value = "";
      tpl.parentNode.insertBefore(row, tpl.nextSibling);
      row.querySelector("input[name=line_description]").focus();
    });
  }
  recompute();
})();
