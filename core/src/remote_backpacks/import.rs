//! The import from another backpack: `getCredentials` page by page, each credential through
//! the normal import, the counts kept as it goes; in the background, once at a time.
use super::*;
use crate::badges::{self, ImportOutcome};
use besace_badges::{CallMethod, Fetcher, Outbound};
use sea_orm::{ActiveValue::Set, Condition};

/// Credentials asked for per page, and the most one import reads.
const PAGE: usize = 50;
const MOST: usize = 2000;
/// How long a running import is held by its process without news: renewed with each
/// credential, so an import whose process stopped is marked stopped once this has passed.
pub const IMPORT_LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Imports again from a connection the learner holds; `false` when it is not theirs or an
/// import is already running (one statement decides, so a double submit starts one).
pub async fn import_again(
    store: &Store,
    fetcher: &Arc<Verifier>,
    user_id: i64,
    id: i64,
) -> Result<bool, DbErr> {
    let started = connection::Entity::update_many()
        .col_expr(connection::Column::ImportState, Expr::value(ImportState::Running))
        .col_expr(connection::Column::Done, Expr::value(0))
        .col_expr(connection::Column::Added, Expr::value(0))
        .col_expr(connection::Column::Already, Expr::value(0))
        .col_expr(connection::Column::Refused, Expr::value(0))
        .col_expr(connection::Column::Failure, Expr::value(Option::<String>::None))
        .col_expr(
            connection::Column::ImportLeaseUntil,
            Expr::value(Some(Utc::now() + IMPORT_LEASE)),
        )
        .filter(connection::Column::Id.eq(id))
        .filter(connection::Column::UserId.eq(user_id))
        .filter(connection::Column::ImportState.ne(ImportState::Running))
        .exec(&store.db)
        .await?;
    if started.rows_affected != 1 {
        return Ok(false);
    }
    spawn_import(store.clone(), fetcher.clone(), id);
    Ok(true)
}

/// Imports whose process stopped (left running, their lease out) are marked stopped, so
/// the learner can start them again. Any process may call it: a running import's own
/// process keeps renewing its lease.
pub async fn interrupted(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let result = connection::Entity::update_many()
        .col_expr(connection::Column::ImportState, Expr::value(ImportState::Failed))
        .col_expr(
            connection::Column::Failure,
            Expr::value(Some(
                "interrupted: the server stopped during the import".to_owned(),
            )),
        )
        .filter(connection::Column::ImportState.eq(ImportState::Running))
        .filter(
            Condition::any()
                .add(connection::Column::ImportLeaseUntil.is_null())
                .add(connection::Column::ImportLeaseUntil.lt(Utc::now())),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

pub(super) fn spawn_import(store: Store, fetcher: Arc<Verifier>, id: i64) {
    tokio::spawn(async move {
        // The import runs in a task of its own, so even a panic in it is recorded.
        let work = {
            let (store, fetcher) = (store.clone(), fetcher.clone());
            tokio::spawn(async move { import(&store, &fetcher, id).await })
        };
        let failed = match work.await {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(err.to_string()),
            Err(_) => Some("the import stopped unexpectedly".to_owned()),
        };
        if let Some(err) = failed {
            tracing::warn!(connection = id, error = %err, "import from another backpack failed");
            let failure = connection::ActiveModel {
                id: Set(id),
                import_state: Set(ImportState::Failed),
                failure: Set(Some(err)),
                ..Default::default()
            };
            if let Err(err) = failure.update(&store.db).await {
                tracing::error!(connection = id, error = %err, "the import's failure could not be stored");
            }
        }
    });
}

/// One page of `getCredentials`, refreshing the access token once if it was refused.
async fn page(
    store: &Store,
    fetcher: &Verifier,
    connection: &mut Connection,
    registration: &Registration,
    offset: usize,
) -> Result<Vec<Vec<u8>>, RemoteError> {
    for attempt in 0..2 {
        let call = Outbound {
            method: CallMethod::Get,
            url: format!(
                "{}/credentials?limit={PAGE}&offset={offset}",
                registration.api_base
            ),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                (
                    "Authorization".into(),
                    format!("Bearer {}", connection.access_token),
                ),
            ],
            body: Vec::new(),
        };
        let response = fetcher
            .send(&call)
            .await
            .map_err(|err| RemoteError::Refused(err.to_string()))?;
        if response.status == 401 && attempt == 0 {
            let Some(refresh) = connection.refresh_token.clone() else {
                return Err(RemoteError::Refused(
                    "the other backpack ended the connection".into(),
                ));
            };
            let issued = tokens(
                fetcher,
                registration,
                &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            )
            .await?;
            let mut row: connection::ActiveModel = connection.clone().into();
            row.access_token = Set(issued.access);
            row.refresh_token = Set(issued.refresh.or(Some(refresh)));
            row.expires_at = Set(issued.expires_at);
            *connection = row.update(&store.db).await?;
            continue;
        }
        if response.status != 200 {
            return Err(RemoteError::Refused(format!(
                "getCredentials answered HTTP {}",
                response.status
            )));
        }
        let body = answer_json(&response.body);
        let mut credentials: Vec<Vec<u8>> = body["credential"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|credential| credential.to_string().into_bytes())
            .collect();
        credentials.extend(
            body["compactJwsString"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|jws| jws.as_bytes().to_vec()),
        );
        return Ok(credentials);
    }
    Err(RemoteError::Refused(
        "the other backpack refused the refreshed token".into(),
    ))
}

/// Reads every credential and imports each for the learner, keeping the counts as it goes.
async fn import(store: &Store, fetcher: &Verifier, id: i64) -> Result<(), RemoteError> {
    let db = &store.db;
    let mut connection = connection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(RemoteError::Stale)?;
    let registration = registration::Entity::find_by_id(connection.registration_id)
        .one(db)
        .await?
        .ok_or(RemoteError::Stale)?;
    let (mut done, mut added, mut already, mut refused) = (0, 0, 0, 0);
    let mut offset = 0;
    while offset < MOST {
        let credentials = page(store, fetcher, &mut connection, &registration, offset).await?;
        let count = credentials.len();
        for bytes in credentials {
            match badges::import_bytes(store, fetcher, connection.user_id, &bytes).await? {
                ImportOutcome::Added(_) => added += 1,
                ImportOutcome::AlreadyThere(_) => already += 1,
                ImportOutcome::Refused(_) | ImportOutcome::TooLarge => refused += 1,
            }
            done += 1;
            let progress = connection::ActiveModel {
                id: Set(id),
                done: Set(done),
                added: Set(added),
                already: Set(already),
                refused: Set(refused),
                import_lease_until: Set(Some(Utc::now() + IMPORT_LEASE)),
                ..Default::default()
            };
            progress.update(db).await?;
        }
        if count < PAGE {
            break;
        }
        offset += count;
    }
    connection::ActiveModel {
        id: Set(id),
        import_state: Set(ImportState::Done),
        imported_at: Set(Some(Utc::now())),
        failure: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    tracing::info!(
        connection = id,
        done,
        added,
        already,
        refused,
        "import from another backpack done"
    );
    Ok(())
}
