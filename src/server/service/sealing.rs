//! Sealing a ballot as it arrives: each open round's [`Sealer`], built once from the tellers'
//! board (its joint key, checked by replaying the ceremony) and the round's scale, and the one
//! function that turns a decoded ballot into what the ballot box stores.
//!
//! This is the one moment the server holds a ballot in the clear (a phone without JavaScript
//! sends its choices as a form): the choices go into the sealer and are dropped with the
//! request; nothing here logs or keeps them.

use crate::ballot::SubmittedBallot;
use crate::seal::{Comments, Sealer};
use crate::server::repo::round::Round;
use crate::server::repo::tellers::{self, TellerError};
use crate::server::service::ballot_box::Sealed;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A round's sealer and its ceremony's context (what sealed comments are bound to).
pub struct RoundSealer {
    pub sealer: Sealer,
    pub context: String,
    /// The round's items in the order their cells are sealed and counted (`round_item`'s
    /// position, the order the count reads them in).
    pub items: Vec<String>,
    /// One person made every key (a trial): the round says so.
    pub solo: bool,
}

/// The sealers of the rounds that took ballots since the server started. A round's key is
/// fixed once it opens (tellers change only in a draft), so a built sealer never goes stale.
#[derive(Default)]
pub struct Sealers(Mutex<HashMap<i64, Arc<RoundSealer>>>);

impl Sealers {
    /// The sealer of an open round; `None` when the round has no joint key (it opened before
    /// ballots were sealed, and takes no more ballots).
    pub async fn of(
        &self,
        pool: &SqlitePool,
        round: &Round,
    ) -> Result<Option<Arc<RoundSealer>>, TellerError> {
        if let Some(s) = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&round.id)
        {
            return Ok(Some(s.clone()));
        }
        let Some(t) = tellers::get(pool, round.id).await? else {
            return Ok(None);
        };
        if t.joint_key.is_none() {
            return Ok(None);
        }
        let board = t.board;
        let levels = round.scale.levels.len();
        let items: Vec<String> = crate::server::repo::round::items(pool, round.id)
            .await?
            .into_iter()
            .map(|i| i.item.0)
            .collect();
        let built = tokio::task::spawn_blocking(move || {
            let keys = board.final_key_set()?;
            Ok::<_, crate::seal::SealError>(RoundSealer {
                sealer: Sealer::new(&keys, levels),
                context: board.context,
                items,
                solo: t.solo,
            })
        })
        .await
        .map_err(|e| TellerError::Damaged(round.id, e.to_string()))??;
        let built = Arc::new(built);
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(round.id, built.clone());
        Ok(Some(built))
    }
}

/// Seals a decoded ballot on a blocking thread (a few milliseconds of arithmetic that must not
/// hold up the server's other requests). The plain ballot is consumed. `None` when the ballot
/// does not rate exactly the round's items (the decoder has made sure it does).
pub async fn seal(sealer: Arc<RoundSealer>, ballot: SubmittedBallot) -> Option<Sealed> {
    tokio::task::spawn_blocking(move || seal_now(&sealer, ballot))
        .await
        .expect("sealing does not panic on a decoded ballot")
}

/// [`seal`] on this thread.
pub fn seal_now(s: &RoundSealer, ballot: SubmittedBallot) -> Option<Sealed> {
    let mut rng = rand::rngs::OsRng;
    // The cells go in the round's item order, whatever order the form listed them in.
    let chosen: std::collections::HashMap<&str, Option<u8>> = ballot
        .choices
        .iter()
        .map(|c| (c.item.as_str(), c.level))
        .collect();
    if chosen.len() != s.items.len() || ballot.choices.len() != s.items.len() {
        return None;
    }
    let levels = s
        .items
        .iter()
        .map(|i| chosen.get(i.as_str()).map(|l| l.map(usize::from)))
        .collect::<Option<Vec<Option<usize>>>>()?;
    let cells = s.sealer.seal(&levels, &mut rng);
    let said = Comments {
        overall: ballot.comment,
        items: ballot
            .choices
            .into_iter()
            .filter_map(|c| Some((c.item.0, c.comment?)))
            .collect(),
    };
    // Sealed even when empty: whether a deputy commented is not to be read off the rows.
    let comments = Some(s.sealer.seal_comments(&s.context, &said, &mut rng));
    let tracking = crate::seal::record::tracking_code(&cells);
    Some(Sealed {
        cells,
        comments,
        tracking,
    })
}
