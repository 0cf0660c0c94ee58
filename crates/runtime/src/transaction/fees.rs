//! The fee a transaction pays: signatures and the prioritization fee
//! (`solana-fee-structure 4.1.0`, `FeeDetails`).

/// The fee a transaction paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeeDetails {
    /// 5,000 lamports per transaction and precompile signature.
    pub transaction_fee: u64,
    /// Compute-unit price × limit, rounded up to lamports.
    pub prioritization_fee: u64,
}

impl FeeDetails {
    /// Both parts together.
    pub fn total(&self) -> u64 {
        self.transaction_fee.saturating_add(self.prioritization_fee)
    }
}
