//! Report.

use super::*;

/// One owner's sums over a period, in cents.
#[derive(Debug, Default, Clone)]
pub struct Sums {
    pub income: i64,
    pub expense: i64,
    pub savings: i64,
    pub lent_outstanding: i64,
    pub borrowed_outstanding: i64,
}

/// What the report is made of: sums per owner (every member of the scope,
/// with or without records) and income/expense per month (`2019-12`).
pub struct ReportData {
    /// (user id, username, role, sums), parents first.
    pub owners: Vec<(i64, String, i64, Sums)>,
    /// (month, income, expense), in order, months without bills left out.
    pub months: Vec<(String, i64, i64)>,
}

/// Sums for a report, read in one pass per table.
pub fn report(conn: &Connection, scope: Scope, period: Period) -> Result<ReportData, Error> {
    let (condition, owner) = scope.condition();
    let (start, end) = period.bounds();
    let mut owners: Vec<(i64, String, i64, Sums)> = conn
        .prepare_cached(&format!(
            "SELECT u.id, u.username, u.role FROM family_users u WHERE {condition} ORDER BY u.role DESC, u.id"
        ))?
        .query_map([owner], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, Sums::default()))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut add = |user_id: i64, apply: &dyn Fn(&mut Sums)| {
        if let Some((_, _, _, sums)) = owners.iter_mut().find(|(id, ..)| *id == user_id) {
            apply(sums);
        }
    };

    let mut statement = conn.prepare_cached(&format!(
        "SELECT b.user_id, b.kind, sum(b.money) FROM family_bills b JOIN family_users u ON u.id = b.user_id
         WHERE {condition} AND b.time BETWEEN ?2 AND ?3 GROUP BY b.user_id, b.kind"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, kind, sum): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if kind == "income" {
            add(user_id, &|s| s.income += sum);
        } else {
            add(user_id, &|s| s.expense += sum);
        }
    }

    let mut statement = conn.prepare_cached(&format!(
        "SELECT d.user_id, sum(d.money) FROM family_deposits d JOIN family_users u ON u.id = d.user_id
         WHERE {condition} AND d.start_time BETWEEN ?2 AND ?3 GROUP BY d.user_id"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, sum): (i64, i64) = (row.get(0)?, row.get(1)?);
        add(user_id, &|s| s.savings += sum);
    }

    let mut statement = conn.prepare_cached(&format!(
        "SELECT l.user_id, l.direction, sum(l.money - l.repaid) FROM family_loans l JOIN family_users u ON u.id = l.user_id
         WHERE {condition} AND l.time BETWEEN ?2 AND ?3 GROUP BY l.user_id, l.direction"
    ))?;
    let mut rows = statement.query(params![owner, start, end])?;
    while let Some(row) = rows.next()? {
        let (user_id, direction, sum): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if direction == "借出" {
            add(user_id, &|s| s.lent_outstanding += sum);
        } else {
            add(user_id, &|s| s.borrowed_outstanding += sum);
        }
    }

    let months = conn
        .prepare_cached(&format!(
            "SELECT strftime('%Y-%m', b.time, 'unixepoch') AS month,
                    coalesce(sum(b.money) FILTER (WHERE b.kind = 'income'), 0),
                    coalesce(sum(b.money) FILTER (WHERE b.kind = 'expense'), 0)
             FROM family_bills b JOIN family_users u ON u.id = b.user_id
             WHERE {condition} AND b.time BETWEEN ?2 AND ?3 GROUP BY month ORDER BY month"
        ))?
        .query_map(params![owner, start, end], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ReportData { owners, months })
}
