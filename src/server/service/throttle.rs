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
//!   `service::device`) is throttled by that browser and by all the account's trusted
//!   browsers together (which allow more failures before they wait), so a stranger's failures
//!   on the login do not keep the owner out, and many collected cookies are not many lanes
//!   for guessing;
//! - any other browser by the login (whether or not an account has it: unknown logins wait
//!   exactly as known ones do) and by its source address ([`addr_key`]: an IPv6 address by its
//!   /64, which one subscriber gets whole), which allows more failures before it waits
//!   because an office shares one address;
//! - checking one's own password again before changing it, by the account itself.
//!
//! The map is bounded: logins are at most 64 bytes (others are refused before reaching it),
//! keys are forgotten after [`FORGET_AFTER`] (swept at least every [`SWEEP_EVERY`]), and past
//! [`MAX_KEYS`] new keys are refused, with a little room kept for trusted browsers.

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
    /// All the trusted browsers of a login (lower-cased) together.
    Trusted(String),
    /// A source address ([`addr_key`]).
    Addr(IpAddr),
    /// An account checking its own password again, by its id.
    Own(i64),
    /// One-time codes tried for an account (after its right password), by its id.
    Code(i64),
}

/// The address an attempt from `addr` is counted under: IPv4 (also when written as an
/// IPv4-mapped IPv6 address) as it is; IPv6 by its /64, since a subscriber is given a whole
/// /64 and could otherwise take a fresh address for every guess.
pub fn addr_key(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

/// How long failures are remembered without a new one.
pub const FORGET_AFTER: Duration = Duration::from_secs(30 * 60);
/// Failures from one address before it has to wait at all.
pub const FREE_ADDR_FAILURES: u32 = 10;
/// Failures from all of a login's trusted browsers together before they wait.
pub const FREE_TRUSTED_FAILURES: u32 = 10;
/// Most keys kept at once (at most ~200 bytes each: a login is at most 64 bytes), about
/// 20 MB at most; past it, attempts under new keys are refused until old ones are forgotten.
pub const MAX_KEYS: usize = 100_000;
/// Room above [`MAX_KEYS`] kept for trusted browsers (whose cookies only a good sign-in
/// gives), so that a spray of strangers' keys does not keep the owners out.
pub const TRUSTED_ROOM: usize = 10_000;
/// Forgotten keys are swept out at least this often.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

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
        Key::Trusted(_) => delay(failures.saturating_sub(FREE_TRUSTED_FAILURES)),
        Key::Login(_) | Key::Device(_) | Key::Own(_) | Key::Code(_) => delay(failures),
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
    /// When forgotten keys were last swept out.
    swept: Option<Instant>,
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
        if self
            .swept
            .is_none_or(|t| now.saturating_duration_since(t) >= SWEEP_EVERY)
        {
            self.forget_old(now);
            self.swept = Some(now);
        }
        let mut wait = Duration::ZERO;
        let mut new_keys = 0;
        let mut trusted = true;
        for key in keys {
            trusted &= matches!(key, Key::Device(_) | Key::Trusted(_));
            match self.live(key, now) {
                Some(e) => wait = wait.max(e.next.saturating_duration_since(now)),
                None => new_keys += 1,
            }
        }
        if !wait.is_zero() {
            return Err(Refusal::Wait(wait));
        }
        let room = if trusted {
            MAX_KEYS + TRUSTED_ROOM
        } else {
            MAX_KEYS
        };
        if new_keys > 0 && self.entries.len() + new_keys > room {
            self.forget_old(now);
            if self.entries.len() + new_keys > room {
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
                Key::Login(_) | Key::Device(_) | Key::Own(_) | Key::Code(_) => {
                    self.entries.remove(key);
                }
                // Like an address: one good browser must not clear the failures of the
                // others (cookies collected while the password was known).
                Key::Trusted(_) | Key::Addr(_) => {
                    if let Some(e) = self.entries.get_mut(key) {
                        e.failures = e.failures.saturating_sub(1);
                        e.next = e.next.min(now + delay_of(key, e.failures));
                    }
                }
            }
        }
    }

    /// The attempt reserved under `keys` was never checked (the server was busy): its
    /// reservation is taken back whole, since the caller is not to blame.
    pub fn release(&mut self, keys: &[Key], now: Instant) {
        for key in keys {
            if let Some(e) = self.entries.get_mut(key) {
                e.failures = e.failures.saturating_sub(1);
                // The reservation passed, so no wait was running before it.
                e.next = now;
                if e.failures == 0 {
                    self.entries.remove(key);
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

    fn trusted(device: &str) -> [Key; 2] {
        [Key::Device(device.into()), Key::Trusted("office".into())]
    }

    #[test]
    fn a_trusted_browser_is_not_held_up_by_the_logins_failures() {
        let mut t = Throttle::default();
        let now = Instant::now();
        t.reserve(&[login("office")], now).unwrap();
        assert!(t.reserve(&[login("office")], now).is_err());
        assert!(t.reserve(&trusted("d1"), now).is_ok());
        // …but its own failures slow it down.
        assert!(t.reserve(&trusted("d1"), now).is_err());
    }

    #[test]
    fn many_collected_cookies_are_not_many_lanes_for_guessing() {
        let mut t = Throttle::default();
        let now = Instant::now();
        // Cookies from sign-ins while the password was known: each a fresh device, but all
        // of one login's trusted browsers share one budget.
        let passed = (0..1000)
            .filter(|i| t.reserve(&trusted(&format!("d{i}")), now).is_ok())
            .count();
        assert_eq!(passed, FREE_TRUSTED_FAILURES as usize + 1);
        // A success from one of them clears its own failures only, not the shared ones.
        t.succeeded(&trusted("d0"), now);
        assert_eq!(t.failures(&Key::Device("d0".into()), now), 0);
        assert_eq!(
            t.failures(&Key::Trusted("office".into()), now),
            FREE_TRUSTED_FAILURES
        );
    }

    #[test]
    fn a_busy_server_takes_the_reservation_back() {
        let mut t = Throttle::default();
        let now = Instant::now();
        let keys = [login("office"), Key::Addr("10.0.0.7".parse().unwrap())];
        t.reserve(&keys, now).unwrap();
        t.release(&keys, now);
        assert_eq!(t.failures(&keys[0], now), 0);
        assert!(t.is_empty());
        // A key with earlier failures keeps those, and no wait starts.
        t.reserve(&keys, now).unwrap();
        let later = now + Duration::from_secs(1);
        t.reserve(&keys, later).unwrap();
        t.release(&keys, later);
        assert_eq!(t.failures(&keys[0], later), 1);
        assert!(t.reserve(&keys, later).is_ok());
    }

    #[test]
    fn addresses_are_keyed_by_what_one_subscriber_holds() {
        let a = |s: &str| addr_key(s.parse().unwrap());
        assert_eq!(a("10.0.0.7"), a("10.0.0.7"));
        assert_ne!(a("10.0.0.7"), a("10.0.0.8"));
        assert_eq!(a("::ffff:10.0.0.7"), a("10.0.0.7"), "IPv4-mapped");
        assert_eq!(a("2001:db8:1:2::1"), a("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_eq!(a("2001:db8:1:2::1").to_string(), "2001:db8:1:2::");
        assert_ne!(a("2001:db8:1:2::1"), a("2001:db8:1:3::1"));
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
        // A trusted browser still gets in, within its own room…
        assert!(t.reserve(&trusted("d"), now).is_ok());
        for i in 0..TRUSTED_ROOM {
            let _ = t.reserve(&[Key::Device(i.to_string())], now);
        }
        assert_eq!(
            t.len(),
            MAX_KEYS + TRUSTED_ROOM,
            "device keys are counted too"
        );
        assert_eq!(t.reserve(&trusted("e"), now), Err(Refusal::Full));
        // …and old keys are swept out once forgotten, without waiting for the map to fill.
        let later = now + FORGET_AFTER + Duration::from_secs(1);
        assert!(t.reserve(&[login("one-more")], later).is_ok());
        assert!(t.len() < 10);
    }
}
