// Saves the application's answers as they are typed (the draft is kept on the server), and shows the
// errors of the values given next to their fields. The form works the same without this script.
(function () {
  "use strict";
  var form = document.getElementById("application");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;

  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (node) {
      var name = node.getAttribute("data-error-for");
      var message = errors[name] || "";
      node.textContent = message;
      node.hidden = !message;
      var input = form.querySelector("[name='" + name + "']");
      if (input) {
        if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      }
    });
  }

  function save() {
    var data = new FormData(form);
    // Files are sent with the form's own buttons, not with every keystroke.
    Array.from(data.keys()).forEach(function (key) {
      if (key.indexOf("file_") === 0 || key.indexOf("store_") === 0) { data.delete(key); }
    });
    fetch(form.getAttribute("data-autosave"), {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.saved) {
          status.textContent = "Đã lưu bản nháp lúc " + body.at + ".";
          showErrors(body.errors || {});
        } else {
          status.textContent = "Chưa lưu được bản nháp: " + Object.values(body.errors || {}).join(" ");
        }
      })
      .catch(function () { status.textContent = "Chưa lưu được bản nháp (mất kết nối); dữ liệu vẫn còn trên trang."; });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file" || (event.target.name || "").indexOf("store_") === 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
