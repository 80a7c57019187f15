//! Markup that came in as text leaves as text, on the learner's pages and the public ones,
//! under a strict content security policy.
use super::{hostile_badge, ATTRIBUTE, SCRIPT, TEXTAREA};
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

/// Markup that came in as text must leave as text: no tag, no handler, no script URL.
fn assert_inert(page: &str, html: &str) {
    for live in [
        "<script>alert",
        "<img src=x",
        "<b onmouseover",
        "<svg onload",
        "href=\"javascript:",
        "src=\"javascript:",
        "</title><script>",
    ] {
        assert!(!html.contains(live), "{page} holds {live:?}:\n{html}");
    }
}

/// The learner's pages allow no script but our own files and the nonce'd hydration script;
/// answers the policy.
fn assert_strict_policy(page: &str, response: &reqwest::Response) -> String {
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self' 'nonce-"), "{page}: {policy}");
    assert!(!policy.contains("unsafe-inline"), "{page}: {policy}");
    assert!(policy.contains("object-src 'none'"), "{page}: {policy}");
    policy
}

async fn page(client: &TestClient, path: &str) -> String {
    let response = client.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let policy = assert_strict_policy(path, &response);
    let html = response.text().await.unwrap();
    // Every inline script the page has carries this response's nonce.
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
        + html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count()
        // leptos_i18n writes one empty script, which no policy runs or blocks.
        + html.matches("<script></script>").count()
        // Our own files (script-src 'self'), not inline.
        + html.matches(r#"<script src="/time-zone.js" defer></script>"#).count()
        + html.matches(r#"<script src="/web-app.js" defer></script>"#).count();
    assert_eq!(scripts, with_nonce, "{path}: a script without the nonce:\n{html}");
    html
}

on_both_databases!(
    markup_in_badges_and_collections_is_text_on_every_page,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (status, body) = app.import(&[("hostile.json", hostile_badge())]).await;
        assert_eq!(status, 200, "{body}");
        let result = &body["results"][0];
        assert_eq!(result["outcome"], "added", "{result}");
        let badge = result["badge"]["id"].to_string();

        let html = page(&app, &format!("/badges/{badge}")).await;
        assert_inert("badge page", &html);
        assert!(
            html.contains("<title>Être ponctuel &lt;/title&gt;&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt; · Besace</title>"),
            "{html}"
        );
        assert!(html.contains("Arrive à l'heure \"&gt;&lt;img src=x"), "{html}");
        let html = page(&app, "/backpack").await;
        assert_inert("backpack", &html);
        assert!(html.contains("&lt;/title&gt;&lt;script&gt;"), "{html}");

        let collection = app.create_collection(&format!("Pour l'employeur {SCRIPT}")).await;
        app.call(
            "update_collection",
            &[
                ("id", collection.as_str()),
                ("name", &format!("Pour l'employeur {SCRIPT}")),
                ("description", &format!("{ATTRIBUTE} {TEXTAREA}")),
            ],
        )
        .await;
        app.add_to(&collection, &badge).await;
        let detail = app.publish(&collection, true).await;
        let html = page(&app, &format!("/collections/{collection}")).await;
        assert_inert("collection editor", &html);
        assert!(
            html.contains("<title>Pour l&#x27;employeur &lt;/title&gt;"),
            "{html}"
        );
        // The embed snippet is shown as the HTML to copy, escaped once more inside its box.
        assert!(html.contains("&amp;lt;/title&amp;gt;"), "{html}");
        let html = page(&app, "/collections").await;
        assert_inert("collections", &html);
        // The snippets a learner copies into other sites are escaped for HTML.
        for snippet in ["embed", "signature"] {
            let code = detail["share"][snippet].as_str().unwrap();
            assert_inert(snippet, code);
            assert!(code.contains("&lt;/title&gt;"), "{snippet}: {code}");
        }

        // The public pages: the gallery (with its Open Graph and Twitter tags), the badge
        // view, the JSON for displayers and oEmbed.
        let link = path_of(detail["share_url"].as_str().unwrap());
        let visitor = app.new_browser();
        let (status, html) = visitor.get_html(&link).await;
        assert_eq!(status, 200);
        assert_inert("gallery", &html);
        assert!(
            html.contains(r#"<meta property="og:title" content="Pour l&#x27;employeur &lt;/title&gt;"#),
            "{html}"
        );
        let (status, html) = visitor.get_html(&format!("{link}/badges/{badge}")).await;
        assert_eq!(status, 200);
        assert_inert("public badge", &html);
        let embed: Value = visitor
            .client
            .get(app.url("/oembed"))
            .query(&[("url", app.url(&link).as_str()), ("format", "json")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_inert("oEmbed", embed["html"].as_str().unwrap());
        let document = visitor.get(&format!("{link}/collection.json")).await;
        assert_eq!(document.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
);
