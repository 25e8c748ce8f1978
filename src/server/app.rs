//! The application: shared state, start-up (database, migrations, secret, first admin) and the
//! one axum router that serves the console, its server functions, `/ai/v1` and `/healthz`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Router, extract::FromRef, middleware};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::limit::RequestBodyLimitLayer;

use futures::FutureExt;

use super::config::MetricsListen;
use super::{Config, logging, server_fns};
use crate::catalog::{self, Catalog};
use crate::console::{App, shell};
use crate::control::{Secret, bootstrap, storage::Db};
use crate::proxy;
use crate::telemetry::{Metrics, Telemetry, UsageQueue, UsageWriter, metrics, recorder};

/// The largest body the console's server functions accept; their inputs are small forms.
const CONSOLE_BODY_LIMIT: usize = 64 * 1024;

/// How long a graceful shutdown waits for queued usage records to be written.
const USAGE_FLUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a console request or server function may need, cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub catalog: Catalog,
    /// The HTTP client of the admin pages, for asking providers for their models.
    pub http: reqwest::Client,
    pub config: Arc<Config>,
    pub secret: Secret,
    /// Usage queue and metrics.
    pub telemetry: Telemetry,
    pub leptos_options: LeptosOptions,
}

/// A started gateway: state is loaded and the router built; [`Gateway::serve`] runs it.
pub struct Gateway {
    pub state: AppState,
    /// The admin password generated on this (first) start, if one was.
    pub generated_admin_password: Option<String>,
    /// Where the metrics listener is bound, when it is on.
    pub metrics_address: Option<SocketAddr>,
    metrics_listener: Option<tokio::net::TcpListener>,
    usage_writer: Option<UsageWriter>,
    router: Router,
}

impl Gateway {
    /// Opens the database, applies migrations, loads the secret and creates the first admin.
    pub async fn start(config: Config) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| format!("cannot create data directory {:?}: {e}", config.data_dir))?;

        let db = Db::connect(&config.database_url()).await?;
        db.migrate().await?;
        let secret = Secret::load_or_create(config.secret.as_deref(), &config.data_dir)?;
        let generated_admin_password =
            bootstrap::ensure_admin(&db, &config.admin_email, config.admin_password.as_deref())
                .await?;

        let catalog = Catalog::load(&db, secret.clone()).await?;
        if config.demo {
            super::demo::start(&db, &catalog, &secret).await?;
        }
        catalog::spawn_last_used_writer(catalog.clone(), db.clone(), config.last_used_interval());

        let metrics = Arc::new(Metrics::new());
        let (usage, usage_writer) = if config.record_usage {
            let (queue, writer) = recorder::start(
                db.clone(),
                metrics.clone(),
                config.usage_queue_capacity,
                config.usage_flush_interval(),
            );
            (queue, Some(writer))
        } else {
            (UsageQueue::disabled(metrics.clone()), None)
        };
        let metrics_listener = match config.metrics_listen {
            MetricsListen::Off => None,
            MetricsListen::At(address) => Some(
                tokio::net::TcpListener::bind(address)
                    .await
                    .map_err(|e| format!("cannot listen for metrics on {address}: {e}"))?,
            ),
        };
        let metrics_address = match &metrics_listener {
            Some(listener) => Some(listener.local_addr()?),
            None => None,
        };

        let leptos_options = leptos_options(&config);
        let state = AppState {
            db,
            catalog,
            http: crate::control::admin::providers::http_client(),
            config: Arc::new(config),
            secret,
            telemetry: Telemetry { metrics, usage },
            leptos_options,
        };
        let router = router(state.clone());
        Ok(Gateway {
            state,
            generated_admin_password,
            metrics_address,
            metrics_listener,
            usage_writer,
            router,
        })
    }

    /// The complete router, for tests that drive it without a listener.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Serves (and serves metrics) until `shutdown` resolves and in-flight requests have
    /// finished, then writes what is still only in memory ("last used" times, usage records).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let shutdown = shutdown.shared();
        if let Some(metrics_listener) = self.metrics_listener {
            tokio::spawn(metrics::serve(
                metrics_listener,
                self.state.config.metrics_path.clone(),
                self.state.telemetry.clone(),
                shutdown.clone(),
            ));
        }
        // Streamed chunks must leave at once, not wait for Nagle's algorithm to fill a packet.
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await;
        self.state.catalog.flush_last_used(&self.state.db).await;
        if let Some(writer) = self.usage_writer {
            writer.finish(USAGE_FLUSH_TIMEOUT).await;
        }
        served
    }
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(env!("CARGO_PKG_NAME"))
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(leptos::config::Env::PROD)
        .build()
}

fn router(state: AppState) -> Router {
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let routes = generate_route_list(App);
    let api = proxy::router(proxy::ProxyState {
        catalog: state.catalog.clone(),
        client: proxy::upstream_client(),
        max_body_bytes: state.config.max_body_bytes,
        telemetry: state.telemetry.clone(),
    });

    let console = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(server_fns::error_status))
        .layer(RequestBodyLimitLayer::new(CONSOLE_BODY_LIMIT))
        .with_state(state);

    Router::new()
        .route("/healthz", get(healthz))
        .merge(console)
        .layer(middleware::from_fn(logging::log_request))
        // After the layer: the API logs its requests itself.
        .merge(api)
}

/// Liveness for load balancers: the process is up and serving HTTP.
async fn healthz() -> &'static str {
    "ok"
}
