//! Starting and stopping the server: open the database, mount the chosen
//! domains under their prefixes (and `--root` at `/`), add the server-wide
//! routes, serve until Ctrl-C / SIGTERM, then finish in-flight requests and
//! close the database cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::{Filter, Reply};

use crate::app::{App, Settings, SharedApp};
use crate::body::Limits;
use crate::cli::ServeArgs;
use crate::db::Db;
use crate::domains::Descriptor;
use crate::endpoint::{self, Endpoint, Unrouted};
use crate::layer::{Layer, Routes};
use crate::mail::Mailer;
use crate::password::Passwords;
use crate::throttle::Throttle;
use crate::web::{self, Cors, Response};

mod tree;

use tree::routes;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
const SESSION_PURGE_EVERY: Duration = Duration::from_secs(600);

/// Why the server could not start; printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open database {path}: {source}")]
    Database {
        path: String,
        source: crate::error::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("loading demo data: {0}")]
    Demo(crate::error::Error),
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub app: SharedApp,
    /// Where the operator token came from (and the token, when this run
    /// knows it).
    pub operator: crate::operator::Origin,
    /// The database file, absolute, and whether this start created it.
    pub database: std::path::PathBuf,
    pub created: bool,
    pub domains: Vec<&'static Descriptor>,
    stop: tokio::sync::watch::Sender<bool>,
    serving: tokio::task::JoinHandle<()>,
    background: Vec<tokio::task::JoinHandle<()>>,
}

fn chosen_domains(args: &ServeArgs) -> Result<Vec<&'static Descriptor>, StartError> {
    let mut names: Vec<&str> = if args.domains.is_empty() {
        crate::domains::ALL.iter().map(|d| d.name).collect()
    } else {
        args.domains.iter().map(String::as_str).collect()
    };
    names.extend(args.root.as_deref());
    let mut domains: Vec<&'static Descriptor> = Vec::new();
    for name in names {
        let domain = crate::domains::find(name)
            .ok_or_else(|| StartError::Config(format!("no domain named {name}")))?;
        if !domains.iter().any(|d| d.name == domain.name) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

/// Opens the database, binds the address and starts serving.
pub async fn start(args: &ServeArgs) -> Result<Server, StartError> {
    let domains = chosen_domains(args)?;
    let mailer = Mailer::new(args.smtp.as_deref(), &args.mail_from).map_err(StartError::Config)?;
    let created = !args.db.path.exists();
    let db = open_database(args).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: args.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: args.listen,
        source,
    })?;

    let app = app_of(args, db, mailer);
    set_faults(&app, &domains, &args.faults)?;
    if !args.quiet {
        app.requests.print_to_stdout();
    }
    if args.demo {
        crate::demo::load_where_empty(&app, &domains)
            .await
            .map_err(StartError::Demo)?;
    }
    let (secret, operator) = crate::operator::gate::start(&app.db, args.admin_token.as_deref())
        .await
        .map_err(|e| StartError::Config(format!("the operator token: {e}")))?;
    let database = std::path::absolute(&args.db.path).unwrap_or_else(|_| args.db.path.clone());

    let layer = Arc::new(layer_of(args, &app, &domains, secret)?);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = start_background(&app, &domains, &stopped);

    app.events.set_caps(
        args.max_streams_per_account as usize,
        args.max_streams as usize,
    );
    let limits = ConnectionLimits {
        max: args.max_connections as usize,
        header_timeout: args.header_timeout,
    };
    let serving = tokio::spawn(serve(listener, layer, limits, stopped.clone()));
    Ok(Server {
        addr,
        app,
        operator,
        database,
        created,
        domains,
        stop,
        serving,
        background,
    })
}

/// The `--fault`s given, each for a served domain.
fn set_faults(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    faults: &[(String, crate::faults::Fault)],
) -> Result<(), StartError> {
    for (name, fault) in faults {
        if !domains.iter().any(|d| d.name == name) {
            return Err(StartError::Config(format!(
                "--fault names {name}, which is not served"
            )));
        }
        app.faults.set(name, *fault);
    }
    Ok(())
}

