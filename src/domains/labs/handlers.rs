//! Labs' handlers: typed input and state in, `Result<data, Error>` out.
//! Checks run in one order everywhere: a readable body, then the session
//! and role (400; a role that depends on an id is checked once the id is
//! read), then the fields and the domain's rules (300).

use std::net::IpAddr;

use serde_json::{Value, json};

use super::envelope::{Error, failed};
use super::model::{
    self, Caller, CodeProblem, NewUser, Profile, ProjectFields, Purpose, check_email, check_name,
    check_required_text, check_text,
};
use super::store::{self, ProjectFilter};
use super::{CAPTCHA_COOKIE, COOKIE, DOMAIN, REMEMBERED_SESSIONS, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, Form};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// The session token: `Authorization: Bearer`, else the session cookie.
    pub token: Option<String>,
    /// The captcha cookie set by `user/login/code`.
    pub captcha_id: Option<String>,
    pub ip: Option<IpAddr>,
}

/// The caller's live session, if any.
async fn caller(app: &SharedApp, token: Option<String>) -> Result<Option<Caller>, Error> {
    let Some(token) = token else {
        return Ok(None);
    };
    let found = session::account(&app.db, DOMAIN, token, store::caller).await?;
    Ok(found.map(|(caller, _)| caller))
}

/// The caller, who must be logged in.
async fn logged_in(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    caller(app, token).await?.ok_or(Error::Denied)
}

/// The caller, who must be an admin.
async fn admin(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    let caller = logged_in(app, token).await?;
    if caller.is_admin() {
        Ok(caller)
    } else {
        Err(Error::Denied)
    }
}

/// A required text field, or "`what`不能为空".
fn required(form: &Form, name: &str, what: &str) -> Result<String, Error> {
    form.text(name)?
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| failed(format!("{what}不能为空")))
}

/// A required whole number.
fn required_int(form: &Form, name: &str) -> Result<i64, Error> {
    form.int(name)?
        .ok_or_else(|| failed(format!("{name} 不能为空")))
}

/// `true`, `"true"`, `1`, `"1"` and `"on"` are yes; absent is no.
fn flag(form: &Form, name: &str) -> bool {
    match form.get(name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "true" | "1" | "on" | "yes"),
        _ => false,
    }
}

// ---- user services

/// POST /user/login
pub async fn login(call: Call) -> Result<(Value, String), Error> {
    let form = call.input?;
    let login = required(&form, "sid", "学号或邮箱")?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("密码不能为空"))?;
    let remember = flag(&form, "remember");
    let app = call.app;
    if app.flags.labs.captcha == crate::cli::Switch::On {
        let given = form.text("code")?.ok_or_else(|| failed("验证码不能为空"))?;
        let captcha_id = match call.captcha_id {
            Some(id) => id,
            None => form
                .text("captcha_id")?
                .ok_or_else(|| failed("请先获取验证码图片"))?,
        };
        let now = clock::now();
        let answer = app
            .db
            .write(move |tx| store::take_captcha(tx, &captcha_id, now))
            .await?
            .ok_or_else(|| failed("验证码已过期，请刷新验证码"))?;
        if !crate::captcha::matches(&answer, &given) {
            return Err(failed("验证码错误，请刷新后重试"));
        }
    }
    let name = login.clone();
    let lookup = app.db.read(move |conn| store::user_by_login(conn, &name));
    let user = match app
        .password_login(DOMAIN, &login, call.ip, password, lookup)
        .await?
    {
        Ok(user) => user,
        Err(Refused::Throttled(minutes)) => return Err(Error::Throttled(minutes)),
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(failed("学号/邮箱或密码错误"));
        }
    };
    let policy = if remember {
        REMEMBERED_SESSIONS
    } else {
        SESSIONS
    };
    let now = clock::now();
    let (token, caller) = app
        .db
        .write(move |tx| {
            let token = session::create(tx, DOMAIN, user.id, policy, now)?;
            let caller = store::caller(tx, user.id)?;
            Ok::<_, Error>((token, caller))
        })
        .await?;
    let max_age = remember.then_some(policy.max_age_secs);
    let cookie = session::set_cookie(COOKIE, &token, max_age);
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    let mut data = model::role_view(caller.as_ref());
    if let Value::Object(fields) = &mut data {
        fields.insert("token".into(), Value::String(token));
    }
    Ok((data, cookie))
}

