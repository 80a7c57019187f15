//! What the benches share: a learner signed up and confirmed through the HTTP API.

pub const LEARNER: &str = "bench.learner@example.org";
pub const PASSWORD: &str = "Mon vélo rouge a trois roues";

/// Signs the bench learner up on the server at `base` and confirms their address with the
/// token the sign-up mail's link carries (read from `data_dir`'s outbox: no SMTP configured);
/// answers a client holding their session.
pub async fn learner_session(base: &str, data_dir: &std::path::Path) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signup = client
        .post(format!("{base}/api/signup"))
        .form(&[
            ("email", LEARNER),
            ("display_name", "Bench"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(signup.status().is_success() || signup.status().is_redirection());
    // The link opens a page whose button confirms (a mail scanner's GET confirms nothing).
    let link = link_from_outbox(&data_dir.join("outbox"));
    let token = link.split_once("token=").unwrap().1;
    let confirm = client
        .post(format!("{base}/api/confirm_email"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert!(confirm.status().is_success(), "{}", confirm.status());
    client
}

fn link_from_outbox(outbox: &std::path::Path) -> String {
    for entry in std::fs::read_dir(outbox).expect("the outbox exists") {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let text = message.body_text(0).unwrap_or_default().to_string();
        if let Some(start) = text.find("http") {
            let link: String = text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
            if link.contains("/verify-email?token=") {
                return link;
            }
        }
    }
    panic!("no verification link in {}", outbox.display());
}
