//! What must hold for each parser that reads bytes from anyone, one
//! function per fuzz target. The fuzz targets call these with libFuzzer's
//! inputs; `tests/fuzz_regressions.rs` replays the committed seeds and
//! every input that once failed through the same functions, so a finding
//! stays fixed in the normal test suite.
#![allow(dead_code)]

mod body;
mod cli;
mod decode;
mod headers;
mod path;
mod uploads;

pub use body::body;
pub use cli::cli;
pub use decode::decode;
pub use headers::headers;
pub use path::path;
pub use uploads::uploads;

/// One target's check: panics when a property fails.
pub type Check = fn(&[u8]);

/// The names of the targets, as the folders under `fuzz/corpus` and
/// `fuzz/regressions` are named.
pub const TARGETS: &[(&str, Check)] = &[
    ("body", body),
    ("cli", cli),
    ("decode", decode),
    ("headers", headers),
    ("path", path),
    ("uploads", uploads),
];

/// Takes a fuzz input apart: leading bytes as small choices, then text
/// fields split at a separator byte.
pub struct Input<'a> {
    rest: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { rest: data }
    }

    /// One byte (0 once the input is used up).
    pub fn byte(&mut self) -> u8 {
        match self.rest.split_first() {
            Some((first, rest)) => {
                self.rest = rest;
                *first
            }
            None => 0,
        }
    }

    /// The bytes up to the next `\n` (not included), or the rest.
    pub fn line(&mut self) -> &'a [u8] {
        match self.rest.iter().position(|b| *b == b'\n') {
            Some(at) => {
                let line = &self.rest[..at];
                self.rest = &self.rest[at + 1..];
                line
            }
            None => std::mem::take(&mut self.rest),
        }
    }

    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.rest)
    }
}