/// GET /user/type
pub async fn user_type(call: Call) -> Result<Value, Error> {
    call.input?;
    let caller = caller(&call.app, call.token).await?;
    Ok(model::role_view(caller.as_ref()))
}

/// POST /user/logout
pub async fn logout(call: Call) -> Result<(Value, String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok((Value::Null, session::clear_cookie(COOKIE)))
}

/// GET /user/login/code: the JPEG, the cookie naming it, and its id.
pub async fn login_code(call: Call) -> Result<(Vec<u8>, String, String), Error> {
    let challenge = tokio::task::spawn_blocking(crate::captcha::generate)
        .await
        .map_err(crate::error::Error::from)?
        .ok_or_else(|| Error::Internal(crate::error::Error::Other("drawing a captcha".into())))?;
    let id = session::new_token()?;
    let now = clock::now();
    let (stored_id, answer) = (id.clone(), challenge.answer);
    call.app
        .db
        .write(move |tx| store::insert_captcha(tx, &stored_id, &answer, now))
        .await?;
    let cookie = session::set_cookie(CAPTCHA_COOKIE, &id, Some(model::CAPTCHA_LIFETIME_SECS));
    Ok((challenge.jpeg, cookie, id))
}

/// Mails a fresh code for `purpose`, at most one mail a minute per address.
async fn mail_code(app: &SharedApp, email: String, purpose: Purpose) -> Result<Value, Error> {
    let code = model::new_code()?;
    let now = clock::now();
    let (stored_email, stored_code) = (email.clone(), code.clone());
    app.db
        .write(move |tx| store::issue_code(tx, &stored_email, purpose, &stored_code, now))
        .await?
        .map_err(|wait| failed(format!("邮件发送太频繁，请 {wait} 秒后再试")))?;
    let (subject, action) = match purpose {
        Purpose::Register => ("【实验室项目管理】注册验证码", "注册"),
        Purpose::Reset => ("【实验室项目管理】重置密码验证码", "重置密码"),
    };
    let body = format!(
        "您好！\n\n您正在{action}，验证码是：\n\n    {code}\n\n验证码 {} 分钟内有效，只能使用一次，最多可尝试 {} 次。\n如果这不是您本人的操作，请忽略本邮件。\n",
        model::CODE_LIFETIME_SECS / 60,
        model::CODE_TRIES
    );
    if let Err(e) = app
        .mailer
        .send(&app.db, DOMAIN, &email, subject, &body)
        .await
    {
        tracing::warn!("labs: mailing a {} code: {e}", purpose.as_str());
        app.db
            .write(move |tx| store::withdraw_code(tx, &email, purpose, &code))
            .await?;
        return Err(failed("验证码邮件发送失败，请稍后再试"));
    }
    Ok(Value::Null)
}

/// POST /user/register/mail
pub async fn register_mail(call: Call) -> Result<Value, Error> {
    mail_code_to(call, Purpose::Register).await
}

/// POST /user/resetPassword/mail
pub async fn reset_mail(call: Call) -> Result<Value, Error> {
    mail_code_to(call, Purpose::Reset).await
}

/// The `email` of a mail request: new for registration, known for a reset.
async fn mail_code_to(call: Call, purpose: Purpose) -> Result<Value, Error> {
    let form = call.input?;
    let email = check_email(&required(&form, "email", "邮箱")?)?;
    let lookup = email.clone();
    let registered = call
        .app
        .db
        .read(move |conn| store::user_by_email(conn, &lookup))
        .await?
        .is_some();
    match purpose {
        Purpose::Register if registered => Err(failed("该邮箱已注册")),
        Purpose::Reset if !registered => Err(failed("该邮箱未注册")),
        _ => mail_code(&call.app, email, purpose).await,
    }
}

