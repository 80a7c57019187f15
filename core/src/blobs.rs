//! Files stored by content hash (SHA-256): the images badges name. This module is the one
//! storage interface; the database is behind it today, so a second server or a
//! backup needs nothing but the database.
use super::sha256_hex;
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, sea_query::OnConflict, ActiveValue::Set, ConnectionTrait};

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub sha256: String,
        pub media_type: String,
        pub bytes: Vec<u8>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as Blob;

/// Stores `bytes` once, whoever stores them again; answers their SHA-256.
pub async fn put(db: &impl ConnectionTrait, bytes: &[u8], media_type: &str) -> Result<String, DbErr> {
    let sha256 = sha256_hex(bytes);
    let row = entity::ActiveModel {
        sha256: Set(sha256.clone()),
        media_type: Set(media_type.to_owned()),
        bytes: Set(bytes.to_vec()),
        created_at: Set(Utc::now()),
    };
    entity::Entity::insert(row)
        .on_conflict(OnConflict::column(entity::Column::Sha256).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(sha256)
}

pub async fn get(db: &impl ConnectionTrait, sha256: &str) -> Result<Option<Blob>, DbErr> {
    entity::Entity::find_by_id(sha256.to_owned()).one(db).await
}

/// Removes a blob nothing refers to any more (the caller has checked).
pub async fn delete(db: &impl ConnectionTrait, sha256: &str) -> Result<(), DbErr> {
    entity::Entity::delete_by_id(sha256.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// The image type of `bytes`, read from their first bytes (never from a claimed type).
pub fn image_media_type(bytes: &[u8]) -> Option<&'static str> {
    const SVG_SNIFF: usize = 1024;
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(SVG_SNIFF)]).to_ascii_lowercase();
        let text = head.trim_start_matches('\u{feff}').trim_start();
        (text.starts_with('<') && head.contains("<svg")).then_some("image/svg+xml")
    }
}

#[cfg(test)]
mod tests {
    use super::image_media_type;

    #[test]
    fn image_types_come_from_the_bytes() {
        assert_eq!(image_media_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_media_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_media_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(image_media_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            image_media_type(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("image/svg+xml")
        );
        assert_eq!(image_media_type(b"<html><body>no</body></html>"), None);
        assert_eq!(image_media_type(b"{\"@context\": []}"), None);
    }
}
