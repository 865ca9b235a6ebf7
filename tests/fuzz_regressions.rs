//! The fuzz targets' checks (`fuzz/checks`), replayed on stable over the
//! committed inputs: the seeds each target starts from and every input
//! that once broke a property. What a fuzzer found stays fixed here,
//! without nightly or `cargo fuzz`.

#[path = "../fuzz/checks/mod.rs"]
mod checks;

use std::path::Path;

/// Runs every file under `fuzz/<folder>/<target>/` through its target's
/// check; the failures name their files.
fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder);
    let mut replayed = 0;
    let mut failed = Vec::new();
    for (target, check) in checks::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            replayed += 1;
            if std::panic::catch_unwind(|| check(&bytes)).is_err() {
                failed.push(entry.path().display().to_string());
            }
        }
    }
    assert!(failed.is_empty(), "failed on {failed:#?}");
    replayed
}

#[test]
fn every_input_a_fuzzer_once_failed_on_now_holds() {
    assert!(replay("regressions") > 0, "no regression inputs found");
}

#[test]
fn every_seed_input_holds() {
    assert!(replay("seeds") >= checks::TARGETS.len(), "seeds missing");
}
