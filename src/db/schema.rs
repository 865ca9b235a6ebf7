//! `schema.sql` and its `-- version N` sections: what a new file gets, and
//! what brings an older one up to [`SCHEMA_VERSION`].

use super::*;

const SCHEMA: &str = include_str!("../../schema.sql");
const SECTION_MARK: &str = "-- version ";

/// The `-- version N` sections of `schema.sql`, in order: section N brings
/// a database from version N-1 to N. A section starts at a line beginning
/// with the mark and a number.
pub(super) fn schema_sections() -> Vec<(i64, String)> {
    let mut sections: Vec<(i64, String)> = Vec::new();
    for line in SCHEMA.lines() {
        let version = line.strip_prefix(SECTION_MARK).and_then(|rest| {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..digits].parse::<i64>().ok()
        });
        match (version, sections.last_mut()) {
            (Some(version), _) => sections.push((version, String::new())),
            (None, Some((_, sql))) => {
                sql.push_str(line);
                sql.push('\n');
            }
            (None, None) => {}
        }
    }
    sections
}

/// Brings a database file to [`SCHEMA_VERSION`]: a new file gets every
/// section of the schema, an older one the sections it lacks, all in one
/// transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Error::Other(format!(
            "the database has schema version {version}, newer than this onebox ({SCHEMA_VERSION}); use a newer onebox"
        )));
    }
    if version < SCHEMA_VERSION {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (_, sql) in schema_sections().into_iter().filter(|(n, _)| *n > version) {
            tx.execute_batch(&sql)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
    }
    Ok(())
}
