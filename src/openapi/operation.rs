//! One operation of the document: its parameters, request body, answers
//! in the domain's envelope, links and event-stream description.

use super::*;

/// The schema of a path parameter: text for names, else a whole number.
fn path_parameter(name: &str) -> Value {
    if name == "username" {
        json!({"type": "string"})
    } else {
        json!({"type": "integer"})
    }
}

pub(super) fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::error!("an API description is not JSON: {e}");
        json!({})
    })
}

/// An endpoint's input as one object schema: its typed input's, or an
/// empty object when it takes nothing.
pub(super) fn input_schema(endpoint: &Endpoint, components: &mut Components) -> Value {
    match endpoint.input {
        Some(input) => {
            let mut schema = input(components);
            lower_to_3_0(&mut schema);
            schema
        }
        None => json!({"type": "object", "properties": {}}),
    }
}

/// The operationId of an endpoint: its domain, method and path in one word.
fn operation_id(domain: &str, method: &str, path: &str) -> String {
    format!("{domain}_{}{path}", method.to_lowercase())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The links of an endpoint's success, in OpenAPI's form: each target's
/// operationId, its path and query parameters and its body fields as
/// runtime expressions into this answer.
fn links(domain: &str, endpoint: &Endpoint) -> Value {
    let mut links = Map::new();
    for link in endpoint.links {
        let mut parameters = Map::new();
        let mut body = Map::new();
        for (field, pointer) in link.fields {
            let expression = json!(format!("$response.body#{pointer}"));
            if link.path.contains(&format!("{{{field}}}")) {
                parameters.insert(format!("path.{field}"), expression);
            } else if link.method == "GET" {
                parameters.insert(format!("query.{field}"), expression);
            } else {
                body.insert((*field).to_string(), expression);
            }
        }
        let target = operation_id(domain, link.method, link.path);
        let mut definition = json!({"operationId": target});
        if !parameters.is_empty() {
            definition["parameters"] = Value::Object(parameters);
        }
        if !body.is_empty() {
            definition["requestBody"] = Value::Object(body);
        }
        links.insert(target, definition);
    }
    Value::Object(links)
}

/// One endpoint as an OpenAPI operation: its parameters and body, its
/// answers (200 and the domain's statuses) and its security.
pub(super) fn operation(
    domain: &Descriptor,
    endpoint: &Endpoint,
    envelope: &Value,
    components: &mut Components,
) -> Value {
    let docs: &ApiDocs = &domain.api;
    let mut op = Map::new();
    op.insert("tags".into(), json!([domain.name]));
    op.insert("summary".into(), json!(endpoint.summary));
    op.insert(
        "operationId".into(),
        json!(operation_id(domain.name, endpoint.method, endpoint.path)),
    );
    let (parameters, request_body) = request(endpoint, components);
    if let Some(request_body) = request_body {
        op.insert("requestBody".into(), request_body);
    }
    op.insert("parameters".into(), Value::Array(parameters));
    let mut success = success(docs, endpoint, envelope, components);
    if !endpoint.links.is_empty() {
        success["links"] = links(domain.name, endpoint);
    }
    let mut responses = Map::new();
    responses.insert("200".into(), success);
    for (status, what) in docs.statuses {
        responses.insert(
            status.to_string(),
            json!({"description": what, "content": {"application/json": {"schema": envelope}}}),
        );
    }
    op.insert("responses".into(), Value::Object(responses));
    let mut security: Vec<Value> = docs
        .security_schemes
        .iter()
        .map(|(name, _)| json!({ *name: [] }))
        .collect();
    if docs.bearer {
        security.push(json!({"bearer": []}));
    }
    security.push(json!({}));
    op.insert("security".into(), Value::Array(security));
    Value::Object(op)
}

/// What an operation takes: its path and (for GET) query parameters, and
/// the body of any other method, from the endpoint's input schema.
fn request(endpoint: &Endpoint, components: &mut Components) -> (Vec<Value>, Option<Value>) {
    let mut parameters = Vec::new();
    for segment in endpoint.path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parameters.push(json!({"name": name, "in": "path", "required": true,
                                   "schema": path_parameter(name)}));
        }
    }
    let schema = input_schema(endpoint, components);
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut request_body = None;
    if endpoint.method == "GET" {
        for (name, field) in &properties {
            let required = required.contains(&name.as_str());
            parameters
                .push(json!({"name": name, "in": "query", "required": required, "schema": field}));
        }
    } else if !properties.is_empty() {
        let example = endpoint
            .example
            .and_then(|body| serde_json::from_str::<Value>(body).ok());
        let files = properties.values().any(|field| field["format"] == "binary");
        let content = if files {
            json!({"multipart/form-data": {"schema": schema}})
        } else if let Some(example) = example {
            json!({"application/json": {"schema": schema, "example": example},
                   "application/x-www-form-urlencoded": {"schema": schema}})
        } else {
            json!({"application/json": {"schema": schema},
                   "application/x-www-form-urlencoded": {"schema": schema}})
        };
        request_body = Some(json!({"required": true, "content": content}));
    }
    (parameters, request_body)
}

