// The offline app: start, route between pages (#/…), keep the connection line up to date, wipe at logout.

import { showTime } from "./norms.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { childPage, childrenPage, distributionPage, distributionsPage, h, outboxPage, registerPage, t } from "./views.js";

const urls = JSON.parse(document.getElementById("urls").textContent);
const view = document.getElementById("view");
const line = document.getElementById("connection");
let message = "";
let locked = false;

const ROUTES = [
  [/^#\/?$/, childrenPage],
  [/^#\/child\/([\w:-]+)$/, childPage],
  [/^#\/register$/, registerPage],
  [/^#\/distributions$/, distributionsPage],
  [/^#\/distribution\/(\d+)$/, distributionPage],
  [/^#\/outbox$/, outboxPage],
];

async function render() {
  const [path, query] = (location.hash || "#/").split("?");
  const params = new URLSearchParams(query || "");
  if (locked) {
    line.textContent = navigator.onLine ? t("online") : t("offline");
    view.replaceChildren(h("h1", {}, t("locked_title")), h("p", {}, t("locked_help")), h("p", {}, h("a", { class: "button", href: `${urls.login}?next=${encodeURIComponent(urls.shell)}` }, t("log_in"))));
    return;
  }
  const current = await sync.snapshot();
  const items = await sync.outbox();
  const conflicts = await sync.openConflicts();
  const ctx = {
    snap: current && current.data,
    fetched: current && current.fetched,
    items,
    conflicts,
    params,
    urls,
    flash: (text) => (message = text),
    rerender: render,
  };
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      const nodes = page(ctx, ...match.slice(1)).filter(Boolean);
      if (message) nodes.unshift(h("p", { class: "msg", role: "status" }, message));
      message = "";
      view.replaceChildren(...nodes);
      updateLine(ctx);
      return;
    }
  }
  location.hash = "#/";
}

/** After a sync or a change of connection: lists are drawn again, a form being filled in is left alone. */
async function refresh() {
  const path = (location.hash || "#/").split("?")[0];
  const typing = view.contains(document.activeElement) && document.activeElement.matches("input, select, textarea");
  if (locked || (["#/", "#", "#/outbox", "#/distributions"].includes(path) && !typing)) return render();
  const current = await sync.snapshot();
  updateLine({ fetched: current && current.fetched, items: await sync.outbox(), conflicts: await sync.openConflicts() });
}

function updateLine(ctx) {
  const waiting = ctx.items.filter((item) => item.state === "pending").length;
  const keys = new Set(ctx.items.map((item) => item.key));
  const decide =
    ctx.items.filter((item) => ["decision", "rejected", "refused"].includes(item.state)).length +
    ctx.conflicts.filter((conflict) => !keys.has(conflict.change_key)).length;
  document.getElementById("outbox-count").textContent = waiting + decide ? ` (${waiting + decide})` : "";
  const parts = [navigator.onLine ? t("online") : t("offline")];
  if (ctx.fetched) parts.push(t("data_of", { time: showTime(ctx.fetched) }));
  parts.push(t("waiting_count", { count: waiting }));
  if (decide) parts.push(t("decide_count", { count: decide }));
  if (sync.status.loggedOut) parts.push(t("log_in_again"));
  line.textContent = parts.join(" · ");
  line.className = navigator.onLine ? "connection connection--online" : "connection connection--offline";
}

/** Logout wipes the device: with work not yet sent, only after the officer said so. */
async function logout(event) {
  event.preventDefault();
  const form = event.target;
  const waiting = (await sync.outbox().catch(() => [])).filter((item) => ["pending", "decision", "rejected"].includes(item.state)).length;
  if (waiting && !window.confirm(t("logout_confirm", { count: waiting }))) return;
  await store.wipe();
  form.elements.csrfmiddlewaretoken.value = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  form.submit();
}

/** Who may use the device's data now. Online: the officer logged in (another officer's data is wiped first); nobody
 * logged in (a session ended): nothing is shown or sent until the officer logs in; someone without the officer's
 * rights: the data stays closed, offline too, until its officer logs in again. Offline: the officer the data
 * belongs to, unless it was closed. True when sending may go on. */
async function identify() {
  try {
    const who = await sync.whoAmI(urls.me);
    locked = !(who && who.officer);
    sync.status.loggedOut = locked;
    if (who && who.officer) await store.unlock(who.username);
    else if (who) await store.close();
    return !locked;
  } catch {
    locked = !(await store.unlockStored());
    return false;
  }
}

async function start() {
  document.getElementById("logout").addEventListener("submit", logout);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(urls.worker, { scope: "/" }).catch(() => undefined);
  await identify();
  window.addEventListener("hashchange", render);
  for (const name of ["online", "offline"]) window.addEventListener(name, refresh);
  sync.events.addEventListener("change", refresh);
  await render();
  sync.startAutoSync(async () => {
    const wasLocked = locked;
    const ready = await identify();
    if (wasLocked !== locked) await render();
    return ready;
  });
}

start();
