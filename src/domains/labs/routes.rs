//! Labs' warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under
//! the prefix can fall out as a bare warp rejection.

use std::future::Future;

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::{CAPTCHA_COOKIE, COOKIE, ENDPOINTS, envelope, handlers, handlers::Call};
use crate::app::{SharedApp, with_app};
use crate::web::{self, Response};

/// Every request under the prefix, answered in labs' envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{captcha_image, reply, reply_with_cookie};
    use handlers as h;
    use warp::{get, path, post};
    let a = &app;
    let api = route(
        path!("user" / "login"),
        post(),
        a,
        h::login,
        reply_with_cookie,
    )
    .or(route(path!("user" / "type"), get(), a, h::user_type, reply))
    .unify()
    .or(route(
        path!("user" / "logout"),
        post(),
        a,
        h::logout,
        reply_with_cookie,
    ))
    .unify()
    .or(route(
        path!("user" / "login" / "code"),
        get(),
        a,
        h::login_code,
        captcha_image,
    ))
    .unify()
    .or(route(
        path!("user" / "register" / "mail"),
        post(),
        a,
        h::register_mail,
        reply,
    ))
    .unify()
    .or(route(
        path!("user" / "register" / "code"),
        post(),
        a,
        h::register_code,
        reply,
    ))
    .unify()
    .or(route(
        path!("user" / "resetPassword" / "mail"),
        post(),
        a,
        h::reset_mail,
        reply,
    ))
    .unify()
    .or(route(
        path!("user" / "resetPassword" / "code"),
        post(),
        a,
        h::reset_code,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "create"),
        post(),
        a,
        h::project_create,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "count" / "lab"),
        get(),
        a,
        h::count_lab,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "count" / "status"),
        get(),
        a,
        h::count_status,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "student"),
        get(),
        a,
        h::student_projects,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "one"),
        get(),
        a,
        h::project_one,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "lab"),
        get(),
        a,
        h::lab_projects,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "all"),
        get(),
        a,
        h::all_projects,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "update"),
        post(),
        a,
        h::project_update,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "review"),
        post(),
        a,
        h::project_review,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "delete" / "student"),
        post(),
        a,
        h::delete_by_student,
        reply,
    ))
    .unify()
    .or(route(
        path!("project" / "delete"),
        post(),
        a,
        h::delete_many,
        reply,
    ))
    .unify()
    .or(route(
        path!("lab" / "get" / "all"),
        get(),
        a,
        h::lab_all,
        reply,
    ))
    .unify()
    .or(route(path!("lab" / "get"), get(), a, h::lab_get, reply))
    .unify()
    .or(route(
        path!("lab" / "create"),
        post(),
        a,
        h::lab_create,
        reply,
    ))
    .unify()
    .or(route(
        path!("lab" / "update"),
        post(),
        a,
        h::lab_update,
        reply,
    ))
    .unify()
    .or(route(
        path!("lab" / "delete"),
        post(),
        a,
        h::lab_delete,
        reply,
    ))
    .unify();
    api.or(web::unrouted(ENDPOINTS).map(envelope::unrouted))
        .unify()
        .boxed()
}

/// One endpoint: its path and method, the handler, and how its result is
/// rendered.
fn route<H, Fut, T>(
    path: impl Filter<Extract = (), Error = Rejection> + Clone + Send + Sync + 'static,
    method: impl Filter<Extract = (), Error = Rejection> + Clone + Send + Sync + 'static,
    app: &SharedApp,
    handler: H,
    render: fn(T) -> Response,
) -> BoxedFilter<(Response,)>
where
    H: Fn(Call) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    path.and(method)
        .and(call(app))
        .then(handler)
        .map(render)
        .boxed()
}

/// The shared input of every endpoint.
fn call(app: &SharedApp) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(crate::session::presented(COOKIE))
        .and(crate::session::cookie(CAPTCHA_COOKIE))
        .and(web::client_ip())
        .map(|app, input, token, captcha_id, ip| Call {
            app,
            input,
            token,
            captcha_id,
            ip,
        })
}
