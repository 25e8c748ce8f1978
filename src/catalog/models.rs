//! Models, their aliases and who may use them, indexed for the request path. One resolver
//! answers both "which models may this user list" and "may this user call this name".

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;

use crate::control::Secret;
use crate::control::storage::groups::{AccessRows, EVERYONE};
use crate::control::storage::models::ModelRow;
use crate::control::storage::providers::ProviderRow;

/// An upstream endpoint, ready to send to.
pub struct ProviderRoute {
    pub id: Arc<str>,
    pub name: Arc<str>,
    /// Without a trailing slash, e.g. `https://api.openai.com/v1`.
    pub base_url: Arc<str>,
    /// `Bearer <provider key>`, marked sensitive; `None` when the provider needs no key.
    pub authorization: Option<HeaderValue>,
    /// How long to wait for the provider's response head.
    pub timeout: Duration,
}

/// A model as the proxy routes it.
pub struct ModelRoute {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub upstream_name: Arc<str>,
    pub kind: Arc<str>,
    pub description: Arc<str>,
    pub aliases: Vec<Arc<str>>,
    pub created_at: i64,
    pub provider: Arc<ProviderRoute>,
}

/// What a requested name resolves to for one user.
pub enum Resolution<'a> {
    Allowed(&'a Arc<ModelRoute>),
    /// The model exists, but none of the user's groups grants it.
    Forbidden,
    /// No model or alias has that name.
    NotFound,
}

/// All models, by every name they answer to, and the models each user may use.
#[derive(Default)]
pub struct ModelIndex {
    by_name: HashMap<Arc<str>, Arc<ModelRoute>>,
    /// Sorted by name.
    models: Vec<Arc<ModelRoute>>,
    /// Model ids granted to Everyone.
    everyone: HashSet<Arc<str>>,
    /// Model ids granted to each user through their explicit groups.
    by_user: HashMap<Arc<str>, HashSet<Arc<str>>>,
}

impl ModelIndex {
    pub fn build(
        providers: Vec<ProviderRow>,
        models: Vec<ModelRow>,
        access: AccessRows,
        secret: &Secret,
    ) -> Self {
        let providers: HashMap<String, Arc<ProviderRoute>> = providers
            .into_iter()
            .map(|p| (p.id.clone(), Arc::new(provider_route(p, secret))))
            .collect();

        let mut index = ModelIndex::default();
        for model in models {
            let Some(provider) = providers.get(&model.provider_id) else {
                continue;
            };
            let route = Arc::new(ModelRoute {
                id: model.id.into(),
                name: model.name.into(),
                upstream_name: model.upstream_name.into(),
                kind: model.kind.into(),
                description: model.description.into(),
                aliases: model.aliases.into_iter().map(Arc::from).collect(),
                created_at: model.created_at,
                provider: provider.clone(),
            });
            index.by_name.insert(route.name.clone(), route.clone());
            for alias in &route.aliases {
                index.by_name.insert(alias.clone(), route.clone());
            }
            index.models.push(route);
        }
        index.models.sort_by(|a, b| a.name.cmp(&b.name));

        let mut groups_of_model: HashMap<&str, Vec<&str>> = HashMap::new();
        for (group, model) in &access.grants {
            groups_of_model
                .entry(group.as_str())
                .or_default()
                .push(model.as_str());
        }
        let interned: HashMap<&str, Arc<str>> = index
            .models
            .iter()
            .map(|m| (&*m.id, m.id.clone()))
            .collect();
        let models_of = |group: &str| {
            groups_of_model
                .get(group)
                .into_iter()
                .flatten()
                .filter_map(|id| interned.get(id).cloned())
        };
        index.everyone = models_of(EVERYONE).collect();
        for (group, user) in &access.memberships {
            let granted = index.by_user.entry(user.as_str().into()).or_default();
            granted.extend(models_of(group));
        }
        index
    }

    /// Resolves `name` (a model name or alias) for `user_id`.
    pub fn resolve(&self, user_id: &str, name: &str) -> Resolution<'_> {
        match self.by_name.get(name) {
            None => Resolution::NotFound,
            Some(model) if self.may_use(user_id, &model.id) => Resolution::Allowed(model),
            Some(_) => Resolution::Forbidden,
        }
    }

    /// The models `user_id` may use, by name.
    pub fn visible_to<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a Arc<ModelRoute>> {
        self.models
            .iter()
            .filter(move |m| self.may_use(user_id, &m.id))
    }

    fn may_use(&self, user_id: &str, model_id: &str) -> bool {
        self.everyone.contains(model_id)
            || self
                .by_user
                .get(user_id)
                .is_some_and(|models| models.contains(model_id))
    }
}

fn provider_route(provider: ProviderRow, secret: &Secret) -> ProviderRoute {
    let key = provider.api_key_encrypted.as_deref().and_then(|stored| {
        let key = secret.decrypt(stored);
        if key.is_none() {
            tracing::warn!(
                provider = %provider.name,
                "cannot decrypt the provider's key (was the secret changed?); sending none"
            );
        }
        key
    });
    let authorization = key.and_then(|key| {
        let mut value = HeaderValue::from_str(&format!("Bearer {key}")).ok()?;
        value.set_sensitive(true);
        Some(value)
    });
    ProviderRoute {
        id: provider.id.into(),
        name: provider.name.into(),
        base_url: provider.base_url.trim_end_matches('/').into(),
        authorization,
        timeout: Duration::from_millis(provider.timeout_ms.max(1) as u64),
    }
}
