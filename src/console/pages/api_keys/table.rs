//! The table of keys, with a checkbox and a delete button per row.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::console::api::{ApiKeyList, ApiKeyView};
use crate::console::format;

#[component]
pub fn KeyTable(
    list: ApiKeyList,
    selected: RwSignal<BTreeSet<String>>,
    /// Asks to delete one key: its id and name.
    on_delete: Callback<(String, String)>,
) -> impl IntoView {
    if list.keys.is_empty() {
        return view! {
            <div class="card empty">
                <p>"You have no API keys yet."</p>
                <p class="muted">"Create one to start calling the API."</p>
            </div>
        }
        .into_any();
    }

    let now = list.now;
    let all_ids: Vec<String> = list.keys.iter().map(|k| k.id.clone()).collect();
    let all_selected = {
        let all_ids = all_ids.clone();
        Signal::derive(move || selected.with(|s| all_ids.iter().all(|id| s.contains(id))))
    };
    let toggle_all = move |_| {
        let select = !all_selected.get();
        selected.update(|s| {
            for id in &all_ids {
                if select {
                    s.insert(id.clone());
                } else {
                    s.remove(id);
                }
            }
        });
    };
    let rows = list
        .keys
        .into_iter()
        .map(|key| view! { <KeyRow key now selected on_delete /> })
        .collect_view();

    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th class="select">
                            <input
                                type="checkbox"
                                aria-label="Select all API keys"
                                prop:checked=all_selected
                                on:change=toggle_all
                            />
                        </th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Rate limit"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn KeyRow(
    key: ApiKeyView,
    now: i64,
    selected: RwSignal<BTreeSet<String>>,
    on_delete: Callback<(String, String)>,
) -> impl IntoView {
    let id = key.id.clone();
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            })
        }
    };
    let last_used = match key.last_used_at {
        Some(at) => format::relative_time(now, at),
        None => "never".to_string(),
    };
    let target = (key.id.clone(), key.name.clone());

    view! {
        <tr data-key-id=key.id.clone()>
            <td class="select">
                <input
                    type="checkbox"
                    aria-label=format!("Select API key {}", key.name)
                    prop:checked=is_selected
                    on:change=toggle
                />
            </td>
            <td class="name">{key.name.clone()}</td>
            <td class="description">{key.description.clone()}</td>
            <td><code>{format!("{}…", key.prefix)}</code></td>
            <td>{format::rate_limit(key.requests_per_second, key.burst_size)}</td>
            <td>{format::relative_time(now, key.created_at)}</td>
            <td class="last-used">{last_used}</td>
            <td class="row-actions">
                <button
                    type="button"
                    class="icon-button danger"
                    aria-label=format!("Delete API key {}", key.name)
                    title="Delete"
                    on:click=move |_| on_delete.run(target.clone())
                >
                    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                        <path
                            fill="currentColor"
                            d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z"
                        />
                    </svg>
                </button>
            </td>
        </tr>
    }
}
