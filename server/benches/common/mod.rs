//! What the benches share: a learner signed up and confirmed through the HTTP API.

pub const LEARNER: &str = "bench.learner@example.org";
pub const PASSWORD: &str = "Mon vélo rouge a trois roues";

/// Signs the bench learner up on the server at `base` and confirms their address with the
/// link the sign-up mail carries (read from `data_dir`'s outbox: no SMTP configured);
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
    let link = link_from_outbox(&data_dir.join("outbox"));
    assert!(client.get(link).send().await.unwrap().status().is_success());
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
