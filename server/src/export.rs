//! A learner takes their data with them: the whole backpack or one collection as a zip of
//! the original badge files (byte for byte, as imported) plus `index.json`, and everything
//! Besace holds about them as one JSON document. Session required; only one's own data.
use crate::badges_api::file_extension;
use crate::extract::{BackpackError, Learner};
use crate::startup::ServerState;
use axum::{
    body::Body,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use besace_core::{
    badges::{self, BadgeRecord},
    collections,
    exports::{self, ExportedBadge},
    AppState,
};
use serde_json::json;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/export/backpack.zip", get(backpack_zip))
        .route("/api/export/account.json", get(account_json))
        .route("/api/collections/{id}/export.zip", get(collection_zip))
}

async fn backpack_zip(
    State(state): State<AppState>,
    Learner(user): Learner,
) -> Result<Response, BackpackError> {
    let ids = badges::ids_of_user(&state.db, user.id).await?;
    Ok(zip_of(&state, user.id, &ids, "besace-backpack.zip"))
}

async fn collection_zip(
    State(state): State<AppState>,
    Learner(user): Learner,
    Path(id): Path<i64>,
) -> Result<Response, BackpackError> {
    let collection = collections::find_owned(&state.db, user.id, id)
        .await?
        .ok_or(BackpackError::NotFound)?;
    let ids: Vec<i64> = collections::members_of(&state.db, collection.id).await?;
    let name = format!("besace-{}.zip", slug(&collection.name));
    Ok(zip_of(&state, user.id, &ids, &name))
}

/// The badges' original files and an index, streamed: one badge is read from the
/// database, compressed and sent at a time, so memory stays bounded by the largest badge
/// (and the pipe's buffer), whatever the size of the backpack. A failure half-way ends the
/// download early (the client sees a broken archive, never a wrong one).
fn zip_of(state: &AppState, user_id: i64, ids: &[i64], file_name: &str) -> Response {
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
        index.push(IndexEntry {
            badge: ExportedBadge::from(&BadgeRecord::from(&badge)),
            file: name,
        });
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

/// One badge of the zip's `index.json`: its facts and the name of its file in the zip.
#[derive(serde::Serialize)]
struct IndexEntry {
    #[serde(flatten)]
    badge: ExportedBadge,
    file: String,
}

/// `GET /api/export/account.json`: everything about the learner (`exports::account`).
async fn account_json(
    State(state): State<AppState>,
    Learner(user): Learner,
) -> Result<Response, BackpackError> {
    let document = exports::account(&state.db, &user, &state.public_url).await?;
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"besace-account.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Json(document),
    )
        .into_response())
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
