//! onebox: one binary serving the REST backends of five classic web systems
//! (parking, labs, rental, family, shop) from one SQLite file.
//!
//! This is the maintainer's guide; the README is the user's. Each domain's
//! API notes (`src/domains/*/API.md`) are embedded into its section of
//! `/docs`.
//!
//! # How a request flows
//!
//! 1. [`server`] runs the accept loop (hyper-util). Each request passes
//!    [`layer`] once on its way in and out: `HEAD` becomes `GET` (hyper
//!    drops the body), the peer address ([`web::CLIENT_ADDR`]) is attached,
//!    a path and query over 8 KiB is 414, CORS ([`web::Cors`]: preflights,
//!    and partitioned cookies for cross-site logins), security headers and
//!    the request log ([`requests`]: each answer, with the domain's own
//!    outcome code that its envelope marks with [`web::with_outcome`], kept
//!    for the console and printed as one line).
//! 2. The warp tree ([`server`]'s `routes`), cut at the first path segment
//!    ([`layer::Routes`]) so a request runs only its own branch: the
//!    server's routes (`/healthz`, the landing page, `/assets/`, `/files/`
//!    ([`files`]), the operator pages under `/_/` ([`operator`]),
//!    `/openapi.json` and `/docs/` ([`openapi`])) or the served domain
//!    under `/{name}`; then what every branch falls through to: a
//!    `--public` folder, `--root` at `/`, the server-wide 404 / 405.
//! 3. A domain's tree ([`endpoint::domain_tree`]) matches the request
//!    against the domain's route table (`domains/<name>/routes.rs`), in
//!    order. Only then is the domain's per-request input (its `Call`: the
//!    body read by [`body::input`], the session token, the client address)
//!    built and handed to the handler. Whatever no route takes becomes the
//!    domain's 404 or 405, classified by the same table.
//! 4. A handler (`handlers`) reads its input, finds the caller's session
//!    (one path for every domain: [`session::required`], which the
//!    domain's [`session::Account`] tells where its accounts are and what
//!    it answers without a session), and runs the domain's SQL (`store`) through
//!    [`db::Db::read`] (a pool of query-only connections) or
//!    [`db::Db::write`] (one `BEGIN IMMEDIATE` transaction on the single
//!    writer thread). It returns `Result<Done, Error>`; the route's renderer
//!    (`envelope.rs`) turns that into the domain's envelope and HTTP status.
//! 5. A committed write bumps the generation of every table it changed
//!    ([`db::Generations`]), which invalidates what [`cache::Cache`]s read
//!    from those tables. The writer then tells its observers
//!    ([`db::CommitObserver`], set once by [`app::App`]): the events hub
//!    sends what the store staged ([`events::stage`]) to the streams
//!    allowed to read them, and the session layer wakes the streams of
//!    sessions the write ended.
//!
//! # Module map
//!
//! Shared pieces live once at the top level:
//! [`app`] (the state handed to handlers, the one password-login path),
//! [`body`] (JSON / form / multipart input, lenient numbers, arrays),
//! [`args`] (command-line values the domains share), [`cache`], [`captcha`],
//! [`cli`] (the `--help` text), [`clock`], [`db`]
//! (schema, pragmas, reader pool, writer thread, backup, check),
//! [`descriptor`] (what the core knows of a domain),
//! [`endpoint`] (route tables, one generic [`endpoint::route`], matching,
//! 404 / 405), [`envelope`] (what every domain's envelope shares: the
//! 404 / 405, fault and refused-stream answers), [`error`], [`events`]
//! (realtime streams of what committed writes staged), [`files`]
//! (uploaded images), [`layer`] (what wraps every request), [`mail`] and
//! [`outbox`], [`money`], [`openapi`],
//! [`operator`] (the console under `/_/` and its token gate),
//! [`password`] (rules, bcrypt on low-priority threads), [`requests`],
//! [`server`], [`server_wide`] (the server's own routes, declared once),
//! [`backups`] (scheduled backups), [`session`] (hashed tokens, Bearer or
//! cookie, the streams' session guard), [`throttle`]
//! (failed logins) and [`web`] (JSON replies, CORS, path text).
//!
//! Each system is a folder under [`domains`] with the same parts: `mod.rs`
//! (its [`descriptor::Descriptor`] and constants), `routes.rs` (the route
//! table and the `Call` filter), `handlers`, `store` (all its SQL),
//! `model` (its data, checks on client values, JSON shapes), `input.rs`
//! (the typed inputs of its endpoints), `envelope.rs` (its wire envelope
//! and errors), `demo.rs` (its demo data, and the generated rows of its
//! `generate-…` subcommand where it has one), `API.md`, and `cli.rs` (its
//! flags of `onebox serve` and its subcommands). A part that grows past a few
//! hundred lines becomes a folder with a file per resource
//! (`store/{accounts, shops, products, orders}.rs`), its `mod.rs` holding
//! what they share and re-exporting them. A domain reads and writes
//! only its own tables (prefixed with its name) and never imports another
//! domain.
//!
//! # Adding an endpoint
//!
//! 1. Write the SQL in the domain's `store`, taking `&Connection` for a
//!    read or [`db::Write`] for a write; a write that tells open streams
//!    stages its events on that `Write`, sent only if it commits.
//! 2. Declare its input as a struct in the domain's `input.rs`
//!    (`#[derive(Deserialize, ToSchema)]`, required fields plain, optional
//!    ones `Option`, money as [`body::Cents`], a checkbox as [`body::Flag`],
//!    a file part as [`body::Attachment`], text an update may clear as
//!    [`body::Patch`]) and its output as a struct
//!    (`#[derive(Serialize, ToSchema)]`) in the domain's exact shape.
//!    [`body::Form::decode`] reads the input as leniently as the seeds'
//!    clients send it: numbers as text, `""` as absent, a wrong value
//!    named by its field, fields it does not name ignored; a field left out
//!    is [`body::DecodeError::Missing`], which the domain answers with its
//!    own message ([`endpoint::Refuses`]). Where the seed's message for a
//!    missing text names it in words (`学号或邮箱不能为空`), keep the
//!    field `Option` with `#[schema(required)]` and check it in the
//!    handler.
//! 3. Write the handler in `handlers`: `async fn name(call: Call, caller:
//!    Caller, Input(order): Input<NewOrder>) -> Result<Output, Error>`.
//!    Path parameters come first (`(id: i64, call, …)`); after the request
//!    come what the handler takes from it, in this order: a guard (the
//!    logged-in [`session::Caller`], a guard for every domain whose
//!    account is a [`session::Account`]; or a role such as shop's
//!    `Seller`, an [`endpoint::FromCall`] of the domain) and its typed input
//!    ([`endpoint::Input`]). The route line checks that the body could be
//!    read, then takes the guard, then decodes the input, so a caller
//!    without a session hears that first; the order is checked when the
//!    crate compiles. A handler whose checks come in another order (a role
//!    checked before the fields, as shop's order creation does) takes the
//!    request alone and decodes where it must, and its route line states
//!    the input with `.input::<T>()`. `Output` is the success's data,
//!    declared in the model's [`shaped!`] list (`()` for `null`, `Vec<T>`
//!    for a list), so the handler's type is the answer's schema.
//! 4. Add one line to the table in `routes.rs`, e.g.
//!    `route(Method::POST, "/api/order/new", h::order_new, reply)
//!    .summary("...")`. That line is the route, its 404 / 405
//!    classification, its `/openapi.json` operation (the request schema
//!    from the handler's `Input`, the answer's from its return type) and
//!    its landing-page row; nothing else lists endpoints.
//! 5. Test it over HTTP in the area's file of `tests/<domain>/` (one
//!    behaviour a test; the domain's client, its accounts, sessions and
//!    answer checks, in `tests/common/<domain>.rs`), and note any
//!    decision the seed leaves open in the domain's `API.md`.
//!
//! Every endpoint of every domain is written this way; a unit test in
//! `openapi` fails if a JSON answer has no output schema. `.bare()` marks
//! an answer sent outside the envelope (family's lists); `.output::<T>()`
//! states the schema of a handler whose type has no fixed shape, and
//! nowhere else (a debug build refuses it where the type gives one).
//!
//! # Adding a domain
//!
//! Make its folder with the parts above, add its tables to `schema.sql` as a
//! new `-- version N` section (and bump [`db::SCHEMA_VERSION`]), and add its
//! descriptor to [`domains::ALL`] (and its flags or subcommands to
//! [`domains::Flags`] / [`domains::Command`], if it has any). The core
//! names no domain.
//!
//! # Rules
//!
//! - **Ownership.** Every id that comes from the client is checked against
//!   the caller in the store, inside the same transaction as the read or
//!   write it guards, so no check can race with the change it allows
//!   ([`db::Db::read`] runs all of a read's statements in one snapshot,
//!   [`db::Db::write`] in one `BEGIN IMMEDIATE` transaction). A record the
//!   caller may not see answers like a missing one.
//! - **Invariants** (capacity, stock, usage limits, family size, balances)
//!   are checked in the write transaction; writes are serial on the writer
//!   thread, and unique or partial indexes back the rules up.
//! - **Caches.** A remembered answer is a [`cache::Cache`] naming the
//!   tables it reads. Nothing invalidates by hand: the write path bumps the
//!   tables' generations on commit, and a value read under an older stamp is
//!   never handed out. (`WITHOUT ROWID` tables are not seen by SQLite's
//!   update hook; do not cache reads of them.)
//! - **Events.** A change users wait on stages its event in the store,
//!   inside the write that makes it ([`events::stage`], or
//!   [`events::stage_state`] for a state that changes fast), naming its
//!   readers as the REST endpoints would check them; the writer sends it
//!   only if that write commits.
//! - **Failures.** Bad input gets the domain's failure envelope, never a
//!   500 or a panic; request paths use no `unwrap` / `expect` (denied below).
#![deny(clippy::unwrap_used, clippy::expect_used)]
pub mod app;
pub mod args;
pub mod assets;
pub mod backups;
pub mod body;
pub mod cache;
pub mod captcha;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod descriptor;
pub mod domains;
pub mod endpoint;
pub mod envelope;
pub mod error;
pub mod events;
pub mod faults;
pub mod files;
pub mod layer;
pub mod mail;
pub mod money;
pub mod openapi;
pub mod operator;
pub mod outbox;
pub mod password;
pub mod public;
pub mod requests;
pub mod server;
pub mod server_wide;
pub mod session;
pub mod throttle;
pub mod web;
