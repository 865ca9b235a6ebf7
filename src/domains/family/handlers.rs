//! Family's account, message and family handlers: typed input in,
//! `Result<_, Error>` out. Checks run in one order everywhere: a readable
//! body, then the token (HTTP 401), then the fields (400), then the rules
//! of the data (403 / 404 / 418 / 460).

use std::net::IpAddr;

use serde::de::DeserializeOwned;

use super::envelope::{Error, bad, forbidden, not_found};
use super::input;
use super::model::{self, Done, User};
use super::store::{self, Profile};
use super::{DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, DecodeError, Form, Patch};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// `Authorization: Bearer <token>`, if sent.
    pub bearer: Option<String>,
    pub ip: Option<IpAddr>,
    /// A reconnecting event stream's `Last-Event-ID`.
    pub last_event_id: Option<u64>,
}

/// A request whose token named a live session.
pub struct Authed {
    pub app: SharedApp,
    pub form: Form,
    pub user: User,
    pub token: String,
}

/// The token of a request: `?token=` or a body field `token`, else
/// `Authorization: Bearer`.
fn token_of(form: &Form, bearer: Option<String>) -> Option<String> {
    form.text("token")
        .ok()
        .flatten()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or(bearer)
}

/// The caller, from the token; 401 without a live session.
pub async fn authenticate(call: Call) -> Result<Authed, Error> {
    let form = call.input?;
    let token = token_of(&form, call.bearer).ok_or(Error::Unauthenticated("no token"))?;
    let caller = session::caller(&call.app.db, DOMAIN, Some(token.clone()), store::user_by_id)
        .await?
        .ok_or(Error::Unauthenticated("token 无效或已过期"))?;
    Ok(Authed {
        app: call.app,
        form,
        user: caller.account,
        token,
    })
}

/// The request's typed input: a field left out is "缺少参数 `name`", money
/// of the wrong form its own message.
pub fn decode<T: DeserializeOwned>(form: &Form) -> Result<T, Error> {
    form.decode().map_err(|e: DecodeError| {
        e.answer(
            |name| bad(format!("缺少参数 {name}")),
            |wrong| input::wrong_value(&wrong.field).map(bad),
        )
    })
}

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

// ---- accounts

