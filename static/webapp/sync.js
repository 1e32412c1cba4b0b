// Sending the officer's work to the portal and fetching the communes' data, as docs/offline.md describes.
// Every change waits in the outbox (sealed) with its idempotency key until the server answered for it; a batch cut
// halfway is sent again whole: the server replays what it already applied and applies the rest.

import * as store from "./store.js";

const API = "/api/v1/offline/";
const BATCH = 50;
const STALE = 15 * 60_000; // the department works too: data older than this is fetched again when online
const KEPT = 30 * 24 * 3_600_000; // what was sent (with names) stays on the device this long, to be looked up
export const events = new EventTarget();

export class NotLoggedIn extends Error {}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** A call to the portal; never kept in the browser's HTTP cache (it holds children's data in clear). */
async function call(path, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (json) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: json ? JSON.stringify(json) : form,
    credentials: "same-origin",
    cache: "no-store",
    redirect: "error",
  });
  if (response.status === 401 || response.status === 403) throw new NotLoggedIn(String(response.status));
  const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  return { status: response.status, data };
}

/** Who is logged in on the portal: {username, officer} or null when nobody is. Throws when offline. */
export async function whoAmI(url) {
  try {
    const { status, data } = await call(url);
    return status === 200 ? { username: data.username, officer: data.permissions.includes("register_needs") } : null;
  } catch (error) {
    if (error instanceof NotLoggedIn) return null;
    throw error;
  }
}

// --- The snapshot --------------------------------------------------------------------------------------------

export async function refreshSnapshot() {
  const { status, data } = await call(`${API}snapshot/`);
  if (status !== 200) throw new Error(`snapshot ${status}`);
  await store.putSealed("snapshot", "current", data, { fetched: Date.now() });
  events.dispatchEvent(new Event("change"));
  return data;
}

export async function snapshot() {
  const row = await store.get("snapshot", "current");
  return row ? { data: await store.open(row.sealed), fetched: row.fetched } : null;
}

// --- The outbox ----------------------------------------------------------------------------------------------

let sequence = 0;

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keep a file (a photo, the scan of a signed list) sealed on the device; returns what a change names it by. */
export async function keepFile(bytes, type, name) {
  const id = crypto.randomUUID();
  const digest = await sha256(bytes);
  await store.put("files", { key: id, bytes: await store.sealBytes(bytes) });
  return { id, sha256: digest, type, name, size: bytes.byteLength };
}

/** Put a change in the outbox. `label` says in words what it is (shown in the outbox); `files` it needs sent first. */
export async function queue(change, { label, files = [], refs = {} }) {
  const row = { change, label, files, refs, result: null };
  await store.putSealed("outbox", change.key, row, {
    state: "pending",
    type: change.type,
    seq: Date.now() * 1000 + (sequence++ % 1000),
    updated: Date.now(),
  });
  events.dispatchEvent(new Event("change"));
  kick();
}

/** Every change on the device, oldest first, opened: [{key, state, type, seq, updated, change, label, files, result}]. */
export async function outbox() {
  const rows = await store.all("outbox");
  rows.sort((a, b) => a.seq - b.seq);
  return Promise.all(rows.map(async (row) => ({ ...row, ...(await store.open(row.sealed)), sealed: undefined })));
}

async function save(item, state, result) {
  const { key, type, seq, change, label, files, refs } = item;
  await store.putSealed("outbox", key, { change, label, files, refs, result }, { state, type, seq, updated: Date.now() });
}

/** Drop a change the officer gave up (refused, or to be typed again); its files go with it. */
export async function discard(item) {
  for (const file of item.files) await store.remove("files", file.id);
  await store.remove("outbox", item.key);
  events.dispatchEvent(new Event("change"));
}

async function upload(file) {
  const known = await call(`${API}evidence/${file.id}/`).catch((error) => {
    if (error instanceof NotLoggedIn) throw error;
    return { status: 0 };
  });
  if (known.status === 200 && known.data.sha256 === file.sha256) return null;
  const row = await store.get("files", file.id);
  if (!row) return { file: ["missing on device"] };
  const form = new FormData();
  form.append("id", file.id);
  form.append("sha256", file.sha256);
  form.append("file", new Blob([await store.openBytes(row.bytes)], { type: file.type }), file.name);
  const { status, data } = await call(`${API}evidence/`, { method: "POST", form });
  if (status === 200 || status === 201) return null;
  if (status === 400 && data && data.file) return data; // the file itself is refused: the officer must act
  throw new Error(`evidence ${status}`); // a cut upload (digest differs) or a server fault: try again later
}

const FINAL = { applied: "sent", conflict: "decision", decision: "decision", rejected: "rejected" };

