#![no_main]
//! See `checks::path` for what must hold.

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::path(data));
