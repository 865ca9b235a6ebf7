//! Messages between users: the inbox, sending, starring, deleting.

use super::*;

pub async fn messages(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::MessageFilter { state }): Input<input::MessageFilter>,
) -> Result<Vec<model::MessageJson>, Error> {
    let app = call.app;
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
pub async fn send_message(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::NewMessage {
        receive_id,
        receive,
        title,
        text,
    }): Input<input::NewMessage>,
) -> Result<Vec<model::MessageJson>, Error> {
    let app = call.app;
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
pub async fn delete_message(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<Vec<model::MessageJson>, Error> {
    let app = call.app;
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
pub async fn set_message_state(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input::MessageState { id, state }): Input<input::MessageState>,
) -> Result<Vec<model::MessageJson>, Error> {
    let app = call.app;
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
