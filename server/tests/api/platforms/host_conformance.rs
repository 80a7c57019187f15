//! What 1EdTech's OB 3.0 Host conformance checks of the API around the calls themselves
//! (`ob_v3p0/cert/host.md`): registration reduces the scopes it does not offer, and every
//! path or method under either API base answers the API's JSON, never the HTML app.
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

const OB30_READ: &str = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly";

on_both_databases!(
    registration_keeps_the_offered_scopes_and_drops_the_others,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        // A conformance client asks for refresh tokens the OpenID way, beside the API scope.
        let asked = format!("{OB30_READ} offline_access https://example.org/other-api");
        let body = moodle_registration_to("https://platform.example/callback", &asked);
        let response = app
            .client
            .post(app.url("/o/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let registered: Value = response.json().await.unwrap();
        assert_eq!(registered["scope"], OB30_READ, "{registered}");
        assert!(registered["client_id"].as_str().is_some_and(|id| !id.is_empty()));

        // Asking only for what is not offered is still refused.
        let body = moodle_registration_to("https://platform.example/callback", "offline_access");
        let response = app
            .client
            .post(app.url("/o/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "invalid_client_metadata");
    }
);

on_both_databases!(
    unknown_paths_and_methods_answer_the_apis_json,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let send = |method: reqwest::Method, path: &str| app.client.request(method, app.url(path)).send();
        for (method, path, status) in [
            (reqwest::Method::GET, "/ims/ob/v3p0/credential", 404),
            (reqwest::Method::GET, "/ims/ob/v3p0/", 404),
            (reqwest::Method::DELETE, "/ims/ob/v3p0/credentials", 405),
            (reqwest::Method::POST, "/ims/ob/v3p0/profile", 405),
            (reqwest::Method::POST, "/ims/ob/v3p0/discovery", 405),
        ] {
            let response = send(method.clone(), path).await.unwrap();
            assert_eq!(response.status(), status, "{method} {path}");
            assert!(
                content_type(&response).starts_with("application/json"),
                "{method} {path}"
            );
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["imsx_codeMajor"], "failure", "{method} {path}: {body}");
        }
        for (method, path, status) in [
            (reqwest::Method::GET, "/ims/ob/v2p1/assertion", 404),
            (reqwest::Method::PUT, "/ims/ob/v2p1/assertions", 405),
            (reqwest::Method::DELETE, "/ims/ob/v2p1/profile", 405),
        ] {
            let response = send(method.clone(), path).await.unwrap();
            assert_eq!(response.status(), status, "{method} {path}");
            assert!(
                content_type(&response).starts_with("application/json"),
                "{method} {path}"
            );
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["status"]["statusCode"], status, "{method} {path}: {body}");
        }
        // The API's own calls still answer as before.
        let response = send(reqwest::Method::GET, "/ims/ob/v3p0/credentials")
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let response = send(reqwest::Method::GET, "/ims/ob/v3p0/discovery")
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
);

on_both_databases!(
    a_token_request_without_grant_type_is_refused_as_oauth_says,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let platform = Platform::register_ob30(&app).await;
        let response = platform
            .http
            .post(&platform.token_url)
            .basic_auth(&platform.client_id, Some(&platform.secret))
            .form(&[("code", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "unsupported_grant_type", "{error}");
    }
);

on_both_databases!(
    the_service_description_keeps_the_openapi_files_layout,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let document: Value = app
            .client
            .get(app.url("/ims/ob/v3p0/discovery"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // A client generated from 1EdTech's OpenAPI file joins `servers[0].url` and a path.
        let server = document["servers"][0]["url"].as_str().unwrap();
        assert!(server.ends_with("/ims/ob/v3p0"), "{server}");
        for (path, method, operation) in [
            ("/credentials", "get", "getCredentials"),
            ("/credentials", "post", "upsertCredential"),
            ("/profile", "get", "getProfile"),
            ("/profile", "put", "putProfile"),
            ("/discovery", "get", "getServiceDescription"),
        ] {
            assert_eq!(
                document["paths"][path][method]["operationId"], operation,
                "{path} {method}"
            );
        }
        let again = app
            .client
            .get(format!("{server}/discovery"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.status(),
            200,
            "the description answers at servers[0].url + /discovery"
        );
        let credentials = app
            .client
            .get(format!("{server}/credentials"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            credentials.status(),
            401,
            "the API answers at servers[0].url + /credentials"
        );
    }
);

on_both_databases!(
    an_upserted_credential_is_listed_at_once_byte_for_byte_to_its_platform_only,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let scopes = format!("{OB30_READ} https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert");
        let platform = Platform::register_ob30(&app).await;
        let tokens = connect(&platform, &app, &scopes).await;
        let other = Platform::register_ob30(&app).await;
        let other_tokens = connect(&other, &app, &scopes).await;
        let credentials = app.url("/ims/ob/v3p0/credentials");
        let list = |http: &reqwest::Client, token: &str| http.get(&credentials).bearer_auth(token).send();

        // The conformance check: upsert, then get, with the same token.
        let credential = fixture("di-didkey.json");
        let response = platform
            .http
            .post(&credentials)
            .bearer_auth(&tokens.access)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(credential.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let response = list(&platform.http, &tokens.access).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-total-count"], "1");
        let body = response.text().await.unwrap();
        let sent = String::from_utf8(credential).unwrap();
        assert!(
            body.contains(sent.trim()),
            "the credential comes back byte for byte: {body}"
        );
        let listed: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(listed["credential"].as_array().unwrap().len(), 1);

        // Another platform of the same learner does not see what is still waiting.
        let response = list(&other.http, &other_tokens.access).await.unwrap();
        assert_eq!(response.headers()["x-total-count"], "0");
        let listed: Value = response.json().await.unwrap();
        assert_eq!(listed["credential"].as_array().unwrap().len(), 0);
    }
);

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
