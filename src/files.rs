//! Uploaded files: kept as BLOBs in the same SQLite file (one file is the
//! whole deployment), images only, checked by their bytes and not their name,
//! served at `/files/{id}`.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, HeaderValue, StatusCode, header};
use warp::reply::Reply;

use crate::db::CachedSql;
use crate::db::Db;
use crate::error::Error;
use crate::web::{self, Response};

/// Whether a file's first bytes are the whole signature of one image type.
type Signature = fn(&[u8]) -> bool;

/// The image types accepted, each with the whole signature its files
/// start with (a bare `GIF` or `BM` is not enough: any text that starts
/// so would be stored and served as an image). SVG is not accepted (it
/// can carry script).
const IMAGE_TYPES: &[(&str, Signature)] = &[
    ("image/png", |b| b.starts_with(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", |b| b.starts_with(b"\xff\xd8\xff")),
    ("image/gif", |b| {
        b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")
    }),
    ("image/webp", |b| {
        b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP")
    }),
    // A file header with its reserved bytes zero, then a DIB header of
    // one of the sizes the format defines.
    ("image/bmp", |b| {
        let dib = b
            .get(14..18)
            .map(|d| u32::from_le_bytes([d[0], d[1], d[2], d[3]]));
        b.starts_with(b"BM")
            && b.get(6..10) == Some(&[0; 4][..])
            && matches!(dib, Some(12 | 40 | 52 | 56 | 64 | 108 | 124))
    }),
];

/// Why an upload is refused.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not an image (PNG, JPEG, GIF, WebP or BMP)")]
    NotAnImage,
    #[error(transparent)]
    Internal(#[from] Error),
}

/// The image type of `bytes`, judged by content, not by name.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    IMAGE_TYPES
        .iter()
        .find(|(_, starts)| starts(bytes))
        .map(|(mime, _)| *mime)
}

/// Stores an image and returns its id.
pub fn store(conn: &Connection, domain: &str, bytes: &[u8], now: i64) -> Result<i64, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let content_type = image_type(bytes).ok_or(FileError::NotAnImage)?;
    let digest: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    conn.execute_cached(
        "INSERT INTO files (domain, content_type, sha256, size, bytes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![domain, content_type, digest, bytes.len() as i64, bytes, now],
    )
    .map_err(Error::from)?;
    Ok(conn.last_insert_rowid())
}

/// The path a stored file is served at.
pub fn path_of(id: i64) -> String {
    format!("/files/{id}")
}

/// The id of a stored file named by a link to it: `/files/7`, or an
/// absolute `http://host/files/7` as this server hands out.
pub fn id_in_link(link: &str) -> Option<i64> {
    let link = link.trim();
    let path = match link.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => link,
    };
    let id = path.strip_prefix("/files/")?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// Whether `domain` stored a file with this id.
pub fn exists(conn: &Connection, domain: &str, id: i64) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM files WHERE id = ?1 AND domain = ?2")?
        .query_row(params![id, domain], |_| Ok(()))
        .optional()?
        .is_some())
}

struct Stored {
    content_type: String,
    sha256: String,
    bytes: Vec<u8>,
}

/// `GET /files/{id}`
pub fn routes(db: Db) -> BoxedFilter<(Response,)> {
    warp::path!("files" / i64)
        .and(warp::get())
        .and(warp::header::headers_cloned())
        .then(move |id: i64, headers: HeaderMap| {
            let db = db.clone();
            async move { serve(db, id, headers).await }
        })
        .boxed()
}

async fn serve(db: Db, id: i64, headers: HeaderMap) -> Response {
    let found = db
        .read(move |conn| {
            conn.query_row_cached(
                "SELECT content_type, sha256, bytes FROM files WHERE id = ?1",
                [id],
                |row| {
                    Ok(Stored {
                        content_type: row.get(0)?,
                        sha256: row.get(1)?,
                        bytes: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(Error::from)
        })
        .await;
    let file = match found {
        Ok(Some(file)) => file,
        Ok(None) => {
            return web::json(
                StatusCode::NOT_FOUND,
                &serde_json::json!({"error": "no such file"}),
            );
        }
        Err(e) => {
            tracing::error!("serving file {id}: {e}");
            return web::json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({"error": "internal server error"}),
            );
        }
    };
    let etag = format!("\"{}\"", file.sha256);
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        file.bytes.into_response()
    };
    let out = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        out.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_stored_files() {
        assert_eq!(id_in_link("/files/7"), Some(7));
        assert_eq!(id_in_link("http://127.0.0.1:8080/files/12"), Some(12));
        assert_eq!(id_in_link("https://example.com/files/3"), Some(3));
        for other in [
            "/files/",
            "/files/7/x",
            "/media/7",
            "http://x/files/-1",
            "files/7",
            "",
        ] {
            assert_eq!(id_in_link(other), None, "{other}");
        }
    }

    #[test]
    fn images_are_recognised_by_content_not_name() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        assert_eq!(image_type(&png), Some("image/png"));
        assert_eq!(
            image_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some("image/jpeg")
        );
        assert_eq!(image_type(b"just some text, named photo.jpg"), None);
        assert_eq!(
            image_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
    }

    #[test]
    fn a_short_magic_number_alone_is_not_an_image() {
        assert_eq!(image_type(b"GIFGIF89a\x01"), None);
        assert_eq!(image_type(b"GIF89a\x01\x00\x01\x00"), Some("image/gif"));
        assert_eq!(image_type(b"BMW is a car, not a bitmap"), None);
        let mut bmp = b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.extend_from_slice(&40u32.to_le_bytes());
        assert_eq!(image_type(&bmp), Some("image/bmp"));
    }
}
