//! Outgoing mail: over SMTP when `BESACE_SMTP_URL` is set, otherwise into the log and the
//! `outbox/` folder of the data directory, so a single-machine install still works.
use anyhow::Context;
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::path::PathBuf;

pub struct Mailer {
    from: Mailbox,
    delivery: Delivery,
}

enum Delivery {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// One plain-text message, already in the recipient's language.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    /// `smtp_url` follows lettre's syntax: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`.
    pub fn new(smtp_url: Option<&str>, from: &str, outbox: PathBuf) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("invalid sender address {from:?}"))?;
        let delivery = match smtp_url {
            Some(url) => Delivery::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("invalid SMTP URL")?
                    .build(),
            ),
            None => Delivery::Outbox(outbox),
        };
        Ok(Self { from, delivery })
    }

    /// Where mail goes, for the start-up log (never the SMTP password).
    pub fn outbox(&self) -> Option<&PathBuf> {
        match &self.delivery {
            Delivery::Outbox(dir) => Some(dir),
            Delivery::Smtp(_) => None,
        }
    }

    pub async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse().context("invalid recipient address")?)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?;
        match &self.delivery {
            Delivery::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .context("the SMTP server refused the mail")?;
            }
            Delivery::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{:08x}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
                    rand::random::<u32>()
                );
                tokio::fs::write(dir.join(&name), message.formatted()).await?;
                tracing::warn!(
                    to = %mail.to, subject = %mail.subject, body = %mail.body, file = %name,
                    "no SMTP server configured: mail written to the outbox, not sent"
                );
            }
        }
        Ok(())
    }
}
