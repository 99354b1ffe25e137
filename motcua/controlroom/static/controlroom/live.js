// Keeps a dashboard's figures live: every few seconds it asks the page's JSON endpoint (same origin)
// for the figures and replaces the text of each element marked data-live="<key>", and its colour class.
// The status line (an aria-live region) says when the numbers last changed. Without this script the page
// shows the same figures as rendered by the server.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status || !window.fetch) { return; }
  var url = status.getAttribute("data-live-url");
  var PERIOD_MS = 5000;
  var TONES = ["good", "bad", "warn"];
  var failures = 0;

  function clock(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  function apply(figures) {
    var changed = 0;
    Object.keys(figures).forEach(function (key) {
      var figure = figures[key];
      document.querySelectorAll("[data-live='" + key + "']").forEach(function (node) {
        if (node.textContent !== figure.text) {
          node.textContent = figure.text;
          changed += 1;
        }
        TONES.forEach(function (tone) { node.classList.toggle(tone, figure.tone === tone); });
      });
    });
    return changed;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var changed = apply(data.figures);
        if (changed || failures) {
          status.textContent = "Cập nhật lúc " + clock(new Date());
        }
        document.body.setAttribute("data-live-checked", String(Date.now()));
        failures = 0;
      })
      .catch(function () {
        failures += 1;
        if (failures === 2) {
          status.textContent = "Mất kết nối lúc " + clock(new Date()) + "; đang thử lại.";
        }
      })
      .then(function () { window.setTimeout(poll, PERIOD_MS); });
  }

  window.setTimeout(poll, PERIOD_MS);
})();
