// Certificate uploads on a weak line: the form works without this. With it, a file over the
// limit is refused before a single byte is sent, and a progress bar shows the upload. The
// server's answer (the next page, or the form with its errors) then replaces this page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var row = document.getElementById("upload-progress");
  var bar = row.querySelector("progress");
  var status = row.querySelector("[role=status]");
  var button = form.querySelector("button[type=submit]");

  // 1234567 → "1,2 MB" in Indonesian, "1.2 MB" in English; small files in KB.
  function size(bytes) {
    var number = new Intl.NumberFormat(document.documentElement.lang || "id",
                                       {maximumFractionDigits: 1});
    return bytes >= 1048576 ? number.format(bytes / 1048576) + " MB"
                            : number.format(Math.ceil(bytes / 1024)) + " KB";
  }

  function showError(text) {
    var id = input.id + "-error";
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      input.insertAdjacentElement("afterend", error);
      var described = (input.getAttribute("aria-describedby") || "").split(" ");
      described.push(id);
      input.setAttribute("aria-describedby", described.join(" ").trim());
    }
    error.textContent = text;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    var limit = Number(form.dataset.maxBytes);
    if (file && file.size > limit) {
      event.preventDefault();
      showError(form.dataset.tooLarge.replace("{size}", size(file.size))
                                     .replace("{limit}", size(limit)));
      return;
    }
    if (!file) { return; } // nothing slow to send: the plain form post is enough
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action") || window.location.href);
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) { return; }
      var percent = Math.round(progress.loaded * 100 / progress.total);
      bar.value = percent;
      status.textContent = form.dataset.sending.replace("{percent}", percent);
    });
    request.addEventListener("load", function () {
      // The page the server answered with, as if the browser had posted the form itself.
      document.open();
      document.write(request.responseText);
      document.close();
      if (request.responseURL) { window.history.replaceState(null, "", request.responseURL); }
    });
    request.addEventListener("error", function () {
      row.hidden = true;
      button.disabled = false;
      showError(form.dataset.failed);
    });
    row.hidden = false;
    button.disabled = true;
    request.send(new FormData(form));
  });
}());