/// Checks a code without using it; a wrong one counts as a try. Lets a bad
/// code fail before any password is hashed.
async fn precheck_code(
    app: &SharedApp,
    email: &str,
    purpose: Purpose,
    code: &str,
) -> Result<(), Error> {
    let now = clock::now();
    let (email, code) = (email.to_string(), code.to_string());
    let checked_email = email.clone();
    match app
        .db
        .read(move |conn| store::check_code(conn, &checked_email, purpose, &code, now))
        .await?
    {
        Ok(()) => Ok(()),
        Err(CodeProblem::Wrong) => {
            let left = app
                .db
                .write(move |tx| store::wrong_try(tx, &email, purpose))
                .await?;
            Err(CodeProblem::Wrong.error(left))
        }
        Err(problem) => Err(problem.error(0)),
    }
}

/// POST /user/register/code
pub async fn register_code(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let email = check_email(&required(&form, "email", "邮箱")?)?;
    let code = required(&form, "code", "验证码")?;
    let name = check_name(&required(&form, "name", "姓名")?)?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("密码不能为空"))?;
    let sid = match form.text("sid")? {
        Some(sid) => model::check_sid(&sid)?,
        None => email.clone(),
    };
    let profile = Profile {
        phone: check_text(form.text("phone")?, 20, "电话")?,
        college: check_text(form.text("college")?, 64, "学院")?,
        grade: check_text(form.text("grade")?, 16, "年级")?,
        major: check_text(form.text("major")?, 64, "专业")?,
        introduce: check_text(form.text("introduce")?, 1000, "个人简介")?,
    };
    let app = call.app;
    app.passwords.check_new(&password)?;
    precheck_code(&app, &email, Purpose::Register, &code).await?;
    let hash = app.passwords.hash(password).await?;
    let user = NewUser {
        sid,
        email: Some(email.clone()),
        name,
        profile,
        is_admin: false,
    };
    let now = clock::now();
    app.db
        .write(move |tx| {
            store::use_code(tx, &email, Purpose::Register, &code, now)?;
            store::insert_user(tx, &user, &hash, now)
        })
        .await?;
    Ok(Value::Null)
}

/// POST /user/resetPassword/code: the new password ends every session.
pub async fn reset_code(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let email = check_email(&required(&form, "email", "邮箱")?)?;
    let code = required(&form, "code", "验证码")?;
    let password = form
        .text("password")?
        .ok_or_else(|| failed("密码不能为空"))?;
    let app = call.app;
    app.passwords.check_new(&password)?;
    precheck_code(&app, &email, Purpose::Reset, &code).await?;
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            store::use_code(tx, &email, Purpose::Reset, &code, now)?;
            let user = store::user_by_email(tx, &email)?.ok_or_else(|| failed("该邮箱未注册"))?;
            store::set_password(tx, user.id, &hash)?;
            session::end_others(tx, DOMAIN, user.id, None)?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(Value::Null)
}

// ---- project services

/// The editable fields of create and update; `leader_sid` is dropped from
/// the members.
fn project_fields(
    form: &Form,
    leader_sid: &str,
    duration_required: bool,
) -> Result<ProjectFields, Error> {
    let duration = match form.int("duration")? {
        Some(d) => model::check_duration(d)?,
        None if duration_required => return Err(failed("duration 不能为空")),
        None => 0,
    };
    Ok(ProjectFields {
        name: check_required_text(form.text("name")?, 100, "项目名称")?,
        description: check_text(form.text("description")?, 5000, "项目描述")?,
        duration,
        coach_id: check_text(form.text("coach_id")?, 64, "指导老师")?,
        aim: check_required_text(form.text("aim")?, 2000, "项目目标")?,
        kind: check_text(form.text("type")?, 64, "项目类型")?,
        member_sids: model::parse_member_ids(form.text("memberIds")?, leader_sid)?,
    })
}

