//! Confirming the deletion of one or several keys.

use leptos::html::Button;
use leptos::prelude::*;

use crate::console::api::DeleteApiKeys;
use crate::console::components::modal::Modal;

#[component]
pub fn ConfirmDeleteDialog(
    /// Ids and names of the keys to delete.
    targets: Vec<(String, String)>,
    action: ServerAction<DeleteApiKeys>,
    on_close: Callback<()>,
) -> impl IntoView {
    let title = match targets.len() {
        1 => "Delete API key?".to_string(),
        n => format!("Delete {n} API keys?"),
    };
    let ids: Vec<String> = targets.iter().map(|(id, _)| id.clone()).collect();
    let names = targets
        .into_iter()
        .map(|(_, name)| view! { <li>{name}</li> })
        .collect_view();

    let cancel = NodeRef::<Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });

    let submitted_at = StoredValue::new(action.version().get_untracked());
    let error = move || {
        if action.version().get() == submitted_at.get_value() {
            return None;
        }
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let pending = action.pending();

    view! {
        <Modal title on_close>
            <ul class="delete-list">{names}</ul>
            <p>"Requests using these keys will be refused at once. This cannot be undone."</p>
            <p class="form-error" role="alert">{error}</p>
            <div class="modal-actions">
                <button type="button" class="button" node_ref=cancel on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button danger"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        action.dispatch(DeleteApiKeys { ids: ids.clone() });
                    }
                >
                    {move || if pending.get() { "Deleting…" } else { "Delete" }}
                </button>
            </div>
        </Modal>
    }
}
