//! The core error: what can go wrong below a domain (database, tasks,
//! hashing). Domains wrap it as their "internal error" and never show its
//! text to a client.

/// A failure of the server itself, never of the client's input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("the database writer has stopped")]
    WriterStopped,
    #[error("background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("password hashing: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    #[error("random number generator: {0}")]
    Random(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the database could not grow (a full disk, or `--max-db-size`).
    pub fn is_full(&self) -> bool {
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::DiskFull)
    }

    /// The message a client sees for this fault: the domain's own words
    /// for a server error, plus the one cause a client can act on (wait
    /// for space) when the database is full. Nothing else leaks.
    pub fn told(&self, usual: &str) -> String {
        if self.is_full() {
            format!("{usual}: the database is full, try again later")
        } else {
            usual.to_string()
        }
    }
}
