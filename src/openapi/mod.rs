//! `/openapi.json`, generated from each domain's endpoint table (paths,
//! methods, summaries, and the schemas of the typed inputs and outputs
//! the handlers decode and answer), so the document cannot drift from
//! the routes: a test asks the server for every operation it lists and
//! checks each table entry is listed. Each domain describes its envelope,
//! status codes and ways of logging in in its [`ApiDocs`].

use std::sync::Arc;

use serde_json::{Map, Value, json};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};

use crate::domains::{ALL, ApiDocs, Descriptor};
use crate::endpoint::{Components, Endpoint};
use crate::web::Response;

mod operation;

#[cfg(test)]
use operation::input_schema;
use operation::{operation, parse};

/// Rewrites a schema utoipa wrote in OpenAPI 3.1 style for this 3.0
/// document: `"type": [T, "null"]` becomes `"nullable": true`, and a
/// `{"type": "null"}` branch of `oneOf` / `anyOf` a branch that admits
/// only null.
pub fn lower_to_3_0(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get("type") {
                let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                let nullable = others.len() < types.len();
                if let [only] = &others[..] {
                    map.insert("type".into(), only.clone());
                }
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(branches)) = map.get_mut(key) else {
                    continue;
                };
                // `nullable` beside `allOf` / `$ref` does not admit null in
                // 3.0, so the null branch stays a branch of its own.
                for branch in branches.iter_mut() {
                    if *branch == json!({"type": "null"}) {
                        *branch = json!({"type": "object", "nullable": true, "enum": [null]});
                    }
                }
            }
            for value in map.values_mut() {
                lower_to_3_0(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(lower_to_3_0),
        _ => {}
    }
}

/// A domain's section of `/docs`: what it is, how to log in, and its API
/// notes (without their title line, which the section already has).
fn tag_description(domain: &Descriptor) -> String {
    let notes = match domain.notes.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => rest,
        _ => domain.notes,
    };
    format!("{}. {}\n\n{}", domain.title, domain.api.login, notes.trim())
}

/// The document for the domains this server serves.
pub fn document(domains: &[&Descriptor]) -> Value {
    let mut paths = match crate::server_wide::openapi_paths() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut tags = vec![json!({"name": "server", "description": "Server-wide routes"})];
    let mut schemes = json!({
        "bearer": {"type": "http", "scheme": "bearer", "description": "The session token (family, parking) or the session cookie's value"},
        "operator": {"type": "http", "scheme": "bearer", "description": "The operator token (--admin-token, or printed at start-up)"}
    });
    // Every domain's schemes are listed, served or not, so the document's
    // components do not depend on --domains.
    for domain in ALL {
        for (name, scheme) in domain.api.security_schemes {
            schemes[*name] = parse(scheme);
        }
    }
    let mut components = Components::new();
    for domain in domains {
        let envelope = parse(domain.api.envelope);
        tags.push(json!({"name": domain.name, "description": tag_description(domain)}));
        for endpoint in (domain.endpoints)() {
            let path = format!("/{}{}", domain.name, endpoint.path);
            let entry = paths.entry(path).or_insert_with(|| json!({}));
            entry[endpoint.method.to_lowercase()] =
                operation(domain, &endpoint, &envelope, &mut components);
        }
    }
    let mut schemas = Map::new();
    for (name, schema) in components {
        let mut schema = serde_json::to_value(schema).unwrap_or_default();
        lower_to_3_0(&mut schema);
        schemas.insert(name, schema);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "onebox",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Five classic web backends in one binary. Bodies may be JSON, URL-encoded forms or (for uploads) multipart; numbers may be sent as strings. Each domain answers in its own envelope. Realtime events: `GET /{domain}/events` is a server-sent-events stream for the logged-in user (in a browser: `new EventSource(url, {withCredentials: true})` with the session cookie, or `?token=` since an EventSource cannot send headers; parking adds `username=`). Events carry an id, a name and JSON data; reconnecting sends `Last-Event-ID` and replays the last 256; `skipped` says some were lost, `ended` that the session ended."
        },
        "tags": tags,
        "paths": paths,
        "components": {"securitySchemes": schemes, "schemas": schemas}
    })
}

