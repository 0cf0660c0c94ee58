//! Rent collection, before `disable_rent_fees_collection`: a writable account that is not
//! rent-exempt pays the rent due since its `rent_epoch` when a transaction loads it, and one
//! that cannot pay it all loses everything (`solana-svm 2.1.0, src/account_loader.rs`,
//! `collect_rent_from_account`; `solana-sdk 2.1.0, src/rent_collector.rs`,
//! `RentCollector::collect_from_existing_account`).

use solana_account::{AccountSharedData, ReadableAccount, WritableAccount};
use solana_epoch_schedule::EpochSchedule;
use solana_pubkey::Pubkey;

use crate::sysvars::{RentParams, ACCOUNT_STORAGE_OVERHEAD};

/// The `rent_epoch` of an account known to be rent-exempt.
pub const RENT_EXEMPT_RENT_EPOCH: u64 = u64::MAX;

/// Slots per year of a cluster at 160 ticks per second and 64 ticks per slot (the genesis
/// defaults, mainnet's too): `years_as_slots(1.0, …)` of `solana-sdk 2.1.0, src/genesis_config.rs`
/// with `SECONDS_PER_YEAR` = 365.242199 days.
pub const SLOTS_PER_YEAR: f64 = 365.242_199 * 24.0 * 60.0 * 60.0 * 160.0 / 64.0;

/// What rent collection needs of the bank.
#[derive(Debug, Clone, Copy)]
pub struct RentCollector<'a> {
    /// The bank's epoch.
    pub epoch: u64,
    /// The epoch schedule.
    pub epoch_schedule: &'a EpochSchedule,
    /// The rent.
    pub rent: &'a RentParams,
}

impl RentCollector<'_> {
    /// Collects the rent `account` owes, returning the lamports collected
    /// (`collect_from_existing_account`): none while its `rent_epoch` is `u64::MAX` or in
    /// the future; an executable account, the incinerator or a rent-exempt balance is marked
    /// exempt; otherwise the rent of the slots from its `rent_epoch` through the next epoch,
    /// and an account that cannot pay more than that is emptied.
    // `set_rent_epoch` is deprecated now that every account is exempt; Agave 2.1 sets it.
    #[allow(deprecated)]
    pub fn collect(&self, address: &Pubkey, account: &mut AccountSharedData) -> u64 {
        let rent_epoch = account.rent_epoch();
        if rent_epoch == RENT_EXEMPT_RENT_EPOCH || rent_epoch > self.epoch {
            return 0;
        }
        let exempt = account.executable()
            || *address == solana_sdk_ids::incinerator::ID
            || account.lamports() >= self.rent.minimum_balance(account.data().len());
        if exempt {
            account.set_rent_epoch(RENT_EXEMPT_RENT_EPOCH);
            return 0;
        }
        let due = self.rent_due(account.data().len(), rent_epoch);
        if due == 0 {
            return 0;
        }
        match account.lamports().checked_sub(due) {
            None | Some(0) => std::mem::take(account).lamports(),
            Some(lamports) => {
                account.set_lamports(lamports);
                account.set_rent_epoch(self.epoch.saturating_add(1));
                due
            }
        }
    }

    /// The rent due from `rent_epoch` through the current epoch (`get_rent_due`,
    /// `Rent::due_amount`).
    fn rent_due(&self, data_len: usize, rent_epoch: u64) -> u64 {
        let slots_elapsed: u64 = (rent_epoch..=self.epoch)
            .map(|epoch| {
                self.epoch_schedule
                    .get_slots_in_epoch(epoch.saturating_add(1))
            })
            .sum();
        let years_elapsed = slots_elapsed as f64 / SLOTS_PER_YEAR;
        let lamports_per_year = self
            .rent
            .lamports_per_byte_year
            .wrapping_mul(data_len as u64 + ACCOUNT_STORAGE_OVERHEAD);
        (lamports_per_year as f64 * years_elapsed) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector<'a>(schedule: &'a EpochSchedule, rent: &'a RentParams) -> RentCollector<'a> {
        RentCollector {
            epoch: 10,
            epoch_schedule: schedule,
            rent,
        }
    }

    #[test]
    #[allow(deprecated)] // set_rent_epoch: accounts with a rent epoch, as Agave 2.1 had
    fn rent_paying_accounts_pay_or_are_emptied() {
        let schedule = EpochSchedule::without_warmup();
        let rent = RentParams::default();
        let collector = collector(&schedule, &rent);
        let key = Pubkey::new_unique();
        let owner = solana_sdk_ids::system_program::ID;
        // Rent-exempt: marked so.
        let mut exempt = AccountSharedData::new(rent.minimum_balance(0), 0, &owner);
        assert_eq!(collector.collect(&key, &mut exempt), 0);
        assert_eq!(exempt.rent_epoch(), RENT_EXEMPT_RENT_EPOCH);
        // Paying 11 epochs of 432,000 slots for 128 bytes.
        let due = (128.0 * 6_960.0 * (11.0 * 432_000.0 / SLOTS_PER_YEAR)) as u64;
        let mut paying = AccountSharedData::new(due + 1, 0, &owner);
        paying.set_rent_epoch(0);
        assert_eq!(collector.collect(&key, &mut paying), due);
        assert_eq!(paying.lamports(), 1);
        assert_eq!(paying.rent_epoch(), 11);
        // Collected this epoch already: nothing more.
        assert_eq!(collector.collect(&key, &mut paying), 0);
        // Cannot pay: emptied.
        let mut poor = AccountSharedData::new(due, 8, &owner);
        poor.set_rent_epoch(0);
        assert_eq!(collector.collect(&key, &mut poor), due);
        assert_eq!(poor, AccountSharedData::default());
        // Executable accounts are exempt.
        let mut program = AccountSharedData::new(1, 0, &owner);
        program.set_executable(true);
        program.set_rent_epoch(0);
        assert_eq!(collector.collect(&key, &mut program), 0);
        assert_eq!(program.lamports(), 1);
    }
}
