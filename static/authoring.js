// Live preview for the course editor: the form works without this (the Preview button);
// with it, the server renders the preview as you type, and the errors next to each field
// follow too.
(function () {
  "use strict";
  var form = document.getElementById("file-form");
  if (!form || !document.getElementById("preview") || !window.fetch || !window.FormData) {
    return;
  }
  var timer = null;
  var sequence = 0;
  function swap(fresh) {
    var old = document.getElementById(fresh.id);
    if (!old) { return; }
    old.replaceWith(fresh);
    var input = form.querySelector("[aria-describedby='" + fresh.id + "']");
    if (input) { input.setAttribute("aria-invalid", fresh.children.length ? "true" : "false"); }
  }
  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    var mine = ++sequence;
    // form.action would be the button named "action": read the attribute itself.
    fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin",
                                        headers: {"X-Preview": "1"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== sequence) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        Array.prototype.forEach.call(holder.querySelectorAll("#preview, .field-errors"), swap);
      })
      .catch(function () { /* offline: the Preview button still works */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
}());
