//! A badge's name and issuer as search and sort see them: folded to lower-case ASCII, so
//! "etre", "être" and "ÊTRE" all find "Être ponctuel", and sorting by the folded name puts
//! it among the E's, as a French reader expects (accents count only between equal words).
//! The same on SQLite and PostgreSQL: the database compares plain ASCII.
use super::*;

/// Folded text: each character spelt in ASCII by `deunicode` ("Œ" → "OE", "ß" → "ss"),
/// then lower case.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// Sets both keys from the name and issuer a verification found.
pub(super) fn set_keys(row: &mut entity::ActiveModel, name: &str, issuer_name: &str) {
    row.name_key = Set(Some(fold(name)));
    row.issuer_key = Set(Some(fold(issuer_name)));
}

/// Fills the keys of badges stored before they existed (at start-up; harmless when several
/// processes do it at once: they write the same values). Answers how many it filled.
pub async fn fill_missing(db: &DatabaseConnection) -> Result<u64, DbErr> {
    use entity::Column;
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String, String)> = entity::Entity::find()
            .select_only()
            .columns([Column::Id, Column::Name, Column::IssuerName])
            .filter(Column::NameKey.is_null())
            .order_by_asc(Column::Id)
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, name, issuer_name) in rows {
            entity::Entity::update_many()
                .col_expr(Column::NameKey, Expr::value(fold(&name)))
                .col_expr(Column::IssuerKey, Expr::value(fold(&issuer_name)))
                .filter(Column::Id.eq(id))
                .exec(db)
                .await?;
            filled += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn accents_case_and_ligatures_fold_alike() {
        for spelling in ["Être ponctuel", "être ponctuel", "ÊTRE PONCTUEL", "etre ponctuel"] {
            assert_eq!(fold(spelling), "etre ponctuel");
        }
        assert_eq!(fold("Œuvre collective"), "oeuvre collective");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("100 % réussi_"), "100 % reussi_");
        let mut names = ["Parler en public", "Être ponctuel", "Accueillir", "écouter"];
        names.sort_by_key(|name| fold(name));
        assert_eq!(
            names,
            ["Accueillir", "écouter", "Être ponctuel", "Parler en public"]
        );
    }
}
