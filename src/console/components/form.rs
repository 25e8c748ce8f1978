//! Small form helpers shared by the admin pages: a labelled text field with its inline error.

use leptos::prelude::*;

use crate::console::AppError;

/// A labelled input bound to `value`, showing the message `error` has for `field`.
#[component]
pub fn TextField(
    /// Element id, unique on the page.
    id: &'static str,
    label: &'static str,
    /// The field name the server uses in validation errors.
    field: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    /// For focusing the field from outside.
    #[prop(optional)]
    node_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let message = move || error.with(|e| e.as_ref().and_then(|e| e.field_message(field)));
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                node_ref=node_ref
                type=kind
                placeholder=placeholder
                aria-describedby=error_id.clone()
                aria-invalid=move || message().is_some().to_string()
                bind:value=value
            />
            <p id=error_id class="field-error">{message}</p>
        </div>
    }
}

/// The message of an error that belongs to no single field.
pub fn form_message(error: RwSignal<Option<AppError>>) -> impl Fn() -> Option<String> + Copy {
    move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| !matches!(e, AppError::Invalid(_)))
                .map(|e| e.to_string())
        })
    }
}
