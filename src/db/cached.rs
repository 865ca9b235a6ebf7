//! `execute` and `query_row` through the connection's statement cache.
//!
//! rusqlite's own `Connection::execute` and `Connection::query_row` parse
//! their SQL on every call. Every SQL text onebox sends is one of a fixed
//! set, so each connection parses each text once: parsing was a tenth of
//! the server's CPU under a working class (`loadgen --classroom`).

use rusqlite::{Connection, Params, Row};

/// Statements the connection keeps parsed: more than every distinct text
/// the five domains and the console send, so none is pushed out by the
/// others (rusqlite keeps 16 unless told).
pub const STATEMENT_CACHE: usize = 512;

/// [`Connection::execute`] and [`Connection::query_row`], cached.
pub trait CachedSql {
    /// Runs one statement; the number of rows it changed.
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    /// The first row of one statement, read by `f`.
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>;
}

impl CachedSql for Connection {
    fn execute_cached<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statements the connection holds prepared right now.
    fn prepared(conn: &Connection) -> usize {
        let mut count = 0;
        // SAFETY: walks the connection's own statement list on this thread,
        // and no statement is finalized meanwhile.
        unsafe {
            let db = conn.handle();
            let mut stmt = rusqlite::ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                count += 1;
                stmt = rusqlite::ffi::sqlite3_next_stmt(db, stmt);
            }
        }
        count
    }

    #[test]
    fn cached_calls_answer_like_uncached_ones_and_parse_each_text_once() {
        let conn = Connection::open_in_memory().unwrap();
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        for n in 0..3 {
            let changed = conn
                .execute_cached("INSERT INTO t (n) VALUES (?1)", [n])
                .unwrap();
            assert_eq!(changed, 1);
        }
        assert_eq!(prepared(&conn), 1, "three inserts, one parse");
        for _ in 0..2 {
            let sum: i64 = conn
                .query_row_cached("SELECT sum(n) FROM t WHERE n >= ?1", [1], |row| row.get(0))
                .unwrap();
            assert_eq!(sum, 3);
        }
        assert_eq!(prepared(&conn), 2);
        // A bad statement is an error and nothing is kept of it.
        assert!(
            conn.execute_cached("INSERT INTO nowhere VALUES (1)", [])
                .is_err()
        );
        assert_eq!(prepared(&conn), 2);
        // The uncached call, for contrast, keeps nothing.
        conn.execute("DELETE FROM t WHERE n = ?1", [0]).unwrap();
        assert_eq!(prepared(&conn), 2);
    }
}
