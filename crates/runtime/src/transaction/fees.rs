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

    /// What the fee payer is charged: [`FeeDetails::total`], except that before
    /// `remove_rounding_in_fee_calculation` (`rounding` true) the sum goes through an `f64`
    /// and is rounded (`solana-sdk 2.1.0, src/fee.rs`, `FeeDetails::total_fee`).
    pub fn charged(&self, rounding: bool) -> u64 {
        let total = self.total();
        if rounding {
            (total as f64).round() as u64
        } else {
            total
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FeeDetails;

    #[test]
    fn before_remove_rounding_large_fees_go_through_f64() {
        let fee = FeeDetails {
            transaction_fee: 5_000,
            prioritization_fee: 4_593_413_091_806_944_203,
        };
        assert_eq!(fee.charged(false), 4_593_413_091_806_949_203);
        assert_eq!(fee.charged(true), 4_593_413_091_806_949_376);
        let small = FeeDetails {
            transaction_fee: 5_000,
            prioritization_fee: 7,
        };
        assert_eq!(small.charged(true), 5_007);
    }
}
