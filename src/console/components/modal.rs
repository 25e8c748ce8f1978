//! A modal dialog: labelled for screen readers, closed by Escape or its close button.

use leptos::prelude::*;

/// Renders `children` in a dialog titled `title`, over a dimmed page.
#[component]
pub fn Modal(
    /// Heading of the dialog; also its accessible name.
    title: String,
    /// Called when the person dismisses the dialog (Escape or the × button).
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let title_id = "modal-title";

    // Escape closes the dialog wherever focus is (a disabled button drops it to the page).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());

    view! {
        <div class="overlay">
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby=title_id>
                <div class="modal-head">
                    <h2 id=title_id>{title}</h2>
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Close dialog"
                        on:click=move |_| on_close.run(())
                    >
                        "×"
                    </button>
                </div>
                {children()}
            </div>
        </div>
    }
}
