//! Signing in, made so that it cannot be turned into a weapon against the server or against
//! an account's owner:
//!
//! - **A bound on password checks at once.** argon2id takes ~19 MiB and ~50 ms of CPU per
//!   check; at most [`checks_at_once`] run together (one per core but one, at most four), at most
//!   [`MAX_WAITING`] more wait for a turn, for at most [`MAX_WAIT`]; past that the answer is
//!   503 "busy" at once. A storm of sign-ins cannot take the memory or the cores the ballots
//!   need; and since the throttle and the queue are decided before the database is asked
//!   anything, nor the database connections.
//! - **An attempt reserved before the password is checked** (`service::throttle`): a burst
//!   on one login gets one check, and every attempt is counted.
//! - **Growing waits per login and per address, none a stranger can use against the owner:**
//!   a browser that signed in to this account before (its device cookie, `service::device`)
//!   is throttled by itself and the account's other trusted browsers only. A login no
//!   account can have (see `repo::account::valid_login`) is refused before the throttle, so a
//!   spray of long made-up logins fills nothing; an attempt the server was too busy to check
//!   is not counted against anyone.
//! - **Unknown logins look like known ones:** the same throttle, a password check against a
//!   dummy hash (so the answer takes as long), and the same answer.
//! - **A second factor** (`crate::totp`): for an account that has one, the right password
//!   opens no session but gives a sealed token, good for [`PENDING_SECS`], with which
//!   [`SignIns::second_step`] takes a one-time code or a recovery code. Codes are throttled per
//!   account, and each is accepted once.

use crate::server::repo::account::{self, Account, AccountError};
use crate::server::repo::two_factor;
use crate::server::service::device;
use crate::server::service::throttle::{Key, Refusal, Throttle, addr_key};
use crate::totp::{self, Purpose};
use sqlx::SqlitePool;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OnceCell, Semaphore};

/// Most sign-ins waiting for a password check; more are told the server is busy.
pub const MAX_WAITING: usize = 64;
/// Most sign-in requests handled at once (their pages rendered); more get a fixed "busy"
/// page at once. Far above what an office ever sends, far below what a storm does.
pub const MAX_HANDLED: usize = 16;
/// Longest wait for a password check.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// How long after the right password its one-time code may be given.
pub const PENDING_SECS: u64 = 300;

/// The keys a sign-in needs, both kept outside the database.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    /// Device cookies' (`service::device`).
    pub device: &'a [u8],
    /// Sealing TOTP secrets and pending sign-ins (`crate::totp`).
    pub totp: &'a [u8; 32],
}

/// Where a sign-in stands after its password.
pub enum Outcome {
    /// Signed in.
    SignedIn(SignedIn),
    /// The password was right; the account's one-time code comes next, with `pending`.
    NeedsCode { login: String, pending: String },
}

/// A one-time code (or recovery code) posted after the password.
pub struct CodeAttempt<'a> {
    /// The token the password gave ([`Outcome::NeedsCode`]).
    pub pending: &'a str,
    pub code: &'a str,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
    pub agent: &'a str,
}

/// Seconds since 1970 now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Password checks that may run at once: one per core but one (which stays for the
/// ballots), at least one, at most four.
pub fn checks_at_once() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .saturating_sub(1)
        .clamp(1, 4)
}

/// How many sign-ins this server has seen, by outcome (every attempt is one of these), and
/// the most password checks that ever ran, and waited, at once.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Most checks running at once.
    pub peak_running: u64,
    /// Most attempts waiting for a check at once.
    pub peak_waiting: u64,
    /// The password was checked (right or wrong).
    pub checked: u64,
    /// Refused unchecked: a key still had to wait.
    pub too_soon: u64,
    /// Refused unchecked: too many at once.
    pub busy: u64,
    /// Refused unchecked: no account can have the login (too long, or odd characters).
    pub malformed: u64,
}

#[derive(Default)]
struct Counters {
    running: Arc<AtomicU64>,
    peak_running: Arc<AtomicU64>,
    peak_waiting: AtomicU64,
    checked: AtomicU64,
    too_soon: AtomicU64,
    busy: AtomicU64,
    malformed: AtomicU64,
}

