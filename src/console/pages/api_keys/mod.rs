//! The "API Keys" page: the signed-in user's keys, and creating and deleting them.

mod create;
mod delete;
mod table;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::api::{CreateApiKey, CreatedApiKey, DeleteApiKeys, list_api_keys};
use create::{CreateKeyDialog, CreatedKeyDialog};
use delete::ConfirmDeleteDialog;
use table::KeyTable;

/// Which dialog is open.
#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    None,
    Create,
    Created(CreatedApiKey),
    /// Ids and names of the keys to delete.
    ConfirmDelete(Vec<(String, String)>),
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let delete = ServerAction::<DeleteApiKeys>::new();
    // The list reloads after every successful create or delete.
    let keys = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| list_api_keys(),
    );
    let dialog = RwSignal::new(Dialog::None);
    let selected = RwSignal::new(BTreeSet::<String>::new());

    // After a delete, forget the selection of keys that are gone.
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            selected.set(BTreeSet::new());
            dialog.set(Dialog::None);
        }
    });

    let open_delete_selected = move |_| {
        let Some(Ok(list)) = keys.get() else { return };
        let chosen = selected.get();
        let targets: Vec<(String, String)> = list
            .keys
            .iter()
            .filter(|k| chosen.contains(&k.id))
            .map(|k| (k.id.clone(), k.name.clone()))
            .collect();
        if !targets.is_empty() {
            dialog.set(Dialog::ConfirmDelete(targets));
        }
    };

    view! {
        <Title text="API Keys" />
        <div class="page-head">
            <h1>"API Keys"</h1>
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || selected.with(BTreeSet::is_empty)
                    on:click=open_delete_selected
                >
                    {move || match selected.with(BTreeSet::len) {
                        0 => "Delete".to_string(),
                        n => format!("Delete ({n})"),
                    }}
                </button>
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| dialog.set(Dialog::Create)
                >
                    "Create API Key"
                </button>
            </div>
        </div>
        <p class="muted">
            "Keys authenticate calls to this gateway's OpenAI-compatible API. A key can use every model you can."
        </p>

        <Transition fallback=|| view! { <p class="loading" aria-live="polite">"Loading API keys…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) => view! {
                        <KeyTable
                            list
                            selected
                            on_delete=Callback::new(move |target: (String, String)| {
                                dialog.set(Dialog::ConfirmDelete(vec![target]))
                            })
                        />
                    }
                    .into_any(),
                    Err(err) => view! {
                        <div class="card" role="alert">
                            <p class="form-error">{err.to_string()}</p>
                            <button type="button" class="button" on:click=move |_| keys.refetch()>
                                "Try again"
                            </button>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>

        {move || match dialog.get() {
            Dialog::None => ().into_any(),
            Dialog::Create => view! {
                <CreateKeyDialog
                    action=create
                    on_close=Callback::new(move |_| dialog.set(Dialog::None))
                    on_created=Callback::new(move |created| dialog.set(Dialog::Created(created)))
                />
            }
            .into_any(),
            Dialog::Created(created) => view! {
                <CreatedKeyDialog created on_close=Callback::new(move |_| dialog.set(Dialog::None)) />
            }
            .into_any(),
            Dialog::ConfirmDelete(targets) => view! {
                <ConfirmDeleteDialog
                    targets
                    action=delete
                    on_close=Callback::new(move |_| dialog.set(Dialog::None))
                />
            }
            .into_any(),
        }}
    }
}
