//! A real SMTP listener on 127.0.0.1 for the tests: it accepts every message the server
//! sends and hands it over parsed, so tests follow links from delivered mail.
use mail_parser::MessageParser;
use std::time::Duration;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::{mpsc, Mutex},
};

#[derive(Debug, Clone)]
pub struct DeliveredMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

impl DeliveredMail {
    /// The first link in the text that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let start = self
            .text
            .find(prefix)
            .unwrap_or_else(|| panic!("no link {prefix}… in {:?}", self.text));
        self.text[start..].split_whitespace().next().unwrap().to_owned()
    }
}

pub struct SmtpSink {
    pub port: u16,
    received: Mutex<mpsc::UnboundedReceiver<DeliveredMail>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, received) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, sender.clone()));
            }
        });
        Self {
            port,
            received: Mutex::new(received),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next delivered mail; fails the test after 10 s without one.
    pub async fn next(&self) -> DeliveredMail {
        let mut received = self.received.lock().await;
        tokio::time::timeout(Duration::from_secs(10), received.recv())
            .await
            .expect("a mail arrives within 10 s")
            .expect("the SMTP sink is running")
    }

    /// True when no mail is waiting.
    pub async fn is_empty(&self) -> bool {
        self.received.lock().await.is_empty()
    }
}

async fn serve(stream: TcpStream, sender: mpsc::UnboundedSender<DeliveredMail>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 besace-test ESMTP\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-besace-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if ["HELO", "MAIL", "RSET", "NOOP"]
            .iter()
            .any(|verb| command.starts_with(verb))
        {
            b"250 OK\r\n"
        } else if command.starts_with("RCPT") {
            let address = line.trim_end()[8..].trim().trim_start_matches(':').trim();
            recipients.push(address.trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if command == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let raw = read_data(&mut lines).await?;
            let parsed = MessageParser::default()
                .parse(&raw)
                .expect("a well-formed message");
            let _ = sender.send(DeliveredMail {
                to: std::mem::take(&mut recipients),
                subject: parsed.subject().unwrap_or_default().to_owned(),
                text: parsed.body_text(0).unwrap_or_default().into_owned(),
            });
            b"250 queued\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The message up to the lone dot, with dot-stuffing undone.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 || line == ".\r\n" || line == ".\n" {
            return Ok(raw);
        }
        let unstuffed = line.strip_prefix('.').unwrap_or(&line);
        raw.extend_from_slice(unstuffed.as_bytes());
    }
}
