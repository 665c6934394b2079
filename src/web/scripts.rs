//! The page's few JS helpers, as one small module (one file to fetch, one to cache) instead
//! of web-sys's bindings for them: IndexedDB for durable sessions (`stored`) and WebCrypto for
//! sealed passwords (`crypto`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
// One connection to the database for the page, opened on first use (a busy QoS 1 flow writes
// every 100 ms); opened again after it closes or fails to open.
let db;
const open = () => db || (db = new Promise((ok, no) => {
  const r = indexedDB.open('mqtt-deck', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('sessions');
  r.onsuccess = () => {
    const d = r.result;
    // Closed by the browser, or asked to let a deletion through: the next use opens anew.
    d.onclose = () => { db = undefined; };
    d.onversionchange = () => { d.close(); db = undefined; };
    ok(d);
  };
  r.onerror = () => { db = undefined; no(r.error); };
}));
export function sessionsAll(done) {
  open().then((db) => new Promise((ok, no) => {
    const s = db.transaction('sessions').objectStore('sessions');
    const keys = s.getAllKeys(), values = s.getAll();
    values.onsuccess = () => ok(keys.result.flatMap((k, i) => [String(k), String(values.result[i])]));
    values.onerror = () => no(values.error);
  })).then(done, () => done([]));
}
export function sessionPut(key, value) {
  return open().then((db) => {
    const s = db.transaction('sessions', 'readwrite').objectStore('sessions');
    if (value === undefined) s.delete(key); else s.put(value, key);
  }).catch(() => {});
}
const te = new TextEncoder();
const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const key = (pass, salt) => crypto.subtle
  .importKey('raw', te.encode(pass), 'PBKDF2', false, ['deriveKey'])
  .then((k) => crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: 310000, hash: 'SHA-256' },
    k, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
export function seal(pass, text, done) {
  Promise.resolve().then(() => {
    const salt = crypto.getRandomValues(new Uint8Array(16)), iv = crypto.getRandomValues(new Uint8Array(12));
    return key(pass, salt)
      .then((k) => crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, te.encode(text)))
      .then((c) => ['v1', b64(salt), b64(iv), b64(c)].join('.'));
  }).then(done, () => done(undefined));
}
export function unseal(pass, sealed, done) {
  Promise.resolve().then(() => {
    const [v, salt, iv, c] = sealed.split('.');
    if (v !== 'v1') throw new Error('unknown');
    return key(pass, bytes(salt))
      .then((k) => crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(iv) }, k, bytes(c)))
      .then((p) => new TextDecoder().decode(p));
  }).then(done, () => done(undefined));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = sessionsAll)]
    pub(super) fn sessions_all(done: &JsValue);
    #[wasm_bindgen(js_name = sessionPut)]
    pub(super) fn session_put(key: &str, value: Option<String>);
    #[wasm_bindgen(js_name = seal)]
    pub(super) fn js_seal(pass: &str, text: &str, done: &JsValue);
    #[wasm_bindgen(js_name = unseal)]
    pub(super) fn js_unseal(pass: &str, sealed: &str, done: &JsValue);
}
