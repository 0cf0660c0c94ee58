//! Mutations of a case: instruction data, account metas (flags, duplicates, order, keys),
//! account states (lamports, data, length, owner) and the compute-unit limit.

use sbfvm::Pubkey;
use solana_instruction::AccountMeta;

use crate::case::Case;

/// A small deterministic generator (xorshift64*), so a worker's seed replays its cases.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.next_u64().is_multiple_of(one_in)
    }
}

/// Applies one to three mutations to `case`, returning their names.
pub fn mutate(case: &mut Case, rng: &mut Rng) -> Vec<&'static str> {
    let count = 1 + rng.below(3);
    let names = (0..count).map(|_| mutate_once(case, rng)).collect();
    // Mainnet stores no account without lamports: it is absent, and loads empty and
    // System-owned (Mollusk would pass such an account through as given).
    for (key, account) in &mut case.accounts {
        // A sysvar's account is always the sysvar's bytes on mainnet; Mollusk would take a
        // changed one into its sysvar cache, sbfvm keeps its sysvars, and neither is mainnet.
        if let Some(sysvar) = crate::sides::sysvar_account(key) {
            *account = sysvar;
        } else if account.lamports == 0 {
            *account = sbfvm::Account::default();
        }
    }
    names
}

fn mutate_once(case: &mut Case, rng: &mut Rng) -> &'static str {
    match rng.below(11) {
        0..=2 => mutate_data(&mut case.instruction.data, rng),
        3..=5 => mutate_metas(case, rng),
        6..=9 => mutate_account(case, rng),
        _ => {
            case.compute_unit_limit = match rng.below(3) {
                0 => rng.below(2_000) as u64,
                1 => rng.below(200_001) as u64,
                _ => 1_400_000,
            };
            "compute_unit_limit"
        }
    }
}

fn mutate_data(data: &mut Vec<u8>, rng: &mut Rng) -> &'static str {
    match rng.below(5) {
        0 if !data.is_empty() => {
            let at = rng.below(data.len());
            data[at] ^= 1 << rng.below(8);
            "data.bit"
        }
        1 if !data.is_empty() => {
            let at = rng.below(data.len());
            data[at] = rng.next_u64() as u8;
            "data.byte"
        }
        2 => {
            data.truncate(rng.below(data.len() + 1));
            "data.truncate"
        }
        3 => {
            let extra = rng.below(16);
            data.extend((0..extra).map(|_| rng.next_u64() as u8));
            "data.extend"
        }
        _ => {
            let length = rng.below(64);
            *data = (0..length).map(|_| rng.next_u64() as u8).collect();
            "data.random"
        }
    }
}

fn mutate_metas(case: &mut Case, rng: &mut Rng) -> &'static str {
    let metas = &mut case.instruction.accounts;
    if metas.is_empty() {
        metas.push(AccountMeta::new(Pubkey::new_unique(), false));
        add_missing_accounts(case);
        return "metas.add";
    }
    let at = rng.below(metas.len());
    let name = match rng.below(7) {
        0 => {
            metas[at].is_signer = !metas[at].is_signer;
            "metas.signer"
        }
        1 => {
            metas[at].is_writable = !metas[at].is_writable;
            "metas.writable"
        }
        2 => {
            let copy = metas[at].clone();
            let to = rng.below(metas.len() + 1);
            metas.insert(to, copy);
            "metas.duplicate"
        }
        3 if metas.len() > 1 => {
            metas.remove(at);
            "metas.remove"
        }
        4 if metas.len() > 1 => {
            let other = rng.below(metas.len());
            metas.swap(at, other);
            "metas.swap"
        }
        5 if rng.chance(2) => {
            // The Instructions sysvar: each side builds it from its message.
            let writable = rng.chance(4);
            let meta = AccountMeta {
                pubkey: solana_sdk_ids::sysvar::instructions::id(),
                is_signer: false,
                is_writable: writable,
            };
            metas.insert(rng.below(metas.len() + 1), meta);
            "metas.instructions_sysvar"
        }
        _ => {
            // Another key of the case, or one nobody has.
            let keys: Vec<Pubkey> = case.accounts.iter().map(|(key, _)| *key).collect();
            metas[at].pubkey = if keys.is_empty() || rng.chance(4) {
                Pubkey::new_unique()
            } else {
                keys[rng.below(keys.len())]
            };
            "metas.key"
        }
    };
    add_missing_accounts(case);
    name
}

/// Every meta key has an account in the case (a missing one is empty), as both sides need.
fn add_missing_accounts(case: &mut Case) {
    for meta in &case.instruction.accounts {
        if meta.pubkey != case.instruction.program_id
            && !case.accounts.iter().any(|(key, _)| *key == meta.pubkey)
        {
            case.accounts.push((meta.pubkey, sbfvm::Account::default()));
        }
    }
}

fn mutate_account(case: &mut Case, rng: &mut Rng) -> &'static str {
    if case.accounts.is_empty() {
        return mutate_data(&mut case.instruction.data, rng);
    }
    let at = rng.below(case.accounts.len());
    let program_id = case.instruction.program_id;
    let account = &mut case.accounts[at].1;
    match rng.below(5) {
        0 => {
            account.lamports = match rng.below(4) {
                0 => 0,
                1 => account.lamports.saturating_add(1),
                2 => account.lamports.saturating_sub(1),
                _ => rng.next_u64() % 10_000_000_000,
            };
            "account.lamports"
        }
        1 => {
            let length = match rng.below(3) {
                0 => 0,
                1 => account.data.len() + rng.below(64),
                _ => rng.below(account.data.len() + 1),
            };
            account.data.resize(length, 0);
            "account.length"
        }
        2 if !account.data.is_empty() => {
            let byte = rng.below(account.data.len());
            account.data[byte] = rng.next_u64() as u8;
            "account.data"
        }
        3 => {
            account.owner = match rng.below(3) {
                0 => program_id,
                1 => solana_sdk_ids::system_program::id(),
                _ => Pubkey::new_unique(),
            };
            "account.owner"
        }
        _ => {
            account.executable = !account.executable;
            "account.executable"
        }
    }
}
