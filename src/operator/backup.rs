//! `GET /_/api/backup`: a consistent snapshot of the database to download,
//! made with SQLite's online backup as `onebox backup` makes it, while
//! the server goes on serving. `GET /_/api/backups/{name}`: one of the
//! scheduled backups the overview lists.

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, header};

use crate::app::SharedApp;
use crate::error::Error;
use crate::web::Response;

/// The backup downloads.
pub fn routes(app: &SharedApp) -> BoxedFilter<(Response,)> {
    fresh(app).or(scheduled(app)).unify().boxed()
}

/// A scheduled backup by the name the overview lists; 404 for any other
/// name, so nothing else on the disk is reachable.
fn scheduled(app: &SharedApp) -> BoxedFilter<(Response,)> {
    let app = app.clone();
    warp::path!("api" / "backups" / String)
        .and(warp::get())
        .then(move |name: String| {
            let app = app.clone();
            async move {
                let Some(path) = app.backups.path_of(&name) else {
                    return crate::web::json(
                        warp::http::StatusCode::NOT_FOUND,
                        &serde_json::json!({"error": "no such backup"}),
                    );
                };
                match tokio::task::spawn_blocking(move || std::fs::read(path)).await {
                    Ok(Ok(bytes)) => download(bytes, &name),
                    Ok(Err(e)) => super::internal(Error::from(e)),
                    Err(e) => super::internal(Error::from(e)),
                }
            }
        })
        .boxed()
}

/// A snapshot made now.
fn fresh(app: &SharedApp) -> BoxedFilter<(Response,)> {
    let app = app.clone();
    warp::path!("api" / "backup")
        .and(warp::get())
        .then(move || {
            let app = app.clone();
            let source = app.db.path().to_path_buf();
            async move {
                let copied = tokio::task::spawn_blocking(move || snapshot(&source))
                    .await
                    .map_err(Error::from)
                    .and_then(|copied| copied);
                let bytes = match copied {
                    Ok(bytes) => bytes,
                    Err(e) => return super::internal(e),
                };
                let now = crate::clock::now().to_string();
                let noted = app
                    .db
                    .write(move |tx| {
                        tx.execute(
                            "INSERT INTO settings (name, value) VALUES (?1, ?2)
                             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                            (super::overview::LAST_BACKUP, now),
                        )?;
                        Ok::<_, Error>(())
                    })
                    .await;
                if let Err(e) = noted {
                    tracing::warn!("noting the backup time: {e}");
                }
                let name = format!(
                    "onebox-{}.db",
                    crate::clock::format_unix(
                        crate::clock::now(),
                        time::macros::format_description!(
                            "[year][month][day]-[hour][minute][second]"
                        ),
                        "backup"
                    )
                );
                download(bytes, &name)
            }
        })
        .boxed()
}

/// The snapshot's bytes: backed up into a scratch file, read, removed.
fn snapshot(source: &std::path::Path) -> Result<Vec<u8>, Error> {
    let scratch =
        std::env::temp_dir().join(format!("onebox-backup-{}.db", crate::session::new_token()?));
    let copied = crate::db::backup(source, &scratch).and_then(|()| Ok(std::fs::read(&scratch)?));
    let _ = std::fs::remove_file(&scratch);
    copied
}

fn download(bytes: Vec<u8>, file_name: &str) -> Response {
    let name = format!("attachment; filename=\"{file_name}\"");
    let mut response = Response::new(bytes.into());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.sqlite3"),
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
