//! `--compat rental`: the `state` codes of the original system. Its
//! interface document says `state` is 1 or 0; the same revision's
//! `doc/state.md` and its front-end use three-digit codes, which the login
//! and register pages switch on (110 logged in, 211 wrong password, 221
//! name taken …). With the switch on, every rental answer's `state` is
//! rewritten from the endpoint and the outcome.

use http_body_util::BodyExt;
use serde_json::Value;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::header;

use crate::web::Response;

/// The tree, its answers carrying the original's codes.
pub fn state_codes(tree: BoxedFilter<(Response,)>) -> BoxedFilter<(Response,)> {
    warp::path::full()
        .and(tree)
        .then(
            |path: warp::path::FullPath, response: Response| async move {
                recode(path.as_str(), response).await
            },
        )
        .boxed()
}

async fn recode(path: &str, response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Response::from_parts(parts, bytes::Bytes::new().into()),
    };
    let mut answer: Value = match serde_json::from_slice(&bytes) {
        Ok(answer) => answer,
        Err(_) => return Response::from_parts(parts, bytes.into()),
    };
    let Some(state) = answer.get("state").and_then(Value::as_i64) else {
        return Response::from_parts(parts, bytes.into());
    };
    let message = answer
        .get("error_msg")
        .and_then(Value::as_str)
        .unwrap_or("");
    answer["state"] = state_code(path, state == 1, message).into();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&answer).unwrap_or_else(|_| bytes.to_vec());
    Response::from_parts(parts, bytes::Bytes::from(body).into())
}

/// The original's code for an answer of the endpoint at `path`
/// (`doc/state.md`): 1xx success and 2xx failure by what the endpoint
/// does, 001 for a missing login.
pub fn state_code(path: &str, ok: bool, message: &str) -> i64 {
    let path = path.trim_end_matches('/');
    let is = |suffix: &str| path.ends_with(suffix);
    let under = |folder: &str| path.contains(folder);
    if !ok && message == "请先登录" {
        return 1;
    }
    let (success, failure) = if is("/operation/login") {
        (110, 210)
    } else if is("/operation/register") {
        (120, 220)
    } else if under("/modify/") {
        (130, 230)
    } else if is("/data/addhouse") || is("/data/addrental") {
        (150, 250)
    } else if is("/operation/apply-house") || is("/operation/provide-house") {
        (160, 260)
    } else if is("/data/uploadfile") {
        (170, 270)
    } else if under("/delete/") {
        (180, 280)
    } else if is("/gethouselist") || is("/getrentallist") || under("/data/") || under("/query/") {
        (140, 240)
    } else {
        (100, 200)
    };
    if ok {
        return success;
    }
    match failure {
        210 if message.contains("用户名或密码") => 211,
        220 if message.contains("已存在") => 221,
        220 => 222,
        230 if message.contains("手机") => 231,
        230 if message.contains("密码") => 232,
        240 if message.contains("seq") => 241,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::state_code;

    #[test]
    fn codes_follow_the_endpoint_and_the_outcome() {
        assert_eq!(state_code("/rental/operation/login/", true, ""), 110);
        assert_eq!(
            state_code("/operation/login", false, "用户名或密码错误"),
            211
        );
        assert_eq!(
            state_code("/rental/operation/register", false, "用户名已存在"),
            221
        );
        assert_eq!(state_code("/rental/gethouselist", true, ""), 140);
        assert_eq!(state_code("/rental/data/addhouse", false, "请先登录"), 1);
        assert_eq!(state_code("/rental/delete/house", true, ""), 180);
        assert_eq!(state_code("/rental/operation/logout", true, ""), 100);
    }
}
