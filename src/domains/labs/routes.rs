//! Labs' warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under
//! the prefix can fall out as a bare warp rejection.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::{CAPTCHA_COOKIE, COOKIE, ENDPOINTS, envelope, handlers, handlers::Call};
use crate::app::{SharedApp, with_app};
use crate::web::{self, Response};

/// Every request under the prefix, answered in labs' envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{captcha_image, reply, reply_with_cookie as cookie};
    use handlers as h;
    use warp::{get, path, post};
    use web::route;
    let a = &app;
    #[rustfmt::skip]
    let routes = vec![
        route(path!("user" / "login"), post(), call(a), h::login, cookie),
        route(path!("user" / "type"), get(), call(a), h::user_type, reply),
        route(path!("user" / "logout"), post(), call(a), h::logout, cookie),
        route(path!("user" / "login" / "code"), get(), call(a), h::login_code, captcha_image),
        route(path!("user" / "register" / "mail"), post(), call(a), h::register_mail, reply),
        route(path!("user" / "register" / "code"), post(), call(a), h::register_code, reply),
        route(path!("user" / "resetPassword" / "mail"), post(), call(a), h::reset_mail, reply),
        route(path!("user" / "resetPassword" / "code"), post(), call(a), h::reset_code, reply),
        route(path!("project" / "create"), post(), call(a), h::project_create, reply),
        route(path!("project" / "count" / "lab"), get(), call(a), h::count_lab, reply),
        route(path!("project" / "count" / "status"), get(), call(a), h::count_status, reply),
        route(path!("project" / "student"), get(), call(a), h::student_projects, reply),
        route(path!("project" / "one"), get(), call(a), h::project_one, reply),
        route(path!("project" / "lab"), get(), call(a), h::lab_projects, reply),
        route(path!("project" / "all"), get(), call(a), h::all_projects, reply),
        route(path!("project" / "update"), post(), call(a), h::project_update, reply),
        route(path!("project" / "review"), post(), call(a), h::project_review, reply),
        route(path!("project" / "delete" / "student"), post(), call(a), h::delete_by_student, reply),
        route(path!("project" / "delete"), post(), call(a), h::delete_many, reply),
        route(path!("lab" / "get" / "all"), get(), call(a), h::lab_all, reply),
        route(path!("lab" / "get"), get(), call(a), h::lab_get, reply),
        route(path!("lab" / "create"), post(), call(a), h::lab_create, reply),
        route(path!("lab" / "update"), post(), call(a), h::lab_update, reply),
        route(path!("lab" / "delete"), post(), call(a), h::lab_delete, reply),
    ];
    web::domain_tree(ENDPOINTS, routes, envelope::unrouted)
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
