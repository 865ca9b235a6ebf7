//! Mailed codes, captchas.

use super::*;
use crate::db::CachedSql;

/// Records a new code for an address, unless one was mailed to it (for any
/// purpose) less than a minute ago; then `Err(seconds to wait)`.
pub fn issue_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<Result<(), i64>, Error> {
    let last: Option<i64> = conn.query_row_cached(
        "SELECT max(sent_at) FROM labs_codes WHERE email = ?1",
        [email],
        |row| row.get(0),
    )?;
    if let Some(last) = last
        && now - last < MAIL_GAP_SECS
    {
        return Ok(Err(MAIL_GAP_SECS - (now - last)));
    }
    conn.execute_cached(
        "INSERT OR REPLACE INTO labs_codes (email, purpose, code_hash, sent_at, expires_at, tries_left, used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
        params![
            email,
            purpose.as_str(),
            code_hash(email, code).as_slice(),
            now,
            now + CODE_LIFETIME_SECS,
            CODE_TRIES
        ],
    )?;
    Ok(Ok(()))
}

/// Forgets a code whose mail could not be sent.
pub fn withdraw_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
) -> Result<(), Error> {
    conn.execute_cached(
        "DELETE FROM labs_codes WHERE email = ?1 AND purpose = ?2 AND code_hash = ?3",
        params![email, purpose.as_str(), code_hash(email, code).as_slice()],
    )?;
    Ok(())
}

/// Whether `code` is the live code of the address.
pub fn check_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<Result<(), CodeProblem>, Error> {
    let row: Option<(Vec<u8>, i64, i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT code_hash, expires_at, tries_left, used_at FROM labs_codes
             WHERE email = ?1 AND purpose = ?2",
        )?
        .query_row(params![email, purpose.as_str()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    let Some((stored, expires_at, tries_left, used_at)) = row else {
        return Ok(Err(CodeProblem::NotSent));
    };
    Ok(if used_at.is_some() {
        Err(CodeProblem::Used)
    } else if expires_at <= now {
        Err(CodeProblem::Expired)
    } else if tries_left <= 0 {
        Err(CodeProblem::TooManyTries)
    } else if stored.as_slice() != code_hash(email, code).as_slice() {
        Err(CodeProblem::Wrong)
    } else {
        Ok(())
    })
}

/// Counts a wrong try against the live code; returns the tries left.
pub fn wrong_try(conn: &Connection, email: &str, purpose: Purpose) -> Result<i64, Error> {
    Ok(conn
        .query_row(
            "UPDATE labs_codes SET tries_left = max(tries_left - 1, 0)
             WHERE email = ?1 AND purpose = ?2 AND used_at IS NULL
             RETURNING tries_left",
            params![email, purpose.as_str()],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// Checks and uses the code in one step: it is accepted at most once.
pub fn use_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<(), Error> {
    match check_code(conn, email, purpose, code, now)? {
        Ok(()) => {
            conn.execute_cached(
                "UPDATE labs_codes SET used_at = ?3 WHERE email = ?1 AND purpose = ?2",
                params![email, purpose.as_str(), now],
            )?;
            Ok(())
        }
        Err(CodeProblem::Wrong) => {
            let left = wrong_try(conn, email, purpose)?;
            Err(CodeProblem::Wrong.error(left))
        }
        Err(problem) => Err(problem.error(0)),
    }
}

/// Keeps a captcha's answer under the hash of the id the client holds.
pub fn insert_captcha(conn: &Connection, id: &str, answer: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO labs_captchas (id_hash, answer, expires_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![
        crate::session::hash(id).as_slice(),
        answer.to_lowercase(),
        now + CAPTCHA_LIFETIME_SECS
    ])?;
    Ok(())
}

/// Takes a captcha out (each is answered once); its answer if still live.
pub fn take_captcha(conn: &Connection, id: &str, now: i64) -> Result<Option<String>, Error> {
    let taken: Option<(String, i64)> = conn
        .prepare_cached(
            "DELETE FROM labs_captchas WHERE id_hash = ?1 RETURNING answer, expires_at",
        )?
        .query_row([crate::session::hash(id).as_slice()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    Ok(taken.and_then(|(answer, expires_at)| (expires_at > now).then_some(answer)))
}

/// Removes expired captchas and codes a day past their expiry.
pub fn sweep(conn: &Connection, now: i64) -> Result<usize, Error> {
    let captchas =
        conn.execute_cached("DELETE FROM labs_captchas WHERE expires_at <= ?1", [now])?;
    let codes = conn.execute_cached(
        "DELETE FROM labs_codes WHERE expires_at <= ?1",
        [now - 24 * 3600],
    )?;
    Ok(captchas + codes)
}
