//! Any console URL that is not a page: a 404 with a way back.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Not found" />
        <main class="auth-page">
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <a class="button" href="/">
                    "Go to the console"
                </a>
            </div>
        </main>
    }
}
