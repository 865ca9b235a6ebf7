//! Sessions of every domain in one table. A token is 256 random bits from the
//! OS generator, handed to the client once; the database keeps only its
//! SHA-256, so a copy of the file does not log anyone in.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use warp::Filter;
use warp::http::HeaderMap;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::{CachedSql, Write};
use crate::error::{Error, Result};

/// Staged by a write that ends sessions.
#[derive(Default)]
struct SessionsEnded;

/// Marks `write` as ending sessions, so every open stream checks its own
/// once it commits (the sessions table has no rowid, so the update hook
/// does not see it).
pub fn mark_ended(write: &Write) {
    write.stage(|_: &mut SessionsEnded| {});
}

/// Counts the committed writes that ended sessions; an open stream asks
/// whether its own session stands when the count moves.
#[derive(Debug, Default)]
pub struct Ended {
    count: AtomicU64,
}

impl Ended {
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

impl crate::db::CommitObserver for Ended {
    fn committed(&self, staged: &mut crate::db::Staged) {
        if staged.take::<SessionsEnded>().is_some() {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whether a stream's session still stands; asked when a write ended
/// sessions and at every heartbeat.
pub type StillValid = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Asks the database whether the session of `token_hash` is still live.
pub fn still_valid(db: &crate::db::Db, token_hash: [u8; 32]) -> StillValid {
    let db = db.clone();
    Arc::new(move || {
        let db = db.clone();
        Box::pin(async move {
            let now = crate::clock::now();
            db.lookup(move |conn| is_live(conn, &token_hash, now))
                .await
                .unwrap_or(false)
        })
    })
}

/// How long a domain's sessions live.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Ends after this long without use (sliding).
    pub idle_secs: i64,
    /// Ends this long after login whatever the use.
    pub max_age_secs: i64,
}

/// A live session found by its token.
#[derive(Clone, Debug)]
pub struct Session {
    pub account_id: i64,
    pub token_hash: [u8; 32],
    /// Set when `last_seen_at` is stale enough to be worth a write.
    pub needs_touch: bool,
}

/// A new random token, hex encoded.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `len` characters drawn uniformly from `alphabet` (at most 256 symbols)
/// with the OS generator: verification and invitation codes.
pub fn random_text(alphabet: &[u8], len: usize) -> Result<String> {
    let size = alphabet.len().clamp(1, 256);
    // Bytes at or above the largest multiple of `size` are redrawn, so no
    // symbol is favoured.
    let limit = 256 - 256 % size;
    let mut text = String::with_capacity(len);
    while text.len() < len {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).map_err(|e| Error::Random(e.to_string()))?;
        if usize::from(byte[0]) < limit {
            text.push(char::from(alphabet[usize::from(byte[0]) % size]));
        }
    }
    Ok(text)
}

/// SHA-256 of a token, the only form stored.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Starts a session and returns its token.
pub fn create(
    conn: &Connection,
    domain: &str,
    account_id: i64,
    policy: Policy,
    now: i64,
) -> Result<String> {
    let token = new_token()?;
    conn.execute_cached(
        "INSERT INTO sessions (token_hash, domain, account_id, created_at, last_seen_at, idle_secs, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        params![
            hash(&token).as_slice(),
            domain,
            account_id,
            now,
            policy.idle_secs,
            now.saturating_add(policy.max_age_secs)
        ],
    )?;
    Ok(token)
}

/// Finds the live session a token names in `domain`.
pub fn lookup(conn: &Connection, domain: &str, token: &str, now: i64) -> Result<Option<Session>> {
    let token_hash = hash(token);
    let found = conn
        .prepare_cached(
            "SELECT account_id, last_seen_at, idle_secs FROM sessions
             WHERE token_hash = ?1 AND domain = ?2 AND expires_at > ?3",
        )?
        .query_row(params![token_hash.as_slice(), domain, now], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    Ok(found.and_then(|(account_id, last_seen_at, idle_secs)| {
        if last_seen_at.saturating_add(idle_secs) <= now {
            return None;
        }
        // Touch at most every idle/10 (and at least every minute), so a
        // busy client costs a write now and then, not on every request.
        let touch_every = (idle_secs / 10).clamp(1, 60);
        Some(Session {
            account_id,
            token_hash,
            needs_touch: now - last_seen_at >= touch_every,
        })
    }))
}

/// Whether the session with this token hash is still live (not ended,
/// not expired); an event stream asks while it is open.
pub fn is_live(conn: &Connection, token_hash: &[u8; 32], now: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?1
                            AND expires_at > ?2 AND last_seen_at + idle_secs > ?2)",
        )?
        .query_row(params![token_hash.as_slice(), now], |row| row.get(0))?)
}

