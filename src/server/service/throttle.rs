//! Growing waits after failed sign-ins, kept per login, per trusted browser and per source
//! address. Pure bookkeeping: the caller passes the time, so tests need no clock.
//!
//! An attempt is *reserved* before the password is checked: under one lock, every key it
//! falls under is checked (any key still waiting refuses the attempt, with the longest wait),
//! then each key's failure count goes up by one as if the attempt had failed. A burst of
//! simultaneous attempts on one login therefore gets exactly one password check; the others
//! are refused and every one of them is counted. A success then takes its reservation back.
//!
//! The keys are chosen by the caller (`service::signin`):
//! - a browser that once signed in to this account (it holds a device cookie, see
//!   `service::device`) is throttled by that browser alone, so a stranger's failures on the
//!   login do not keep the owner out;
//! - any other browser by the login (whether or not an account has it: unknown logins wait
//!   exactly as known ones do) and by its source address, which allows more failures before
//!   it waits because an office shares one address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// What an attempt is counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A login, lower-cased (logins compare without case).
    Login(String),
    /// A trusted browser, by its device id.
    Device(String),
    /// A source address.
    Addr(IpAddr),
}

/// How long failures are remembered without a new one.
pub const FORGET_AFTER: Duration = Duration::from_secs(30 * 60);
/// Failures from one address before it has to wait at all.
pub const FREE_ADDR_FAILURES: u32 = 10;
/// Most keys kept at once (about 100 bytes each); past it, attempts under new keys other
/// than trusted browsers are refused until old ones are forgotten.
pub const MAX_KEYS: usize = 100_000;

/// Wait before the next attempt after `failures` failed sign-ins in a row: 1 s, 2 s, 4 s, …
/// up to 5 minutes. It slows guessing without locking anyone out for good.
pub fn delay(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let exp = (failures - 1).min(16);
    Duration::from_secs((1u64 << exp).min(300))
}

/// The wait of one key after `failures`.
fn delay_of(key: &Key, failures: u32) -> Duration {
    match key {
        Key::Addr(_) => delay(failures.saturating_sub(FREE_ADDR_FAILURES)),
        Key::Login(_) | Key::Device(_) => delay(failures),
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    /// The last failure (or reservation).
    last: Instant,
    /// No attempt under this key before it.
    next: Instant,
}

/// Every key's failures.
#[derive(Debug, Default)]
pub struct Throttle {
    entries: HashMap<Key, Entry>,
}

/// Why an attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Some key must still wait this long.
    Wait(Duration),
    /// Too many keys are remembered (a spray of logins or addresses); try again shortly.
    Full,
}

impl Throttle {
    /// Reserves an attempt under `keys` at `now` (see the module's description).
    pub fn reserve(&mut self, keys: &[Key], now: Instant) -> Result<(), Refusal> {
        let mut wait = Duration::ZERO;
        let mut new_keys = 0;
        for key in keys {
            match self.live(key, now) {
                Some(e) => wait = wait.max(e.next.saturating_duration_since(now)),
                None => new_keys += usize::from(!matches!(key, Key::Device(_))),
            }
        }
        if !wait.is_zero() {
            return Err(Refusal::Wait(wait));
        }
        if new_keys > 0 && self.entries.len() + new_keys > MAX_KEYS {
            self.forget_old(now);
            if self.entries.len() + new_keys > MAX_KEYS {
                return Err(Refusal::Full);
            }
        }
        for key in keys {
            let failures = self.live(key, now).map_or(0, |e| e.failures) + 1;
            self.entries.insert(
                key.clone(),
                Entry {
                    failures,
                    last: now,
                    next: now + delay_of(key, failures),
                },
            );
        }
        Ok(())
    }

    /// The attempt reserved under `keys` succeeded: the login's and the browser's failures
    /// are cleared; the address only gets this attempt back (one good account must not
    /// clear an address that is guessing at others).
    pub fn succeeded(&mut self, keys: &[Key], now: Instant) {
        for key in keys {
            match key {
                Key::Login(_) | Key::Device(_) => {
                    self.entries.remove(key);
                }
                Key::Addr(_) => {
                    if let Some(e) = self.entries.get_mut(key) {
                        e.failures = e.failures.saturating_sub(1);
                        e.next = e.next.min(now + delay_of(key, e.failures));
                    }
                }
            }
        }
    }