/// POST /project/create: the caller, a student, leads the new project.
pub async fn project_create(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    if caller.is_admin() {
        return Err(Error::Denied);
    }
    let lab_name = required(&form, "lab_name", "实验室名称")?;
    let fields = project_fields(&form, &caller.user.sid, false)?;
    let now = clock::now();
    let leader = caller.user.id;
    call.app
        .db
        .write(move |tx| store::insert_project(tx, leader, &lab_name, &fields, now))
        .await?;
    Ok(Value::Null)
}

/// GET /project/count/lab
pub async fn count_lab(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let lab_id = required_int(&form, "lab_id")?;
    if !caller.manages(lab_id) {
        return Err(Error::Denied);
    }
    let count = call
        .app
        .db
        .read(move |conn| {
            store::lab_by_id(conn, lab_id)?.ok_or_else(|| failed("实验室不存在"))?;
            store::count_of_lab(conn, lab_id)
        })
        .await?;
    Ok(json!(count))
}

/// GET /project/count/status
pub async fn count_status(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let status = model::check_status(required_int(&form, "status")?)?;
    let count = call
        .app
        .db
        .read(move |conn| store::count_with_status(conn, status))
        .await?;
    Ok(json!(count))
}

/// GET /project/student
pub async fn student_projects(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let sid = required(&form, "sid", "sid")?;
    if !caller.is_admin() && caller.user.sid != sid {
        return Err(Error::Denied);
    }
    let list = call
        .app
        .db
        .read(move |conn| {
            let student = store::user_by_sid(conn, &sid)?
                .filter(|u| !u.is_admin)
                .ok_or_else(|| failed(format!("学生 {sid} 不存在")))?;
            store::project_list(conn, ProjectFilter::OfStudent(student.id), None)
        })
        .await?;
    Ok(json!(list))
}

/// GET /project/one: any logged-in user (the seed marks no permission);
/// members' e-mail and phone only for an admin, the project's lab leader
/// and its members.
pub async fn project_one(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_int(&form, "id")?;
    call.app
        .db
        .read(move |conn| {
            let project =
                store::project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
            let members = store::members(conn, id)?;
            let is_member = members.iter().any(|m| m.user_id == caller.user.id);
            let contacts = caller.manages(project.lab_id) || is_member;
            Ok(project.detail(members, contacts))
        })
        .await
}

/// GET /project/lab: any logged-in user (the seed marks no permission);
/// paged when `status` is 0, as the seed says.
pub async fn lab_projects(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    logged_in(&call.app, call.token).await?;
    let lab_id = required_int(&form, "lab_id")?;
    let status = model::check_status(required_int(&form, "status")?)?;
    let page = if status == 0 {
        Some(model::check_page(form.int("page")?, form.int("rows")?)?)
    } else {
        None
    };
    let list = call
        .app
        .db
        .read(move |conn| {
            store::lab_by_id(conn, lab_id)?.ok_or_else(|| failed("实验室不存在"))?;
            store::project_list(conn, ProjectFilter::OfLab { lab_id, status }, page)
        })
        .await?;
    Ok(json!(list))
}

/// GET /project/all (admin)
pub async fn all_projects(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let status = model::check_status(required_int(&form, "status")?)?;
    let page = model::check_page(form.int("page")?, form.int("rows")?)?;
    let list = call
        .app
        .db
        .read(move |conn| store::project_list(conn, ProjectFilter::WithStatus(status), Some(page)))
        .await?;
    Ok(json!(list))
}

