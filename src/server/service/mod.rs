//! Services: work that sits above single queries and is shared by the web, the server
//! functions and the CLI.

/// The audit key, kept in a file outside the database.
pub mod audit_key;
/// The single writer of ballots: batched transactions, one savepoint per ballot.
pub mod ballot_box;
/// Who may open a ballot: code checks, the failed-look-up cap, each round's form.
pub mod ballot_gate;
/// A cast ballot's confirmation, carried sealed to its page (post-redirect-get).
pub mod cast_notice;
/// Rounds close themselves at their stated closing time.
pub mod closer;
/// The tellers' count: summing the sealed ballots, each teller's share, opening the count.
pub mod count;
/// The browser an account signed in from, for the sign-in throttle.
pub mod device;
/// Evidence files: what an upload really is, and how it is served back.
pub mod evidence;
/// A round's exports: results and ballots as CSV, everything as XLSX, streamed to a file.
pub mod export;
/// The public address every link starts with.
pub mod links;
/// The sample year of handling: loaded for a newcomer, removed with one command.
pub mod sample_year;
/// Each open round's sealer, and sealing a ballot as it arrives.
pub mod sealing;
/// Who is signed in: the session cookie.
pub mod session;
/// The handling templates as XLSX: written for a unit, read back once filled in.
pub mod sheets;
/// Signing in: a bound on password checks, the throttle, unknown logins alike.
pub mod signin;
/// Each teller's link to their page, with the token that lets them post their steps.
pub mod teller_link;
/// Growing waits after failed sign-ins, per login, browser and address.
pub mod throttle;
