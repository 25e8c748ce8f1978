//! Admin › Models: add models served by a provider (optionally picked from its own list), set
//! the upstream name, aliases, description and kind; edit and delete them.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::AppError;
use crate::console::api::{
    AdminDeleteModel, AdminSaveModel, MODEL_KINDS, ModelForm, ModelView, admin_list_models,
    admin_list_providers, admin_provider_models,
};
use crate::console::components::form::{TextField, form_message};

#[component]
pub fn AdminModelsPage() -> impl IntoView {
    let save = ServerAction::<AdminSaveModel>::new();
    let delete = ServerAction::<AdminDeleteModel>::new();
    let models = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| admin_list_models(),
    );
    let providers = Resource::new(|| (), |_| admin_list_providers());

    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let provider_id = RwSignal::new(String::new());
    let upstream_name = RwSignal::new(String::new());
    let aliases = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new("chat".to_string());
    let error = RwSignal::new(None::<AppError>);
    let reset = move || {
        editing.set(None);
        for field in [name, upstream_name, aliases, description] {
            field.set(String::new());
        }
        kind.set("chat".into());
        error.set(None);
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => reset(),
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });
    let edit = Callback::new(move |model: ModelView| {
        editing.set(Some(model.id));
        name.set(model.name);
        provider_id.set(model.provider_id);
        upstream_name.set(model.upstream_name);
        aliases.set(model.aliases.join(", "));
        description.set(model.description);
        kind.set(model.kind);
        error.set(None);
    });

    // The provider's own model list, offered as suggestions for the upstream name.
    let upstream = Action::new(move |id: &String| {
        let id = id.clone();
        async move { admin_provider_models(id).await }
    });
    let suggestions = move || {
        upstream
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    };
    let upstream_error = move || {
        upstream
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let aliases = aliases
            .get_untracked()
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        save.dispatch(AdminSaveModel {
            model: ModelForm {
                id: editing.get_untracked(),
                name: name.get_untracked(),
                provider_id: provider_id.get_untracked(),
                upstream_name: upstream_name.get_untracked(),
                description: description.get_untracked(),
                kind: kind.get_untracked(),
                aliases,
            },
        });
    };
    let provider_message =
        move || error.with(|e| e.as_ref().and_then(|e| e.field_message("provider_id")));

    view! {
        <Title text="Manage models" />
        <h1>"Manage models"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading models…"</p> }>
            {move || Suspend::new(async move {
                let (list, providers) = match (models.await, providers.await) {
                    (Ok(list), Ok(providers)) => (list, providers),
                    (Err(err), _) | (_, Err(err)) => {
                        return view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any();
                    }
                };
                let provider_name = move |id: &str| {
                    providers.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default()
                };
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Aliases"</th>
                                    <th scope="col">"Provider"</th>
                                    <th scope="col">"Upstream name"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|model| {
                                    let for_edit = model.clone();
                                    let id = model.id.clone();
                                    view! {
                                        <tr>
                                            <td class="name">{model.name.clone()}</td>
                                            <td>{model.aliases.join(", ")}</td>
                                            <td>{provider_name(&model.provider_id)}</td>
                                            <td><code>{model.upstream_name.clone()}</code></td>
                                            <td>{model.kind.clone()}</td>
                                            <td class="row-actions wide">
                                                <button type="button" class="button small"
                                                    aria-label=format!("Edit model {}", model.name)
                                                    on:click=move |_| edit.run(for_edit.clone())>"Edit"</button>
                                                <button type="button" class="button small danger"
                                                    aria-label=format!("Delete model {}", model.name)
                                                    on:click=move |_| { delete.dispatch(AdminDeleteModel { id: id.clone() }); }>
                                                    "Delete"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </Transition>

        <section class="card">
            <h2>{move || if editing.get().is_some() { "Edit model" } else { "Add a model" }}</h2>
            <form on:submit=submit novalidate>
                <TextField id="model-name" label="Name" field="name" value=name error placeholder="gpt-4o" />
                <div class="field">
                    <label for="model-provider">"Provider"</label>
                    <select id="model-provider" bind:value=provider_id aria-invalid=move || provider_message().is_some().to_string()>
                        <option value="">"Choose a provider"</option>
                        <Transition>
                            {move || Suspend::new(async move {
                                providers.await.unwrap_or_default().into_iter().map(|p| {
                                    view! { <option value=p.id.clone()>{p.name.clone()}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <p class="field-error">{provider_message}</p>
                    <button type="button" class="button small"
                        disabled=move || provider_id.get().is_empty()
                        on:click=move |_| { upstream.dispatch(provider_id.get_untracked()); }>
                        {move || if upstream.pending().get() { "Loading…" } else { "Load the provider's models" }}
                    </button>
                    <p class="field-error">{upstream_error}</p>
                </div>
                <div class="field">
                    <label for="model-upstream">"Upstream name (empty: same as the name)"</label>
                    <input id="model-upstream" list="upstream-models" bind:value=upstream_name />
                    <datalist id="upstream-models">
                        {move || suggestions().into_iter().map(|m| view! { <option value=m.clone()></option> }).collect_view()}
                    </datalist>
                    <p class="field-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_message("upstream_name")))}</p>
                </div>
                <TextField id="model-aliases" label="Aliases (comma-separated)" field="aliases" value=aliases error />
                <TextField id="model-description" label="Description" field="description" value=description error />
                <div class="field">
                    <label for="model-kind">"Kind"</label>
                    <select id="model-kind" bind:value=kind>
                        {MODEL_KINDS.iter().map(|k| view! { <option value=*k>{*k}</option> }).collect_view()}
                    </select>
                </div>
                <p class="form-error" role="alert">{form_message(error)}</p>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save model" }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="button" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
