-- onebox schema, version 1 (recorded in PRAGMA user_version).
-- Applied once to a new database file. A later version adds a migration step in
-- src/db.rs keyed by user_version; it never edits what is below.
-- Times are UTC unix seconds unless a column says otherwise; money is integer cents.

-- Shared: sessions of every domain. Only a SHA-256 of each token is stored.
CREATE TABLE sessions (
    token_hash   BLOB    PRIMARY KEY,
    domain       TEXT    NOT NULL,
    account_id   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    idle_secs    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions (domain, account_id);

-- Shared: uploaded files (images), served at /files/{id}.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    domain       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

-- Shared: mail the server has sent (or would have sent without SMTP).
CREATE TABLE outbox (
    id      INTEGER PRIMARY KEY,
    domain  TEXT    NOT NULL,
    to_addr TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    sent_at INTEGER NOT NULL
) STRICT;

-- parking
CREATE TABLE parking_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE parking_lots (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0)
) STRICT;

-- status: 0 reserved, 1 parking, 2 finished, 3 expired or cancelled.
CREATE TABLE parking_orders (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES parking_users (id),
    lot_id      INTEGER NOT NULL REFERENCES parking_lots (id),
    spot        INTEGER NOT NULL CHECK (spot > 0),
    status      INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
    order_time  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    start_time  INTEGER,
    end_time    INTEGER,
    fee_cents   INTEGER NOT NULL DEFAULT 0
) STRICT;
-- A spot holds at most one live order; a user holds at most one reservation.
CREATE UNIQUE INDEX parking_orders_live_spot ON parking_orders (lot_id, spot) WHERE status IN (0, 1);
CREATE UNIQUE INDEX parking_orders_one_reservation ON parking_orders (user_id) WHERE status = 0;
CREATE INDEX parking_orders_by_user ON parking_orders (user_id, status);
CREATE INDEX parking_orders_reserved_until ON parking_orders (expires_at) WHERE status = 0;
