//! Accounts.

use super::*;

/// POST /user/register/customer
pub async fn register_customer(call: Call) -> Result<Said<()>, Error> {
    register(call, CUSTOMER).await.map_err(Error::registration)
}

/// POST /user/register/seller
pub async fn register_seller(call: Call) -> Result<Said<()>, Error> {
    register(call, SELLER).await.map_err(Error::registration)
}

async fn register(call: Call, role: &'static str) -> Result<Said<()>, Error> {
    let input: input::Registration = decode(&call.input?)?;
    let name = required_text(input.name, "name", 50)?;
    let phone = model::check_phone(&required_text(input.phone, "phone", 20)?)?;
    let email = model::check_email(&required_text(input.email, "email", 100)?)?;
    let password = input.password;
    let app = call.app;
    app.passwords.check_new(&password)?;
    let lookup = email.clone();
    if app
        .db
        .read(move |conn| store::user_by_email(conn, &lookup))
        .await?
        .is_some()
    {
        return Err(Error::Registration("该邮箱已注册".into()));
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            let user = NewUser {
                email: &email,
                name: &name,
                phone: &phone,
                role,
            };
            store::insert_user(tx, &user, &hash, now)
        })
        .await?;
    Ok(said("注册成功", ()))
}

/// POST /user/login: sets the session cookie (its value also works as
/// `Authorization: Bearer`).
pub async fn login(call: Call) -> Result<(Said<TokenJson>, String), Error> {
    let form = call.input.map_err(|e| Error::from(e).credentials())?;
    let input::Credentials { email, password } = decode(&form).map_err(Error::credentials)?;
    let email = required_text(email, "email", 100)
        .and_then(|email| model::check_email(&email))
        .map_err(Error::credentials)?;
    let app = call.app;
    let lookup_email = email.clone();
    let lookup = app
        .db
        .read(move |conn| store::user_by_email(conn, &lookup_email));
    let (_, token) = match app
        .log_in(DOMAIN, SESSIONS, &email, call.ip, password, lookup)
        .await?
    {
        Ok(done) => done,
        Err(Refused::Throttled(minutes)) => {
            return Err(Error::Credentials(format!(
                "登录失败次数过多，请 {minutes} 分钟后再试"
            )));
        }
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(Error::Credentials("用户名或密码错误".into()));
        }
    };
    let cookie = session::set_cookie(COOKIE, &token, Some(SESSIONS.max_age_secs));
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    Ok((said("登录成功", TokenJson { token }), cookie))
}

/// POST /user/logout: ends the session, if any, and clears the cookie.
pub async fn logout(call: Call) -> Result<(Said<()>, String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok((said("登出成功", ()), session::clear_cookie(COOKIE)))
}

/// GET /user/profile
pub async fn profile(call: Call, caller: Caller) -> Result<Said<ProfileJson>, Error> {
    let user_id = caller.id;
    let shop = call
        .app
        .db
        .lookup(move |conn| store::shop_of(conn, user_id))
        .await?;
    Ok(said("", caller.profile(shop)))
}

/// POST /user/change-password: keeps this session, ends the others.
pub async fn change_password(call: Call, caller: Caller) -> Result<Said<()>, Error> {
    let form = call.input?;
    let app = call.app;
    let input::PasswordChange {
        old_password: old,
        new_password: new,
        confirm_new_password,
    } = decode(&form).map_err(Error::credentials)?;
    if new != confirm_new_password {
        return Err(Error::Credentials("两次输入的新密码不一致".into()));
    }
    app.passwords.check_new(&new)?;
    if !app
        .passwords
        .verify(old, caller.password_hash.clone())
        .await?
    {
        return Err(Error::Credentials("旧密码错误".into()));
    }
    let hash = app.passwords.hash(new).await?;
    let (user_id, keep) = (caller.id, caller.token_hash);
    app.db
        .write(move |tx| {
            store::set_password(tx, user_id, &hash)?;
            session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(said("密码修改成功", ()))
}
