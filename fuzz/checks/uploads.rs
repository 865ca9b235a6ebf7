//! What an upload is judged to be (`files::image_type`, by content) and
//! the links to stored files a client sends back (`files::id_in_link`).

use onebox::files;

/// The signature each image type must start with.
fn signature_holds(mime: &str, bytes: &[u8]) -> bool {
    match mime {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(b"\xff\xd8\xff"),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"),
        "image/bmp" => bytes.starts_with(b"BM") && bytes.get(6..10) == Some(&[0; 4][..]),
        _ => false,
    }
}

/// - an upload taken as an image starts with that image type's signature;
/// - a link names a file only as `/files/<digits>` (after any scheme and
///   host), and its id prints back as the same path.
pub fn uploads(data: &[u8]) {
    if let Some(mime) = files::image_type(data) {
        assert!(signature_holds(mime, data), "{mime} without its signature");
    }
    let Ok(link) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(id) = files::id_in_link(link) {
        assert!(id >= 0, "a negative file id");
        let path = files::path_of(id);
        let digits = link.trim().rsplit('/').next().unwrap_or_default();
        assert_eq!(
            digits.trim_start_matches('0'),
            path.trim_start_matches("/files/").trim_start_matches('0'),
            "{link:?} read as {path}"
        );
        assert!(link.trim().ends_with(digits) && link.contains("/files/"));
        assert_eq!(files::id_in_link(&path), Some(id));
    }
}