/// One password check for a checker thread.
struct Job {
    password: String,
    hash: String,
    /// The place it holds, given back when the check is done.
    permit: tokio::sync::OwnedSemaphorePermit,
    done: tokio::sync::oneshot::Sender<bool>,
    /// Checks running now, and the most ever (measured where the work is done).
    running: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

/// The threads that check passwords, one per place. Each keeps the ~19 MiB argon2 works in
/// (allocators keep a freed block of that size in the thread's arena for reuse), so the
/// memory checks take is bounded by the number of threads, not by how many threads Tokio's
/// blocking pool happened to use.
struct Checkers {
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

impl Checkers {
    fn start(threads: usize) -> Checkers {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let now = job.running.fetch_add(1, Ordering::SeqCst) + 1;
                        job.peak.fetch_max(now, Ordering::SeqCst);
                        // A panic must not take a checker away for good.
                        let right = std::panic::catch_unwind(|| {
                            account::password_matches(&job.password, &job.hash)
                        })
                        .unwrap_or_else(|_| {
                            tracing::error!("a password check panicked");
                            false
                        });
                        job.running.fetch_sub(1, Ordering::SeqCst);
                        drop(job.permit);
                        let _ = job.done.send(right);
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password checker");
            }
        }
        Checkers {
            jobs: Mutex::new(jobs),
        }
    }

    fn send(&self, job: Job) -> Result<(), AccountError> {
        self.jobs
            .lock()
            .map_err(|_| AccountError::Hash("the password checkers are gone".into()))?
            .send(job)
            .map_err(|_| AccountError::Hash("the password checkers are gone".into()))
    }
}

/// The server's sign-in state: the bound on checks and the throttle.
pub struct SignIns {
    counters: Counters,
    handled: Arc<Semaphore>,
    checkers: Checkers,
    checks: Arc<Semaphore>,
    waiting: AtomicUsize,
    throttle: Mutex<Throttle>,
    /// A hash of a random password, checked in place of an unknown login's.
    dummy: OnceCell<String>,
}

impl Default for SignIns {
    fn default() -> Self {
        SignIns {
            counters: Counters::default(),
            handled: Arc::new(Semaphore::new(MAX_HANDLED)),
            checkers: Checkers::start(checks_at_once()),
            checks: Arc::new(Semaphore::new(checks_at_once())),
            waiting: AtomicUsize::new(0),
            throttle: Mutex::default(),
            dummy: OnceCell::new(),
        }
    }
}

/// Who is trying, as the request tells it.
pub struct Attempt<'a> {
    pub login: &'a str,
    pub password: &'a str,
    /// The source address (of the browser, through a trusted proxy), if known.
    pub addr: Option<IpAddr>,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
    /// The browser's `User-Agent`, kept with the session for its holder's list.
    pub agent: &'a str,
}

/// A good sign-in.
pub struct SignedIn {
    pub account: Account,
    /// The new session's token.
    pub token: String,
    /// The browser's device cookie: the one it had, or a new one.
    pub device: String,
}

/// Opens a session for `who`, with the browser's device cookie: the one it sent, if valid for
/// this account, or a new one.
async fn open_session(
    pool: &SqlitePool,
    device_key: &[u8],
    who: Account,
    sent: Option<&str>,
    agent: &str,
    second_factor: bool,
) -> Result<SignedIn, AccountError> {
    let token = account::open_session_from(pool, who.id, agent, second_factor).await?;
    let kept = sent.filter(|v| device::check(device_key, &who.login, v, device::today()).is_some());
    let device = match kept {
        Some(value) => value.to_string(),
        None => device::issue(device_key, &who.login, device::today()),
    };
    Ok(SignedIn {
        account: who,
        token,
        device,
    })
}

