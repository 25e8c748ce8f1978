//! Admin › Providers: add and edit upstream endpoints (the key is write-only), test the
//! connection by listing the provider's models, delete unused ones.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::AppError;
use crate::console::api::{
    AdminDeleteProvider, AdminSaveProvider, ProviderForm, ProviderView, admin_list_providers,
    admin_provider_models,
};
use crate::console::components::form::{TextField, form_message};

#[component]
pub fn ProvidersPage() -> impl IntoView {
    let save = ServerAction::<AdminSaveProvider>::new();
    let delete = ServerAction::<AdminDeleteProvider>::new();
    let providers = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| admin_list_providers(),
    );

    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let base_url = RwSignal::new(String::new());
    let api_key = RwSignal::new(String::new());
    let timeout = RwSignal::new("60".to_string());
    let error = RwSignal::new(None::<AppError>);
    let reset = move || {
        editing.set(None);
        name.set(String::new());
        base_url.set(String::new());
        api_key.set(String::new());
        timeout.set("60".into());
        error.set(None);
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => reset(),
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });
    let edit = move |provider: ProviderView| {
        editing.set(Some(provider.id));
        name.set(provider.name);
        base_url.set(provider.base_url);
        api_key.set(String::new());
        timeout.set(provider.timeout_secs.to_string());
        error.set(None);
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(timeout_secs) = timeout.get_untracked().trim().parse::<u64>() else {
            error.set(Some(AppError::invalid(
                "timeout_secs",
                "Enter the timeout in whole seconds.",
            )));
            return;
        };
        save.dispatch(AdminSaveProvider {
            provider: ProviderForm {
                id: editing.get_untracked(),
                name: name.get_untracked(),
                base_url: base_url.get_untracked(),
                api_key: api_key.get_untracked(),
                timeout_secs,
            },
        });
    };
    let delete_error = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <Title text="Providers" />
        <h1>"Providers"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading providers…"</p> }>
            {move || Suspend::new(async move {
                let list = match providers.await {
                    Ok(list) => list,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                };
                if list.is_empty() {
                    return view! { <div class="card empty"><p>"No providers yet. Add one below."</p></div> }.into_any();
                }
                list.into_iter()
                    .map(|provider| view! { <ProviderCard provider edit=Callback::new(edit) delete /> })
                    .collect_view()
                    .into_any()
            })}
        </Transition>
        <p class="form-error" role="alert">{delete_error}</p>

        <section class="card">
            <h2>{move || if editing.get().is_some() { "Edit provider" } else { "Add a provider" }}</h2>
            <form on:submit=submit novalidate>
                <TextField id="provider-name" label="Name" field="name" value=name error />
                <TextField id="provider-url" label="Base URL" field="base_url" value=base_url error
                    placeholder="https://api.openai.com/v1" />
                <TextField id="provider-key" label="API key (write-only)" field="api_key" value=api_key error
                    kind="password" placeholder="Leave empty to keep the stored key" />
                <TextField id="provider-timeout" label="Timeout (seconds)" field="timeout_secs" value=timeout error />
                <p class="form-error" role="alert">{form_message(error)}</p>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save provider" }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="button" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ProviderCard(
    provider: ProviderView,
    edit: Callback<ProviderView>,
    delete: ServerAction<AdminDeleteProvider>,
) -> impl IntoView {
    let test = Action::new(move |id: &String| {
        let id = id.clone();
        async move { admin_provider_models(id).await }
    });
    let (id, id2) = (provider.id.clone(), provider.id.clone());
    let for_edit = provider.clone();
    let result = move || {
        test.value().get().map(|result| match result {
            Ok(models) if models.is_empty() => {
                "Connected; the provider lists no models.".to_string()
            }
            Ok(models) => format!("Connected. Models: {}", models.join(", ")),
            Err(err) => err.to_string(),
        })
    };

    view! {
        <section class="card" aria-label=format!("Provider {}", provider.name)>
            <div class="model-head">
                <h2>{provider.name.clone()}</h2>
                <code>{provider.base_url.clone()}</code>
                <span class="badge">{if provider.has_api_key { "key set" } else { "no key" }}</span>
                <span class="badge">{format!("timeout {} s", provider.timeout_secs)}</span>
            </div>
            <div class="actions spaced">
                <button type="button" class="button small" on:click=move |_| { test.dispatch(id.clone()); }>
                    {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                </button>
                <button type="button" class="button small" on:click=move |_| edit.run(for_edit.clone())>"Edit"</button>
                <button type="button" class="button small danger"
                    aria-label=format!("Delete provider {}", provider.name)
                    on:click=move |_| { delete.dispatch(AdminDeleteProvider { id: id2.clone() }); }>
                    "Delete"
                </button>
            </div>
            <p class="test-result" role="status">{result}</p>
        </section>
    }
}