/// POST user_manage/register/: a new account, logged in (`token`).
pub async fn register(call: Call) -> Result<model::TokenJson, Error> {
    let input: input::Registration = decode(&call.input?)?;
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
pub async fn login(call: Call) -> Result<model::TokenJson, Error> {
    let input::Credentials { username, password } = decode(&call.input?)?;
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
pub async fn logout(call: Call) -> Result<Done, Error> {
    let authed = authenticate(call).await?;
    session::end_presented(&authed.app.db, Some(authed.token))
        .await
        .map_err(|_| bad("登出失败"))?;
    Ok(Done {})
}

async fn family_of(app: &SharedApp, user: &User) -> Result<Option<model::Family>, Error> {
    let Some(family_id) = user.family_id else {
        return Ok(None);
    };
    app.db
        .read(move |conn| store::family_by_id(conn, family_id))
        .await
}

/// GET user_manage/user_info/: the caller, with `family1`.
pub async fn user_info(call: Call) -> Result<model::UserJson, Error> {
    let authed = authenticate(call).await?;
    let family = family_of(&authed.app, &authed.user).await?;
    Ok(model::user_json(&authed.user, family.as_ref()))
}

/// PUT user_manage/user_info/: changes the fields sent (`username`,
/// `telephone`, `email`, `sex`; `password` with `pwdagain`, which ends the
/// other sessions). `id` and `family1` are read-only.
pub async fn update_user_info(call: Call) -> Result<model::UserJson, Error> {
    let Authed {
        app,
        form,
        user,
        token,
    } = authenticate(call).await?;
    let input: input::AccountChange = decode(&form)?;
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

// ---- messages

pub async fn messages(call: Call) -> Result<Vec<model::MessageJson>, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::MessageFilter { state } = decode(&form)?;
    if state.is_some_and(|s| !(0..=2).contains(&s)) {
        return Err(bad("state 应为 0（未读）、1（星标）或 2（已读）"));
    }
    let list = app
        .db
        .read(move |conn| store::messages(conn, user.id, state))
        .await?;
    Ok(inbox_view(&app, &list))
}

/// The inbox as the caller's client reads it (`--compat family`: user ids).
fn inbox_view(app: &SharedApp, list: &[model::Message]) -> Vec<model::MessageJson> {
    let numeric_ids = app.compat(DOMAIN);
    list.iter().map(|m| m.view(numeric_ids)).collect()
}

/// POST message/: sends a message to a user (`receive_id`, or the
/// original's `receive`, is a username); the caller's inbox, as the
/// original answers.
pub async fn send_message(call: Call) -> Result<Vec<model::MessageJson>, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::NewMessage {
        receive_id,
        receive,
        title,
        text,
    } = decode(&form)?;
    let receiver = receive_id
        .or(receive)
        .map(|r| r.0)
        .ok_or_else(|| bad("缺少参数 receive_id"))?;
    let title = model::optional_text(Some(title.0), "title", 100)?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("缺少参数 title"))?;
    if text.chars().count() > 2000 {
        return Err(bad("text 不能超过 2000 个字符"));
    }
    let now = clock::now();
    let list = app
        .db
        .write(move |tx| {
            let to = store::user_by_name(tx, &receiver)?
                .ok_or_else(|| not_found(format!("没有用户 {receiver}")))?;
            let message = store::Outgoing {
                sender: Some(user.id),
                receiver: to.id,
                kind: model::MessageKind::User,
                title: &title,
                text: &text,
            };
            store::insert_message(tx, message, now)?;
            store::messages(tx, user.id, None)
        })
        .await?;
    Ok(inbox_view(&app, &list))
}

/// DELETE message/: deletes one of the caller's messages (`id`); the
/// inbox left, as the original answers.
pub async fn delete_message(call: Call) -> Result<Vec<model::MessageJson>, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::Id { id } = decode(&form)?;
    let list = app
        .db
        .write(move |tx| {
            store::delete_message(tx, user.id, id)?;
            store::messages(tx, user.id, None)
        })
        .await?;
    Ok(inbox_view(&app, &list))
}

/// PUT message/: sets the state of one of the caller's messages; the
/// inbox, as the original answers. The original's 3 (un-star, its
/// front-end's star toggle) leaves the message read.
pub async fn set_message_state(call: Call) -> Result<Vec<model::MessageJson>, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::MessageState { id, state } = decode(&form)?;
    let state = match state {
        0..=2 => state,
        3 => 2,
        _ => {
            return Err(bad(
                "state 应为 0（未读）、1（星标）、2（已读）或 3（取消星标）",
            ));
        }
    };
    let list = app
        .db
        .write(move |tx| {
            store::set_message_state(tx, user.id, id, state)?;
            store::messages(tx, user.id, None)
        })
        .await?;
    Ok(inbox_view(&app, &list))
}

// ---- families

/// GET family/familyManage/: the caller's family, or `"family": "null"`.
pub async fn family_info(call: Call) -> Result<model::FamilyInfo, Error> {
    let Authed {
        app, user, token, ..
    } = authenticate(call).await?;
    Ok(match family_of(&app, &user).await? {
        None => model::FamilyInfo::None { family: "null" },
        Some(family) => model::FamilyInfo::Family {
            token,
            family: family.view(),
        },
    })
}

/// POST family/familyManage/: a new family with the caller as parent.
pub async fn create_family(call: Call) -> Result<model::FamilyJson, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::NewFamily { family_name } = decode(&form)?;
    let name = family_name.0;
    if name.chars().count() > 32 || name.chars().any(char::is_control) {
        return Err(bad("family_name 应为 1 到 32 个字符"));
    }
    let now = clock::now();
    let family = app
        .db
        .write(move |tx| {
            let id = store::create_family(tx, user.id, &name, now)?;
            store::family_by_id(tx, id)?.ok_or_else(|| not_found("家庭不存在"))
        })
        .await?;
    Ok(family.view())
}

