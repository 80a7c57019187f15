//! A learner takes their data with them: the whole backpack or one collection as a zip of
//! the original badge files (byte for byte, as imported) plus `index.json`, and everything
//! Besace holds about them as one JSON document. Session required; only one's own data.
use crate::badges_api::{file_extension, learner, not_found};
use crate::startup::ServerState;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use besace_core::{
    badges::{self, Badge},
    collections, emails, AppState,
};
use serde_json::{json, Value};
use tower_sessions::Session;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/export/backpack.zip", get(backpack_zip))
        .route("/api/export/account.json", get(account_json))
        .route("/api/collections/{id}/export.zip", get(collection_zip))
}

async fn backpack_zip(State(state): State<AppState>, session: Session) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match badges::ids_of_user(&state.db, user.id).await {
        Ok(ids) => zip_of(&state, user.id, &ids, "besace-backpack.zip").await,
        Err(err) => internal(err),
    }
}

async fn collection_zip(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let collection = match collections::find_owned(&state.db, user.id, id).await {
        Ok(Some(collection)) => collection,
        Ok(None) => return not_found(),
        Err(err) => return internal(err),
    };
    match collections::badges_of(&state.db, collection.id).await {
        Ok(list) => {
            let ids: Vec<i64> = list.iter().map(|badge| badge.id).collect();
            let name = format!("besace-{}.zip", slug(&collection.name));
            zip_of(&state, user.id, &ids, &name).await
        }
        Err(err) => internal(err),
    }
}

/// The badges' original files and an index, streamed: one badge is read from the
/// database, compressed and sent at a time, so memory stays bounded by the largest badge
/// (and the pipe's buffer), whatever the size of the backpack. A failure half-way ends the
/// download early (the client sees a broken archive, never a wrong one).
async fn zip_of(state: &AppState, user_id: i64, ids: &[i64], file_name: &str) -> Response {
    const PIPE: usize = 64 * 1024;
    let (writer, reader) = tokio::io::duplex(PIPE);
    let db = state.db.clone();
    let ids = ids.to_vec();
    tokio::spawn(async move {
        if let Err(err) = write_zip(&db, user_id, &ids, writer).await {
            tracing::warn!(error = %err, user_id, "export stopped");
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(reader)),
    )
        .into_response()
}

async fn write_zip(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    ids: &[i64],
    out: tokio::io::DuplexStream,
) -> anyhow::Result<()> {
    use async_zip::{tokio::write::ZipFileWriter, Compression, ZipEntryBuilder};
    let mut writer = ZipFileWriter::with_tokio(out);
    let mut index = Vec::with_capacity(ids.len());
    for (place, id) in ids.iter().enumerate() {
        let Some(badge) = badges::find_owned(db, user_id, *id).await? else {
            continue;
        };
        let name = format!(
            "{:03}-{}.{}",
            place + 1,
            slug(&badge.name),
            file_extension(&badge.original_media_type)
        );
        // PNG is compressed already.
        let method = if badge.original_media_type == "image/png" {
            Compression::Stored
        } else {
            Compression::Deflate
        };
        writer
            .write_entry_whole(ZipEntryBuilder::new(name.clone().into(), method), &badge.original)
            .await?;
        let mut entry = badge_facts(&badge);
        entry["file"] = json!(name);
        index.push(entry);
    }
    let index = json!({ "format": "besace-export", "version": 1, "badges": index });
    writer
        .write_entry_whole(
            ZipEntryBuilder::new("index.json".to_owned().into(), Compression::Deflate),
            &serde_json::to_vec_pretty(&index)?,
        )
        .await?;
    let mut out = writer.close().await?.into_inner();
    tokio::io::AsyncWriteExt::shutdown(&mut out).await?;
    Ok(())
}

/// What Besace knows of a badge, beside its file: the stored facts and the last report.
fn badge_facts(badge: &Badge) -> Value {
    json!({
        "id": badge.id,
        "name": badge.name,
        "issuer": badge.issuer_name,
        "issued_on": badge.issued_on,
        "expires": badge.expires_at,
        "status": badge.status,
        "spec": badge.spec,
        "method": badge.method,
        "credential_id": badge.credential_id,
        "sha256": badge.original_sha256,
        "media_type": badge.original_media_type,
        "received_at": badge.created_at,
        "verified_at": badge.verified_at,
        "report": badges::StoredReport::read(&badge.report).to_json(besace_badges::Lang::En),
    })
}

/// Everything about the learner: account, addresses, badges with their whole history,
/// collections. The password hash is not data about the learner and stays out; the files
/// themselves are in the backpack zip.
async fn account_json(State(state): State<AppState>, session: Session) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let document = async {
        let addresses = emails::list(&state.db, user.id).await?;
        let mut listed = Vec::new();
        for id in badges::ids_of_user(&state.db, user.id).await? {
            let Some(badge) = badges::find_owned(&state.db, user.id, id).await? else {
                continue;
            };
            let mut facts = badge_facts(&badge);
            facts["history"] = badges::history(&state.db, badge.id)
                .await?
                .into_iter()
                .map(|check| json!({ "checked_at": check.checked_at, "status": check.status }))
                .collect();
            listed.push(facts);
        }
        let mut kept = Vec::new();
        for summary in collections::list(&state.db, user.id).await? {
            let collection = summary.collection;
            let held: Vec<i64> = collections::badges_of(&state.db, collection.id)
                .await?
                .into_iter()
                .map(|badge| badge.id)
                .collect();
            kept.push(json!({
                "name": collection.name,
                "description": collection.description,
                "created_at": collection.created_at,
                "published_at": collection.published_at,
                "public_url": collection.share_token.map(|token| format!("{}/g/{token}", state.public_url)),
                "badges": held,
            }));
        }
        Ok::<_, sea_orm::DbErr>(json!({
            "format": "besace-account",
            "version": 1,
            "exported_at": chrono::Utc::now(),
            "account": {
                "email": user.email,
                "display_name": user.display_name,
                "locale": user.locale,
                "created_at": user.created_at,
                "password_changed_at": user.password_changed_at,
            },
            "email_addresses": addresses.into_iter().map(|a| json!({
                "email": a.email,
                "primary": a.is_primary,
                "verified_at": a.verified_at,
                "added_at": a.created_at,
            })).collect::<Vec<_>>(),
            "badges": listed,
            "collections": kept,
        }))
    }
    .await;
    match document {
        Ok(document) => (
            [
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"besace-account.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            Json(document),
        )
            .into_response(),
        Err(err) => internal(err),
    }
}

/// A file-name-safe version of a badge or collection name; French accents are folded
/// first, so `Être ponctuel` gives `etre-ponctuel`.
fn slug(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c => c,
        })
        .collect();
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(60).collect();
    if out.is_empty() {
        "badge".to_owned()
    } else {
        out
    }
}

fn internal(err: impl std::fmt::Debug) -> Response {
    tracing::error!(error = ?err, "export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_keep_the_letters_of_french_names() {
        assert_eq!(slug("Être ponctuel"), "etre-ponctuel");
        assert_eq!(
            slug("Organiser l'espace de travail"),
            "organiser-l-espace-de-travail"
        );
        assert_eq!(slug("???"), "badge");
    }
}
