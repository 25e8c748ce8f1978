//! The signed-in frame: top bar with the user and "Sign out", the sidebar, and the page.
//! Visitors without a session are sent to the sign-in page (on the server, as a redirect).

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use crate::console::api::{SessionInfo, SignOut, whoami};

/// The session of the signed-in user, for pages inside the layout.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<Option<SessionInfo>, crate::console::AppError>>);

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    // Blocking: the server knows whether to redirect before it sends the first byte.
    let session = Resource::new_blocking(|| (), |_| whoami());
    provide_context(Session(session));

    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-live="polite">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) => view! { <Frame info /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Err(err) => view! {
                        <main class="auth-page">
                            <p class="form-error" role="alert">{err.to_string()}</p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(info: SessionInfo) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/sign-in");
        }
    });

    view! {
        <div class="frame">
            <header class="topbar">
                <a class="brand" href="/">
                    "Control Layer"
                </a>
                <div class="who">
                    <span class="who-name" title=info.email.clone()>
                        "Signed in as "
                        <strong>{info.email.clone()}</strong>
                    </span>
                    <ActionForm action=sign_out>
                        <button type="submit" class="button subtle" disabled=move || sign_out.pending().get()>
                            {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
                        </button>
                    </ActionForm>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main">
                <A href="/" exact=true>
                    "Overview"
                </A>
                <A href="/api-keys">"API Keys"</A>
                <A href="/models">"Models"</A>
                <A href="/usage">"Usage"</A>
                {info.is_admin.then(|| view! {
                    <p class="nav-section">"Admin"</p>
                    <A href="/admin/users">"Users"</A>
                    <A href="/admin/groups">"Groups"</A>
                    <A href="/admin/providers">"Providers"</A>
                    <A href="/admin/models">"Manage models"</A>
                })}
            </nav>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}
