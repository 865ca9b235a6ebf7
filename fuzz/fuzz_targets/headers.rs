#![no_main]
//! See `checks::headers` for what must hold.

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::headers(data));
