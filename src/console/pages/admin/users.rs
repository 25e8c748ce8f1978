//! Admin › Users: list, create, make or unmake admin, delete.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::AppError;
use crate::console::api::{
    AdminCreateUser, AdminDeleteUser, AdminSetAdmin, NewUser, admin_list_users,
};
use crate::console::components::form::{TextField, form_message};

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<AdminCreateUser>::new();
    let set_admin = ServerAction::<AdminSetAdmin>::new();
    let delete = ServerAction::<AdminDeleteUser>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_admin.version().get(),
                delete.version().get(),
            )
        },
        |_| admin_list_users(),
    );

    let email = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let is_admin = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            email.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
            is_admin.set(false);
        }
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });
    let row_error = move || {
        let failed =
            |v: Option<Result<(), AppError>>| v.and_then(Result::err).map(|e| e.to_string());
        failed(set_admin.value().get()).or_else(|| failed(delete.value().get()))
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(AdminCreateUser {
            user: NewUser {
                email: email.get_untracked(),
                display_name: display_name.get_untracked(),
                password: password.get_untracked(),
                is_admin: is_admin.get_untracked(),
            },
        });
    };

    view! {
        <Title text="Users" />
        <h1>"Users"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                let users = match users.await {
                    Ok(users) => users,
                    Err(err) => return view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                };
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {users.into_iter().map(|user| {
                                    let (id, id2) = (user.id.clone(), user.id.clone());
                                    let make = !user.is_admin;
                                    let email = user.email.clone();
                                    view! {
                                        <tr>
                                            <td class="name">{user.email.clone()}</td>
                                            <td>{user.display_name.clone()}</td>
                                            <td>{if user.is_admin { "Admin" } else { "User" }}</td>
                                            <td class="row-actions wide">
                                                <button type="button" class="button small"
                                                    aria-label=format!("{} {}", if make { "Make admin" } else { "Remove admin" }, user.email)
                                                    on:click=move |_| { set_admin.dispatch(AdminSetAdmin { user_id: id.clone(), is_admin: make }); }>
                                                    {if make { "Make admin" } else { "Remove admin" }}
                                                </button>
                                                <button type="button" class="button small danger"
                                                    aria-label=format!("Delete user {email}")
                                                    on:click=move |_| {
                                                        if window().confirm_with_message(&format!("Delete {email}? Their API keys stop working at once.")).unwrap_or(false) {
                                                            delete.dispatch(AdminDeleteUser { user_id: id2.clone() });
                                                        }
                                                    }>
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
        <p class="form-error" role="alert">{row_error}</p>

        <section class="card">
            <h2>"Add a user"</h2>
            <form on:submit=submit novalidate>
                <TextField id="user-email" label="Email" field="email" value=email error kind="email" />
                <TextField id="user-name" label="Display name (optional)" field="display_name" value=display_name error />
                <TextField id="user-password" label="Password" field="password" value=password error kind="password" />
                <label class="check">
                    <input type="checkbox" bind:checked=is_admin />
                    " Admin"
                </label>
                <p class="form-error" role="alert">{form_message(error)}</p>
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Adding…" } else { "Add user" }}
                </button>
            </form>
        </section>
    }
}
