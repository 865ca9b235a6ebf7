//! Families: create, join by application, decide, hand over, leave.

use super::*;

/// GET family/familyManage/: the caller's family, or `"family": "null"`.
pub async fn family_info(
    call: Call,
    Caller { user, token, .. }: Caller,
) -> Result<model::FamilyInfo, Error> {
    let app = call.app;
    Ok(match family_of(&app, &user).await? {
        None => model::FamilyInfo::None { family: "null" },
        Some(family) => model::FamilyInfo::Family {
            token,
            family: family.view(),
        },
    })
}

/// POST family/familyManage/: a new family with the caller as parent.
pub async fn create_family(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::NewFamily { family_name }): Input<input::NewFamily>,
) -> Result<model::FamilyJson, Error> {
    let app = call.app;
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
pub async fn hand_over(
    call: Call,
    Caller { user, .. }: Caller,
) -> Result<model::FamilyJson, Error> {
    let app = call.app;
    let form = call.input?;
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
pub async fn apply(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::FamilyId { family_id }): Input<input::FamilyId>,
) -> Result<Done, Error> {
    let app = call.app;
    let now = clock::now();
    app.db
        .write(move |tx| store::apply(tx, user.id, family_id, now))
        .await?;
    Ok(Done {})
}

/// DELETE user_manage/about_family/: leaves the caller's family.
pub async fn leave(call: Call, Caller { user, .. }: Caller) -> Result<model::LeftJson, Error> {
    let app = call.app;
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
pub async fn applications(
    call: Call,
    Caller { user, .. }: Caller,
) -> Result<Vec<model::ApplicationJson>, Error> {
    let app = call.app;
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
pub async fn decide(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::Decision {
        user_id: applicant,
        is_agree,
        parent_id,
    }): Input<input::Decision>,
) -> Result<Done, Error> {
    let app = call.app;
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
