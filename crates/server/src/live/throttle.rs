//! What a login may cost: a bounded number of password hashes at once (each argon2id hash
//! takes 19 MiB and a core for a while), run on as many threads of their own, and a pause
//! for a name after repeated failures, so a flood of guesses is turned away before it
//! reaches the hash.
//!
//! The threads are made once and each keeps one hash's memory (19 MiB) for all its checks,
//! so hashing holds at most `hashes` × 19 MiB. On tokio's blocking pool every check
//! allocated afresh, on whichever thread, and each thread that ever hashed kept 19–38 MiB
//! in its allocator arena (a flood of bad logins grew the server to 600 MiB; BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use baton_core::Millis;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most names tracked at once; past it the oldest record is dropped first (a flood of
/// made-up names cannot grow the map without bound).
const MAX_NAMES: usize = 10_000;

/// A password check for a hashing thread, given the thread's own hashing memory.
type Job = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// The gate every login passes.
#[derive(Debug)]
pub struct LoginGate {
    hashes: Arc<Semaphore>,
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
    /// At most `hashes` password checks at once; a name that fails `max_failures` times
    /// within `window` ms waits for the rest of that window.
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
        LoginGate {
            hashes: Arc::new(Semaphore::new(hashes)),
            hashers,
            failures: Mutex::new(HashMap::new()),
            max_failures,
            window,
        }
    }

    /// A permit to check `name`'s password at `now`, held while hashing.
    pub fn enter(&self, name: &str, now: Millis) -> Result<OwnedSemaphorePermit, Busy> {
        if let Some(until) = self.paused_until(name, now) {
            return Err(Busy::Paused(until));
        }
        Arc::clone(&self.hashes)
            .try_acquire_owned()
            .map_err(|_| Busy::Hashing)
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

    /// Records the outcome of a check of `name` at `now`.
    pub fn record(&self, name: &str, ok: bool, now: Millis) {
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

    #[test]
    fn a_name_that_keeps_failing_waits_out_its_window_and_others_do_not() {
        let gate = LoginGate::new(4, 3, 1_000);
        for at in [0, 10, 20] {
            assert!(gate.enter("ana", at).is_ok());
            gate.record("ana", false, at);
        }
        assert_eq!(gate.enter("ana", 30).err(), Some(Busy::Paused(1_000)));
        assert!(gate.enter("bob", 30).is_ok(), "another name is not paused");
        assert!(gate.enter("ana", 1_000).is_ok(), "the window is over");
        gate.record("ana", true, 1_000);
        assert!(gate.enter("ana", 1_001).is_ok());
    }

    #[test]
    fn only_so_many_hashes_run_at_once() {
        let gate = LoginGate::new(2, 5, 1_000);
        let first = gate.enter("a", 0).unwrap();
        let _second = gate.enter("b", 0).unwrap();
        assert_eq!(gate.enter("c", 0).err(), Some(Busy::Hashing));
        drop(first);
        assert!(gate.enter("c", 0).is_ok());
    }

    #[test]
    fn made_up_names_cannot_grow_the_record_without_bound() {
        let gate = LoginGate::new(1, 5, 60_000);
        for i in 0..(MAX_NAMES + 50) {
            gate.record(&format!("name-{i}"), false, i as Millis);
        }
        let held = gate.failures.lock().map(|f| f.len()).unwrap_or(0);
        assert_eq!(held, MAX_NAMES);
    }
}
