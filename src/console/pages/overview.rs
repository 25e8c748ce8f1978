//! The landing page after signing in: where the API is and how to start using it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::components::layout::Session;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let Session(session) = expect_context::<Session>();
    let base_url = move || {
        session
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|info| info.api_base_url)
            .unwrap_or_default()
    };

    view! {
        <Title text="Overview" />
        <h1>"Overview"</h1>
        <section class="card">
            <h2>"Your gateway"</h2>
            <p>
                "Point any OpenAI client library at this base URL, with an API key of yours as the bearer token:"
            </p>
            <pre class="snippet"><code data-testid="api-base-url">{base_url}</code></pre>
            <p class="muted">
                "Requests without a valid key are refused with 401, in OpenAI's error format."
            </p>
        </section>
    }
}
