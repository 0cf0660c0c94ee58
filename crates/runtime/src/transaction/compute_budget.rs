//! The Compute Budget program's instructions read at the transaction level, before
//! execution: the compute-unit limit and price, the heap frame and the loaded-accounts data
//! size limit, with the duplicate and invalid-value errors and the default limit per
//! instruction kind.
//!
//! Mirrors `solana-compute-budget-instruction 4.4.0`, `src/compute_budget_instruction_details.rs`
//! (`ComputeBudgetInstructionDetails`), the constants of `solana-program-runtime 4.4.0,
//! src/execution_budget.rs` and the builtin list of `solana-builtins-default-costs 4.4.0,
//! src/lib.rs`.

use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, compute_budget, ed25519_program,
    loader_v4, secp256k1_program, system_program, vote,
};
use solana_transaction_error::TransactionError;

use crate::features::FeatureSet;

/// The highest compute-unit limit a transaction may have.
pub const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;
/// The default limit of one instruction of a program that is not a builtin.
pub const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT: u32 = 200_000;
/// The default limit of one builtin instruction.
pub const MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT: u32 = 3_000;
/// The smallest (and default) heap frame.
pub const MIN_HEAP_FRAME_BYTES: u32 = 32 * 1024;
/// The largest heap frame a transaction may request.
pub const MAX_HEAP_FRAME_BYTES: u32 = 256 * 1024;
/// The largest (and default) loaded-accounts data size limit: 64 MiB.
pub const MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES: u32 = 64 * 1024 * 1024;

/// Micro-lamports in a lamport: the unit of the compute-unit price.
const MICRO_LAMPORTS_PER_LAMPORT: u128 = 1_000_000;

/// What a transaction's Compute Budget instructions (or their absence) set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeBudgetLimits {
    /// The heap frame of every SBF program the transaction runs.
    pub heap_bytes: u32,
    /// The compute units the whole transaction may consume.
    pub compute_unit_limit: u32,
    /// Micro-lamports per compute unit of the limit, paid as the prioritization fee.
    pub compute_unit_price: u64,
    /// The bytes of account data the transaction may load.
    pub loaded_accounts_bytes: u32,
}

impl ComputeBudgetLimits {
    /// The prioritization fee: price × limit in micro-lamports, rounded up to lamports
    /// (`solana-compute-budget 4.4.0, src/compute_budget_limits.rs`, `get_prioritization_fee`).
    pub fn prioritization_fee(&self) -> u64 {
        let micro_lamports =
            u128::from(self.compute_unit_price).saturating_mul(u128::from(self.compute_unit_limit));
        micro_lamports
            .saturating_add(MICRO_LAMPORTS_PER_LAMPORT - 1)
            .checked_div(MICRO_LAMPORTS_PER_LAMPORT)
            .and_then(|fee| u64::try_from(fee).ok())
            .unwrap_or(u64::MAX)
    }
}

/// How an instruction's program counts towards the default compute-unit limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProgramKind {
    /// 200,000 units.
    NotBuiltin,
    /// 3,000 units.
    Builtin,
    /// A builtin while its Core BPF migration feature is inactive, 200,000 units after.
    MigratingBuiltin { migration_feature: Pubkey },
}

/// `solana-builtins-default-costs 4.4.0, src/lib.rs`: the builtins that count 3,000 units
/// (the Vote program only until `bls_pubkey_management_in_vote_account` migrates it).
fn program_kind(program_id: &Pubkey) -> ProgramKind {
    const NOT_MIGRATING: [Pubkey; 8] = [
        system_program::ID,
        compute_budget::ID,
        bpf_loader_upgradeable::ID,
        bpf_loader_deprecated::ID,
        bpf_loader::ID,
        loader_v4::ID,
        secp256k1_program::ID,
        ed25519_program::ID,
    ];
    if *program_id == vote::ID {
        ProgramKind::MigratingBuiltin {
            migration_feature: crate::features::ids::BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT,
        }
    } else if NOT_MIGRATING.contains(program_id) {
        ProgramKind::Builtin
    } else {
        ProgramKind::NotBuiltin
    }
}

