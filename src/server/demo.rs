//! Demo mode (`--demo`): the project's mock provider runs inside the gateway on a loopback
//! port, registered as the provider "demo" with the models `demo-chat` (alias `demo`) and
//! `demo-embedding`, granted to Everyone. A newcomer can create a key and call them at once,
//! with no internet and no upstream account.
//!
//! The mock's port changes at every start, so the demo provider's base URL is updated each
//! time; models and grants are created only once and can be edited like any other.

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::control::Secret;
use crate::control::admin::{models, providers};
use crate::control::storage::Db;
use crate::control::storage::groups::EVERYONE;
use crate::control::storage::models::ModelFields;
use crate::control::storage::providers::ProviderFields;
use crate::mock_provider::{self, MockConfig, Stats};

const PROVIDER: &str = "demo";

/// Starts the mock and makes sure the demo provider and models exist and point at it.
pub async fn start(
    db: &Db,
    catalog: &Catalog,
    secret: &Secret,
) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}/v1", listener.local_addr()?);
    let config = MockConfig {
        chunks: 12,
        chunk_delay_ms: 40,
        ..MockConfig::for_tests()
    };
    tokio::spawn(mock_provider::serve(
        listener,
        config,
        Arc::new(Stats::default()),
    ));

    let fields = ProviderFields {
        name: PROVIDER,
        base_url: &base_url,
        timeout_ms: 30_000,
    };
    let existing = db
        .providers()
        .await?
        .into_iter()
        .find(|p| p.name == PROVIDER);
    let provider_id = match existing {
        Some(provider) => {
            providers::update(db, catalog, secret, &provider.id, fields, None).await?;
            provider.id
        }
        None => {
            providers::create(db, catalog, secret, fields, None)
                .await?
                .id
        }
    };

    let known = db.models().await?;
    for (name, upstream, kind, aliases) in [
        ("demo-chat", "mock-chat", "chat", vec!["demo".to_string()]),
        ("demo-embedding", "mock-embedding", "embeddings", vec![]),
    ] {
        if known.iter().any(|m| m.name == name) {
            continue;
        }
        let fields = ModelFields {
            name,
            provider_id: &provider_id,
            upstream_name: upstream,
            description: "Answers from the built-in mock provider (demo mode).",
            kind,
            aliases: &aliases,
        };
        let id = models::save(db, catalog, None, fields).await?;
        db.set_group_model(EVERYONE, &id, true).await?;
    }
    catalog.reload(db).await?;
    tracing::info!(%base_url, "demo mode: the mock provider serves demo-chat and demo-embedding");
    Ok(())
}
