//! Accounts.

use super::*;

/// POST /operation/register
pub async fn register(call: Call, Input(input): Input<input::Registration>) -> Result<Done, Error> {
    let username = model::check_username(&input.username.0)?;
    let password = input.password;
    let name = input.name.0;
    let id_type = input.id_type.0;
    let id_number = input.id_number.0;
    let phone = model::check_phone(&input.phone.0)?;
    let city = input.city.0;
    for (value, what) in [
        (&name, "name"),
        (&id_type, "id_type"),
        (&id_number, "id_number"),
        (&city, "city"),
    ] {
        if value.chars().count() > 32 {
            return Err(failed(format!("{what} 不能超过 32 个字符")));
        }
    }
    let app = call.app;
    app.passwords.check_new(&password)?;
    let lookup = username.clone();
    if app
        .db
        .read(move |conn| store::user_by_name(conn, &lookup))
        .await?
        .is_some()
    {
        return Err(failed("用户名已存在"));
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            let user = NewUser {
                username: &username,
                name: &name,
                id_type: &id_type,
                id_number: &id_number,
                phone: &phone,
                city: &city,
                admin: false,
            };
            store::insert_user(tx, &user, &hash, now)
        })
        .await?;
    Ok(Done {})
}

/// POST /operation/login
pub async fn login(
    call: Call,
    Input(input::Credentials { username, password }): Input<input::Credentials>,
) -> Result<(model::Token, String), Error> {
    let username = username.0;
    let app = call.app;
    let name = username.clone();
    let lookup = app.db.read(move |conn| store::user_by_name(conn, &name));
    let (_, token) = match app
        .log_in(DOMAIN, SESSIONS, &username, call.ip, password, lookup)
        .await?
    {
        Ok(done) => done,
        Err(Refused::Throttled(minutes)) => return Err(Error::Throttled(minutes)),
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(failed("用户名或密码错误"));
        }
    };
    let cookie = session::set_cookie(COOKIE, &token, Some(SESSIONS.max_age_secs));
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    Ok((model::Token { token }, cookie))
}

/// POST /operation/logout (not in the seed): ends the session and clears
/// the cookie.
pub async fn logout(call: Call) -> Result<(Done, String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok((Done {}, session::clear_cookie(COOKIE)))
}

/// POST /query/user-exist
pub async fn user_exist(
    call: Call,
    Input(input::Username { username }): Input<input::Username>,
) -> Result<model::Exist, Error> {
    let username = username.0;
    let exist = call
        .app
        .db
        .read(move |conn| store::user_by_name(conn, &username))
        .await?
        .is_some();
    Ok(model::Exist { exist })
}

/// POST /data/user-info
pub async fn user_info(_: Call, caller: Caller) -> Result<model::UserInfo, Error> {
    Ok(caller.info())
}

/// POST /modify/password: ends the account's other sessions.
pub async fn modify_password(
    call: Call,
    caller: Caller,
    Input(input::Password { password }): Input<input::Password>,
) -> Result<Done, Error> {
    let app = call.app;
    app.passwords.check_new(&password)?;
    let hash = app.passwords.hash(password).await?;
    let (user_id, keep) = (caller.id, caller.token_hash);
    app.db
        .write(move |tx| {
            store::set_password(tx, user_id, &hash)?;
            session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(Done {})
}

/// POST /modify/phone
pub async fn modify_phone(
    call: Call,
    caller: Caller,
    Input(input::Phone { phone }): Input<input::Phone>,
) -> Result<Done, Error> {
    let phone = model::check_phone(&phone.0)?;
    let user_id = caller.id;
    call.app
        .db
        .write(move |tx| store::set_phone(tx, user_id, &phone))
        .await?;
    Ok(Done {})
}
