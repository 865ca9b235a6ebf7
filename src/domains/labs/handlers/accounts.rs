//! User services.

use super::*;

/// POST /user/login
pub async fn login(
    call: Call,
    Input(input::Login {
        sid,
        password,
        code,
        captcha_id,
        remember,
    }): Input<input::Login>,
) -> Result<(model::Timed<model::LoginJson>, String), Error> {
    let login = required(sid, "学号或邮箱")?;
    let password = password.ok_or_else(|| failed("密码不能为空"))?;
    let remember = remember.0;
    let app = call.app;
    if app.flags::<super::super::Flags>().captcha == crate::args::Switch::On {
        let given = code.ok_or_else(|| failed("验证码不能为空"))?;
        let captcha_id = match call.extra.id {
            Some(id) => id,
            None => captcha_id.ok_or_else(|| failed("请先获取验证码图片"))?,
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
    let policy = if remember {
        REMEMBERED_SESSIONS
    } else {
        SESSIONS
    };
    let name = login.clone();
    let lookup = app.db.read(move |conn| store::user_by_login(conn, &name));
    let (user, token) = match app
        .log_in(DOMAIN, policy, &login, call.ip, password, lookup)
        .await?
    {
        Ok(done) => done,
        Err(Refused::Throttled(minutes)) => return Err(Error::Throttled(minutes)),
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(failed("学号/邮箱或密码错误"));
        }
    };
    let caller = app
        .db
        .read(move |conn| store::caller(conn, user.id))
        .await?;
    let max_age = remember.then_some(policy.max_age_secs);
    let cookie = session::set_cookie(COOKIE, &token, max_age);
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    let data = model::LoginJson {
        role: model::role_view(caller.as_ref()),
        token,
    };
    Ok((timed(&app, data), cookie))
}

/// GET /user/type
pub async fn user_type(call: Call) -> Result<model::Timed<model::RoleJson>, Error> {
    call.input?;
    let caller: Option<Caller> = session::optional(&call.app.db, call.token).await?;
    Ok(timed(&call.app, model::role_view(caller.as_deref())))
}

/// POST /user/logout
pub async fn logout(call: Call) -> Result<((), String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok(((), session::clear_cookie(COOKIE)))
}

/// GET /user/login/code: the JPEG, the cookie naming it, and its id.
pub async fn login_code(call: Call) -> Result<crate::domains::labs::envelope::CaptchaImage, Error> {
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
    Ok(crate::domains::labs::envelope::CaptchaImage {
        jpeg: challenge.jpeg,
        cookie,
        id,
    })
}

/// Mails a fresh code for `purpose`, at most one mail a minute per address.
async fn mail_code(app: &SharedApp, email: String, purpose: Purpose) -> Result<(), Error> {
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
    Ok(())
}

/// POST /user/register/mail
pub async fn register_mail(call: Call, Input(to): Input<input::Email>) -> Result<(), Error> {
    mail_code_to(call, to, Purpose::Register).await
}

/// POST /user/resetPassword/mail
pub async fn reset_mail(call: Call, Input(to): Input<input::Email>) -> Result<(), Error> {
    mail_code_to(call, to, Purpose::Reset).await
}

/// The `email` of a mail request: new for registration, known for a reset.
async fn mail_code_to(
    call: Call,
    input::Email { email }: input::Email,
    purpose: Purpose,
) -> Result<(), Error> {
    let email = check_email(&required(email, "邮箱")?)?;
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
pub async fn register_code(
    call: Call,
    Input(input): Input<input::Registration>,
) -> Result<(), Error> {
    let email = check_email(&required(input.email, "邮箱")?)?;
    let code = required(input.code, "验证码")?;
    let name = check_name(&required(input.name, "姓名")?)?;
    let password = input.password.ok_or_else(|| failed("密码不能为空"))?;
    let sid = match input.sid {
        Some(sid) => model::check_sid(&sid)?,
        None => email.clone(),
    };
    let profile = Profile {
        phone: check_text(input.phone, 20, "电话")?,
        college: check_text(input.college, 64, "学院")?,
        grade: check_text(input.grade, 16, "年级")?,
        major: check_text(input.major, 64, "专业")?,
        introduce: check_text(input.introduce, 1000, "个人简介")?,
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
    Ok(())
}

/// POST /user/resetPassword/code: the new password ends every session.
pub async fn reset_code(
    call: Call,
    Input(input::Reset {
        email,
        code,
        password,
    }): Input<input::Reset>,
) -> Result<(), Error> {
    let email = check_email(&required(email, "邮箱")?)?;
    let code = required(code, "验证码")?;
    let password = password.ok_or_else(|| failed("密码不能为空"))?;
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
    Ok(())
}