/// Records use of a session (sliding idle expiry).
pub fn touch(conn: &Connection, token_hash: &[u8; 32], now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
        .execute(params![token_hash.as_slice(), now])?;
    Ok(())
}

/// The logged-in caller of a request in every domain: the domain's own
/// account (loaded in the same read as the session) and the session, so a
/// password change can keep this one and end the others. It derefs to the
/// account.
#[derive(Debug, Clone)]
pub struct Caller<A> {
    pub account: A,
    pub token_hash: [u8; 32],
}

impl<A> std::ops::Deref for Caller<A> {
    type Target = A;
    fn deref(&self) -> &A {
        &self.account
    }
}

/// A domain's account as its sessions name it: where it is loaded from
/// and what the domain answers a request that needs a session and has
/// none. With it, [`Caller<Self>`] is a guard the domain's handlers take
/// (see [`crate::app::Call`]) and [`required`] finds the caller.
pub trait Account: Sized + Send + 'static {
    /// The domain's failure.
    type Error: From<Error> + From<crate::body::BodyError> + Send + 'static;
    /// The domain whose sessions name this account.
    const DOMAIN: &'static str;
    /// The account of `id`; `None` when it cannot act (gone).
    fn load(conn: &Connection, id: i64) -> std::result::Result<Option<Self>, Self::Error>;
    /// The failure for no live session; `presented` says whether a token
    /// came at all.
    fn login_required(presented: bool) -> Self::Error;
    /// The token a request presents: by default `Authorization: Bearer`,
    /// else the session cookie ([`presented`]), as read into the call.
    fn presented(token: Option<String>, _form: &crate::body::Form) -> Option<String> {
        token
    }
}

/// The caller a token names, or the domain's login-required failure: the
/// one way every domain with an [`Account`] finds its logged-in caller.
pub async fn required<A: Account>(
    db: &crate::db::Db,
    token: Option<String>,
) -> std::result::Result<Caller<A>, A::Error> {
    let presented = token.is_some();
    caller(db, A::DOMAIN, token, A::load)
        .await?
        .ok_or_else(|| A::login_required(presented))
}

/// The caller a token names, if any (an endpoint that answers everyone,
/// and says more to a logged-in caller).
pub async fn optional<A: Account>(
    db: &crate::db::Db,
    token: Option<String>,
) -> std::result::Result<Option<Caller<A>>, A::Error> {
    caller(db, A::DOMAIN, token, A::load).await
}

/// The caller a presented token names in `domain`, with the account `load`
/// finds for the session's account id (`None` for no token, no live
/// session, or an account `load` refuses); the use is recorded when due.
async fn caller<A, E, F>(
    db: &crate::db::Db,
    domain: &'static str,
    token: Option<String>,
    load: F,
) -> Result<Option<Caller<A>>, E>
where
    F: FnOnce(&Connection, i64) -> Result<Option<A>, E> + Send + 'static,
    A: Send + 'static,
    E: From<Error> + Send + 'static,
{
    let Some(token) = token else {
        return Ok(None);
    };
    let now = crate::clock::now();
    let found = db
        .lookup(move |conn| {
            let Some(session) = lookup(conn, domain, &token, now)? else {
                return Ok::<_, E>(None);
            };
            Ok(load(conn, session.account_id)?.map(|account| (account, session)))
        })
        .await?;
    Ok(found.map(|(account, session)| {
        touch_if_due(db, &session, now);
        Caller {
            account,
            token_hash: session.token_hash,
        }
    }))
}

/// Ends the session a presented token names, if any (logout).
pub async fn end_presented(db: &crate::db::Db, token: Option<String>) -> Result<()> {
    let Some(token) = token else {
        return Ok(());
    };
    let token_hash = hash(&token);
    db.write(move |tx| end(tx, &token_hash)).await
}