/// PUT family/familyManage/: hands the parent role to a member
/// (`user_id`). A caller who is not a parent hears so before anything else.
pub async fn hand_over(call: Call) -> Result<model::FamilyJson, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    if !user.is_parent() {
        return Err(forbidden(if user.family_id.is_some() {
            "只有家长可以这样做"
        } else {
            "你还没有加入家庭"
        }));
    }
    let input::Member { user_id: target } = decode(&form)?;
    if target == user.id {
        return Err(bad("不能转让给自己"));
    }
    let now = clock::now();
    let family = app
        .db
        .write(move |tx| {
            store::hand_over(tx, user.id, target, now)?;
            let family_id = user.family_id.unwrap_or_default();
            store::family_by_id(tx, family_id)?.ok_or_else(|| not_found("家庭不存在"))
        })
        .await?;
    Ok(family.view())
}

/// POST user_manage/about_family/: asks to join a family (`family_id`).
pub async fn apply(call: Call) -> Result<Done, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::FamilyId { family_id } = decode(&form)?;
    let now = clock::now();
    app.db
        .write(move |tx| store::apply(tx, user.id, family_id, now))
        .await?;
    Ok(Done {})
}

/// DELETE user_manage/about_family/: leaves the caller's family.
pub async fn leave(call: Call) -> Result<model::LeftJson, Error> {
    let Authed { app, user, .. } = authenticate(call).await?;
    let now = clock::now();
    let left = app
        .db
        .write(move |tx| store::leave(tx, user.id, now))
        .await?;
    Ok(model::LeftJson {
        family_removed: left == store::Left::Removed,
    })
}

/// GET family/familyMember/: pending applications to the caller's family.
pub async fn applications(call: Call) -> Result<Vec<model::ApplicationJson>, Error> {
    let Authed { app, user, .. } = authenticate(call).await?;
    let Some(family_id) = user.family_id.filter(|_| user.is_parent()) else {
        return Err(forbidden("只有家长可以查看入家申请"));
    };
    let list = app
        .db
        .read(move |conn| store::pending_applications(conn, family_id))
        .await?;
    Ok(list
        .into_iter()
        .map(|a| model::ApplicationJson {
            id: a.id,
            user_id: a.user_id,
            username: a.username,
            apply_time: model::format_time(a.created_at),
        })
        .collect())
}

/// PUT family/familyMember/: a parent decides an application (`user_id`,
/// `is_agree` 0 = yes, 1 = no; `parent_id`, if sent, must be the caller).
pub async fn decide(call: Call) -> Result<Done, Error> {
    let Authed {
        app, form, user, ..
    } = authenticate(call).await?;
    let input::Decision {
        user_id: applicant,
        is_agree,
        parent_id,
    } = decode(&form)?;
    if let Some(parent_id) = parent_id
        && parent_id != user.id
    {
        return Err(forbidden("parent_id 必须是你自己"));
    }
    let agree = match is_agree {
        0 => true,
        1 => false,
        _ => return Err(bad("is_agree 应为 0（同意）或 1（不同意）")),
    };
    let now = clock::now();
    app.db
        .write(move |tx| store::decide(tx, user.id, applicant, agree, now))
        .await?;
    Ok(Done {})
}

/// GET /events: new messages for the user and changes to their family
/// (joins, decisions, leaving, hand-over), as server-sent events.
pub async fn events(call: Call) -> Result<crate::web::Response, Error> {
    let last_event_id = call.last_event_id;
    let authed = authenticate(call).await?;
    Ok(crate::events::open(
        &authed.app.db,
        DOMAIN,
        authed.user.id,
        session::hash(&authed.token),
        last_event_id,
        &authed.form,
    )?)
}
