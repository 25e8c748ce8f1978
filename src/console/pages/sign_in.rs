//! Sign in with email and password. Errors show inline and what was typed stays put.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::console::AppError;
use crate::console::api::{SignIn, whoami};

#[component]
pub fn SignInPage() -> impl IntoView {
    // Someone already signed in has no business here.
    let session = Resource::new_blocking(|| (), |_| whoami());

    let sign_in = ServerAction::<SignIn>::new();
    let result = sign_in.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = result.get() {
            let _ = window().location().set_href("/");
        }
    });

    let error = move || result.get().and_then(Result::err);
    let field_error =
        move |field: &'static str| move || error().and_then(|e| e.field_message(field));
    let form_error = move || {
        error()
            .filter(|e| !matches!(e, AppError::Invalid(_)))
            .map(|e| e.to_string())
    };
    let pending = sign_in.pending();

    view! {
        <Title text="Sign in" />
        <Suspense>
            {move || Suspend::new(async move {
                matches!(session.await, Ok(Some(_))).then(|| view! { <Redirect path="/" /> })
            })}
        </Suspense>
        <main class="auth-page">
            <div class="card auth-card">
                <h1>"Sign in to Control Layer"</h1>
                <ActionForm action=sign_in attr:novalidate=true>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            aria-describedby="email-error"
                            aria-invalid=move || field_error("email")().is_some().to_string()
                        />
                        <p id="email-error" class="field-error">{field_error("email")}</p>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            aria-describedby="password-error"
                            aria-invalid=move || field_error("password")().is_some().to_string()
                        />
                        <p id="password-error" class="field-error">{field_error("password")}</p>
                    </div>
                    <p class="form-error" role="alert">{form_error}</p>
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
