//! Reading a request's input off the wire: the query string, then the body
//! by its content type, within the size and time limits. [`read`] is the
//! whole parser over any stream of chunks, so the fuzz targets and the unit
//! tests drive exactly what a request drives.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::Value;
use warp::Filter;

use super::{BodyError, Form, Limits, Upload, array_base, parse_json, parse_urlencoded};

/// What a request's headers say about its body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sent<'a> {
    /// `Content-Type` as sent (a multipart boundary is case-sensitive).
    pub content_type: &'a str,
    /// `Content-Length`, when declared.
    pub length: Option<usize>,
}

/// The query string, and the body of any method, merged (body fields win).
pub fn input(
    limits: Limits,
) -> impl Filter<Extract = (Result<Form, BodyError>,), Error = warp::Rejection> + Clone {
    raw_query()
        .and(crate::web::header_text("content-type"))
        .and(crate::web::header_text("content-length"))
        .and(warp::body::stream())
        .then(
            move |query: String,
                  content_type: Option<String>,
                  length: Option<String>,
                  stream| async move {
                let sent = Sent {
                    content_type: content_type.as_deref().unwrap_or(""),
                    length: length.and_then(|v| v.trim().parse().ok()),
                };
                let reading = async {
                    #[cfg(feature = "fuzz-seeds")]
                    let stream = super::seeds::kept(&query, sent, stream).await;
                    read(&query, sent, stream, limits).await
                };
                tokio::time::timeout(limits.time, reading)
                    .await
                    .map_err(|_| BodyError::TooSlow {
                        secs: limits.time.as_secs(),
                    })?
            },
        )
}

/// The query string alone.
pub fn query()
-> impl Filter<Extract = (Result<Form, BodyError>,), Error = std::convert::Infallible> + Clone {
    raw_query().map(|raw: String| parse_urlencoded(raw.as_bytes()))
}

fn raw_query() -> impl Filter<Extract = (String,), Error = std::convert::Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// A request's input: `query` (URL-encoded, without the `?`) merged with
/// the body arriving on `stream`, whose fields win. Never reads past a
/// limit: a body that goes over is refused as soon as it does.
pub async fn read<S, B, E>(
    query: &str,
    sent: Sent<'_>,
    stream: S,
    limits: Limits,
) -> Result<Form, BodyError>
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: Buf + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let query = parse_urlencoded(query.as_bytes())?;
    let mut form = read_body(sent, stream, limits).await?;
    form.merge_missing(query);
    Ok(form)
}

async fn read_body<S, B, E>(sent: Sent<'_>, stream: S, limits: Limits) -> Result<Form, BodyError>
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: Buf + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let content_type = sent.content_type.to_ascii_lowercase();
    let stream = stream.map(|chunk| chunk.map(|mut buf| buf.copy_to_bytes(buf.remaining())));

    if content_type.starts_with("multipart/form-data") {
        if sent.length.is_some_and(|len| len > limits.upload) {
            return Err(BodyError::TooLarge {
                limit: limits.upload,
            });
        }
        // The boundary is case-sensitive (Chromium's has capitals): take it
        // from the header as sent, not from the lowercased copy.
        let boundary = multer::parse_boundary(sent.content_type)
            .map_err(|e| BodyError::Multipart(e.to_string()))?;
        return read_multipart(stream, boundary, limits).await;
    }

    if sent.length.is_some_and(|len| len > limits.form) {
        return Err(BodyError::TooLarge { limit: limits.form });
    }
    let raw = collect(stream, limits.form).await?;
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(Form::default());
    }
    if content_type.starts_with("application/json") || content_type.contains("+json") {
        // reqwest.js and jQuery send `a=b&c=d` under a JSON label when a
        // page sets contentType but not processData; the seeds' Django
        // servers read such a body as the form it is.
        let first = raw.trim_ascii_start().first().copied();
        if first.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'%' || b == b'_')
            && raw.contains(&b'=')
        {
            parse_urlencoded(&raw)
        } else {
            parse_json(&raw)
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        parse_urlencoded(&raw)
    } else if content_type.is_empty() || content_type.starts_with("text/plain") {
        // Clients that forget the header: a body that looks like JSON is JSON.
        if raw.trim_ascii_start().first() == Some(&b'{') {
            parse_json(&raw)
        } else {
            parse_urlencoded(&raw)
        }
    } else {
        Err(BodyError::UnsupportedType(content_type))
    }
}

async fn collect<S, E>(stream: S, limit: usize) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    let mut stream = std::pin::pin!(stream);
    let mut buffer = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Read)?;
        if buffer.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

async fn read_multipart<S, E>(
    stream: S,
    boundary: String,
    limits: Limits,
) -> Result<Form, BodyError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limits.upload as u64)
            .per_field(limits.upload as u64),
    );
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut form = Form::default();
    let refused = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            BodyError::TooLarge {
                limit: limits.upload,
            }
        }
        other => BodyError::Multipart(other.to_string()),
    };
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(refused)?;
        if file_name.is_some() {
            form.files.push(Upload {
                field: array_base(&name).map(str::to_string).unwrap_or(name),
                file_name,
                bytes,
            });
        } else {
            if bytes.len() > limits.form {
                return Err(BodyError::TooLarge { limit: limits.form });
            }
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| BodyError::Multipart(format!("field {name} is not UTF-8 text")))?;
            form.insert(name, Value::String(text));
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_as(content_type: &str, raw: &'static str) -> Result<Form, BodyError> {
        let sent = Sent {
            content_type,
            length: Some(raw.len()),
        };
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(raw))]);
        read("", sent, stream, Limits::default()).await
    }

    #[tokio::test]
    async fn a_form_labelled_json_is_read_as_the_form_it_is() {
        let form = body_as("application/json", "token=abc&id=7&title=%E4%BD%A0")
            .await
            .unwrap();
        assert_eq!(form.text("token").unwrap().as_deref(), Some("abc"));
        assert_eq!(form.int("id").unwrap(), Some(7));
        assert_eq!(form.text("title").unwrap().as_deref(), Some("你"));
        let json = body_as("application/json; charset=utf-8", r#" {"id": 8}"#)
            .await
            .unwrap();
        assert_eq!(json.int("id").unwrap(), Some(8));
        assert!(matches!(
            body_as("application/json", "{oops=1").await,
            Err(BodyError::Json(_))
        ));
    }
}
