/* Kelas ASN service worker (hand-written, no framework).
   - Pages and files: network first; without a signal, the copy a learner stored with
     "Simpan untuk dibaca offline" (Cache API), else the offline page.
   - Queue: lessons marked done and untimed quiz answers made offline wait in IndexedDB and
     are sent to /offline/sinkron when the signal returns (each with its idempotency key and
     the time it happened); the answers say what was recorded or why not.
   - Stored courses whose version changed are stored again after a sync. */
"use strict";

const SHELL = "kasn-shell-1";          // the offline page, the stylesheet, the script
const COURSE = "kasn-course:";         // + slug + ":v" + version: one cache per stored copy
const CHECK_EVERY_MS = 5 * 60 * 1000;  // ask for newer versions at most this often
const KEEP_DONE = 30;                  // sent or refused actions kept for the status list
let lastCheck = 0, flushing = null;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.add("/offline")).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys
    .filter((k) => k.startsWith("kasn-shell-") && k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/* ---- IndexedDB: "queue" (key) and "courses" (course) ---- */
function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("kelas-asn", 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("queue", { keyPath: "key" });
      req.result.createObjectStore("courses", { keyPath: "course" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
function store(name, mode, work) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const req = work(tx.objectStore(name));
    tx.oncomplete = () => { db.close(); resolve(req && req.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  }));
}
const all = (name) => store(name, "readonly", (s) => s.getAll());
const put = (name, value) => store(name, "readwrite", (s) => s.put(value));
const remove = (name, key) => store(name, "readwrite", (s) => s.delete(key));
// "courses" also holds one record with the empty key: the outcome of the last sync (a note).
const stored = () => all("courses").then((list) => list.filter((c) => c.course !== ""));

/* ---- fetching ---- */
self.addEventListener("fetch", (event) => {
  const req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  if (req.method === "POST" && url.pathname === "/keluar") {
    // Send what waits before signing out (the answer clears this device's stored data).
    event.respondWith(withTimeout(flush(true), 8000).catch(() => null).then(() => fetch(req)));
    return;
  }
  if (req.method !== "GET") {
    if (req.mode === "navigate") event.respondWith(fetch(req).catch(() => offlinePage("post")));
    return;
  }
  event.respondWith(networkFirst(event, req));
});

async function networkFirst(event, req) {
  try {
    const response = await fetch(req);
    if (req.mode === "navigate" && response.ok) event.waitUntil(flush(false).catch(() => null));
    return response;
  } catch (error) {
    // A stored page may link an older fingerprint (?v=) of a static file: any stored one serves.
    const stored = await caches.match(req, { ignoreVary: true }) || (new URL(req.url).pathname
      .startsWith("/static/") ? await caches.match(req, { ignoreVary: true, ignoreSearch: true }) : null);
    if (stored) return stored;
    if (req.mode === "navigate") return offlinePage("page");
    throw error;
  }
}

async function offlinePage() {
  const page = await caches.match("/offline", { cacheName: SHELL });
  return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

/* ---- storing a course ---- */
async function copy(response) {
  // A fresh response: a redirected one may not answer a navigation; the body is counted.
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  headers.delete("Set-Cookie");
  return { response: new Response(body, { status: 200, headers }), size: body.byteLength };
}

async function save(slug, report) {
  const listing = await fetch(`/kursus/${encodeURIComponent(slug)}/offline.json`, { cache: "no-store" });
  if (!listing.ok) throw new Error((await listing.json().catch(() => ({}))).error?.message || listing.status);
  const files = await listing.json();
  const name = `${COURSE}${files.course}:v${files.version}`;
  await caches.delete(name);
  const cache = await caches.open(name), shell = await caches.open(SHELL);
  const jobs = files.pages.map((u) => [cache, u, u])
    .concat(Object.entries(files.quizzes).flatMap(([item, page]) => [[cache, page, page], [cache, page, item]]))
    .concat(files.images.map((u) => [cache, u, u]), files.shell.map((u) => [shell, u, u]));
  let bytes = 0, done = 0;
  const fetched = new Map();
  for (const [target, source, key] of jobs) {
    let entry = fetched.get(source);
    if (!entry) {
      const r = await fetch(source, { headers: { "X-Kelas-Offline": "simpan" }, cache: "no-store" });
      if (!r.ok || new URL(r.url).pathname !== new URL(source, self.location).pathname) {
        await caches.delete(name);
        throw new Error(`${source}: ${r.status}`);
      }
      entry = await copy(r);
      fetched.set(source, entry);
      bytes += entry.size;
    }
    await target.put(key, entry.response.clone());
    report({ type: "progress", course: slug, done: ++done, total: jobs.length });
  }
  const current = new Set(files.shell.map((u) => new URL(u, self.location).href));
  for (const old of await shell.keys()) {  // older fingerprints of the same static files
    const path = new URL(old.url).pathname;
    if (!current.has(old.url) && files.shell.some((u) => new URL(u, self.location).pathname === path)) await shell.delete(old);
  }
  for (const key of await caches.keys()) {  // the new copy replaces any older one
    if (key.startsWith(`${COURSE}${files.course}:`) && key !== name) await caches.delete(key);
  }
  const record = { course: files.course, title: files.title, version: files.version, cache: name,
    pages: files.pages.concat(Object.keys(files.quizzes)), timed: files.timed,
    bytes, estimate: files.estimate_bytes, saved_at: new Date().toISOString() };
  await put("courses", record);
  return record;
}

async function forget(slug) {
  for (const key of await caches.keys()) if (key.startsWith(`${COURSE}${slug}:`)) await caches.delete(key);
  await remove("courses", slug);
}

/* ---- the queue ---- */
function flush(force) {
  // One sync at a time, in order: a request made while one runs (the "online" event during a
  // sync started by a page load) runs after it rather than being lost.
  const next = (flushing || Promise.resolve()).catch(() => null).then(() => send(force));
  flushing = next;
  next.finally(() => { if (flushing === next) flushing = null; }).catch(() => null);
  return next;
}

async function send(force) {
  const queue = await all("queue"), courses = await stored();
  const waiting = queue.filter((a) => a.status === "waiting").sort((a, b) => a.at.localeCompare(b.at));
  if (!waiting.length && !force && Date.now() - lastCheck < CHECK_EVERY_MS) return status();
  if (!waiting.length && !courses.length) return setNote(null);
  const token = await fetch("/offline/token", { cache: "no-store" });
  if (token.status === 401) return setNote("signed_out");
  if (!token.ok) return status();
  const csrf = (await token.json()).csrf_token;
  const saved = Object.fromEntries(courses.map((c) => [c.course, c.version]));
  const reply = await fetch("/offline/sinkron", {
    method: "POST", cache: "no-store",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify({ actions: waiting.slice(0, 100).map(wire), saved }),
  });
  if (reply.status === 401) return setNote("signed_out");
  if (!reply.ok) return setNote("refused");
  const answer = await reply.json(), sentAt = new Date().toISOString();
  lastCheck = Date.now();
  for (const result of answer.results) {
    const action = queue.find((a) => a.key === result.key);
    if (!action) continue;
    Object.assign(action, { status: result.conflict ? "conflict" : "sent", sent_at: sentAt,
      message: result.message, outcome: result.outcome, attempt_id: result.attempt_id });
    await put("queue", action);
  }
  const finished = (await all("queue")).filter((a) => a.status !== "waiting")
    .sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  for (const old of finished.slice(KEEP_DONE)) await remove("queue", old.key);
  await setNote(null);
  for (const course of courses) {  // a newer version replaces the stored copy
    const current = answer.current[course.course];
    if (current === null) await forget(course.course);
    else if (current && current !== course.version) await save(course.course, () => null).catch(() => null);
  }
  if (waiting.length > 100) return send(true);
  return broadcast();
}

function wire(action) {
  const out = { key: action.key, kind: action.kind, course: action.course, item: action.item,
    version: action.version, at: action.at };
  if (action.kind === "quiz") Object.assign(out, { token: action.token, answers: action.answers });
  return out;
}

async function setNote(note) {
  await put("courses", { course: "", note, at: new Date().toISOString() });
  return broadcast();
}

async function status() {
  const records = await all("courses"), queue = await all("queue");
  const note = records.find((c) => c.course === "") || {};
  return { type: "status", courses: records.filter((c) => c.course !== ""), queue,
    note: note.note || null, checked_at: note.at || null };
}

async function broadcast() {
  const message = await status();
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
  return message;
}

/* ---- messages from the pages ---- */
self.addEventListener("message", (event) => {
  const data = event.data || {}, port = event.ports[0];
  const reply = (message) => port && port.postMessage(message);
  let work;
  if (data.type === "save") work = save(data.course, reply).then(() => broadcast());
  else if (data.type === "remove") work = forget(data.course).then(() => broadcast());
  else if (data.type === "queue") {
    const action = Object.assign({}, data.action, { status: "waiting" });
    work = put("queue", action).then(() => broadcast())
      .then((s) => { flush(true).catch(() => null); return s; });
  } else if (data.type === "flush") work = flush(Boolean(data.force)).catch(() => status());
  else work = status();
  event.waitUntil(work.then(reply, (error) => reply({ type: "error", message: String(error.message || error) })));
});
