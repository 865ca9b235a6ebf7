//! Sending mail. With `--smtp URL` every message goes to that SMTP server
//! (lettre); without it every message is recorded in the outbox, where the
//! operator pages show it, so a classroom demo works with no mail server.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, SinglePart, header::ContentTransferEncoding};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::Db;
use crate::{clock, outbox};

/// How long one SMTP conversation may take before the send fails.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{0} is not a deliverable e-mail address")]
    Address(String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("the mail server refused or failed: {0}")]
    Smtp(String),
    #[error(transparent)]
    Outbox(#[from] crate::error::Error),
}

/// Where mail goes.
pub enum Mailer {
    /// Recorded in the outbox table only.
    Outbox,
    /// Delivered through an SMTP server.
    Smtp(Box<Smtp>),
}

/// An SMTP server and the sender it sends as.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the command line asks for: `smtp://host:port` (plain, or
    /// STARTTLS with `?tls=required`), `smtps://user:pass@host:465` (TLS).
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Mailer, String> {
        let Some(url) = smtp_url.filter(|u| !u.trim().is_empty()) else {
            return Ok(Mailer::Outbox);
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--mail-from {from:?} is not an address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|e| format!("--smtp {url:?} is not a usable SMTP URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp(Box::new(Smtp { transport, from })))
    }

    /// Sends one plain-text message.
    pub async fn send(
        &self,
        db: &Db,
        domain: &'static str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), MailError> {
        match self {
            Mailer::Outbox => {
                let (to, subject, body) = (to.to_string(), subject.to_string(), body.to_string());
                db.write(move |tx| outbox::record(tx, domain, &to, &subject, &body, clock::now()))
                    .await?;
                Ok(())
            }
            Mailer::Smtp(smtp) => {
                let to: Mailbox = to.parse().map_err(|_| MailError::Address(to.to_string()))?;
                // Quoted-printable keeps the ASCII (codes, links) readable in
                // the raw message and needs no 8BITMIME from the server.
                let part = SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::QuotedPrintable)
                    .body(body.to_string());
                let message = Message::builder()
                    .from(smtp.from.clone())
                    .to(to)
                    .subject(subject)
                    .singlepart(part)
                    .map_err(|e| MailError::Build(e.to_string()))?;
                smtp.transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                Ok(())
            }
        }
    }
}
