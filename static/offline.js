/* Kelas ASN offline reading, page side: registers the service worker (static/sw.js), shows
   the offline banner and what waits to be sent, stores or removes a course, and queues
   "Tandai selesai" and untimed quiz answers when there is no signal. Everything it says
   comes from #offline-text (translated on the server). */
(function () {
  "use strict";
  var text = document.getElementById("offline-text");
  if (!text) return;
  var t = function (name) { return text.getAttribute("data-" + name) || ""; };
  var $ = function (id) { return document.getElementById(id); };
  var banner = $("offline-banner"), panel = $("offline-status"), box = $("offline-save");
  var course = text.getAttribute("data-course") || "";

  if (!("serviceWorker" in navigator) || !("caches" in window) || !window.isSecureContext) {
    if (box) { box.hidden = false; $("offline-state").textContent = t("unsupported"); }
    return;
  }
  navigator.serviceWorker.register("/sw.js");

  function ask(message) {
    return navigator.serviceWorker.ready.then(function (reg) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (e) {
          if (e.data && e.data.type === "progress") return progress(e.data);
          resolve(e.data);
        };
        reg.active.postMessage(message, [channel.port2]);
      });
    });
  }

  function kb(bytes) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }
  function when(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang || "id",
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content) node.textContent = content;
    return node;
  }

  function online(event) {
    if (banner) banner.hidden = navigator.onLine;
    // Back online: send what waits and look for newer versions of the stored courses.
    if (navigator.onLine) ask({ type: "flush", force: Boolean(event) }).then(render);
    else ask({ type: "status" }).then(render);
  }
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  navigator.serviceWorker.addEventListener("message", function (e) {
    if (e.data && e.data.type === "status") render(e.data);
  });

  var state = null;
  function render(status) {
    if (!status || status.type !== "status") return;
    state = status;
    renderSaved();
    renderQueue();
    markQueued();
  }

  function mine(action) { return !course || action.course === course; }

  function renderQueue() {
    if (!panel) return;
    var queue = state.queue.filter(mine);
    var waiting = queue.filter(function (a) { return a.status === "waiting"; });
    var done = queue.filter(function (a) { return a.status !== "waiting"; })
      .sort(function (a, b) { return b.sent_at.localeCompare(a.sent_at); }).slice(0, 5);
    panel.textContent = "";
    panel.hidden = !queue.length && !state.note;
    if (state.note === "signed_out" && waiting.length) panel.appendChild(el("p", "warn", t("signed-out")));
    if (waiting.length) {
      panel.appendChild(el("p", "", t("waiting").replace("{n}", waiting.length)));
      var list = el("ul", "small");
      waiting.forEach(function (a) { list.appendChild(el("li", "", a.title + " · " + when(a.at))); });
      panel.appendChild(list);
    } else if (queue.length) panel.appendChild(el("p", "ok", t("nothing-waiting")));
    if (done.length) {
      var sent = el("ul", "small");
      done.forEach(function (a) {
        var item = el("li", a.status === "conflict" ? "warn" : "", t("sent-at").replace("{t}", when(a.sent_at)) + " " + a.message);
        sent.appendChild(item);
      });
      panel.appendChild(sent);
    }
  }

  function renderSaved() {
    var list = $("offline-courses");
    if (list) {  // the offline page: every stored course
      list.textContent = "";
      state.courses.forEach(function (c) {
        var item = el("li"), link = el("a", "", c.title);
        link.href = c.pages[0];
        item.appendChild(link);
        item.appendChild(el("span", "muted small", " · " + t("saved-at").replace("{t}", when(c.saved_at))));
        list.appendChild(item);
      });
      var timed = state.courses.some(function (c) { return c.timed.indexOf(location.pathname) >= 0; });
      if ($("offline-timed")) $("offline-timed").hidden = !timed;
    }
    if (!box) return;
    var saved = state.courses.filter(function (c) { return c.course === course; })[0];
    box.hidden = false;
    $("offline-remove").hidden = !saved;
    $("offline-store").textContent = saved ? t("update") : t("save");
    $("offline-store").disabled = !navigator.onLine;
    if (saved) {
      $("offline-state").textContent = t("saved").replace("{v}", saved.version)
        .replace("{n}", saved.pages.length).replace("{s}", kb(saved.bytes)).replace("{t}", when(saved.saved_at));
    } else if (estimate) {
      $("offline-state").textContent = t("estimate").replace("{s}", kb(estimate));
    }
  }

  function progress(p) { $("offline-state").textContent = t("saving").replace("{d}", p.done).replace("{n}", p.total); }

  var estimate = 0;
  if (box) {
    if (navigator.onLine) {
      fetch("/kursus/" + course + "/offline.json", { cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (files) { if (files) { estimate = files.estimate_bytes; if (state) renderSaved(); } });
    }
    $("offline-store").addEventListener("click", function () {
      $("offline-store").disabled = true;
      ask({ type: "save", course: course }).then(function (reply) {
        if (reply.type === "error") $("offline-state").textContent = t("failed") + " " + reply.message;
        else render(reply);
        $("offline-store").disabled = false;
      });
    });
    $("offline-remove").addEventListener("click", function () {
      ask({ type: "remove", course: course }).then(render);
    });
  }

  /* "Tandai selesai" and untimed quizzes, without a signal: queued on this device */
  var form = document.querySelector("form[data-offline]");
  function queued() {
    if (!form || !state) return null;
    return state.queue.filter(function (a) {
      return a.status === "waiting" && a.course === course && a.item === form.getAttribute("data-item")
        && (a.kind === "lesson" || a.token === form.elements.token.value);
    })[0] || null;
  }
  function markQueued() {
    if (!form || !queued()) return;
    form.hidden = true;
    $("offline-queued").hidden = false;
  }
  function answers() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.name.indexOf("q-") !== 0) return;
      var id = input.name.slice(2);
      if (input.type === "checkbox") { if (input.checked) (out[id] = out[id] || []).push(input.value); }
      else if (input.type === "radio") { if (input.checked) out[id] = input.value; }
      else if (input.value.trim()) out[id] = input.value;
    });
    return out;
  }
  if (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;  // with a signal the form is sent as without JavaScript
      event.preventDefault();
      if (form.getAttribute("data-timed") === "1") { $("offline-timed").hidden = false; return; }
      var action = { key: crypto.randomUUID(), kind: form.getAttribute("data-offline"), course: course,
        item: form.getAttribute("data-item"), version: Number(form.getAttribute("data-version")),
        title: form.getAttribute("data-title"), at: new Date().toISOString() };
      if (action.kind === "quiz") { action.token = form.elements.token.value; action.answers = answers(); }
      ask({ type: "queue", action: action }).then(render);
    });
  }
  online();
})();