/// Counts an in-flight wait for a check, until dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl SignIns {
    /// Checks a login and password (see the module's description); on success opens a session.
    pub async fn sign_in(
        &self,
        pool: &SqlitePool,
        keys: Keys<'_>,
        attempt: Attempt<'_>,
    ) -> Result<Outcome, AccountError> {
        let login = attempt.login.trim();
        let well_formed = account::valid_login(login);
        let result = if well_formed {
            self.attempt(pool, keys, attempt).await
        } else {
            // No account can have this login: nothing to check, and no key for it (a spray
            // of made-up 4 KB logins must not fill the throttle). The address still counts it.
            let addr = attempt.addr.map(|a| Key::Addr(addr_key(a)));
            self.reserve(&Vec::from_iter(addr))
                .and(Err(AccountError::Invalid))
        };
        let counter = match &result {
            Err(AccountError::TooSoon(_)) => &self.counters.too_soon,
            Err(AccountError::Busy) => &self.counters.busy,
            _ if !well_formed => &self.counters.malformed,
            _ => &self.counters.checked,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        result
    }

    /// Room to handle one more sign-in request, if there is any (see [`MAX_HANDLED`]); when
    /// there is none, the attempt is counted as busy.
    pub fn enter(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let room = self.handled.clone().try_acquire_owned().ok();
        if room.is_none() {
            self.counters.busy.fetch_add(1, Ordering::Relaxed);
        }
        room
    }

    /// Sign-ins so far, by outcome.
    pub fn tally(&self) -> Tally {
        let c = &self.counters;
        Tally {
            peak_running: c.peak_running.load(Ordering::Relaxed),
            peak_waiting: c.peak_waiting.load(Ordering::Relaxed),
            checked: c.checked.load(Ordering::Relaxed),
            too_soon: c.too_soon.load(Ordering::Relaxed),
            busy: c.busy.load(Ordering::Relaxed),
            malformed: c.malformed.load(Ordering::Relaxed),
        }
    }

    /// How many throttle keys are remembered now.
    pub fn remembered_keys(&self) -> usize {
        self.lock().len()
    }

    async fn attempt(
        &self,
        pool: &SqlitePool,
        secrets: Keys<'_>,
        attempt: Attempt<'_>,
    ) -> Result<Outcome, AccountError> {
        let device_key = secrets.device;
        let login = attempt.login.trim();
        let addr = attempt.addr.map(|a| Key::Addr(addr_key(a)));
        // Everything up to the place in the queue is decided without the database, so that a
        // storm of refused attempts never queues for a connection the ballots need.
        let trusted = attempt
            .device
            .and_then(|value| device::check(device_key, login, value, device::today()));
        let keys: Vec<Key> = match &trusted {
            Some(d) => vec![Key::Device(d.clone()), Key::Trusted(login.to_lowercase())],
            None => std::iter::once(Key::Login(login.to_lowercase()))
                .chain(addr)
                .collect(),
        };
        self.reserve(&keys)?;
        let right = match self.lookup_and_check(pool, login, attempt.password).await {
            Ok(checked) => checked,
            Err(e) => {
                if matches!(e, AccountError::Busy) {
                    self.lock().release(&keys, Instant::now());
                }
                return Err(e);
            }
        };
        let (found, right) = right;
        let Some(found) = found.filter(|_| right) else {
            return Err(AccountError::Invalid);
        };
        self.lock().succeeded(&keys, Instant::now());
        // Only whoever knows the password learns that the account is disabled.
        if found.disabled {
            return Err(AccountError::Disabled);
        }
        if let Some(factor) = two_factor::factor(pool, found.account.id).await? {
            let until = unix_now() + PENDING_SECS;
            let id = found.account.id;
            // The token holds the step of the last accepted code: once any code is accepted
            // for the account, this token is spent.
            let last = factor.last_step.to_be_bytes();
            let sealed = totp::seal(secrets.totp, Purpose::Pending, id, until, &last);
            return Ok(Outcome::NeedsCode {
                login: found.account.login,
                pending: format!("{id}:{sealed}"),
            });
        }
        let (who, device) = (found.account, attempt.device);
        let signed = open_session(pool, device_key, who, device, attempt.agent, false);
        Ok(Outcome::SignedIn(signed.await?))
    }

    /// The one-time code after the right password (see the module's description).
    pub async fn second_step(
        &self,
        pool: &SqlitePool,
        secrets: Keys<'_>,
        attempt: CodeAttempt<'_>,
    ) -> Result<SignedIn, AccountError> {
        let now = unix_now();
        let (id, issued_at_step) = attempt
            .pending
            .split_once(':')
            .and_then(|(id, sealed)| {
                let id: i64 = id.parse().ok()?;
                let last = totp::open(secrets.totp, Purpose::Pending, id, now, sealed)?;
                Some((id, u64::from_be_bytes(last.try_into().ok()?)))
            })
            .ok_or(AccountError::CodeExpired)?;
        let keys = [Key::Code(id)];
        self.reserve(&keys)?;
        let (who, disabled) = two_factor::account(pool, id)
            .await?
            .ok_or(AccountError::CodeExpired)?;
        if disabled {
            return Err(AccountError::Disabled);
        }
        let factor = two_factor::factor(pool, id)
            .await?
            .filter(|f| f.last_step == issued_at_step)
            .ok_or(AccountError::CodeExpired)?;
        if factor.failures >= two_factor::MAX_CODE_FAILURES {
            // Closed until a new password: nothing was tried, so nothing is counted.
            self.lock().release(&keys, Instant::now());
            return Err(AccountError::CodeLocked);
        }
        let right = if totp::is_recovery_code(attempt.code) {
            let hash = totp::recovery_hash(attempt.code);
            two_factor::use_recovery_code(pool, &who, &hash, totp::step_of(now)).await?
        } else {
            let sealed = &factor.sealed_secret;
            let Some(secret) = totp::open(secrets.totp, Purpose::Stored, id, now, sealed) else {
                // Not the holder's doing: the audit key changed. Recovery codes still work.
                self.lock().release(&keys, Instant::now());
                tracing::error!(login = %who.login,
                    "a second factor cannot be opened with this audit key");
                return Err(AccountError::FactorUnreadable);
            };
            match totp::check_code(&secret, attempt.code, now, factor.last_step) {
                // Taken atomically: of two requests with one code, one gets in.
                Some(step) => two_factor::use_step(pool, id, step).await?,
                None => false,
            }
        };
        if !right {
            let failures = two_factor::code_failed(pool, &who).await?;
            return Err(if failures >= two_factor::MAX_CODE_FAILURES {
                AccountError::CodeLocked
            } else {
                AccountError::WrongCode
            });
        }
        two_factor::code_passed(pool, id).await?;
        self.lock().succeeded(&keys, Instant::now());
        open_session(
            pool,
            secrets.device,
            who,
            attempt.device,
            attempt.agent,
            true,
        )
        .await
    }

    /// The account for `login`, if any, and whether `password` is its password (checked
    /// against a dummy hash when there is no account, so that it takes as long).
    async fn lookup_and_check(
        &self,
        pool: &SqlitePool,
        login: &str,
        password: &str,
    ) -> Result<(Option<account::Credentials>, bool), AccountError> {
        let place = self.queue()?;
        let found = account::credentials(pool, login).await?;
        let hash = match &found {
            Some(c) => c.password_hash.clone(),
            None => self.dummy_hash().await?,
        };
        let right = self.check(place, password.to_string(), hash).await?;
        Ok((found, right))
    }

    /// Checks the signed-in `account`'s own password again (before it is changed), within the
    /// same bound as a sign-in and throttled by the account itself: a stolen session cannot be
    /// used to guess it, and a stranger's failures on the login cannot stop the owner.
    pub async fn recheck(
        &self,
        pool: &SqlitePool,
        who: &Account,
        password: &str,
    ) -> Result<(), AccountError> {
        let keys = [Key::Own(who.id)];
        self.reserve(&keys)?;
        let checked = self.lookup_and_check(pool, &who.login, password).await;
        let (found, right) = match checked {
            Ok(c) => c,
            Err(e) => {
                if matches!(e, AccountError::Busy) {
                    self.lock().release(&keys, Instant::now());
                }
                return Err(e);
            }
        };
        if found.is_none_or(|c| c.account.id != who.id) {
            return Err(AccountError::NoSuchAccount);
        }
        if !right {
            return Err(AccountError::WrongCurrent);
        }
        self.lock().succeeded(&keys, Instant::now());
        Ok(())
    }

    /// Makes the dummy hash now (at the server's start), so that the first unknown login
    /// takes no longer than a known one.
    pub async fn warm(&self) -> Result<(), AccountError> {
        self.dummy_hash().await.map(|_| ())
    }

    /// Failures counted under a login (for tests and the log).
    pub fn failures_of_login(&self, login: &str) -> u32 {
        self.lock()
            .failures(&Key::Login(login.trim().to_lowercase()), Instant::now())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Throttle> {
        // The throttle's state stays consistent even if a holder panicked (each change is
        // one insert or remove).
        self.throttle.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reserve(&self, keys: &[Key]) -> Result<(), AccountError> {
        match self.lock().reserve(keys, Instant::now()) {
            Ok(()) => Ok(()),
            Err(Refusal::Wait(d)) => Err(AccountError::TooSoon(
                i64::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0)).unwrap_or(i64::MAX),
            )),
            Err(Refusal::Full) => Err(AccountError::Busy),
        }
    }

    /// A place among those waiting for a check, or "busy" if all [`MAX_WAITING`] are taken.
    fn queue(&self) -> Result<Waiting<'_>, AccountError> {
        let before = self.waiting.fetch_add(1, Ordering::SeqCst);
        if before >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AccountError::Busy);
        }
        self.counters
            .peak_waiting
            .fetch_max(before as u64 + 1, Ordering::Relaxed);
        Ok(Waiting(&self.waiting))
    }

    /// One password check, within the bound, from a place in the queue.
    async fn check(
        &self,
        waiting: Waiting<'_>,
        password: String,
        hash: String,
    ) -> Result<bool, AccountError> {
        let permit = tokio::time::timeout(MAX_WAIT, self.checks.clone().acquire_owned())
            .await
            .map_err(|_| AccountError::Busy)?
            .map_err(|_| AccountError::Busy)?;
        drop(waiting);
        // The permit goes with the check: a request dropped mid-check (its client gone) does
        // not free a place while the check still runs.
        let (done, answer) = tokio::sync::oneshot::channel();
        self.checkers.send(Job {
            password,
            hash,
            permit,
            done,
            running: self.counters.running.clone(),
            peak: self.counters.peak_running.clone(),
        })?;
        answer
            .await
            .map_err(|_| AccountError::Hash("the password checker stopped".into()))
    }

    async fn dummy_hash(&self) -> Result<String, AccountError> {
        self.dummy
            .get_or_try_init(|| async {
                use rand::RngCore;
                let mut bytes = [0u8; 24];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                account::hash_password(hex::encode(bytes)).await
            })
            .await
            .cloned()
    }
}
