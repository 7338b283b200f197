//! What a login may cost: a bounded number of password hashes at once (each argon2id hash
//! takes 19 MiB and a core for a while), run on as many threads of their own, and a pause
//! for a name after repeated failures, so a flood of guesses is turned away before it
//! reaches the hash.
//!
//! One of the hashes is kept for addresses an agent has logged in from before (within
//! [`TRUSTED_FOR`]): a flood of guesses at made-up names fills the others, and the agent at
//! the office still gets a check at the first try. The reserve goes by address, never by
//! name, so what is answered says nothing about which names exist.
//!
//! The threads are made once and each keeps one hash's memory (19 MiB) for all its checks,
//! so hashing holds at most `hashes` × 19 MiB. On tokio's blocking pool every check
//! allocated afresh, on whichever thread, and each thread that ever hashed kept 19–38 MiB
//! in its allocator arena (a flood of bad logins grew the server to 600 MiB; BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use baton_core::Millis;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::live::addresses::Address;

/// Most names tracked at once; past it the oldest record is dropped first (a flood of
/// made-up names cannot grow the map without bound).
const MAX_NAMES: usize = 10_000;

/// How long an address an agent logged in from keeps its claim on the reserved hash: 30 days.
pub const TRUSTED_FOR: Millis = 30 * 24 * 3_600_000;

/// Most addresses remembered for the reserve; past it the longest unused is forgotten.
const MAX_TRUSTED: usize = 10_000;

/// A password check for a hashing thread, given the thread's own hashing memory.
type Job = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// The gate every login passes.
#[derive(Debug)]
pub struct LoginGate {
    /// Hashes anyone may start.
    hashes: Arc<Semaphore>,
    /// The hash kept for trusted addresses (none when only one hash may run).
    reserved: Arc<Semaphore>,
    /// Addresses a login succeeded from, and when it last did.
    trusted: Mutex<HashMap<Address, Millis>>,
    /// Jobs for the hashing threads (as many as `hashes` permits).
    hashers: std::sync::mpsc::Sender<Job>,
    failures: Mutex<HashMap<String, Failures>>,
    max_failures: u32,
    window: Millis,
}

/// A name's recent failures.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: Millis,
}

/// Why a login was turned away before its password was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// As many hashes as allowed are running.
    Hashing,
    /// This name failed too often lately; it may try again at this time (ms).
    Paused(Millis),
    /// The client's address sent too many of these lately (see
    /// [`crate::live::addresses`]).
    Address,
}