/// The route tree (with `--root` and `--public`) inside the request layer.
fn layer_of(
    args: &ServeArgs,
    app: &SharedApp,
    domains: &[&'static Descriptor],
    operator: crate::operator::Secret,
) -> Result<Layer, StartError> {
    let root = args.root.as_deref().and_then(crate::domains::find);
    let public = args
        .public
        .as_deref()
        .map(crate::public::Public::open)
        .transpose()
        .map_err(StartError::Config)?
        .map(Arc::new);
    let routes = routes(app, domains, root, args.demo, Arc::new(operator), public);
    Ok(Layer::new(
        routes,
        Cors {
            extra_origins: args.cors_origins.clone(),
        },
        app.clone(),
        domains.iter().map(|d| d.name).collect(),
        root.map(|d| d.name),
    ))
}

/// Opens (or creates) the database file off the async threads.
async fn open_database(args: &ServeArgs) -> Result<Db, StartError> {
    let db_path = args.db.path.clone();
    let synchronous = args.synchronous;
    let max_bytes = args.max_db_size.map(|bytes| bytes as u64);
    tokio::task::spawn_blocking(move || Db::open_capped(&db_path, synchronous, max_bytes))
        .await
        .map_err(|e| StartError::Config(e.to_string()))?
        .map_err(|source| StartError::Database {
            path: args.db.path.display().to_string(),
            source,
        })
}

/// The state every request shares, from the command line.
fn app_of(args: &ServeArgs, db: Db, mailer: Mailer) -> SharedApp {
    Arc::new(App {
        throttle: Throttle::new(args.login_throttle.0),
        mailer,
        settings: Settings {
            limits: Limits {
                form: Limits::default().form,
                upload: args.max_upload,
                time: args.body_timeout,
            },
            delay: Duration::from_millis(args.delay),
            compat: args.compat.clone(),
        },
        backups: Arc::new(crate::backups::Backups::new(args.backup_dir.clone().map(
            |dir| crate::backups::Schedule {
                dir,
                every: args.backup_every,
                keep: args.backup_keep as usize,
            },
        ))),
        ..App::offline(
            db,
            Passwords::new(args.bcrypt_cost, args.min_password),
            args.flags.clone().into_extensions(),
        )
    })
}

/// The periodic work: each domain's, the session purge, held events and
/// scheduled backups; each ends when `stopped` turns true.
fn start_background(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    stopped: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut background: Vec<_> = domains
        .iter()
        .filter_map(|d| {
            d.background
                .map(|start| start(app.clone(), stopped.clone()))
        })
        .collect();
    background.push(spawn_session_purge(app.clone(), stopped.clone()));
    background.push(app.events.release_held(stopped.clone()));
    background.extend(crate::backups::spawn(
        app.db.clone(),
        app.backups.clone(),
        stopped.clone(),
    ));
    background
}

/// What a starting server prints first: where it listens (the first
/// line, which scripts read), the database file, and the addresses of the
/// landing page, the API docs and the console.
pub fn banner(server: &Server) -> String {
    let base = format!("http://{}", server.addr);
    let names: Vec<&str> = server.domains.iter().map(|d| d.name).collect();
    let state = if server.created { "created" } else { "opened" };
    let console = match server.operator.token() {
        Some(token) => format!("{base}/_/?token={token}"),
        None => format!(
            "{base}/_/  (sign in with the token shown when this database was new; \
             `onebox operator-token` makes a new one)"
        ),
    };
    format!(
        "onebox listening on {base}  (domains: {})\n\
         database: {} ({state})\n\
         landing page: {base}/\n\
         API docs: {base}/docs/\n\
         console: {console}\n",
        names.join(", "),
        server.database.display(),
    )
}

impl Server {
    /// Stops accepting, lets in-flight requests finish, closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.app.requests.close();
        self.app.events.close();
        if tokio::time::timeout(DRAIN_TIMEOUT, self.serving)
            .await
            .is_err()
        {
            tracing::warn!("some connections were still open after {DRAIN_TIMEOUT:?}");
        }
        // A background task that does not end on the signal is cut off
        // rather than holding the shutdown forever.
        for mut task in self.background {
            if tokio::time::timeout(DRAIN_TIMEOUT, &mut task)
                .await
                .is_err()
            {
                tracing::warn!("a background task did not stop within {DRAIN_TIMEOUT:?}");
                task.abort();
            }
        }
        self.app.db.close().await;
    }

    /// Serves until Ctrl-C or SIGTERM, then stops cleanly.
    pub async fn run_until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        self.stop().await;
        tracing::info!("stopped; the database is closed");
    }
}

/// The accept loop. Each request gets the client's address (read by
/// [`web::client_ip`]), and `HEAD` is answered as the `GET` of the same
/// path: hyper knows the request was `HEAD` and sends the status and
/// headers only. A client that hangs up mid-request is not an error.
/// What keeps slow, idle or too many clients from starving the rest.
struct ConnectionLimits {
    max: usize,
    header_timeout: Duration,
}

/// Largest request head (request line and headers) read; a longer one is
/// answered 431 by hyper.
const MAX_HEAD_BYTES: usize = 128 * 1024;

async fn serve(
    listener: tokio::net::TcpListener,
    layer: Arc<Layer>,
    limits: ConnectionLimits,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // A connection holds a permit until it closes; without one the next
    // connection waits in the listen backlog.
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    let builder = Arc::new(builder);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = async { stopped.wait_for(|stop| *stop).await.map(|_| ()) } => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait, don't spin.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = async { stopped.wait_for(|stop| *stop).await.map(|_| ()) } => break,
        };
        let layer = layer.clone();
        let per_request =
            hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let layer = layer.clone();
                async move { layer.answer(request, peer).await }
            });
        let watcher = graceful.watcher();
        let builder = builder.clone();
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), per_request);
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!("connection from {peer} ended early: {e}");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

fn spawn_session_purge(
    app: SharedApp,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    app.db.every(
        SESSION_PURGE_EVERY,
        stop,
        "purging expired sessions",
        crate::session::purge_expired,
    )
}
