//! `--public DIR`: a folder of static files served at `/` after every API
//! route, so a system's own front-end runs from the same origin as its API
//! (as PocketBase serves `pb_public/`).
//!
//! Only files inside the folder are reachable: a path segment that is `..`,
//! `.`, or decodes to a slash, a backslash or NUL is refused, and the file
//! found is resolved (symlinks followed) and must still lie inside the
//! folder. A folder answers its `index.html`. Answers carry the type
//! guessed from the file name and a weak `ETag` of size and modification
//! time; `If-None-Match` gets 304.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use warp::Filter;
use warp::http::{HeaderValue, StatusCode, header};

use crate::web::Response;

/// The folder, resolved once at start.
#[derive(Debug, Clone)]
pub struct Public {
    root: PathBuf,
}

/// What a request path names inside the folder.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links in its
    /// `index.html` need the slash, so the answer redirects there.
    Folder,
    Missing,
}

impl Public {
    /// The folder at `dir`; an error names why it cannot be served.
    pub fn open(dir: &Path) -> Result<Public, String> {
        let root = dir
            .canonicalize()
            .map_err(|e| format!("--public {}: {e}", dir.display()))?;
        if !root.is_dir() {
            return Err(format!("--public {}: not a folder", dir.display()));
        }
        Ok(Public { root })
    }

    /// Whether the folder has an `index.html` to answer `/` with.
    pub fn has_index(&self) -> bool {
        self.root.join("index.html").is_file()
    }

    /// The file a URL path (as sent, percent-encoded) names.
    fn find(&self, path: &str) -> Found {
        let mut relative = PathBuf::new();
        let mut segments: Vec<&str> = path.split('/').collect();
        let trailing_slash = segments.last() == Some(&"");
        segments.retain(|s| !s.is_empty());
        for raw in segments {
            let Ok(segment) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
                return Found::Missing;
            };
            if segment == "."
                || segment == ".."
                || segment.contains(['/', '\\', '\0'])
                || segment.starts_with('.')
            {
                return Found::Missing;
            }
            relative.push(segment.as_ref());
        }
        let Ok(resolved) = self.root.join(&relative).canonicalize() else {
            return Found::Missing;
        };
        if !resolved.starts_with(&self.root) {
            return Found::Missing;
        }
        if resolved.is_dir() {
            if !trailing_slash && !relative.as_os_str().is_empty() {
                return Found::Folder;
            }
            let index = resolved.join("index.html");
            return match index.canonicalize() {
                Ok(index) if index.starts_with(&self.root) && index.is_file() => Found::File(index),
                _ => Found::Missing,
            };
        }
        if resolved.is_file() {
            Found::File(resolved)
        } else {
            Found::Missing
        }
    }

    /// The answer to `GET path`, or `None` when the folder has no such file.
    fn answer(
        &self,
        path: &str,
        query: Option<&str>,
        if_none_match: Option<&str>,
    ) -> Option<Response> {
        match self.find(path) {
            Found::Missing => None,
            Found::Folder => {
                let mut to = format!("{path}/");
                if let Some(query) = query {
                    to = format!("{to}?{query}");
                }
                let mut response = Response::new(Vec::new().into());
                *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
                let location = HeaderValue::from_str(&to).ok()?;
                response.headers_mut().insert(header::LOCATION, location);
                Some(response)
            }
            Found::File(file) => Some(serve_file(&file, if_none_match)),
        }
    }
}

fn serve_file(file: &Path, if_none_match: Option<&str>) -> Response {
    let (Ok(meta), Ok(bytes)) = (std::fs::metadata(file), std::fs::read(file)) else {
        let mut response = Response::new("the file could not be read".into());
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return response;
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!("W/\"{:x}-{:x}\"", meta.len(), modified);
    let matched = if_none_match.is_some_and(|sent| {
        sent.split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    });
    let mut response = if matched {
        let mut response = Response::new(Vec::new().into());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        Response::new(bytes.into())
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT | mime_guess::mime::APPLICATION
            if mime.get_param("charset").is_none()
                && (mime.type_() == mime_guess::mime::TEXT
                    || mime.subtype() == mime_guess::mime::JAVASCRIPT
                    || mime.subtype() == mime_guess::mime::JSON) =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET` of any path the folder holds; every other request passes on.
pub fn routes(
    public: Arc<Public>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::get()
        .and(warp::path::full())
        .and(
            warp::query::raw()
                .map(Some)
                .or(warp::any().map(|| None))
                .unify(),
        )
        .and(warp::header::optional::<String>("if-none-match"))
        .and_then(
            move |full: warp::path::FullPath, query: Option<String>, tag: Option<String>| {
                let public = public.clone();
                async move {
                    let path = full.as_str().to_string();
                    let found = tokio::task::spawn_blocking(move || {
                        public.answer(&path, query.as_deref(), tag.as_deref())
                    })
                    .await
                    .ok()
                    .flatten();
                    found.ok_or_else(warp::reject::not_found)
                }
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, Public) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        std::fs::create_dir(dir.path().join("app")).unwrap();
        std::fs::write(dir.path().join("app/index.html"), "<p>app</p>").unwrap();
        std::fs::write(dir.path().join("app/main.js"), "let a = 1;").unwrap();
        let public = Public::open(dir.path()).unwrap();
        (dir, public)
    }

    #[test]
    fn a_folder_answers_its_index_and_redirects_without_its_slash() {
        let (dir, public) = folder();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(public.find("/"), Found::File(root.join("index.html")));
        assert_eq!(
            public.find("/app/"),
            Found::File(root.join("app/index.html"))
        );
        assert_eq!(public.find("/app"), Found::Folder);
        assert_eq!(
            public.find("/app/main.js"),
            Found::File(root.join("app/main.js"))
        );
    }

    #[test]
    fn nothing_outside_the_folder_is_reachable() {
        let (dir, public) = folder();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("link.txt"),
        )
        .unwrap();
        for path in [
            "/../secret.txt",
            "/app/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/app%2f..%2f..%2fsecret.txt",
            "/app%5c..%5csecret.txt",
            "/link.txt",
            "/.hidden",
            "/index.html%00",
            "/%ff",
        ] {
            assert_eq!(public.find(path), Found::Missing, "{path}");
        }
    }

    #[test]
    fn a_file_is_served_with_its_type_and_etag_and_304_when_unchanged() {
        let (_dir, public) = folder();
        let first = public.answer("/app/main.js", None, None).unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(
            first.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
        let again = public.answer("/app/main.js", None, Some(&etag)).unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(public.answer("/nothing.js", None, None).is_none());
    }
}
