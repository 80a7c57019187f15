//! The wasm entry point: only the islands (`#[island]` components of the `app` crate) come
//! alive; the rest of each page is the server's HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Calling into `app` also links it, and with it every island's hydrate function.
    app::hydrate_islands();
}