/// `GET /openapi.json`, and the Swagger UI at `/docs/` (its files are
/// vendored into the binary by `utoipa-swagger-ui`, so it works offline).
pub fn routes(domains: &[&'static Descriptor]) -> BoxedFilter<(Response,)> {
    // Written on first use: a server nobody reads the docs of does not
    // hold the document (or the memory its building took).
    let served: Arc<[&'static Descriptor]> = domains.into();
    let written: Arc<std::sync::OnceLock<bytes::Bytes>> = Arc::default();
    let openapi = warp::path!("openapi.json").and(warp::get()).map(move || {
        let text = written.get_or_init(|| document(&served).to_string().into());
        let mut response = warp::http::Response::new(text.clone().into());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    });
    let config = Arc::new(
        utoipa_swagger_ui::Config::from("/openapi.json")
            .try_it_out_enabled(true)
            .with_credentials(true)
            .persist_authorization(true)
            .display_request_duration(true),
    );
    let docs = warp::path("docs")
        .and(warp::path::tail())
        .and(warp::path::full())
        .and(warp::get())
        .map(move |tail: warp::path::Tail, full: warp::path::FullPath| {
            if full.as_str() == "/docs" {
                // Relative links in the page need the trailing slash.
                let mut response = Response::default();
                *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
                response
                    .headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static("/docs/"));
                response
            } else {
                docs_file(tail.as_str(), config.clone())
            }
        });
    openapi.or(docs).unify().boxed()
}

fn docs_file(path: &str, config: Arc<utoipa_swagger_ui::Config<'static>>) -> Response {
    match utoipa_swagger_ui::serve(path, config) {
        Ok(Some(file)) => {
            let mut response = warp::http::Response::new(file.bytes.to_vec().into());
            if let Ok(value) = HeaderValue::from_str(&file.content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            if file.gzpipped {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response
        }
        Ok(None) => crate::web::json(
            StatusCode::NOT_FOUND,
            &json!({"error": "not found; the API docs are at /docs/"}),
        ),
        Err(e) => {
            tracing::error!("docs: {e}");
            crate::web::json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"error": "the docs page could not be prepared"}),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_inputs_are_objects_and_files_go_as_multipart() {
        for domain in ALL {
            for endpoint in (domain.endpoints)() {
                let schema = input_schema(&endpoint, &mut Components::new());
                assert_eq!(
                    schema["type"], "object",
                    "{} {}",
                    endpoint.method, endpoint.path
                );
                assert!(schema["properties"].is_object());
            }
        }
        let document = document(ALL);
        let add = &document["paths"]["/shop/shop/{id}/product/add"]["post"]["requestBody"];
        let image = &add["content"]["multipart/form-data"]["schema"]["properties"]["image"];
        assert_eq!(image["format"], "binary", "{add}");
        let login = &document["paths"]["/labs/user/login"]["post"]["requestBody"];
        let schema = &login["content"]["application/json"]["schema"];
        assert_eq!(schema["required"], json!(["sid", "password"]), "{login}");
    }

    /// The schema a JSON pointer reaches inside `schema`, following refs
    /// into the document's components, the parts of an `allOf` (or `anyOf`,
    /// `oneOf`) and list
    /// indexes into `items`.
    fn reach<'a>(document: &'a Value, schema: &'a Value, pointer: &str) -> Option<&'a Value> {
        if let Some(name) = schema["$ref"].as_str() {
            let named = &document["components"]["schemas"][name.rsplit('/').next()?];
            return reach(document, named, pointer);
        }
        for combined in ["allOf", "anyOf", "oneOf"] {
            if let Some(parts) = schema[combined].as_array() {
                return parts.iter().find_map(|part| reach(document, part, pointer));
            }
        }
        let Some(path) = pointer.strip_prefix('/') else {
            return Some(schema);
        };
        let (segment, rest) = path.find('/').map_or((path, ""), |at| path.split_at(at));
        let inner = if segment.parse::<usize>().is_ok() {
            schema.get("items")?
        } else {
            schema["properties"].get(segment)?
        };
        reach(document, inner, rest)
    }

    #[test]
    fn every_link_names_a_real_operation_its_inputs_and_a_field_of_the_answer() {
        let document = document(ALL);
        let mut operations = std::collections::HashMap::new();
        for methods in document["paths"].as_object().unwrap().values() {
            for operation in methods.as_object().unwrap().values() {
                operations.insert(operation["operationId"].as_str().unwrap(), operation);
            }
        }
        let mut count = 0;
        for operation in operations.values() {
            let success = &operation["responses"]["200"];
            let Some(links) = success["links"].as_object() else {
                continue;
            };
            let answer = &success["content"]["application/json"]["schema"];
            for (name, link) in links {
                count += 1;
                let target = operations
                    .get(link["operationId"].as_str().unwrap())
                    .unwrap_or_else(|| panic!("{name}: no such operation"));
                let taken: Vec<String> = target["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        format!(
                            "{}.{}",
                            p["in"].as_str().unwrap(),
                            p["name"].as_str().unwrap()
                        )
                    })
                    .collect();
                let body =
                    &target["requestBody"]["content"]["application/json"]["schema"]["properties"];
                let parameters = link["parameters"].as_object().into_iter().flatten();
                let fields = link["requestBody"].as_object().into_iter().flatten();
                for (field, expression) in parameters.chain(fields) {
                    let is_parameter = link["parameters"].get(field).is_some();
                    assert!(
                        if is_parameter {
                            taken.contains(field)
                        } else {
                            body.get(field).is_some()
                        },
                        "{name}: the target takes no {field}"
                    );
                    let pointer = expression
                        .as_str()
                        .unwrap()
                        .strip_prefix("$response.body#")
                        .unwrap();
                    assert!(
                        reach(&document, answer, pointer).is_some(),
                        "{name}: the answer has no {pointer}"
                    );
                }
            }
        }
        assert!(count > 30, "only {count} links");
    }

    #[test]
    fn every_json_answer_has_a_typed_schema() {
        for domain in ALL {
            let binary: Vec<&str> = domain.api.binary_answers.iter().map(|b| b.0).collect();
            for endpoint in (domain.endpoints)() {
                assert!(
                    endpoint.output.is_some()
                        || binary.contains(&endpoint.path)
                        || !endpoint.events.is_empty(),
                    "{} {} {} declares no output",
                    domain.name,
                    endpoint.method,
                    endpoint.path
                );
            }
            assert!(domain.api.typed_success.is_some(), "{}", domain.name);
        }
    }

    #[test]
    fn every_example_is_json_with_documented_fields() {
        for domain in ALL {
            for endpoint in (domain.endpoints)() {
                let Some(example) = endpoint.example else {
                    continue;
                };
                let body: Value = serde_json::from_str(example)
                    .unwrap_or_else(|e| panic!("{} {}: {e}", endpoint.method, endpoint.path));
                assert!(body.is_object());
                let schema = input_schema(&endpoint, &mut Components::new());
                let names: Vec<&str> = schema["properties"]
                    .as_object()
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in body.as_object().into_iter().flat_map(|o| o.keys()) {
                    assert!(
                        names.contains(&key.as_str()) || key == "token",
                        "{} {} example has {key}, not among {names:?}",
                        endpoint.method,
                        endpoint.path
                    );
                }
            }
        }
    }

    #[test]
    fn no_two_schemas_share_a_component_name() {
        let mut components = Components::new();
        for domain in ALL {
            for endpoint in (domain.endpoints)() {
                input_schema(&endpoint, &mut components);
                if let Some(output) = endpoint.output {
                    output(&mut components);
                }
            }
        }
        let mut seen: std::collections::HashMap<String, Value> = Default::default();
        for (name, schema) in components {
            let schema = serde_json::to_value(schema).unwrap();
            if let Some(earlier) = seen.insert(name.clone(), schema.clone()) {
                assert_eq!(earlier, schema, "two schemas named {name}");
            }
        }
        assert!(
            seen.keys().all(|name| name.contains('.')),
            "{:?}",
            seen.keys()
        );
    }

    #[test]
    fn schemas_are_lowered_to_openapi_3_0() {
        let mut schema = json!({"type": "object", "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}]},
            "c": {"type": "integer", "format": "int64"}
        }});
        lower_to_3_0(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {
                "a": {"type": "string", "nullable": true},
                "b": {"oneOf": [
                    {"type": "object", "nullable": true, "enum": [null]},
                    {"$ref": "#/components/schemas/B"}
                ]},
                "c": {"type": "integer", "format": "int64"}
            }})
        );
    }

    #[test]
    fn every_endpoint_of_every_domain_is_an_operation() {
        let document = document(ALL);
        for domain in ALL {
            for endpoint in (domain.endpoints)() {
                let path = format!("/{}{}", domain.name, endpoint.path);
                let operation = &document["paths"][&path][endpoint.method.to_lowercase()];
                assert!(operation.is_object(), "{} {path}", endpoint.method);
            }
        }
    }
}
