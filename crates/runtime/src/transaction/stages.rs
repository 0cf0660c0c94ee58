//! Where a signed transaction's time goes, stage by stage (measured only on request).

use std::time::{Duration, Instant};

/// Where a transaction's time went, when `Runtime::profile_phases` is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransactionStageTimes {
    /// Sanitizing the message and signatures, and the size check.
    pub sanitize: Duration,
    /// ed25519 verification of the signatures.
    pub verify: Duration,
    /// Lookup tables, account locks, blockhash or nonce, the Compute Budget instructions,
    /// the status check, the fee and the fee payer.
    pub check: Duration,
    /// Loading the accounts and the programs' checks.
    pub load: Duration,
    /// Running the instructions and the checks after them.
    pub execute: Duration,
    /// Writing the results (or the fee payer and nonce of a failure) into the store.
    pub commit: Duration,
}

/// Measures the stages one after another (only when profiling: the clock reads cost more
/// than some stages).
pub(crate) struct StageClock {
    last: Instant,
    pub(crate) times: TransactionStageTimes,
}

impl StageClock {
    pub(crate) fn start() -> Self {
        Self {
            last: Instant::now(),
            times: TransactionStageTimes::default(),
        }
    }

    /// Adds the time since the last lap to the stage `field` picks.
    pub(crate) fn lap(
        clock: &mut Option<StageClock>,
        field: impl FnOnce(&mut TransactionStageTimes) -> &mut Duration,
    ) {
        if let Some(clock) = clock {
            let now = Instant::now();
            *field(&mut clock.times) += now - clock.last;
            clock.last = now;
        }
    }
}