/// The default compute-unit limit of a transaction whose instructions run `program_ids`
/// and that sets none: 3,000 per builtin instruction, 200,000 per other, not capped here.
/// Before SIMD-0170 (`reserve_minimal_cus_for_builtin_instructions`), 200,000 per
/// instruction that is not a Compute Budget one, which counts nothing
/// (`solana-runtime-transaction 2.1.0, src/compute_budget_instruction_details.rs`,
/// `sanitize_and_convert_to_compute_budget_limits`).
pub fn default_compute_unit_limit<'a>(
    program_ids: impl IntoIterator<Item = &'a Pubkey>,
    features: &FeatureSet,
) -> u32 {
    let program_ids = program_ids.into_iter();
    if !features.reserve_minimal_cus_for_builtin_instructions() {
        return program_ids
            .filter(|program_id| **program_id != compute_budget::ID)
            .map(|_| DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT)
            .fold(0u32, u32::saturating_add);
    }
    program_ids
        .map(|program_id| match program_kind(program_id) {
            ProgramKind::Builtin => MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT,
            ProgramKind::MigratingBuiltin { migration_feature }
                if !features.is_active(&migration_feature) =>
            {
                MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT
            }
            _ => DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT,
        })
        .fold(0u32, u32::saturating_add)
}

/// Each value with the index of the instruction that set it.
#[derive(Debug, Default)]
struct Requested {
    heap_bytes: Option<(u8, u32)>,
    compute_unit_limit: Option<(u8, u32)>,
    compute_unit_price: Option<(u8, u64)>,
    loaded_accounts_bytes: Option<(u8, u32)>,
}

/// A Compute Budget instruction's data: a borsh enum (a one-byte tag, then the value; bytes
/// after the value are ignored, as `try_from_slice_unchecked` ignores them).
enum ComputeBudgetInstruction {
    RequestHeapFrame(u32),
    SetComputeUnitLimit(u32),
    SetComputeUnitPrice(u64),
    SetLoadedAccountsDataSizeLimit(u32),
}

impl ComputeBudgetInstruction {
    fn decode(data: &[u8]) -> Option<Self> {
        let u32_at = |data: &[u8]| Some(u32::from_le_bytes(data.get(1..5)?.try_into().ok()?));
        match data.first()? {
            1 => u32_at(data).map(Self::RequestHeapFrame),
            2 => u32_at(data).map(Self::SetComputeUnitLimit),
            3 => Some(Self::SetComputeUnitPrice(u64::from_le_bytes(
                data.get(1..9)?.try_into().ok()?,
            ))),
            4 => u32_at(data).map(Self::SetLoadedAccountsDataSizeLimit),
            // 0 is the deprecated `Unused` variant, which no instruction may use.
            _ => None,
        }
    }
}

/// Records the value of instruction `index`, or `DuplicateInstruction(index)` when an
/// earlier instruction set it.
fn set_once<T>(slot: &mut Option<(u8, T)>, index: u8, value: T) -> Result<(), TransactionError> {
    if slot.is_some() {
        return Err(TransactionError::DuplicateInstruction(index));
    }
    *slot = Some((index, value));
    Ok(())
}

