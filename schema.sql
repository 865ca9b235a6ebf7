-- onebox schema (its version is recorded in PRAGMA user_version).
-- Each "-- version N" section brings a database from version N-1 to N; a new
-- file gets every section, an older one the sections it lacks (src/db.rs).
-- A section, once released, is never edited: a change is a new section.
-- Times are UTC unix seconds unless a column says otherwise; money is integer cents.

-- version 1: the shared tables and parking

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

-- version 2: labs

-- Students (registered by e-mail code) and admins (made with the CLI). `sid`
-- is the API's id: the student number, or the e-mail when none was given.
CREATE TABLE labs_users (
    id            INTEGER PRIMARY KEY,
    sid           TEXT    NOT NULL UNIQUE,
    email         TEXT    UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    phone         TEXT    NOT NULL DEFAULT '',
    college       TEXT    NOT NULL DEFAULT '',
    grade         TEXT    NOT NULL DEFAULT '',
    major         TEXT    NOT NULL DEFAULT '',
    introduce     TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
) STRICT;

-- A lab's leader (role 2) leads that one lab.
CREATE TABLE labs_labs (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    leader_id   INTEGER UNIQUE REFERENCES labs_users (id),
    description TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) STRICT;

-- opt_status: 0 submitted, 1 approved, 2 finished, 3 rejected.
-- duration is in seconds; deleted is the soft-delete flag.
CREATE TABLE labs_projects (
    id          INTEGER PRIMARY KEY,
    lab_id      INTEGER NOT NULL REFERENCES labs_labs (id),
    leader_id   INTEGER NOT NULL REFERENCES labs_users (id),
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    duration    INTEGER NOT NULL DEFAULT 0 CHECK (duration >= 0),
    coach_id    TEXT    NOT NULL DEFAULT '',
    aim         TEXT    NOT NULL,
    type        TEXT    NOT NULL DEFAULT '',
    opt_status  INTEGER NOT NULL DEFAULT 0 CHECK (opt_status BETWEEN 0 AND 3),
    submit_time INTEGER NOT NULL,
    start_time  INTEGER,
    end_time    INTEGER,
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;
CREATE INDEX labs_projects_by_lab ON labs_projects (lab_id, deleted, opt_status);
CREATE INDEX labs_projects_by_status ON labs_projects (deleted, opt_status);

-- Members of a project, the leader first (position 0).
CREATE TABLE labs_members (
    project_id INTEGER NOT NULL REFERENCES labs_projects (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES labs_users (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX labs_members_by_user ON labs_members (user_id);

-- Mailed codes, one live code per address and purpose; only a SHA-256 of the
-- code is kept. used_at is set when the code is accepted.
CREATE TABLE labs_codes (
    email      TEXT    NOT NULL,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('register', 'reset')),
    code_hash  BLOB    NOT NULL,
    sent_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries_left INTEGER NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (email, purpose)
) STRICT, WITHOUT ROWID;

-- Login captchas: the answer (lower case) by a SHA-256 of the id the client holds.
CREATE TABLE labs_captchas (
    id_hash    BLOB    PRIMARY KEY,
    answer     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- version 3: rental

-- grade: 普通用户, or 管理员 (made with the CLI; sees every deal).
CREATE TABLE rental_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    id_type       TEXT    NOT NULL,
    id_number     TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    grade         TEXT    NOT NULL DEFAULT '普通用户',
    register_city TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

-- Houses to let. Money (deposit, cost) in cents, area in hundredths of a
-- square metre; imgs and tags are JSON arrays of text. state: 待租 or 已租.
CREATE TABLE rental_houses (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES rental_users (id),
    name        TEXT    NOT NULL,
    district    TEXT    NOT NULL,
    community   TEXT    NOT NULL,
    unit        TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    house_type  INTEGER NOT NULL CHECK (house_type BETWEEN 1 AND 4),
    area        INTEGER NOT NULL CHECK (area >= 0),
    floor       INTEGER NOT NULL,
    elevator    INTEGER NOT NULL CHECK (elevator IN (0, 1)),
    description TEXT    NOT NULL,
    imgs        TEXT    NOT NULL DEFAULT '[]',
    tags        TEXT    NOT NULL DEFAULT '[]',
    deposit     INTEGER NOT NULL CHECK (deposit >= 0),
    pay_method  TEXT    NOT NULL,
    cost        INTEGER NOT NULL CHECK (cost >= 0),
    state       TEXT    NOT NULL DEFAULT '待租' CHECK (state IN ('待租', '已租')),
    created_at  INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
) STRICT;
-- A list page walks one of these three in its order and stops after a
-- page; each holds every filtered column, so rows that do not match are
-- skipped without reading the table. The count reads by_price alone.
CREATE INDEX rental_houses_newest ON rental_houses (state, id, house_type, elevator, cost, area, floor, district);
CREATE INDEX rental_houses_by_price ON rental_houses (state, cost, id, house_type, elevator, area, floor, district);
CREATE INDEX rental_houses_by_area ON rental_houses (state, area, id, house_type, elevator, cost, floor, district);
CREATE INDEX rental_houses_by_owner ON rental_houses (owner_id);

-- Demands (求租). state: 未成交 or 已成交.
CREATE TABLE rental_demands (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES rental_users (id),
    name        TEXT    NOT NULL,
    district    TEXT    NOT NULL,
    community   TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    house_type  INTEGER NOT NULL CHECK (house_type BETWEEN 1 AND 4),
    area        INTEGER NOT NULL DEFAULT 0 CHECK (area >= 0),
    floor       INTEGER NOT NULL,
    elevator    INTEGER NOT NULL CHECK (elevator IN (0, 1)),
    description TEXT    NOT NULL,
    tags        TEXT    NOT NULL DEFAULT '[]',
    deposit     INTEGER NOT NULL CHECK (deposit >= 0),
    pay_method  TEXT    NOT NULL,
    cost        INTEGER NOT NULL CHECK (cost >= 0),
    state       TEXT    NOT NULL DEFAULT '未成交' CHECK (state IN ('未成交', '已成交')),
    created_at  INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
) STRICT;
CREATE INDEX rental_demands_newest ON rental_demands (state, id);
CREATE INDEX rental_demands_by_price ON rental_demands (state, cost, id);
CREATE INDEX rental_demands_by_owner ON rental_demands (owner_id);

-- Requests between users: 'apply' (a tenant asks for a house; the owner
-- decides) and 'provide' (an owner offers a house to a demand; the demand's
-- owner decides). state: pending, accepted, rejected. Dates are unix seconds.
CREATE TABLE rental_requests (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('apply', 'provide')),
    house_id   INTEGER NOT NULL REFERENCES rental_houses (id) ON DELETE CASCADE,
    demand_id  INTEGER REFERENCES rental_demands (id) ON DELETE CASCADE,
    from_user  INTEGER NOT NULL REFERENCES rental_users (id),
    to_user    INTEGER NOT NULL REFERENCES rental_users (id),
    tenant_id  INTEGER NOT NULL REFERENCES rental_users (id),
    period     INTEGER,
    start_date INTEGER,
    end_date   INTEGER,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER
) STRICT;
CREATE UNIQUE INDEX rental_requests_one_pending ON rental_requests (kind, house_id, from_user, coalesce(demand_id, 0)) WHERE state = 'pending';
CREATE INDEX rental_requests_to ON rental_requests (to_user, kind, id);
CREATE INDEX rental_requests_by_house ON rental_requests (house_id) WHERE state = 'pending';
CREATE INDEX rental_requests_by_demand ON rental_requests (demand_id) WHERE state = 'pending';

-- Deals: a snapshot of who, where and how much, so later edits of the house
-- do not rewrite history. date is unix seconds; money in cents.
CREATE TABLE rental_deals (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES rental_users (id),
    tenant_id  INTEGER NOT NULL REFERENCES rental_users (id),
    house_id   INTEGER NOT NULL REFERENCES rental_houses (id),
    request_id INTEGER NOT NULL UNIQUE REFERENCES rental_requests (id),
    location   TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    date       INTEGER NOT NULL,
    rental     INTEGER NOT NULL,
    commission INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX rental_deals_one_per_house ON rental_deals (house_id);
CREATE INDEX rental_deals_by_date ON rental_deals (date);
CREATE INDEX rental_deals_by_city ON rental_deals (city);

-- version 4: family

-- A family of at most 8 members, at most 2 of them parents (enforced by the
-- writer inside one transaction; see src/domains/family/store.rs).
CREATE TABLE family_families (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- role: 0 no family, 1 member, 2 parent. A user has at most one family.
CREATE TABLE family_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    telephone     TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    sex           TEXT    NOT NULL DEFAULT '',
    family_id     INTEGER REFERENCES family_families (id),
    role          INTEGER NOT NULL DEFAULT 0 CHECK (role IN (0, 1, 2)),
    created_at    INTEGER NOT NULL,
    CHECK ((family_id IS NULL) = (role = 0))
) STRICT;
CREATE INDEX family_users_by_family ON family_users (family_id, role);

-- Requests to join a family. state: pending, accepted, rejected, withdrawn.
CREATE TABLE family_applications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES family_users (id),
    family_id  INTEGER NOT NULL REFERENCES family_families (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by INTEGER REFERENCES family_users (id)
) STRICT;
CREATE UNIQUE INDEX family_applications_one_pending ON family_applications (user_id, family_id) WHERE state = 'pending';
CREATE INDEX family_applications_by_family ON family_applications (family_id) WHERE state = 'pending';

-- Messages between users; sender_id NULL is the system. state: 0 unread,
-- 1 starred, 2 read.
CREATE TABLE family_messages (
    id          INTEGER PRIMARY KEY,
    sender_id   INTEGER REFERENCES family_users (id),
    receiver_id INTEGER NOT NULL REFERENCES family_users (id),
    title       TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    sent_at     INTEGER NOT NULL,
    state       INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2))
) STRICT;
CREATE INDEX family_messages_to ON family_messages (receiver_id, id);

-- Income (kind 'income', 收入) and expense ('expense', 支出) bills.
CREATE TABLE family_bills (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES family_users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('income', 'expense')),
    money      INTEGER NOT NULL CHECK (money > 0),
    remarks    TEXT    NOT NULL DEFAULT '',
    time       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX family_bills_by_user ON family_bills (user_id, kind, time);

-- Bank savings. type: 活期 (current) or 定期 (fixed, with an end); rate is
-- the yearly interest in hundredths of a percent.
CREATE TABLE family_deposits (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES family_users (id),
    bank       TEXT    NOT NULL,
    type       TEXT    NOT NULL CHECK (type IN ('活期', '定期')),
    money      INTEGER NOT NULL CHECK (money > 0),
    rate       INTEGER NOT NULL CHECK (rate >= 0),
    start_time INTEGER NOT NULL,
    end_time   INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (end_time IS NULL OR end_time >= start_time)
) STRICT;
CREATE INDEX family_deposits_by_user ON family_deposits (user_id, start_time);

-- Money borrowed (借入) or lent (借出); repaid never exceeds money.
CREATE TABLE family_loans (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES family_users (id),
    direction    TEXT    NOT NULL CHECK (direction IN ('借入', '借出')),
    counterparty TEXT    NOT NULL,
    money        INTEGER NOT NULL CHECK (money > 0),
    repaid       INTEGER NOT NULL DEFAULT 0 CHECK (repaid >= 0 AND repaid <= money),
    time         INTEGER NOT NULL,
    due_time     INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX family_loans_by_user ON family_loans (user_id, time);

CREATE TABLE family_repayments (
    id      INTEGER PRIMARY KEY,
    loan_id INTEGER NOT NULL REFERENCES family_loans (id) ON DELETE CASCADE,
    money   INTEGER NOT NULL CHECK (money > 0),
    time    INTEGER NOT NULL
) STRICT;
CREATE INDEX family_repayments_by_loan ON family_repayments (loan_id);

-- version 5: shop

-- role: CUSTOMER or SELLER. email is stored lower-cased; it is the login.
CREATE TABLE shop_users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('CUSTOMER', 'SELLER')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

-- Times in this domain are unix microseconds (the seed shows them).
CREATE TABLE shop_shops (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    created_us  INTEGER NOT NULL
) STRICT;

-- A seller manages at most one shop (the primary key says so).
CREATE TABLE shop_sellers (
    user_id   INTEGER PRIMARY KEY REFERENCES shop_users (id),
    shop_id   INTEGER NOT NULL REFERENCES shop_shops (id),
    joined_us INTEGER NOT NULL
) STRICT;
CREATE INDEX shop_sellers_by_shop ON shop_sellers (shop_id, joined_us);

-- Invitation codes: used at most usage_limit times, until expires_us.
CREATE TABLE shop_invitations (
    code        TEXT    PRIMARY KEY,
    shop_id     INTEGER NOT NULL REFERENCES shop_shops (id),
    creator_id  INTEGER NOT NULL REFERENCES shop_users (id),
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_us  INTEGER NOT NULL,
    expires_us  INTEGER,
    usage_limit INTEGER NOT NULL CHECK (usage_limit >= 1),
    usage_count INTEGER NOT NULL DEFAULT 0 CHECK (usage_count >= 0 AND usage_count <= usage_limit)
) STRICT;

-- price in cents; status: Available, Sold Out (stock 0) or Unavailable
-- (taken off sale by a seller). image_id names a row of files.
CREATE TABLE shop_products (
    id             INTEGER PRIMARY KEY,
    shop_id        INTEGER NOT NULL REFERENCES shop_shops (id),
    name           TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    price          INTEGER NOT NULL CHECK (price >= 0),
    stock_quantity INTEGER NOT NULL CHECK (stock_quantity >= 0),
    status         TEXT    NOT NULL CHECK (status IN ('Available', 'Sold Out', 'Unavailable')),
    image_id       INTEGER REFERENCES files (id),
    created_us     INTEGER NOT NULL
) STRICT;
-- A page is found by walking one of these (ids only), then read by id.
-- by_id repeats the table's order, but in a tree of ids alone: walking to
-- page 10,000 crosses a tenth of the pages the table would need.
CREATE INDEX shop_products_by_id ON shop_products (id);
CREATE INDEX shop_products_by_shop ON shop_products (shop_id, id);
CREATE INDEX shop_products_by_price ON shop_products (price, id);
CREATE INDEX shop_products_by_shop_price ON shop_products (shop_id, price, id);

-- Orders keep a copy of what was bought, so later edits (or deleting the
-- product) do not rewrite them.
CREATE TABLE shop_orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES shop_users (id),
    shop_id      INTEGER NOT NULL REFERENCES shop_shops (id),
    product_id   INTEGER REFERENCES shop_products (id) ON DELETE SET NULL,
    product_name TEXT    NOT NULL,
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    quantity     INTEGER NOT NULL CHECK (quantity >= 1),
    total_price  INTEGER NOT NULL CHECK (total_price >= 0),
    status       TEXT    NOT NULL DEFAULT 'Created',
    created_us   INTEGER NOT NULL
) STRICT;
CREATE INDEX shop_orders_by_customer ON shop_orders (customer_id, id);
CREATE INDEX shop_orders_by_shop ON shop_orders (shop_id, id);

-- version 6: server settings

-- Settings the server keeps between runs (the operator token's SHA-256,
-- never the token itself).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- version 7: product list orders

-- A row is written here whenever a product's place in a list can move
-- without a product being added or deleted: its price (the price order)
-- or its name or description (searches). A sale changes neither, so the
-- remembered orders of a million products outlive sales. One row is kept.
CREATE TABLE shop_product_moves (
    id INTEGER PRIMARY KEY
) STRICT;
CREATE TRIGGER shop_product_moved AFTER UPDATE OF price, name, description ON shop_products
WHEN old.price IS NOT new.price OR old.name IS NOT new.name OR old.description IS NOT new.description
BEGIN
    INSERT INTO shop_product_moves (id) VALUES (NULL);
    DELETE FROM shop_product_moves WHERE id < (SELECT max(id) FROM shop_product_moves);
END;

-- version 8: family as its original system kept it

-- A member's place in the family (`parent1`, `parent2`, `members3` ...
-- `members8`, as the original's FamilyMembers table): parents hold 1 and 2,
-- other members 3 to 8. It stays put while others come and go.
ALTER TABLE family_users ADD COLUMN slot INTEGER;
UPDATE family_users SET slot = (
    SELECT CASE WHEN ranked.role = 2 THEN ranked.n ELSE ranked.n + 2 END
    FROM (SELECT id, role, row_number() OVER (PARTITION BY family_id, role = 2 ORDER BY id) AS n
          FROM family_users WHERE family_id IS NOT NULL) AS ranked
    WHERE ranked.id = family_users.id)
WHERE family_id IS NOT NULL;
CREATE UNIQUE INDEX family_users_slot ON family_users (family_id, slot) WHERE family_id IS NOT NULL;

-- kind: 0 from a user, 1 a notice, 2 a request to join the receiver's
-- family (from the applicant), 3 a request to borrow from the receiver.
ALTER TABLE family_messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
UPDATE family_messages SET kind = 1 WHERE sender_id IS NULL;

-- The original's bill types: 0 收入, 1 借来的钱 (income); 10 支出,
-- 11 借出去的钱, 12 存入银行的钱 (expense); and what it was for.
ALTER TABLE family_bills ADD COLUMN type_code INTEGER NOT NULL DEFAULT 0 CHECK (type_code IN (0, 1, 10, 11, 12));
UPDATE family_bills SET type_code = 10 WHERE kind = 'expense';
ALTER TABLE family_bills ADD COLUMN concrete_type TEXT NOT NULL DEFAULT '其他';

-- Requests to borrow money from another user (borrow_money/). An agreed
-- one is a pair of loans, the borrower's 借入 and the lender's 借出, so
-- the same debt shows in loan/ and is repaid on both at once.
CREATE TABLE family_borrowings (
    id              INTEGER PRIMARY KEY,
    borrower_id     INTEGER NOT NULL REFERENCES family_users (id),
    lender_id       INTEGER NOT NULL REFERENCES family_users (id),
    money           INTEGER NOT NULL CHECK (money > 0),
    due_time        INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'agreed', 'refused')),
    borrower_loan   INTEGER REFERENCES family_loans (id) ON DELETE SET NULL,
    lender_loan     INTEGER REFERENCES family_loans (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    CHECK (borrower_id <> lender_id)
) STRICT;
CREATE INDEX family_borrowings_by_borrower ON family_borrowings (borrower_id);

-- version 9: what the original systems kept beside their documents: labs'
-- classrooms, bulletins and notifications; shop's categories and carts

ALTER TABLE labs_labs ADD COLUMN classroom TEXT NOT NULL DEFAULT '';

-- Bulletins, from the admins (lab_id NULL, 系统公告) or a lab's leader
-- (that lab's). read_count counts the reads that asked to be counted.
CREATE TABLE labs_bulletins (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    lab_id     INTEGER REFERENCES labs_labs (id) ON DELETE CASCADE,
    from_name  TEXT    NOT NULL,
    time       INTEGER NOT NULL,
    read_count INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX labs_bulletins_by_time ON labs_bulletins (time);
CREATE INDEX labs_bulletins_by_lab ON labs_bulletins (lab_id);

-- Notifications that an action sends its students (a review, a change of
-- their project); one labs_unread row per receiver until they read it.
CREATE TABLE labs_notifications (
    id        INTEGER PRIMARY KEY,
    type      TEXT    NOT NULL,
    content   TEXT    NOT NULL,
    from_name TEXT    NOT NULL,
    time      INTEGER NOT NULL
) STRICT;
CREATE TABLE labs_unread (
    user_id         INTEGER NOT NULL REFERENCES labs_users (id),
    notification_id INTEGER NOT NULL REFERENCES labs_notifications (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, notification_id)
) STRICT, WITHOUT ROWID;

-- A product's category: one of model::CATEGORIES (1-based), as the
-- original shop seeds its ten and its product form offers them.
ALTER TABLE shop_products ADD COLUMN category_id INTEGER CHECK (category_id BETWEEN 1 AND 10);

-- A customer's cart: one line per product, gone with the product.
CREATE TABLE shop_cart_items (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES shop_users (id),
    product_id INTEGER NOT NULL REFERENCES shop_products (id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity >= 1),
    updated_us INTEGER NOT NULL,
    UNIQUE (user_id, product_id)
) STRICT;
CREATE INDEX shop_cart_items_by_product ON shop_cart_items (product_id);