/// Records use of a session in the background when it is due, so the
/// request does not wait for the writer.
pub fn touch_if_due(db: &crate::db::Db, session: &Session, now: i64) {
    if !session.needs_touch {
        return;
    }
    let db = db.clone();
    let token_hash = session.token_hash;
    tokio::spawn(async move {
        if let Err(e) = db.write(move |tx| touch(tx, &token_hash, now)).await {
            tracing::warn!("recording session use: {e}");
        }
    });
}

/// Ends one session (logout).
pub fn end(write: &Write, token_hash: &[u8; 32]) -> Result<()> {
    mark_ended(write);
    write.execute_cached(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![token_hash.as_slice()],
    )?;
    Ok(())
}

/// Ends every session of an account except `keep` (after a password change).
pub fn end_others(
    write: &Write,
    domain: &str,
    account_id: i64,
    keep: Option<&[u8; 32]>,
) -> Result<usize> {
    mark_ended(write);
    let keep: &[u8] = keep.map(|k| k.as_slice()).unwrap_or(&[]);
    Ok(write.execute_cached(
        "DELETE FROM sessions WHERE domain = ?1 AND account_id = ?2 AND token_hash <> ?3",
        params![domain, account_id, keep],
    )?)
}

/// Deletes sessions past their expiry; returns how many.
pub fn purge_expired(write: &Write, now: i64) -> Result<usize> {
    mark_ended(write);
    Ok(write.execute_cached(
        "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at + idle_secs <= ?1",
        params![now],
    )?)
}

/// The token a request presents: `Authorization: Bearer <token>`, else the
/// named cookie (when there is one). Never rejects.
pub fn presented(
    cookie_name: Option<&'static str>,
) -> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    presented_bearer()
        .and(crate::web::header_text("cookie"))
        .map(move |bearer: Option<String>, cookies: Option<String>| {
            bearer.or_else(|| cookie_in(cookies.as_deref()?, cookie_name?))
        })
}

/// The token of the request's `Authorization: Bearer <token>`. Never
/// rejects.
fn presented_bearer()
-> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    crate::web::header_text("authorization")
        .map(|value: Option<String>| value.as_deref().and_then(bearer_of))
}

/// The value of one cookie of a request, if set and not empty. Never
/// rejects.
pub fn cookie(
    name: &'static str,
) -> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    crate::web::header_text("cookie")
        .map(move |cookies: Option<String>| cookies.as_deref().and_then(|c| cookie_in(c, name)))
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    bearer_of(headers.get("authorization")?.to_str().ok()?)
}

/// The token of an `Authorization` value of the Bearer scheme.
pub fn bearer_of(value: &str) -> Option<String> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// The value of the cookie `cookie_name` in `headers`, if set and not empty.
pub fn cookie_value(headers: &HeaderMap, cookie_name: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| cookie_in(cookies, cookie_name))
}

/// The value of the cookie `cookie_name` in one `Cookie` header's text.
pub fn cookie_in(cookies: &str, cookie_name: &str) -> Option<String> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == cookie_name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value for a session cookie: HttpOnly, SameSite=Lax, on
/// the whole site; `max_age` makes it outlive the browser session. For a
/// login from another allowed site, the CORS wrapper (`web::Cors`) makes it
/// partitioned.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(secs) = max_age_secs {
        cookie.push_str(&format!("; Max-Age={secs}"));
    }
    cookie
}

/// A `Set-Cookie` value that removes a cookie.
pub fn clear_cookie(name: &str) -> String {
    set_cookie(name, "", Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warp::http::HeaderValue;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn bearer_wins_over_cookie() {
        let filter = super::presented(Some("sid"));
        let presented = |authorization: Option<&str>| {
            let mut request = warp::test::request().header("cookie", "x=1; sid=; sid=abc");
            if let Some(value) = authorization {
                request = request.header("authorization", value);
            }
            request.filter(&filter)
        };
        assert_eq!(presented(None).await.unwrap().as_deref(), Some("abc"));
        let bearer = presented(Some("Bearer  t0k ")).await.unwrap();
        assert_eq!(bearer.as_deref(), Some("t0k"));
        let basic = presented(Some("Basic zzz")).await.unwrap();
        assert_eq!(basic.as_deref(), Some("abc"));
    }

    #[test]
    fn a_cookie_is_found_in_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append("cookie", HeaderValue::from_static("x=1"));
        headers.append("cookie", HeaderValue::from_static("sid=abc"));
        assert_eq!(cookie_value(&headers, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, "y"), None);
    }
}
