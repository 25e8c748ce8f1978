//! Admin › Groups: create and delete groups, choose their members and the models they grant.
//! Everyone holds every user; it cannot be deleted and has no member list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::console::AppError;
use crate::console::api::{
    AdminDeleteGroup, AdminSaveGroup, AdminSetGroupMember, AdminSetGroupModel, EVERYONE_GROUP,
    GroupView, ModelView, UserView, admin_list_groups, admin_list_models, admin_list_users,
};
use crate::console::components::form::{TextField, form_message};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let save = ServerAction::<AdminSaveGroup>::new();
    let delete = ServerAction::<AdminDeleteGroup>::new();
    let member = ServerAction::<AdminSetGroupMember>::new();
    let grant = ServerAction::<AdminSetGroupModel>::new();
    let groups = Resource::new(
        move || {
            (
                save.version().get(),
                delete.version().get(),
                member.version().get(),
                grant.version().get(),
            )
        },
        |_| admin_list_groups(),
    );
    let users = Resource::new(|| (), |_| admin_list_users());
    let models = Resource::new(|| (), |_| admin_list_models());

    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            name.set(String::new());
            description.set(String::new());
            error.set(None);
        }
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(AdminSaveGroup {
            id: None,
            name: name.get_untracked(),
            description: description.get_untracked(),
        });
    };
    let action_error = move || {
        let failed =
            |v: Option<Result<(), AppError>>| v.and_then(Result::err).map(|e| e.to_string());
        failed(member.value().get())
            .or_else(|| failed(grant.value().get()))
            .or_else(|| failed(delete.value().get()))
    };

    view! {
        <Title text="Groups" />
        <h1>"Groups"</h1>
        <p class="muted">"A user may use the models granted to any of their groups. Everyone holds every user."</p>
        <p class="form-error" role="alert">{action_error}</p>
        <Transition fallback=|| view! { <p class="loading">"Loading groups…"</p> }>
            {move || Suspend::new(async move {
                match (groups.await, users.await, models.await) {
                    (Ok(groups), Ok(users), Ok(models)) => groups
                        .into_iter()
                        .map(|group| view! {
                            <GroupCard group users=users.clone() models=models.clone() save member grant delete />
                        })
                        .collect_view()
                        .into_any(),
                    (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => {
                        view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any()
                    }
                }
            })}
        </Transition>

        <section class="card">
            <h2>"Add a group"</h2>
            <form on:submit=submit novalidate>
                <TextField id="group-name" label="Group name" field="name" value=name error />
                <TextField id="group-description" label="Description" field="description" value=description error />
                <p class="form-error" role="alert">{form_message(error)}</p>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Adding…" } else { "Add group" }}
                </button>
            </form>
        </section>
    }
}

#[component]
fn GroupCard(
    group: GroupView,
    users: Vec<UserView>,
    models: Vec<ModelView>,
    save: ServerAction<AdminSaveGroup>,
    member: ServerAction<AdminSetGroupMember>,
    grant: ServerAction<AdminSetGroupModel>,
    delete: ServerAction<AdminDeleteGroup>,
) -> impl IntoView {
    let everyone = group.id == EVERYONE_GROUP;
    let group_id = group.id.clone();
    let members = if everyone {
        view! { <p class="muted">"Every user, now and in the future."</p> }.into_any()
    } else {
        users
            .into_iter()
            .map(|user| {
                let (group_id, user_id) = (group_id.clone(), user.id.clone());
                let on_change = Callback::new(move |checked: bool| {
                    member.dispatch(AdminSetGroupMember {
                        group_id: group_id.clone(),
                        user_id: user_id.clone(),
                        member: checked,
                    });
                });
                view! {
                    <Check
                        text=user.email.clone()
                        label=format!("{} is a member of {}", user.email, group.name)
                        checked=group.members.contains(&user.id)
                        on_change
                    />
                }
            })
            .collect_view()
            .into_any()
    };
    let grants = models
        .into_iter()
        .map(|model| {
            let (group_id, model_id) = (group_id.clone(), model.id.clone());
            let on_change = Callback::new(move |checked: bool| {
                grant.dispatch(AdminSetGroupModel {
                    group_id: group_id.clone(),
                    model_id: model_id.clone(),
                    granted: checked,
                });
            });
            view! {
                <Check
                    text=model.name.clone()
                    label=format!("{} may use {}", group.name, model.name)
                    checked=group.models.contains(&model.id)
                    on_change
                />
            }
        })
        .collect_view();
    let id = group.id.clone();
    let new_name = RwSignal::new(group.name.clone());
    let rename = {
        let (id, description) = (group.id.clone(), group.description.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.dispatch(AdminSaveGroup {
                id: Some(id.clone()),
                name: new_name.get_untracked(),
                description: description.clone(),
            });
        }
    };
    let rename_form = (!everyone).then(|| {
        view! {
            <form class="inline-form" on:submit=rename>
                <input aria-label=format!("New name for {}", group.name) bind:value=new_name />
                <button type="submit" class="button small">"Rename"</button>
            </form>
        }
    });

    view! {
        <section class="card" aria-label=format!("Group {}", group.name)>
            <div class="model-head">
                <h2>{group.name.clone()}</h2>
                <span class="muted">{group.description.clone()}</span>
                {(!everyone).then(|| view! {
                    <button type="button" class="button small danger"
                        aria-label=format!("Delete group {}", group.name)
                        on:click=move |_| { delete.dispatch(AdminDeleteGroup { id: id.clone() }); }>
                        "Delete"
                    </button>
                })}
            </div>
            {rename_form}
            <div class="columns">
                <fieldset><legend>"Members"</legend>{members}</fieldset>
                <fieldset><legend>"Models"</legend>{grants}</fieldset>
            </div>
        </section>
    }
}

/// A checkbox with visible `text` and the accessible name `label`.
#[component]
fn Check(text: String, label: String, checked: bool, on_change: Callback<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                prop:checked=checked
                aria-label=label
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            " "
            {text}
        </label>
    }
}
