// The review queue: j/k move, y/n/u decide (stored at once as the agency's label), x selects,
// o opens; bulk buttons decide every selected row. Each decision is one POST with the CSRF token.
"use strict";
(function () {
  var table = document.getElementById("queue");
  if (!table) { return; }
  var status = document.getElementById("queue-status");
  var VERDICT = { y: "yes", n: "no", u: "unsure" };

  function rows() { return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-ref]")); }
  function current() { return table.querySelector("tbody tr.current") || rows()[0] || null; }
  function say(text) { if (status) { status.textContent = text; } }

  function select(row) {
    var old = current();
    if (old) { old.classList.remove("current"); }
    if (!row) { return; }
    row.classList.add("current");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    var at = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, at + step))];
    if (next) { select(next); }
  }

  function decide(row, verdict) {
    var body = new URLSearchParams();
    body.set("ref", row.getAttribute("data-ref"));
    body.set("verdict", verdict);
    row.classList.add("pending");
    return fetch("/review/label", {
      method: "POST",
      credentials: "same-origin",
      redirect: "error",  // signed out: the login redirect is a failure, not a saved verdict
      headers: { "X-CSRF-Token": window.wildtrace.csrfToken(), "Accept": "application/json" },
      body: body
    }).then(function (response) {
      row.classList.remove("pending");
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      row.classList.remove("done-yes", "done-no", "done-unsure");
      row.classList.add("done-" + verdict);
      row.setAttribute("data-verdict", verdict);
      row.querySelector(".verdict").textContent = verdict;
      say("Saved: " + verdict);
    }).catch(function (error) {
      say("Not saved (" + error.message + "): reload the page and sign in again if needed.");
      throw error;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) {
      if (!(target.tagName === "INPUT" && target.type === "checkbox")) { return; }
    }
    var key = event.key;
    var row = current();
    if (key === "j") { move(1); event.preventDefault(); }
    else if (key === "k") { move(-1); event.preventDefault(); }
    else if (VERDICT[key] && row) {
      event.preventDefault();
      decide(row, VERDICT[key]).then(function () { move(1); }, function () {});
    } else if (key === "x" && row) {
      var box = row.querySelector("input.pick");
      box.checked = !box.checked;
      event.preventDefault();
    } else if (key === "o" && row) {
      var link = row.querySelector("a");
      if (link) { window.location.assign(link.getAttribute("href")); }
    }
  });

  table.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-ref]");
    if (row && event.target.tagName !== "A") { select(row); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-bulk]"), function (button) {
    button.addEventListener("click", function () {
      var verdict = button.getAttribute("data-bulk");
      var picked = rows().filter(function (row) { return row.querySelector("input.pick").checked; });
      if (!picked.length) { say("Select rows first (x or the boxes)."); return; }
      var chain = Promise.resolve();
      picked.forEach(function (row) {
        chain = chain.then(function () { return decide(row, verdict); }).then(function () {
          row.querySelector("input.pick").checked = false;
        });
      });
      chain.then(function () { say(picked.length + " marked " + verdict); }, function () {});
    });
  });
})();
