//! The real binary: help, operator commands, clear start-up errors, backup
//! while serving, crash safety (SIGKILL mid-traffic loses nothing that
//! was acknowledged), and reset and restore on the file.

#[path = "../common/mod.rs"]
mod common;

mod commands;
mod durability;
mod files;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{RunningBinary, binary};
use serde_json::{Value, json};

fn run(args: &[&str]) -> (bool, String, String) {
    let output = binary().args(args).output().expect("binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn add_lot(db: &Path, name: &str, capacity: &str) {
    let (ok, out, err) = run(&[
        "parking",
        "add-lot",
        "--db",
        db.to_str().unwrap(),
        "--name",
        name,
        "--capacity",
        capacity,
        "--price",
        "0.5",
    ]);
    assert!(ok, "add-lot failed: {out}{err}");
    assert!(out.contains("added parking lot"), "{out}");
}