/// POST /project/update: with `notify`, every member is mailed.
pub async fn project_update(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_int(&form, "id")?;
    if form.text("type")?.is_none() {
        return Err(failed("项目类型不能为空"));
    }
    let notify = flag(&form, "notify");
    let app = call.app;
    // The leader is whoever created the project; read it to drop them
    // from memberIds. The writer checks permission and existence again.
    let leader_sid = app
        .db
        .read(move |conn| store::project(conn, id))
        .await?
        .ok_or_else(|| failed(format!("项目 {id} 不存在")))?
        .leader_sid;
    let fields = project_fields(&form, &leader_sid, true)?;
    let editor = caller.user.name.clone();
    let (project, members) = app
        .db
        .write(move |tx| store::update_project(tx, &caller, id, &fields))
        .await?;
    if notify {
        let subject = format!("【实验室项目管理】项目「{}」已更新", project.name);
        let body = format!(
            "您好！\n\n您参与的项目「{}」（编号 {}，{}）的信息已由 {editor} 更新，请登录查看。\n",
            project.name, project.id, project.lab_name
        );
        for member in members {
            let Some(email) = member.email else { continue };
            if let Err(e) = app
                .mailer
                .send(&app.db, DOMAIN, &email, &subject, &body)
                .await
            {
                tracing::warn!("labs: notifying {email} of project {id}: {e}");
            }
        }
    }
    Ok(Value::Null)
}

/// POST /project/review
pub async fn project_review(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_int(&form, "id")?;
    let status = model::check_status(required_int(&form, "opt_status")?)?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::review_project(tx, &caller, id, status, now))
        .await?;
    Ok(Value::Null)
}

/// POST /project/delete/student: the project's leader hides it (or back).
pub async fn delete_by_student(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_int(&form, "pid")?;
    let deleted = model::check_new_value(form.int("newValue")?)?;
    let user_id = caller.user.id;
    call.app
        .db
        .write(move |tx| store::set_deleted_by_leader(tx, user_id, id, deleted))
        .await?;
    Ok(Value::Null)
}

/// POST /project/delete: all the ids or none.
pub async fn delete_many(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let ids = model::parse_ids(&required(&form, "ids", "ids")?)?;
    let deleted = model::check_new_value(form.int("newValue")?)?;
    if !caller.is_admin() && caller.lab.is_none() {
        return Err(Error::Denied);
    }
    call.app
        .db
        .write(move |tx| store::set_deleted(tx, &caller, &ids, deleted))
        .await?;
    Ok(Value::Null)
}

// ---- lab services

/// GET /lab/get/all
pub async fn lab_all(call: Call) -> Result<Value, Error> {
    call.input?;
    let labs = call.app.db.read(store::labs).await?;
    Ok(Value::Array(labs.iter().map(model::Lab::view).collect()))
}

/// GET /lab/get
pub async fn lab_get(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    let id = required_int(&form, "id")?;
    let lab = call
        .app
        .db
        .read(move |conn| store::lab_by_id(conn, id))
        .await?
        .ok_or_else(|| failed("实验室不存在"))?;
    Ok(lab.view())
}

/// POST /lab/create (admin)
pub async fn lab_create(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let name = check_required_text(form.text("name")?, 64, "实验室名称")?;
    let leader = form.text("leader_id")?.map(|s| s.trim().to_string());
    let description = check_text(form.text("description")?, 2000, "实验室简介")?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::insert_lab(tx, &name, leader.as_deref(), &description, now))
        .await?;
    Ok(Value::Null)
}

/// POST /lab/update (admin): fields not sent stay as they are.
pub async fn lab_update(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let id = required_int(&form, "id")?;
    let name = form
        .text("name")?
        .map(|n| check_required_text(Some(n), 64, "实验室名称"))
        .transpose()?;
    let leader = form.text("leader_id")?.map(|s| s.trim().to_string());
    let description = form
        .text("description")?
        .map(|d| check_text(Some(d), 2000, "实验室简介"))
        .transpose()?;
    call.app
        .db
        .write(move |tx| {
            store::update_lab(
                tx,
                id,
                name.as_deref(),
                leader.as_deref(),
                description.as_deref(),
            )
        })
        .await?;
    Ok(Value::Null)
}

/// POST /lab/delete (admin)
pub async fn lab_delete(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let id = required_int(&form, "id")?;
    call.app
        .db
        .write(move |tx| store::delete_lab(tx, id))
        .await?;
    Ok(Value::Null)
}
