//! The transaction layer above the instruction processor: what Agave checks and computes
//! for a whole transaction before and after its instructions run.

pub mod compute_budget;