impl LoginGate {
    /// At most `hashes` password checks at once, one of them (when `hashes` ≥ 2) kept for
    /// trusted addresses; a name that fails `max_failures` times within `window` ms waits
    /// for the rest of that window.
    pub fn new(hashes: usize, max_failures: u32, window: Millis) -> LoginGate {
        let (hashers, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for i in 0..hashes.max(1) {
            let jobs = Arc::clone(&jobs);
            // A thread that cannot be made leaves the others; with none, checks fail closed.
            let _ = std::thread::Builder::new()
                .name(format!("baton-hash-{i}"))
                .spawn(move || {
                    // Allocated by the first check, then reused by every one after.
                    let mut memory = Vec::new();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            // The gate is gone (the server stopped).
                            Err(_) => return,
                        }
                    }
                });
        }
        let reserve = usize::from(hashes >= 2);
        LoginGate {
            hashes: Arc::new(Semaphore::new(hashes - reserve)),
            reserved: Arc::new(Semaphore::new(reserve)),
            trusted: Mutex::new(HashMap::new()),
            hashers,
            failures: Mutex::new(HashMap::new()),
            max_failures,
            window,
        }
    }

    /// A permit to check `name`'s password from `address` at `now`, held while hashing: one
    /// of the shared hashes, or, for a trusted address when they are all taken, the reserved
    /// one.
    pub fn enter(
        &self,
        name: &str,
        address: Address,
        now: Millis,
    ) -> Result<OwnedSemaphorePermit, Busy> {
        if let Some(until) = self.paused_until(name, now) {
            return Err(Busy::Paused(until));
        }
        Arc::clone(&self.hashes).try_acquire_owned().or_else(|_| {
            if self.is_trusted(address, now) {
                Arc::clone(&self.reserved)
                    .try_acquire_owned()
                    .map_err(|_| Busy::Hashing)
            } else {
                Err(Busy::Hashing)
            }
        })
    }

    fn is_trusted(&self, address: Address, now: Millis) -> bool {
        self.trusted.lock().is_ok_and(|trusted| {
            trusted
                .get(&address)
                .is_some_and(|&at| now.saturating_sub(at) < TRUSTED_FOR)
        })
    }

    /// Remembers that a login succeeded from `address` at `now`.
    fn trust(&self, address: Address, now: Millis) {
        let Ok(mut trusted) = self.trusted.lock() else {
            return;
        };
        if trusted.len() >= MAX_TRUSTED && !trusted.contains_key(&address) {
            let oldest = trusted.iter().min_by_key(|(_, at)| **at).map(|(a, _)| *a);
            if let Some(oldest) = oldest {
                trusted.remove(&oldest);
            }
        }
        trusted.insert(address, now);
    }

    /// Whether `password` matches `hash`, checked on a hashing thread; call it holding the
    /// permit from [`LoginGate::enter`]. A check that cannot run counts as a mismatch.
    pub async fn verify(&self, password: String, hash: String) -> bool {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let ok = crate::live::auth::verify_password_in(&password, &hash, memory);
            let _ = answer.send(ok);
        });
        if self.hashers.send(job).is_err() {
            return false;
        }
        answered.await.unwrap_or(false)
    }

    /// Records the outcome of a check of `name` from `address` at `now`.
    pub fn record(&self, name: &str, address: Address, ok: bool, now: Millis) {
        if ok {
            self.trust(address, now);
        }
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if ok {
            failures.remove(name);
            return;
        }
        if failures.len() >= MAX_NAMES && !failures.contains_key(name) {
            let oldest = failures
                .iter()
                .min_by_key(|(_, f)| f.since)
                .map(|(n, _)| n.clone());
            if let Some(oldest) = oldest {
                failures.remove(&oldest);
            }
        }
        let entry = failures.entry(name.to_owned()).or_insert(Failures {
            count: 0,
            since: now,
        });
        if now.saturating_sub(entry.since) >= self.window {
            *entry = Failures {
                count: 0,
                since: now,
            };
        }
        entry.count = entry.count.saturating_add(1);
    }

    fn paused_until(&self, name: &str, now: Millis) -> Option<Millis> {
        let failures = self.failures.lock().ok()?;
        let f = failures.get(name)?;
        let until = f.since.saturating_add(self.window);
        (f.count >= self.max_failures && now < until).then_some(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(last: u8) -> Address {
        Address::of(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
            10, 0, 0, last,
        )))
    }

    #[test]
    fn a_name_that_keeps_failing_waits_out_its_window_and_others_do_not() {
        let gate = LoginGate::new(4, 3, 1_000);
        let from = address(1);
        for at in [0, 10, 20] {
            assert!(gate.enter("ana", from, at).is_ok());
            gate.record("ana", from, false, at);
        }
        assert_eq!(gate.enter("ana", from, 30).err(), Some(Busy::Paused(1_000)));
        assert!(
            gate.enter("bob", from, 30).is_ok(),
            "another name is not paused"
        );
        assert!(gate.enter("ana", from, 1_000).is_ok(), "the window is over");
        gate.record("ana", from, true, 1_000);
        assert!(gate.enter("ana", from, 1_001).is_ok());
    }

    #[test]
    fn only_so_many_hashes_run_at_once() {
        let gate = LoginGate::new(3, 5, 1_000);
        let stranger = address(2);
        // Three hashes, one kept for trusted addresses: a stranger gets two.
        let first = gate.enter("a", stranger, 0).unwrap();
        let _second = gate.enter("b", stranger, 0).unwrap();
        assert_eq!(gate.enter("c", stranger, 0).err(), Some(Busy::Hashing));
        drop(first);
        assert!(gate.enter("c", stranger, 0).is_ok());
    }

    #[test]
    fn an_address_that_logged_in_before_gets_the_reserved_hash() {
        let gate = LoginGate::new(2, 5, 1_000);
        let office = address(3);
        let stranger = address(4);
        gate.record("ana", office, true, 0);
        // A flood from strangers takes the shared hash...
        let _flood = gate.enter("guess", stranger, 10).unwrap();
        assert_eq!(gate.enter("guess", stranger, 10).err(), Some(Busy::Hashing));
        // ...and the office still gets a check, once; then it waits like everyone.
        let kept = gate.enter("ana", office, 10).unwrap();
        assert_eq!(gate.enter("ana", office, 10).err(), Some(Busy::Hashing));
        drop(kept);
        // A failed login earns no trust, and trust ends after TRUSTED_FOR.
        gate.record("guess", stranger, false, 20);
        assert_eq!(gate.enter("guess", stranger, 30).err(), Some(Busy::Hashing));
        assert_eq!(
            gate.enter("ana", office, TRUSTED_FOR).err(),
            Some(Busy::Hashing)
        );
    }

    #[test]
    fn made_up_names_cannot_grow_the_record_without_bound() {
        let gate = LoginGate::new(1, 5, 60_000);
        for i in 0..(MAX_NAMES + 50) {
            gate.record(&format!("name-{i}"), address(5), false, i as Millis);
        }
        let held = gate.failures.lock().map(|f| f.len()).unwrap_or(0);
        assert_eq!(held, MAX_NAMES);
    }
}
