//! A remembered password sealed with the user's passphrase through the browser's WebCrypto:
//! a key from PBKDF2 (SHA-256, a fresh salt each time) encrypts it with AES-GCM, and the
//! result is one opaque text, `v1.SALT.IV.CIPHERTEXT` in Base64. A small JS module (`scripts`) instead of
//! web-sys's SubtleCrypto bindings keeps the bundle small. Pages that are not a secure context
//! (plain `http://` but localhost) have no WebCrypto: sealing then fails, and says so.

use wasm_bindgen::prelude::*;

use super::scripts::{js_seal, js_unseal};

/// Seals `text` with `passphrase`; `done` gets the sealed text, or `None` where the page has
/// no WebCrypto.
pub fn seal(passphrase: &str, text: &str, done: Box<dyn FnOnce(Option<String>)>) {
    js_seal(passphrase, text, &callback(done));
}

/// Opens what [`seal`] made; `done` gets `None` for a wrong passphrase or a broken text.
pub fn unseal(passphrase: &str, sealed: &str, done: Box<dyn FnOnce(Option<String>)>) {
    js_unseal(passphrase, sealed, &callback(done));
}

/// One closure type for both: a boxed `done` (one copy of the closure glue in the bundle).
fn callback(done: Box<dyn FnOnce(Option<String>)>) -> JsValue {
    Closure::once_into_js(move |v: JsValue| done(v.as_string()))
}
