//! Accounts: register, log in and out, the user's own details.

use super::*;

/// A contact field as sent, else `current`; checked.
fn profile_field(
    sent: Patch,
    name: &str,
    current: &str,
    check: fn(&str) -> Result<(), Error>,
) -> Result<String, Error> {
    let value = model::optional_text(sent.0, name, 100)?.unwrap_or_else(|| current.to_string());
    check(&value)?;
    Ok(value)
}

/// The contact fields sent, the others as in `current`.
fn profile_from([telephone, email, sex]: [Patch; 3], current: &Profile) -> Result<Profile, Error> {
    Ok(Profile {
        telephone: profile_field(
            telephone,
            "telephone",
            &current.telephone,
            model::check_telephone,
        )?,
        email: profile_field(email, "email", &current.email, model::check_email)?,
        sex: profile_field(sex, "sex", &current.sex, |sex| {
            if sex.chars().count() > 16 {
                Err(bad("sex 不能超过 16 个字符"))
            } else {
                Ok(())
            }
        })?,
    })
}

/// `password` and `pwdagain`, matching and within the password rules.
fn new_password(
    app: &SharedApp,
    password: Option<String>,
    again: Option<String>,
) -> Result<String, Error> {
    let password = password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| bad("缺少参数 password"))?;
    let again = again.unwrap_or_default();
    if password != again {
        return Err(bad("两次密码不一致"));
    }
    app.passwords.check_new(&password)?;
    Ok(password)
}

/// POST user_manage/register/: a new account, logged in (`token`).
pub async fn register(
    call: Call,
    Input(input): Input<input::Registration>,
) -> Result<model::TokenJson, Error> {
    let username = model::check_username(&input.username.0)?;
    let app = call.app;
    let password = new_password(&app, Some(input.password), input.pwdagain)?;
    let sent = [input.telephone, input.email, input.sex];
    let profile = profile_from(sent, &Profile::default())?;
    let lookup = username.clone();
    if app
        .db
        .read(move |conn| store::user_by_name(conn, &lookup))
        .await?
        .is_some()
    {
        return Err(bad("用户名重复"));
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    let token = app
        .db
        .write(move |tx| {
            let id = store::insert_user(tx, &username, &hash, &profile, now)?;
            Ok::<_, Error>(session::create(tx, DOMAIN, id, SESSIONS, now)?)
        })
        .await?;
    Ok(model::TokenJson { token })
}

/// POST user_manage/login/: a new session (`token`); 429 while throttled.
pub async fn login(
    call: Call,
    Input(input::Credentials { username, password }): Input<input::Credentials>,
) -> Result<model::TokenJson, Error> {
    let username = username.0;
    let app = call.app;
    let name = username.clone();
    let lookup = app.db.read(move |conn| store::user_by_name(conn, &name));
    let (_, token) = match app
        .log_in(DOMAIN, SESSIONS, &username, call.ip, password, lookup)
        .await?
    {
        Ok(done) => done,
        Err(Refused::Throttled(_)) => return Err(Error::Throttled),
        // The seed's answer to a failed login.
        Err(Refused::UnknownAccount | Refused::WrongPassword) => return Err(bad("Bad Request")),
    };
    Ok(model::TokenJson { token })
}

/// DELETE user_manage/logout/: ends the session the token names.
pub async fn logout(call: Call, caller: Caller) -> Result<Done, Error> {
    session::end_presented(&call.app.db, Some(caller.token))
        .await
        .map_err(|_| bad("登出失败"))?;
    Ok(Done {})
}

pub(super) async fn family_of(
    app: &SharedApp,
    user: &User,
) -> Result<Option<model::Family>, Error> {
    let Some(family_id) = user.family_id else {
        return Ok(None);
    };
    app.db
        .lookup(move |conn| store::family_by_id(conn, family_id))
        .await
}

/// GET user_manage/user_info/: the caller, with `family1`.
pub async fn user_info(call: Call, caller: Caller) -> Result<model::UserJson, Error> {
    let family = family_of(&call.app, &caller.user).await?;
    Ok(model::user_json(&caller.user, family.as_ref()))
}

/// PUT user_manage/user_info/: changes the fields sent (`username`,
/// `telephone`, `email`, `sex`; `password` with `pwdagain`, which ends the
/// other sessions). `id` and `family1` are read-only.
pub async fn update_user_info(
    call: Call,
    Caller { user, token, .. }: Caller,
    Input(input): Input<input::AccountChange>,
) -> Result<model::UserJson, Error> {
    let app = call.app;
    if let Some(id) = input.id
        && id != user.id
    {
        return Err(forbidden("只能修改自己的信息"));
    }
    let username = match input.username {
        Some(name) => model::check_username(name.trim())?,
        None => user.username.clone(),
    };
    let current = Profile {
        telephone: user.telephone.clone(),
        email: user.email.clone(),
        sex: user.sex.clone(),
    };
    let profile = profile_from([input.telephone, input.email, input.sex], &current)?;
    let hash = match input.password {
        Patch(Some(password)) => {
            let password = new_password(&app, Some(password), input.pwdagain)?;
            Some(app.passwords.hash(password).await?)
        }
        Patch(None) => None,
    };
    let (user_id, keep) = (user.id, session::hash(&token));
    let updated = app
        .db
        .write(move |tx| {
            store::update_user(tx, user_id, &username, &profile)?;
            if let Some(hash) = &hash {
                store::set_password(tx, user_id, hash)?;
                session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            }
            store::user_by_id(tx, user_id)?.ok_or_else(|| not_found("用户不存在"))
        })
        .await?;
    let family = family_of(&app, &updated).await?;
    Ok(model::user_json(&updated, family.as_ref()))
}
