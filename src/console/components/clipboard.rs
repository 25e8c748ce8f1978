//! Copying text to the clipboard from the browser.

/// Writes `text` to the clipboard and reports whether it worked.
#[cfg(feature = "hydrate")]
pub fn copy(text: String, done: impl FnOnce(bool) + 'static) {
    leptos::task::spawn_local(async move {
        let Some(window) = web_sys::window() else {
            return done(false);
        };
        let promise = window.navigator().clipboard().write_text(&text);
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// On the server there is no clipboard; buttons that copy only work once hydrated.
#[cfg(not(feature = "hydrate"))]
pub fn copy(_text: String, done: impl FnOnce(bool) + 'static) {
    done(false);
}