    /// Failures counted under `key` now (0 once forgotten).
    pub fn failures(&self, key: &Key, now: Instant) -> u32 {
        self.live(key, now).map_or(0, |e| e.failures)
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn live(&self, key: &Key, now: Instant) -> Option<&Entry> {
        self.entries
            .get(key)
            .filter(|e| now.saturating_duration_since(e.last) < FORGET_AFTER || e.next > now)
    }

    fn forget_old(&mut self, now: Instant) {
        self.entries
            .retain(|_, e| now.saturating_duration_since(e.last) < FORGET_AFTER || e.next > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(s: &str) -> Key {
        Key::Login(s.to_string())
    }

    #[test]
    fn the_delay_grows_and_is_capped() {
        let cases = [
            (0, 0),
            (1, 1),
            (2, 2),
            (3, 4),
            (5, 16),
            (9, 256),
            (10, 300),
            (1000, 300),
        ];
        for (failures, secs) in cases {
            assert_eq!(delay(failures), Duration::from_secs(secs), "{failures}");
        }
    }

    #[test]
    fn a_burst_gets_one_check_and_every_attempt_is_counted() {
        let mut t = Throttle::default();
        let now = Instant::now();
        let keys = [login("office")];
        let passed = (0..150).filter(|_| t.reserve(&keys, now).is_ok()).count();
        assert_eq!(passed, 1);
        assert_eq!(t.failures(&keys[0], now), 1);
        // Refused attempts wait for the reserved one's delay, not longer.
        assert_eq!(
            t.reserve(&keys, now),
            Err(Refusal::Wait(Duration::from_secs(1)))
        );
        // After the wait, the next failure doubles it.
        let later = now + Duration::from_secs(1);
        assert!(t.reserve(&keys, later).is_ok());
        assert_eq!(
            t.reserve(&keys, later),
            Err(Refusal::Wait(Duration::from_secs(2)))
        );
    }

    #[test]
    fn a_success_clears_the_login_but_gives_the_address_one_attempt_back() {
        let mut t = Throttle::default();
        let mut now = Instant::now();
        let addr = Key::Addr("10.0.0.7".parse().unwrap());
        for i in 0..FREE_ADDR_FAILURES {
            let keys = [login(&format!("guess{i}")), addr.clone()];
            t.reserve(&keys, now).unwrap();
        }
        assert_eq!(t.failures(&addr, now), FREE_ADDR_FAILURES);
        // The address may still try (the free failures are used up only now).
        let mine = [login("mine"), addr.clone()];
        t.reserve(&mine, now).unwrap();
        assert_eq!(t.failures(&addr, now), FREE_ADDR_FAILURES + 1);
        t.succeeded(&mine, now);
        assert_eq!(t.failures(&mine[0], now), 0);
        assert_eq!(t.failures(&addr, now), FREE_ADDR_FAILURES);
        // One more guess from the address, and it waits, whatever the login.
        t.reserve(&[login("guess-x"), addr.clone()], now).unwrap();
        now += Duration::from_millis(10);
        assert!(matches!(
            t.reserve(&[login("anything"), addr.clone()], now),
            Err(Refusal::Wait(_))
        ));
    }

    #[test]
    fn a_trusted_browser_is_not_held_up_by_the_logins_failures() {
        let mut t = Throttle::default();
        let now = Instant::now();
        t.reserve(&[login("office")], now).unwrap();
        assert!(t.reserve(&[login("office")], now).is_err());
        let device = [Key::Device("d1".into())];
        assert!(t.reserve(&device, now).is_ok());
        // …but its own failures slow it down.
        assert!(t.reserve(&device, now).is_err());
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_while() {
        let mut t = Throttle::default();
        let now = Instant::now();
        let keys = [login("office")];
        for i in 0..5 {
            t.reserve(&keys, now + delay(i) * 2 * (i + 1)).unwrap();
        }
        let quiet = now + Duration::from_secs(3600);
        assert_eq!(t.failures(&keys[0], quiet), 0);
        t.reserve(&keys, quiet).unwrap();
        assert_eq!(t.failures(&keys[0], quiet), 1);
    }

    #[test]
    fn a_spray_of_new_keys_is_bounded() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for i in 0..MAX_KEYS {
            t.reserve(&[login(&i.to_string())], now).unwrap();
        }
        assert_eq!(t.reserve(&[login("one-more")], now), Err(Refusal::Full));
        // A trusted browser still gets in, and old keys make room once forgotten.
        assert!(t.reserve(&[Key::Device("d".into())], now).is_ok());
        let later = now + FORGET_AFTER + Duration::from_secs(1);
        assert!(t.reserve(&[login("one-more")], later).is_ok());
        assert!(t.len() < 10);
    }
}
