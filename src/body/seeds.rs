//! Fuzz seeds from the test suite's own requests (the `fuzz-seeds`
//! feature, off in every normal build): with `ONEBOX_FUZZ_SEEDS=DIR`,
//! each request body read is written under `DIR/body/` and `DIR/decode/`
//! in the layouts `fuzz/checks/body.rs` and `fuzz/checks/decode.rs` take
//! apart. `scripts/fuzz-seeds` runs the tests so and keeps the inputs that
//! add coverage.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use super::Sent;

/// Bodies larger than this are read but not kept (the targets' limits are
/// a few kilobytes).
const LARGEST_KEPT: usize = 64 * 1024;

/// The body read whole, kept as seeds when `ONEBOX_FUZZ_SEEDS` is set,
/// and handed on as a stream of one chunk.
pub async fn kept<S, B, E>(
    query: &str,
    sent: Sent<'_>,
    stream: S,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: Buf + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let mut stream = std::pin::pin!(stream);
    let mut body = BytesMut::new();
    let mut failure = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(mut chunk) => body.extend_from_slice(&chunk.copy_to_bytes(chunk.remaining())),
            Err(e) => {
                failure = Some(std::io::Error::other(e));
                break;
            }
        }
    }
    if let Some(dir) = std::env::var_os("ONEBOX_FUZZ_SEEDS")
        && body.len() <= LARGEST_KEPT
    {
        keep(Path::new(&dir), query, sent, &body);
    }
    let mut items = vec![Ok(body.freeze())];
    items.extend(failure.map(Err));
    futures_util::stream::iter(items)
}

fn keep(dir: &Path, query: &str, sent: Sent<'_>, body: &[u8]) {
    // body: chunk size 64, Content-Length declared as sent, then the
    // Content-Type line, the query line and the body.
    let mut for_body = vec![63, if sent.length.is_some() { 1 } else { 0 }];
    for_body.extend_from_slice(format!("{}\n{query}\n", sent.content_type).as_bytes());
    for_body.extend_from_slice(body);
    // decode: the Content-Type line, then the body.
    let mut for_decode = format!("{}\n", sent.content_type).into_bytes();
    for_decode.extend_from_slice(body);
    for (target, input) in [("body", for_body), ("decode", for_decode)] {
        let mut hasher = DefaultHasher::new();
        input.hash(&mut hasher);
        let folder = dir.join(target);
        let written = std::fs::create_dir_all(&folder).and_then(|()| {
            std::fs::write(
                folder.join(format!("test-{:016x}", hasher.finish())),
                &input,
            )
        });
        if let Err(e) = written {
            tracing::warn!("could not keep a fuzz seed in {}: {e}", folder.display());
        }
    }
}
