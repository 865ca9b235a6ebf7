//! Labs' warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under
//! the prefix can fall out as a bare warp rejection.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::{CAPTCHA_COOKIE, COOKIE, envelope, handlers, handlers::Call};
use warp::http::Method;

use crate::app::SharedApp;
use crate::endpoint::{self, Route};
use crate::web::Response;

/// Every endpoint of labs, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use super::input::*;
    use crate::endpoint::{link, route};
    use envelope::{captcha_image, reply, reply_with_cookie as cookie};
    use handlers as h;
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/user/login", h::login, cookie)
            .summary("Log in (sid = student number or e-mail, password, captcha code, remember); sets the session cookie")
            .example(r#"{"sid": "20160030", "password": "student1234", "code": "ab12"}"#),
        route(Method::GET, "/user/type", h::user_type, reply)
            .summary("The caller's role (0 none, 1 student, 2 lab leader, 3 admin) with student / lab / admin"),
        route(Method::POST, "/user/logout", h::logout, cookie)
            .summary("End the session"),
        route(Method::GET, "/user/login/code", h::login_code, captcha_image)
            .summary("A JPEG captcha for the next login (single use, 5 minutes, case-insensitive)"),
        route(Method::POST, "/user/register/mail", h::register_mail, reply)
            .summary("Mail a registration code (email)"),
        route(Method::POST, "/user/register/code", h::register_code, reply)
            .summary("Register a student (email, code, name, password; optional sid, phone, college, grade, major, introduce)"),
        route(Method::POST, "/user/resetPassword/mail", h::reset_mail, reply)
            .summary("Mail a password reset code (email)"),
        route(Method::POST, "/user/resetPassword/code", h::reset_code, reply)
            .summary("Set a new password with the mailed code (email, code, password)"),
        route(Method::POST, "/project/create", h::project_create, reply)
            .summary("Create a project led by the caller (name, lab_name, aim, memberIds; description, duration, coach_id, type)")
            .input::<NewProject>()
            .example(r#"{"name": "智能小车", "lab_name": "智能系统实验室", "aim": "参加竞赛", "memberIds": "20160031@20160032", "duration": 15552000}"#),
        route(Method::GET, "/project/count/lab", h::count_lab, reply)
            .summary("Number of a lab's projects (lab_id); admin or that lab's leader"),
        route(Method::GET, "/project/count/status", h::count_status, reply)
            .summary("Number of projects in a state (status: 0 all, 1 待审核, 2 已拒绝, 3 进行中, 4 已取消, 5 已完成, 6 已超时, 7 请求中); admin"),
        route(Method::GET, "/project/student", h::student_projects, reply)
            .summary("A student's projects (sid); admin or the student"),
        route(Method::GET, "/project/one", h::project_one, reply)
            .summary("One project with its members (id); admin, its lab's leader or a member"),
        route(Method::GET, "/project/lab", h::lab_projects, reply)
            .summary("A lab's projects in a state (status, lab_id; page, rows when status is 0, all); admin or that lab's leader"),
        route(Method::GET, "/project/all", h::all_projects, reply)
            .links(const { &[link("GET", "/project/one", &[("id", "/data/0/id")]), link("POST", "/project/update", &[("id", "/data/0/id")]), link("POST", "/project/review", &[("id", "/data/0/id")]), link("POST", "/project/delete/student", &[("pid", "/data/0/id")])] })
            .summary("Projects in a state, paged (status, page, rows); admin"),
        route(Method::POST, "/project/update", h::project_update, reply)
            .summary("Update a project (id, name, duration, aim, type, memberIds; description, coach_id, notify); admin or its lab's leader")
            .input::<ProjectChange>(),
        route(Method::POST, "/project/review", h::project_review, reply)
            .summary("Move a project to a state (id, opt_status: 3 approve, 5 finish, 2 reject); admin or its lab's leader"),
        route(Method::POST, "/project/delete/student", h::delete_by_student, reply)
            .summary("Delete (newValue 1, the default) or restore (0) one's own project (pid); its leader"),
        route(Method::POST, "/project/delete", h::delete_many, reply)
            .summary("Delete or restore projects (ids joined by @, newValue); admin or their lab's leader"),
        route(Method::GET, "/lab/get/all", h::lab_all, reply)
            .links(const { &[link("GET", "/lab/get", &[("id", "/data/0/id")]), link("POST", "/lab/update", &[("id", "/data/0/id")]), link("GET", "/project/count/lab", &[("lab_id", "/data/0/id")]), link("POST", "/lab/delete", &[("id", "/data/0/id")])] })
            .summary("Every lab"),
        route(Method::GET, "/lab/get/name", h::lab_names, reply)
            .summary("Every lab's name (the original's, for the project form)"),
        route(Method::GET, "/lab/get", h::lab_get, reply)
            .summary("One lab (id)"),
        route(Method::POST, "/lab/create", h::lab_create, reply)
            .summary("Create a lab (name; leader_id, description, classroom); admin"),
        route(Method::POST, "/lab/update", h::lab_update, reply)
            .summary("Change a lab (id; name, leader_id, description, classroom); admin, or its leader (not leader_id)"),
        route(Method::POST, "/lab/delete", h::lab_delete, reply)
            .summary("Delete a lab that has no projects (id); admin"),
        route(Method::GET, "/noti/get", h::notifications, reply)
            .summary("The caller's unread notifications, newest first (id, type, content, from, time)"),
        route(Method::POST, "/noti/read", h::read_notification, reply)
            .summary("Mark one of the caller's notifications read (nid)"),
        route(Method::POST, "/noti/read/all", h::read_all_notifications, reply)
            .summary("Mark every notification of the caller read"),
        route(Method::GET, "/bulletin/get", h::bulletins, reply)
            .links(const { &[link("GET", "/bulletin/one", &[("id", "/data/0/id")])] })
            .summary("Bulletins, newest first (page, rows; rows above 100 are 100)"),
        route(Method::GET, "/bulletin/one", h::bulletin, reply)
            .summary("One bulletin (id; read_count=true counts the read)"),
        route(Method::GET, "/bulletin/count", h::bulletin_count, reply)
            .summary("Number of bulletins"),
        route(Method::POST, "/bulletin/create", h::bulletin_create, reply)
            .summary("Post a bulletin (title, content); an admin (系统公告) or a lab's leader (their lab's)")
            .example(r#"{"title": "开放日", "content": "周六实验室开放参观"}"#),
        route(Method::POST, "/bulletin/update", h::bulletin_update, reply)
            .summary("Rewrite a bulletin (id, title, content); an admin, or the leader of the lab that posted it"),
        route(Method::POST, "/bulletin/delete", h::bulletin_delete, reply)
            .summary("Delete bulletins (ids joined by @), all or none; an admin, or a lab's leader their lab's"),
        route(Method::GET, "/events", h::events, crate::envelope::stream::<envelope::Shape>)
            .summary("Server-sent events for the user: changes to the projects they are a member of, lead the lab of, or (admins) any")
            .input::<crate::events::StreamQuery>()
            .events(&[("project", "`id`, `name`, `lab_name`, `opt_status`, `deleted` and `change` (`created`, `updated`, `reviewed`, `deleted`, `restored`): to its members, its lab's leader and every admin")]),
    ];
    table
}

/// Every request under the prefix, answered in labs' envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &app;
    endpoint::domain_tree(
        table(),
        call(a),
        crate::envelope::unrouted::<envelope::Shape>,
    )
}

/// The shared input of every endpoint.
fn call(app: &SharedApp) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    let captcha = crate::session::cookie(CAPTCHA_COOKIE).map(|id| handlers::Captcha { id });
    crate::app::call(app, Some(COOKIE), captcha)
}