async function push() {
  const pending = (await outbox()).filter((item) => item.state === "pending");
  let applied = 0;
  const ready = [];
  for (const item of pending) {
    let refused = null;
    for (const file of item.files) refused = refused || (await upload(file));
    if (refused) await save(item, "rejected", { status: "rejected", errors: refused });
    else ready.push(item);
  }
  for (let start = 0; start < ready.length; start += BATCH) {
    const batch = ready.slice(start, start + BATCH);
    const { status, data } = await call(`${API}sync/`, { method: "POST", json: { changes: batch.map((i) => i.change) } });
    if (status !== 200) throw new Error(`sync ${status}`);
    for (const [index, result] of data.results.entries()) {
      const item = batch[index];
      if (result.status === "pending") {
        await save(item, "pending", result);
      } else {
        await save(item, FINAL[result.status] || "refused", result);
        if (result.status === "applied") {
          applied += 1;
          for (const file of item.files) await store.remove("files", file.id);
        }
      }
    }
  }
  return applied;
}

/** Learn which of the officer's decisions were taken meanwhile (in the app or on the portal's conflict pages),
 * and which wait: also those of changes sent from another device, or from the pages. */
async function refreshDecisions() {
  const open = await call(`${API}conflicts/?status=open`);
  if (open.status === 200) await store.putSealed("snapshot", "conflicts", open.data.results, { fetched: Date.now() });
  const waiting = (await outbox()).filter((item) => item.state === "decision");
  if (!waiting.length) return;
  const { status, data } = await call(`${API}conflicts/?status=resolved`);
  if (status !== 200) return;
  const resolved = new Map(data.results.map((conflict) => [conflict.change_key, conflict]));
  for (const item of waiting) {
    const conflict = resolved.get(item.key);
    if (conflict) await save(item, "resolved", { ...item.result, resolution: conflict.resolution, final: conflict.result });
  }
}

/** The officer's conflicts still open on the portal, as last fetched. */
export async function openConflicts() {
  return (await store.getSealed("snapshot", "conflicts")) || [];
}

/** Resolve a conflict through the API (docs/offline.md section 4); `item` is the outbox change it came from, if
 * it came from this device. Returns a message when the portal refused the choice. */
export async function resolve(conflictId, body, item = null) {
  const { status, data } = await call(`${API}conflicts/${conflictId}/resolve/`, { method: "POST", json: body });
  if (status !== 200) return (data && data.detail) || String(status);
  if (item) await save(item, "resolved", { ...item.result, resolution: data.resolution, final: data.result });
  await refreshDecisions();
  events.dispatchEvent(new Event("change"));
  return null;
}

async function prune() {
  for (const item of await store.all("outbox")) {
    if (["sent", "resolved"].includes(item.state) && Date.now() - item.updated > KEPT) await store.remove("outbox", item.key);
  }
}

let running = null;

/** Send what waits, learn decisions taken, fetch fresh data. One run at a time, also across tabs. */
export function syncNow() {
  if (!running) {
    const work = async () => {
      const applied = await push();
      await refreshDecisions();
      await prune();
      const current = await store.get("snapshot", "current");
      if (applied || !current || Date.now() - current.fetched > STALE) await refreshSnapshot();
    };
    const locked = navigator.locks ? navigator.locks.request("portal-offline-sync", work) : work();
    running = locked.finally(() => {
      running = null;
      events.dispatchEvent(new Event("change"));
    });
  }
  return running;
}

// --- Automatic sending ---------------------------------------------------------------------------------------

let failures = 0;
let timer = null;
export const status = { lastError: null, loggedOut: false, lastSync: null };

let mayRun = async () => true;

async function run() {
  clearTimeout(timer);
  if (!navigator.onLine) return;
  try {
    if (!(await mayRun())) return; // not logged in as the device's officer: nothing is sent
    await syncNow();
    failures = 0;
    status.lastError = null;
    status.lastSync = Date.now();
    if ((await outbox()).some((item) => item.state === "pending")) schedule(30_000); // evidence or a child awaited
  } catch (error) {
    status.lastError = error;
    if (error instanceof NotLoggedIn) status.loggedOut = true;
    else schedule(Math.min(300_000, 2_000 * 2 ** failures++));
  }
  events.dispatchEvent(new Event("change"));
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(run, delay * (0.75 + Math.random() / 2)); // jitter: a commune's phones do not all retry at once
}

/** Send at once if online (after a change was queued); otherwise the online event will. */
export function kick() {
  failures = 0;
  schedule(50);
}

/** Send automatically from now on; `ready()` says whether the officer the data belongs to is logged in. */
export function startAutoSync(ready) {
  mayRun = ready;
  window.addEventListener("online", () => {
    failures = 0;
    run();
  });
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && run());
  run();
}
