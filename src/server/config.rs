//! The gateway's configuration: every option is a flag with an environment variable, and
//! `control-layer --help` lists them with their defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// Options of `control-layer` (and `control-layer serve`).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the console, `/ai/v1` and `/healthz` listen on.
    #[arg(long, env = "CONTROL_LAYER_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Directory for the SQLite database and the generated secret; created if missing.
    #[arg(long, env = "CONTROL_LAYER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://…` or `postgres://…` [default: SQLite file in the data directory]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Email of the admin account created on first start.
    #[arg(
        long,
        env = "CONTROL_LAYER_ADMIN_EMAIL",
        default_value = "admin@localhost"
    )]
    pub admin_email: String,

    /// Password of the admin account created on first start [default: random, printed once]
    #[arg(long, env = "CONTROL_LAYER_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Secret that signs sessions and encrypts provider keys
    /// [default: generated and kept in the data directory]
    #[arg(long, env = "CONTROL_LAYER_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// Log filter, in `tracing` EnvFilter syntax (for example `info,control_layer=debug`).
    #[arg(long = "log", env = "RUST_LOG", default_value = "info")]
    pub log_filter: String,

    /// How long a console session lasts after signing in, in seconds.
    #[arg(long, env = "CONTROL_LAYER_SESSION_TTL_SECS", default_value_t = 7 * 24 * 3600)]
    pub session_ttl_secs: u64,

    /// Mark the session cookie `Secure`; turn on when the console is served over HTTPS.
    #[arg(long, env = "CONTROL_LAYER_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Run the built-in mock provider and offer the models `demo-chat` and `demo-embedding` to
    /// everyone, for trying the gateway without an upstream account.
    #[arg(long, env = "CONTROL_LAYER_DEMO")]
    pub demo: bool,

    /// Largest request body `/ai/v1` forwards, in bytes; larger ones get 413.
    #[arg(long, env = "CONTROL_LAYER_MAX_BODY_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// How often "last used" times are written to the database, in milliseconds. A crash
    /// loses at most this much of them.
    #[arg(
        long,
        env = "CONTROL_LAYER_LAST_USED_INTERVAL_MS",
        default_value_t = 1_000
    )]
    pub last_used_interval_ms: u64,

    /// Record a usage row for every `/ai/v1` request (the Usage page reads them).
    #[arg(
        long,
        env = "CONTROL_LAYER_RECORD_USAGE",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub record_usage: bool,

    /// How many usage records may wait in memory for the database; beyond that they are
    /// dropped (and counted) rather than slowing requests down.
    #[arg(
        long,
        env = "CONTROL_LAYER_USAGE_QUEUE_CAPACITY",
        default_value_t = 100_000
    )]
    pub usage_queue_capacity: usize,

    /// How often queued usage records are written, in milliseconds.
    #[arg(
        long,
        env = "CONTROL_LAYER_USAGE_FLUSH_INTERVAL_MS",
        default_value_t = 1_000
    )]
    pub usage_flush_interval_ms: u64,

    /// Address of the Prometheus metrics listener, kept off the public port; `off` disables it.
    #[arg(
        long,
        env = "CONTROL_LAYER_METRICS_LISTEN",
        default_value = "127.0.0.1:9464"
    )]
    pub metrics_listen: MetricsListen,

    /// Path the metrics are served at on that listener.
    #[arg(long, env = "CONTROL_LAYER_METRICS_PATH", default_value = "/metrics")]
    pub metrics_path: String,

    /// Directory holding the console's compiled assets (the WASM bundle, CSS, icons).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

impl Config {
    /// The database URL to connect to: the configured one, or a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("control-layer.db");
                format!("sqlite://{}?mode=rwc", path.display())
            }
        }
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_secs)
    }

    pub fn last_used_interval(&self) -> Duration {
        Duration::from_millis(self.last_used_interval_ms.max(10))
    }

    pub fn usage_flush_interval(&self) -> Duration {
        Duration::from_millis(self.usage_flush_interval_ms.max(10))
    }

    /// A configuration for tests: loopback on an ephemeral port, everything else default.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            admin_email: "admin@localhost".into(),
            admin_password: None,
            secret: None,
            log_filter: "warn".into(),
            session_ttl_secs: 3600,
            secure_cookies: false,
            last_used_interval_ms: 100,
            max_body_bytes: 1024 * 1024,
            demo: false,
            site_root: PathBuf::from("target/site"),
            record_usage: true,
            usage_queue_capacity: 10_000,
            usage_flush_interval_ms: 50,
            metrics_listen: MetricsListen::At(SocketAddr::from(([127, 0, 0, 1], 0))),
            metrics_path: "/metrics".into(),
        }
    }
}

/// Where the metrics listener listens, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsListen {
    Off,
    At(SocketAddr),
}

impl std::str::FromStr for MetricsListen {
    type Err = std::net::AddrParseError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("off") {
            Ok(MetricsListen::Off)
        } else {
            value.parse().map(MetricsListen::At)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_database_is_a_sqlite_file_in_the_data_dir() {
        let config = Config::for_tests(PathBuf::from("/var/lib/cl"));
        assert_eq!(
            config.database_url(),
            "sqlite:///var/lib/cl/control-layer.db?mode=rwc"
        );
    }

    #[test]
    fn an_explicit_database_url_wins() {
        let mut config = Config::for_tests(PathBuf::from("/var/lib/cl"));
        config.database_url = Some("postgres://db/cl".into());
        assert_eq!(config.database_url(), "postgres://db/cl");
    }

    #[test]
    fn metrics_listen_is_an_address_or_off() {
        assert_eq!("off".parse(), Ok(MetricsListen::Off));
        assert_eq!(
            "127.0.0.1:9464".parse(),
            Ok(MetricsListen::At(SocketAddr::from(([127, 0, 0, 1], 9464))))
        );
        assert!("nine".parse::<MetricsListen>().is_err());
    }
}