/// The 200 answer: an event stream, a file, or the domain's envelope with
/// the endpoint's output where it declares one.
fn success(
    docs: &ApiDocs,
    endpoint: &Endpoint,
    envelope: &Value,
    components: &mut Components,
) -> Value {
    let binary = docs
        .binary_answers
        .iter()
        .find(|(path, _, _)| *path == endpoint.path);
    match binary {
        _ if !endpoint.events.is_empty() => {
            let told: Vec<String> = endpoint
                .events
                .iter()
                .map(|(name, what)| format!("`{name}`: {what}"))
                .collect();
            json!({"description": format!(
                "A `text/event-stream`: each event has an `id`, an `event` name and JSON `data`; \
                 a `:heartbeat` comment every {} s; `skipped` (data `{{\"missed\": n}}`) when events were lost, \
                 `ended` when the session ends. Resume with the `Last-Event-ID` header or `last_event_id` \
                 (the last {} events of the domain are kept). \
                 Events: {}. A refusal (no session, too many streams) is the domain's envelope.",
                crate::events::HEARTBEAT.as_secs(), crate::events::BACKLOG, told.join("; ")),
                "content": {"text/event-stream": {"schema": sse_event_schema(endpoint.events)},
                            "application/json": {"schema": envelope}}})
        }
        Some((_, media, what)) => {
            let format = if media.starts_with("image/svg") {
                json!({"type": "string"})
            } else {
                json!({"type": "string", "format": "binary"})
            };
            json!({"description": what, "content": {*media: {"schema": format}}})
        }
        None => {
            let schema = match (endpoint.output, docs.typed_success) {
                (Some(output), _) if endpoint.bare => {
                    let mut body = output(components);
                    lower_to_3_0(&mut body);
                    body
                }
                (Some(output), Some(success)) => {
                    let mut data = output(components);
                    lower_to_3_0(&mut data);
                    success(data)
                }
                _ => envelope.clone(),
            };
            json!({"description": "The answer in the domain's envelope",
                    "content": {"application/json": {"schema": schema}}})
        }
    }
}

/// One server-sent event as SSE-aware tools read it: its `data` is the
/// JSON text of the event, its `event` one of the stream's names or the
/// stream's own `skipped` and `ended`.
fn sse_event_schema(events: &[(&str, &str)]) -> Value {
    let mut names: Vec<&str> = events.iter().map(|(name, _)| *name).collect();
    names.extend(["skipped", "ended"]);
    json!({"type": "object", "required": ["data"], "properties": {
        "id": {"type": "string"},
        "event": {"type": "string", "enum": names},
        "data": {"type": "string"},
        "retry": {"type": "integer"}}})
}
