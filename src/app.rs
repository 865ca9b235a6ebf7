//! What every handler is given: the database, password hashing, the login
//! throttle, the mailer and the settings chosen on the command line.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use warp::Filter;

use crate::body::Limits;
use crate::db::Db;
use crate::mail::Mailer;
use crate::password::Passwords;
use crate::throttle::Throttle;

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: Limits,
    /// Added before every API answer (teaching front-ends about latency).
    pub delay: Duration,
    /// Domains answering as their original system did where it departs
    /// from the API document (`--compat`).
    pub compat: Vec<String>,
}

/// Shared state of a running server.
pub struct App {
    pub db: Db,
    pub passwords: Passwords,
    pub throttle: Throttle,
    pub mailer: Mailer,
    pub settings: Settings,
    /// Each domain's own flags, by type (the core knows none of them);
    /// a domain reads its own with [`App::flags`].
    pub domain_flags: warp::http::Extensions,
    /// The last requests answered, for the console and standard output.
    pub requests: crate::requests::RequestLog,
    /// When the server started, for its uptime.
    pub started: std::time::Instant,
    /// Delays and server errors set per domain (`--fault`, `/_/faults`).
    pub faults: crate::faults::Faults,
    /// Scheduled backups and what their last attempts did.
    pub backups: Arc<crate::backups::Backups>,
    /// The realtime events that committed writes send.
    pub events: Arc<crate::events::Hub>,
    /// Counts the committed writes that ended sessions (streams check
    /// theirs when it moves).
    pub sessions_ended: Arc<crate::session::Ended>,
}

pub type SharedApp = Arc<App>;

/// Why a password login was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many recent failures; try again in this many minutes.
    Throttled(u64),
    UnknownAccount,
    WrongPassword,
}

/// An account that logs in with a password.
pub trait LoginAccount {
    /// The account's row id: failed logins count against it, whichever
    /// name (a student number or an e-mail, any case) was typed.
    fn account_id(&self) -> i64;
    fn password_hash(&self) -> &str;
}

impl App {
    /// Whether `domain` answers as its original system did (`--compat`).
    pub fn compat(&self, domain: &str) -> bool {
        self.settings.compat.iter().any(|d| d == domain)
    }

    /// The database, hashing and the domains' flags, everything else at
    /// its default: what `onebox reset` needs, and what the server starts
    /// from.
    pub fn offline(db: Db, passwords: Passwords, domain_flags: warp::http::Extensions) -> App {
        let events = Arc::new(crate::events::Hub::default());
        let sessions_ended = Arc::new(crate::session::Ended::default());
        db.observe(vec![events.clone(), sessions_ended.clone()]);
        App {
            db,
            passwords,
            throttle: Throttle::default(),
            mailer: Mailer::Outbox,
            settings: Settings {
                limits: Limits::default(),
                delay: Duration::ZERO,
                compat: Vec::new(),
            },
            domain_flags,
            requests: Default::default(),
            started: std::time::Instant::now(),
            faults: Default::default(),
            backups: Default::default(),
            events,
            sessions_ended,
        }
    }

    /// A domain's flags as given on the command line, or their defaults
    /// when the server was started without them.
    pub fn flags<F: Default + Clone + Send + Sync + 'static>(&self) -> F {
        self.domain_flags.get::<F>().cloned().unwrap_or_default()
    }

    /// A password login, the same in every domain: refused while the
    /// address, the typed name or the account it names has failed too
    /// often; the account found by `lookup`, the password checked on the
    /// hashing threads, failures counted and a success clearing the
    /// account's count.
    async fn password_login<U: LoginAccount, E>(
        &self,
        domain: &'static str,
        typed: &str,
        address: Option<IpAddr>,
        password: String,
        lookup: impl Future<Output = Result<Option<U>, E>>,
    ) -> Result<Result<U, Refused>, E>
    where
        E: From<crate::error::Error>,
    {
        let typed = format!("name:{}", typed.trim().to_lowercase());
        if let Err(throttled) = self.throttle.check(domain, &typed, address) {
            return Ok(Err(Refused::Throttled(throttled.minutes())));
        }
        let Some(user) = lookup.await? else {
            self.throttle.failed(domain, &typed, address);
            return Ok(Err(Refused::UnknownAccount));
        };
        let account = format!("id:{}", user.account_id());
        if let Err(throttled) = self.throttle.check(domain, &account, None) {
            return Ok(Err(Refused::Throttled(throttled.minutes())));
        }
        let hash = user.password_hash().to_string();
        if !self.passwords.verify(password, hash).await? {
            self.throttle.failed(domain, &account, address);
            return Ok(Err(Refused::WrongPassword));
        }
        self.throttle.succeeded(domain, &account);
        Ok(Ok(user))
    }

    /// The one login path of every domain: the password checks above,
    /// then a new session under `policy`; the account and the
    /// session's token (the cookie value, or the `token` of the answer).
    pub async fn log_in<U, E>(
        &self,
        domain: &'static str,
        policy: crate::session::Policy,
        typed: &str,
        address: Option<IpAddr>,
        password: String,
        lookup: impl Future<Output = Result<Option<U>, E>>,
    ) -> Result<Result<(U, String), Refused>, E>
    where
        U: LoginAccount,
        E: From<crate::error::Error>,
    {
        let user = match self
            .password_login(domain, typed, address, password, lookup)
            .await?
        {
            Ok(user) => user,
            Err(refused) => return Ok(Err(refused)),
        };
        let (account, now) = (user.account_id(), crate::clock::now());
        let token = self
            .db
            .write(move |tx| crate::session::create(tx, domain, account, policy, now))
            .await?;
        Ok(Ok((user, token)))
    }
}

