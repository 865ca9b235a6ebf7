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
use crate::mail::Mailer;
use crate::password::Passwords;
use crate::throttle::Throttle;
use crate::web::{self, Cors, Response};

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
    pub admin_token: String,
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
    let db_path = args.db.path.clone();
    let synchronous = args.synchronous;
    let db = tokio::task::spawn_blocking(move || Db::open(&db_path, synchronous))
        .await
        .map_err(|e| StartError::Config(e.to_string()))?
        .map_err(|source| StartError::Database {
            path: args.db.path.display().to_string(),
            source,
        })?;
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

    let app: SharedApp = Arc::new(App {
        db,
        passwords: Passwords::new(args.bcrypt_cost, args.min_password),
        throttle: Throttle::default(),
        mailer,
        settings: Settings {
            limits: Limits {
                form: Limits::default().form,
                upload: args.max_upload,
            },
            delay: Duration::from_millis(args.delay),
        },
        domain_flags: args.flags.clone().into_extensions(),
    });
    if args.demo {
        for domain in &domains {
            (domain.load_demo)(&app).await.map_err(StartError::Demo)?;
        }
    }
    let admin_token = match &args.admin_token {
        Some(token) if !token.is_empty() => token.clone(),
        _ => crate::session::new_token().map_err(|e| StartError::Config(e.to_string()))?,
    };

    let root = args.root.as_deref().and_then(crate::domains::find);
    let routes = routes(
        &app,
        &domains,
        root,
        Arc::new(admin_token.clone()),
        Cors {
            extra_origins: args.cors_origins.clone(),
        },
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut background: Vec<_> = domains
        .iter()
        .filter_map(|d| {
            d.background
                .map(|start| start(app.clone(), stopped.clone()))
        })
        .collect();
    background.push(spawn_session_purge(app.clone(), stopped.clone()));

    let serving = tokio::spawn(serve(listener, routes, stopped.clone()));
    Ok(Server {
        addr,
        app,
        admin_token,
        domains,
        stop,
        serving,
        background,
    })
}

impl Server {
    /// Stops accepting, lets in-flight requests finish, closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(DRAIN_TIMEOUT, self.serving)
            .await
            .is_err()
        {
            tracing::warn!("some connections were still open after {DRAIN_TIMEOUT:?}");
        }
        for task in self.background {
            let _ = task.await;
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
async fn serve(
    listener: tokio::net::TcpListener,
    routes: BoxedFilter<(Response,)>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use tower_service::Service;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let service = warp::service(routes);
    loop {
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
        let service = service.clone();
        let per_request = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(web::ClientAddr(peer));
                if request.method() == warp::http::Method::HEAD {
                    *request.method_mut() = warp::http::Method::GET;
                }
                service.clone().call(request)
            },
        );
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let connection =
                builder.serve_connection_with_upgrades(TokioIo::new(stream), per_request);
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!("connection from {peer} ended early: {e}");
            }
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
        |tx, now| crate::session::purge_expired(tx, now),
    )
}

/// The whole route tree.
fn routes(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    root: Option<&'static Descriptor>,
    admin_token: Arc<String>,
    cors: Cors,
) -> BoxedFilter<(Response,)> {
    let landing = Arc::new(crate::assets::landing_page(domains, root));
    let healthz = warp::path!("healthz")
        .and(warp::get())
        .map(|| web::json(StatusCode::OK, &serde_json::json!({"status": "ok"})));
    let index = warp::path::end()
        .and(warp::get())
        .map(move || warp::reply::html(landing.to_string()).into_response());
    let assets = warp::path("assets")
        .and(warp::path::tail())
        .and(warp::get())
        .map(|tail: warp::path::Tail| crate::assets::serve(tail.as_str()));

    let mut tree: BoxedFilter<(Response,)> = healthz
        .or(index)
        .unify()
        .or(assets)
        .unify()
        .or(crate::files::routes(app.db.clone()))
        .unify()
        .or(crate::operator::routes(admin_token, app.db.clone()))
        .unify()
        .or(crate::openapi::routes(domains))
        .unify()
        .boxed();
    let delay = app.settings.delay;
    let with_delay = move || {
        warp::any()
            .then(move || async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
            })
            .untuple_one()
    };
    for domain in domains {
        tree = tree
            .or(warp::path(domain.name)
                .and(with_delay())
                .and((domain.routes)(app)))
            .unify()
            .boxed();
    }
    if let Some(domain_routes) = root.map(|d| (d.routes)(app)) {
        tree = tree.or(with_delay().and(domain_routes)).unify().boxed();
    }
    let not_found = endpoint::unrouted(SERVER_ROUTES.into()).map(|unrouted| match unrouted {
        Unrouted::MethodNotAllowed { allow } => web::with_allow(
            web::json(
                StatusCode::METHOD_NOT_ALLOWED,
                &serde_json::json!({"error": format!("method not allowed; use {}", allow.join(" or "))}),
            ),
            &allow,
        ),
        Unrouted::NotFound { .. } => web::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": "not found; the landing page at / lists every API"}),
        ),
    });
    let tree = tree.or(not_found).unify().boxed();
    warp::path::full()
        .and(cors.wrap(tree))
        .map(|path: warp::path::FullPath, mut response: Response| {
            security_headers(path.as_str(), &mut response);
            response
        })
        .with(warp::log::custom(access_log))
        .map(Reply::into_response)
        .boxed()
}

/// Paths whose answers hold nothing private: the landing page, assets,
/// the API document and its UI, uploaded images, the liveness check.
fn is_public_resource(path: &str) -> bool {
    path == "/"
        || ["/healthz", "/openapi.json", "/docs", "/assets/", "/files/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// `nosniff` on every answer, so no browser runs an answer as another
/// type. API and operator answers may carry a session token, a mailed code
/// or personal data, so no browser or proxy stores them.
fn security_headers(path: &str, response: &mut Response) {
    use warp::http::header::{CACHE_CONTROL, HeaderValue, X_CONTENT_TYPE_OPTIONS};
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !is_public_resource(path) && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The server-wide routes, so a wrong method on them is 405, not 404.
const SERVER_ROUTES: &[Endpoint] = &[
    Endpoint::bare("GET", "/", "Landing page"),
    Endpoint::bare("GET", "/healthz", "Liveness"),
    Endpoint::bare("GET", "/openapi.json", "OpenAPI document"),
    Endpoint::bare("GET", "/docs", "API docs"),
    Endpoint::bare("GET", "/files/{id}", "Uploaded image"),
    Endpoint::bare("GET", "/_/outbox", "Outbox page"),
    Endpoint::bare("GET", "/_/outbox.json", "Outbox"),
];

fn access_log(info: warp::log::Info<'_>) {
    let status = info.status().as_u16();
    let elapsed_us = info.elapsed().as_micros() as u64;
    if status >= 500 {
        tracing::warn!(target: "onebox::access", method = %info.method(), path = info.path(), status, elapsed_us);
    } else {
        tracing::debug!(target: "onebox::access", method = %info.method(), path = info.path(), status, elapsed_us);
    }
}
