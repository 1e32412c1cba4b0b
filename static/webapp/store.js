// The device's copy of the officer's work, in IndexedDB, every record sealed with AES-GCM.
// The key is a non-extractable CryptoKey made on this device for one officer (docs/offline.md, "Keys"): the
// browser can use it but no script can read it out. Only what cannot identify anyone is kept in clear: record
// keys, kinds, states and times. Logout deletes the database, the caches and the service worker (wipe()).

const DB_NAME = "portal-offline";
const STORES = ["meta", "snapshot", "outbox", "files"];
let dbPromise = null;
let cryptoKey = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function db() {
  if (!dbPromise) {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      for (const name of STORES) req.result.createObjectStore(name, { keyPath: "key" });
    };
    dbPromise = request(req).then((handle) => {
      handle.onversionchange = () => handle.close(); // another tab wipes at logout: let it
      return handle;
    });
  }
  return dbPromise;
}

async function tx(store, mode, work) {
  const handle = (await db()).transaction(store, mode);
  const done = new Promise((resolve, reject) => {
    handle.oncomplete = resolve;
    handle.onerror = () => reject(handle.error);
    handle.onabort = () => reject(handle.error);
  });
  const result = await work(handle.objectStore(store));
  await done;
  return result;
}

export const get = (store, key) => tx(store, "readonly", (s) => request(s.get(key)));
export const all = (store) => tx(store, "readonly", (s) => request(s.getAll()));
export const put = (store, value) => tx(store, "readwrite", (s) => request(s.put(value)));
export const remove = (store, key) => tx(store, "readwrite", (s) => request(s.delete(key)));

/** Make the data key for `who`, or load it; another officer's data is wiped first (one officer per device). */
export async function unlock(who) {
  const meta = await get("meta", "key");
  if (meta && meta.owner === who) {
    cryptoKey = meta.cryptoKey;
    if (meta.closed) await put("meta", { ...meta, closed: false });
    return false;
  }
  if (meta) await wipeData();
  cryptoKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  await put("meta", { key: "key", owner: who, cryptoKey, created: Date.now() });
  return true;
}

/** Someone else logged in on this device: the data stays closed, also offline, until its officer logs in again. */
export async function close() {
  cryptoKey = null;
  const meta = await get("meta", "key");
  if (meta) await put("meta", { ...meta, closed: true });
}

/** Use the key already on the device (offline, no one to ask who is logged in); false if the data is closed. */
export async function unlockStored() {
  const meta = await get("meta", "key");
  cryptoKey = meta && !meta.closed ? meta.cryptoKey : null;
  return !(meta && meta.closed);
}

export async function sealBytes(bytes) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, cryptoKey, bytes);
  return { iv, data };
}

export async function openBytes(sealed) {
  return crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, cryptoKey, sealed.data);
}

export const seal = (value) => sealBytes(new TextEncoder().encode(JSON.stringify(value)));
export const open = async (sealed) => JSON.parse(new TextDecoder().decode(await openBytes(sealed)));

/** Store `value` sealed under `key` in `store`, with `clear` fields (no personal data) beside it. */
export async function putSealed(store, key, value, clear = {}) {
  await put(store, { ...clear, key, sealed: await seal(value) });
}

export async function getSealed(store, key) {
  const row = await get(store, key);
  return row ? open(row.sealed) : null;
}

async function wipeData() {
  for (const store of STORES) await tx(store, "readwrite", (s) => request(s.clear()));
}

/** Forget everything this device holds for the portal: the data and its key, cached pages, the worker. */
export async function wipe() {
  cryptoKey = null;
  if (dbPromise) (await dbPromise).close();
  dbPromise = null;
  await request(indexedDB.deleteDatabase(DB_NAME)).catch(() => undefined);
  if ("caches" in self) for (const name of await caches.keys()) await caches.delete(name);
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }
}
