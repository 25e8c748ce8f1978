//! "Create API Key": the form, then the one-time display of the new secret.

use leptos::html::Input;
use leptos::prelude::*;

use crate::console::AppError;
use crate::console::api::{CreateApiKey, CreatedApiKey, NewApiKey};
use crate::console::components::clipboard;
use crate::console::components::form::{TextField, form_message};
use crate::console::components::modal::Modal;

#[component]
pub fn CreateKeyDialog(
    action: ServerAction<CreateApiKey>,
    on_close: Callback<()>,
    on_created: Callback<CreatedApiKey>,
) -> impl IntoView {
    // What was typed survives a failed attempt: it lives here, not in the request.
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let requests_per_second = RwSignal::new(String::new());
    let burst_size = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);

    let name_input = NodeRef::<Input>::new();
    Effect::new(move |_| {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    });

    // Only react to results of submissions made from this dialog.
    let submitted_at = StoredValue::new(action.version().get_untracked());
    Effect::new(move |_| {
        let version = action.version().get();
        if version == submitted_at.get_value() {
            return;
        }
        match action.value().get() {
            Some(Ok(created)) => on_created.run(created),
            Some(Err(err)) => error.set(Some(err)),
            None => {}
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        action.dispatch(CreateApiKey {
            key: NewApiKey {
                name: name.get_untracked(),
                description: description.get_untracked(),
                requests_per_second: requests_per_second.get_untracked(),
                burst_size: burst_size.get_untracked(),
            },
        });
    };

    let form_error = form_message(error);
    let pending = action.pending();

    view! {
        <Modal title="Create API Key".to_string() on_close>
            <form on:submit=submit novalidate>
                <TextField id="key-name" label="Name" field="name" value=name error node_ref=name_input />
                <TextField id="key-description" label="Description (optional)" field="description" value=description error />
                <fieldset class="rate-limit">
                    <legend>"Rate limit (optional)"</legend>
                    <p class="muted hint">
                        "Leave both empty for no limit. Requests per second alone allows a burst of the same size."
                    </p>
                    <div class="field-row">
                        <TextField id="key-rps" label="Requests per second" field="requests_per_second"
                            value=requests_per_second error placeholder="1–10,000" />
                        <TextField id="key-burst" label="Burst size" field="burst_size"
                            value=burst_size error placeholder="1–50,000" />
                    </div>
                </fieldset>
                <p class="form-error" role="alert">{form_error}</p>
                <div class="modal-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Creating…" } else { "Create" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
pub fn CreatedKeyDialog(created: CreatedApiKey, on_close: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let secret = created.secret.clone();
    let copy = move |_| {
        clipboard::copy(secret.clone(), move |ok| copied.set(Some(ok)));
    };

    view! {
        <Modal title=format!("API key “{}” created", created.key.name) on_close>
            <p class="warning" role="note">
                <strong>"Copy this key now."</strong>
                " It will not be shown again: only a fingerprint of it is kept."
            </p>
            <div class="secret-row">
                <input
                    type="text"
                    readonly
                    aria-label="New API key"
                    class="secret"
                    value=created.secret.clone()
                    on:focus=move |ev| {
                        let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
                        input.select();
                    }
                />
                <button type="button" class="button primary" aria-label="Copy API key" on:click=copy>
                    {move || match copied.get() {
                        Some(true) => "Copied",
                        _ => "Copy",
                    }}
                </button>
            </div>
            <p class="form-error" role="alert">
                {move || {
                    (copied.get() == Some(false))
                        .then_some("Copying failed: select the key and copy it by hand.")
                }}
            </p>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| on_close.run(())>
                    "Done"
                </button>
            </div>
        </Modal>
    }
}