/// One request as a domain's handler gets it: what every domain reads, and
/// `extra`, what this domain reads besides (its base URL, its list caches).
pub struct Call<X = ()> {
    pub app: SharedApp,
    /// The query string and the body, merged; the error when the body could
    /// not be read (too large, too slow, malformed).
    pub input: Result<crate::body::Form, crate::body::BodyError>,
    /// The session token: `Authorization: Bearer`, else the domain's session
    /// cookie where it has one.
    pub token: Option<String>,
    pub ip: Option<IpAddr>,
    /// A reconnecting event stream's `Last-Event-ID`.
    pub last_event_id: Option<u64>,
    pub extra: X,
}

impl<X> Call<X> {
    /// The token an event stream is opened with: the session's, as for
    /// every endpoint, else `?token=` (an `EventSource` cannot set
    /// headers). An unreadable body is refused first.
    pub fn stream_token(&self) -> Result<Option<String>, crate::body::BodyError> {
        let form = self.input.as_ref().map_err(Clone::clone)?;
        Ok(crate::events::token_of(self.token.clone(), form))
    }

    /// Opens `domain`'s event stream for a logged-in caller's `account`
    /// (see [`crate::events::open`]), ended with the session of
    /// `token_hash`; it resumes after `Last-Event-ID`, else the query's
    /// `last_event_id`.
    pub fn open_stream(
        &self,
        domain: &'static str,
        account: i64,
        token_hash: [u8; 32],
    ) -> Result<crate::web::Response, crate::events::Refused> {
        let guard = crate::events::SessionGuard {
            ended: self.app.sessions_ended.clone(),
            still_valid: crate::session::still_valid(&self.app.db, token_hash),
        };
        let no_fields = crate::body::Form::default();
        let form = self.input.as_ref().unwrap_or(&no_fields);
        crate::events::open(
            &self.app.events,
            guard,
            domain,
            account,
            self.last_event_id,
            form,
        )
    }
}

impl<X: Send + Sync + 'static> crate::endpoint::Request for Call<X> {
    fn body(&self) -> Result<&crate::body::Form, &crate::body::BodyError> {
        self.input.as_ref()
    }
}

/// The logged-in caller as a handler's guard, for every domain whose
/// account is a [`crate::session::Account`]: no session is the domain's
/// login-required failure.
impl<X, A> crate::endpoint::FromCall<Call<X>, A::Error> for crate::session::Caller<A>
where
    X: Send + Sync + 'static,
    A: crate::session::Account,
{
    async fn from_call(call: &Call<X>) -> Result<Self, A::Error> {
        let form = call.input.as_ref().map_err(|e| A::Error::from(e.clone()))?;
        let token = A::presented(call.token.clone(), form);
        crate::session::required(&call.app.db, token).await
    }
}

/// The filter every domain's routes take their [`Call`] from. `cookie`
/// names the domain's session cookie (none: the bearer header alone);
/// `extra` reads the domain's own part.
pub fn call<X, F>(
    app: &SharedApp,
    cookie: Option<&'static str>,
    extra: F,
) -> impl Filter<Extract = (Call<X>,), Error = warp::Rejection> + Clone + use<X, F>
where
    X: Send + 'static,
    F: Filter<Extract = (X,), Error = std::convert::Infallible> + Clone + Send + Sync + 'static,
{
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(crate::session::presented(cookie))
        .and(crate::web::client_ip())
        .and(crate::web::last_event_id())
        .and(extra)
        .map(|app, input, token, ip, last_event_id, extra| Call {
            app,
            input,
            token,
            ip,
            last_event_id,
            extra,
        })
}

/// Hands the shared state to a handler.
pub fn with_app(
    app: SharedApp,
) -> impl Filter<Extract = (SharedApp,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || app.clone())
}