/// The limits set by a transaction whose instructions are `instructions` (program id and
/// data, in order): `DuplicateInstruction(i)` for a second instruction of a kind,
/// `InstructionError(i, InvalidInstructionData)` for data that does not decode or a heap
/// frame outside 32–256 KiB or not a multiple of 1 KiB,
/// `InvalidLoadedAccountsDataSizeLimit` for a zero data size limit.
pub fn compute_budget_limits<'a>(
    instructions: impl IntoIterator<Item = (&'a Pubkey, &'a [u8])> + Clone,
    features: &FeatureSet,
) -> Result<ComputeBudgetLimits, TransactionError> {
    let mut requested = Requested::default();
    for (index, (program_id, data)) in instructions.clone().into_iter().enumerate() {
        if *program_id != compute_budget::ID {
            continue;
        }
        let index = index as u8;
        let instruction = ComputeBudgetInstruction::decode(data).ok_or(
            TransactionError::InstructionError(index, InstructionError::InvalidInstructionData),
        )?;
        match instruction {
            ComputeBudgetInstruction::RequestHeapFrame(bytes) => {
                set_once(&mut requested.heap_bytes, index, bytes)?
            }
            ComputeBudgetInstruction::SetComputeUnitLimit(units) => {
                set_once(&mut requested.compute_unit_limit, index, units)?
            }
            ComputeBudgetInstruction::SetComputeUnitPrice(price) => {
                set_once(&mut requested.compute_unit_price, index, price)?
            }
            ComputeBudgetInstruction::SetLoadedAccountsDataSizeLimit(bytes) => {
                set_once(&mut requested.loaded_accounts_bytes, index, bytes)?
            }
        }
    }

    let heap_bytes = match requested.heap_bytes {
        Some((index, bytes)) => {
            if !(MIN_HEAP_FRAME_BYTES..=MAX_HEAP_FRAME_BYTES).contains(&bytes) || bytes % 1024 != 0
            {
                return Err(TransactionError::InstructionError(
                    index,
                    InstructionError::InvalidInstructionData,
                ));
            }
            bytes
        }
        None => MIN_HEAP_FRAME_BYTES,
    };
    let compute_unit_limit = requested
        .compute_unit_limit
        .map(|(_, units)| units)
        .unwrap_or_else(|| {
            default_compute_unit_limit(
                instructions.into_iter().map(|(program_id, _)| program_id),
                features,
            )
        })
        .min(MAX_COMPUTE_UNIT_LIMIT);
    let loaded_accounts_bytes = match requested.loaded_accounts_bytes {
        Some((_, 0)) => return Err(TransactionError::InvalidLoadedAccountsDataSizeLimit),
        Some((_, bytes)) => bytes.min(MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES),
        None => MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES,
    };
    Ok(ComputeBudgetLimits {
        heap_bytes,
        compute_unit_limit,
        compute_unit_price: requested.compute_unit_price.map_or(0, |(_, price)| price),
        loaded_accounts_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(instructions: &[(Pubkey, Vec<u8>)]) -> Result<ComputeBudgetLimits, TransactionError> {
        compute_budget_limits(
            instructions
                .iter()
                .map(|(program_id, data)| (program_id, data.as_slice())),
            &FeatureSet::mainnet(),
        )
    }

    fn budget_instruction(tag: u8, value: &[u8]) -> (Pubkey, Vec<u8>) {
        (compute_budget::ID, [&[tag][..], value].concat())
    }

    #[test]
    fn defaults_count_builtins_and_programs() {
        let program = Pubkey::new_unique();
        let limits = limits(&[
            (system_program::ID, vec![]),
            (program, vec![]),
            budget_instruction(3, &7u64.to_le_bytes()),
        ])
        .unwrap();
        // System and Compute Budget 3,000 each, the program 200,000.
        assert_eq!(limits.compute_unit_limit, 206_000);
        assert_eq!(limits.heap_bytes, MIN_HEAP_FRAME_BYTES);
        assert_eq!(limits.compute_unit_price, 7);
        assert_eq!(
            limits.loaded_accounts_bytes,
            MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES
        );
        let many = vec![(program, vec![]); 8];
        assert_eq!(
            self::limits(&many).unwrap().compute_unit_limit,
            MAX_COMPUTE_UNIT_LIMIT
        );
    }

    #[test]
    fn requested_values_and_their_errors() {
        let set = limits(&[
            budget_instruction(2, &50_000u32.to_le_bytes()),
            budget_instruction(1, &(64 * 1024u32).to_le_bytes()),
            budget_instruction(4, &1_000u32.to_le_bytes()),
            // Bytes after the value are ignored.
            budget_instruction(3, &[1, 0, 0, 0, 0, 0, 0, 0, 9]),
        ])
        .unwrap();
        assert_eq!(
            (
                set.compute_unit_limit,
                set.heap_bytes,
                set.loaded_accounts_bytes
            ),
            (50_000, 64 * 1024, 1_000)
        );
        assert_eq!(set.compute_unit_price, 1);
        assert_eq!(
            limits(&[
                budget_instruction(2, &1u32.to_le_bytes()),
                budget_instruction(2, &2u32.to_le_bytes())
            ]),
            Err(TransactionError::DuplicateInstruction(1))
        );
        let invalid = |index| {
            Err(TransactionError::InstructionError(
                index,
                InstructionError::InvalidInstructionData,
            ))
        };
        assert_eq!(limits(&[budget_instruction(0, &[])]), invalid(0));
        assert_eq!(limits(&[budget_instruction(2, &[1, 0])]), invalid(0));
        // A heap frame out of range or not a multiple of 1 KiB fails after every
        // instruction was read, with its own index.
        assert_eq!(
            limits(&[
                (Pubkey::new_unique(), vec![]),
                budget_instruction(1, &(33 * 1024 + 1u32).to_le_bytes()),
            ]),
            invalid(1)
        );
        assert_eq!(
            limits(&[budget_instruction(1, &(257 * 1024u32).to_le_bytes())]),
            invalid(0)
        );
        assert_eq!(
            limits(&[budget_instruction(4, &0u32.to_le_bytes())]),
            Err(TransactionError::InvalidLoadedAccountsDataSizeLimit)
        );
        assert_eq!(
            limits(&[budget_instruction(2, &u32::MAX.to_le_bytes())])
                .unwrap()
                .compute_unit_limit,
            MAX_COMPUTE_UNIT_LIMIT
        );
    }

    #[test]
    fn the_vote_program_is_a_builtin_until_it_migrates() {
        let mut features = FeatureSet::mainnet();
        features.deactivate(&crate::features::ids::BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT);
        assert_eq!(default_compute_unit_limit([&vote::ID], &features), 3_000);
        features.activate(crate::features::ids::BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT);
        assert_eq!(default_compute_unit_limit([&vote::ID], &features), 200_000);
        let zk = solana_sdk_ids::zk_elgamal_proof_program::ID;
        assert_eq!(
            default_compute_unit_limit([&zk, &loader_v4::ID], &features),
            203_000
        );
    }

    #[test]
    fn before_simd_0170_compute_budget_instructions_count_nothing() {
        let mut features = FeatureSet::mainnet();
        features.deactivate(&crate::features::ids::RESERVE_MINIMAL_CUS_FOR_BUILTIN_INSTRUCTIONS);
        let system = solana_sdk_ids::system_program::ID;
        assert_eq!(
            default_compute_unit_limit([&compute_budget::ID], &features),
            0
        );
        assert_eq!(
            default_compute_unit_limit([&compute_budget::ID, &system, &vote::ID], &features),
            400_000
        );
    }

    #[test]
    fn the_prioritization_fee_rounds_up() {
        let fee = |price, limit| {
            ComputeBudgetLimits {
                heap_bytes: MIN_HEAP_FRAME_BYTES,
                compute_unit_limit: limit,
                compute_unit_price: price,
                loaded_accounts_bytes: MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES,
            }
            .prioritization_fee()
        };
        assert_eq!(fee(0, 1_400_000), 0);
        assert_eq!(fee(999_999, 1), 1);
        assert_eq!(fee(1_000_001, 1), 2);
        assert_eq!(fee(200, 100_000), 20);
        assert_eq!(fee(u64::MAX, u32::MAX), u64::MAX);
    }
}
