//! Services: work that sits above single queries and is shared by the web, the server
//! functions and the CLI.

/// The single writer of ballots: batched transactions, one savepoint per ballot.
pub mod ballot_box;
/// Who may open a ballot: code checks, the failed-look-up cap, each round's form.
pub mod ballot_gate;
/// Rounds close themselves at their stated closing time.
pub mod closer;
/// A round's exports: results and ballots as CSV, everything as XLSX, streamed to a file.
pub mod export;
/// Who is signed in: the session cookie.
pub mod session;
