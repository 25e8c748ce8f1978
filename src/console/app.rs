//! The document shell and the console's routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use super::components::layout::ConsoleLayout;
use super::pages::{
    AdminModelsPage, ApiKeysPage, GroupsPage, ModelsPage, NotFoundPage, OverviewPage,
    ProvidersPage, SignInPage, UsagePage, UsersPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="data:," />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The console: the sign-in page, and everything else behind a signed-in layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/control-layer.css" />
        <Title formatter=|page: String| format!("{page} · Control Layer") />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/sign-in") view=SignInPage />
                <ParentRoute path=path!("") view=ConsoleLayout>
                    <Route path=path!("") view=OverviewPage />
                    <Route path=path!("/api-keys") view=ApiKeysPage />
                    <Route path=path!("/models") view=ModelsPage />
                    <Route path=path!("/usage") view=UsagePage />
                    <Route path=path!("/admin/users") view=UsersPage />
                    <Route path=path!("/admin/groups") view=GroupsPage />
                    <Route path=path!("/admin/providers") view=ProvidersPage />
                    <Route path=path!("/admin/models") view=AdminModelsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
