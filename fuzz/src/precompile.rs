//! The `precompile` target: a transaction of one to four ed25519, secp256k1 and secp256r1
//! instructions with arbitrary data, run end to end by `Sbfvm::process_transaction` (so
//! through the processor's precompile path, SIMD-0159). The offsets records of one
//! instruction may point into the data of any other.
//!
//! Input format ([`crate::Reader`]):
//! ```text
//! toggles: u8     bit 0 flips ed25519_precompile_verify_strict, bit 1 flips
//!                 enable_secp256r1_precompile, bit 2 starts from no features (not mainnet)
//! limit: u8       0: the default compute-unit limit; n: (n - 1) × 1,000 units
//! count: u8       instructions = 1 + count % 4
//! each instruction: program u8 (% 3: ed25519, secp256k1, secp256r1),
//!                   accounts u8 (% 4: none, [A], [A, B], [B, A]),
//!                   data: u16 len + bytes
//! ```
//! A (a system account) is a writable signer, B (a foreign account with data) is writable
//! when listed first, read-only otherwise.
//!
//! What every run must keep (`agave-precompiles 4.4.0` as `solana-program-runtime 4.4.0,
//! src/invoke_context.rs`, `process_message`, runs it): no compute units, no logs, no
//! return data, no account changed; the result is `ok` or the first failing instruction
//! with a `PrecompileError` as `Custom(n)` that its precompile can return (ed25519 and
//! secp256r1: 0, 2, 3, 4; secp256k1: 1, 2, 3, 4). A secp256r1 instruction while
//! `enable_secp256r1_precompile` is off is no precompile in sbfvm: it fails with
//! `UnsupportedProgramId` (the native program has no builtin), still with no units.

use std::cell::RefCell;
use std::collections::HashMap;

use sbfvm::{Config, FeatureSet, Sbfvm};
use sbfvm_runtime::features::ids;
use sbfvm_runtime::{
    Account, AccountMeta, Instruction, InstructionError, Pubkey, TransactionError,
};
use solana_sdk_ids::{ed25519_program, secp256k1_program, secp256r1_program, system_program};

use crate::{key, other_id, Reader, Writer};

/// The precompiles an instruction's program selector picks from, in selector order.
pub const PROGRAMS: [Pubkey; 3] = [
    ed25519_program::ID,
    secp256k1_program::ID,
    secp256r1_program::ID,
];

/// Most instructions of one transaction.
pub const MAX_INSTRUCTIONS: usize = 4;

/// `PrecompileError` numbers each precompile can fail with, in [`PROGRAMS`] order:
/// `InvalidPublicKey` 0, `InvalidRecoveryId` 1, `InvalidSignature` 2, `InvalidDataOffsets`
/// 3, `InvalidInstructionDataSize` 4 (`solana-precompile-error 3.0.0`).
const ERRORS: [&[u32]; 3] = [&[0, 2, 3, 4], &[1, 2, 3, 4], &[0, 2, 3, 4]];

/// A decoded transaction input.
#[derive(Debug, Clone, Default)]
pub struct PrecompileInput {
    pub toggles: u8,
    pub limit: u8,
    /// (program selector, accounts selector, data) of each instruction.
    pub instructions: Vec<(u8, u8, Vec<u8>)>,
}

impl PrecompileInput {
    pub fn decode(data: &[u8]) -> Self {
        let mut r = Reader::new(data);
        let toggles = r.u8();
        let limit = r.u8();
        let count = 1 + usize::from(r.u8()) % MAX_INSTRUCTIONS;
        let instructions = (0..count)
            .map(|_| (r.u8(), r.u8(), r.bytes16(usize::from(u16::MAX)).to_vec()))
            .collect();
        Self {
            toggles,
            limit,
            instructions,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        let count = self.instructions.len().clamp(1, MAX_INSTRUCTIONS);
        w.u8(self.toggles).u8(self.limit).u8(count as u8 - 1);
        for (program, accounts, data) in self.instructions.iter().take(count) {
            w.u8(*program).u8(*accounts).bytes16(data);
        }
        w.out
    }
}

/// The writable signer every account selector but 0 lists.
fn account_a() -> (Pubkey, Account) {
    let account = crate::account(1_000_000_000, Vec::new(), system_program::id(), false);
    (key(0x0A), account)
}

/// A foreign account with data.
fn account_b() -> (Pubkey, Account) {
    (
        key(0x0B),
        crate::account(5_000_000, vec![0xBB; 100], other_id(), false),
    )
}

fn features(toggles: u8) -> FeatureSet {
    let mut set = if toggles & 0x04 != 0 {
        FeatureSet::none()
    } else {
        FeatureSet::mainnet()
    };
    for (bit, id) in [
        (0x01, ids::ED25519_PRECOMPILE_VERIFY_STRICT),
        (0x02, ids::ENABLE_SECP256R1_PRECOMPILE),
    ] {
        if toggles & bit != 0 {
            if set.is_active(&id) {
                set.deactivate(&id);
            } else {
                set.activate(id);
            }
        }
    }
    set
}

thread_local! {
    /// One instance per feature selection; precompiles change no state, so runs can share it.
    static INSTANCES: RefCell<HashMap<u8, Sbfvm>> = RefCell::new(HashMap::new());
}

fn instruction(program: u8, accounts: u8, data: &[u8]) -> Instruction {
    let (a, _) = account_a();
    let (b, _) = account_b();
    let metas = match accounts % 4 {
        0 => vec![],
        1 => vec![AccountMeta::new(a, true)],
        2 => vec![
            AccountMeta::new(a, true),
            AccountMeta::new_readonly(b, false),
        ],
        _ => vec![
            AccountMeta::new(b, false),
            AccountMeta::new_readonly(a, true),
        ],
    };
    Instruction::new_with_bytes(PROGRAMS[usize::from(program % 3)], data, metas)
}

/// Runs one transaction input, checks what every precompile transaction keeps (see the
/// module documentation), and returns its result.
pub fn run(data: &[u8]) -> Result<(), TransactionError> {
    let input = PrecompileInput::decode(data);
    let toggles = input.toggles & 0x07;
    let features = features(toggles);
    let instructions: Vec<Instruction> = input
        .instructions
        .iter()
        .map(|(program, accounts, data)| instruction(*program, *accounts, data))
        .collect();
    let limit = match input.limit {
        0 => None,
        n => Some(u64::from(n - 1) * 1_000),
    };
    let secp256r1_enabled = features.enable_secp256r1_precompile();
    let outcome = INSTANCES.with(|instances| {
        let mut instances = instances.borrow_mut();
        let vm = instances.entry(toggles).or_insert_with(|| {
            let config = Config {
                features,
                ..Config::default()
            };
            let mut vm = Sbfvm::new(config).expect("the fuzz instance builds");
            for (pubkey, account) in [account_a(), account_b()] {
                vm.set_account(pubkey, account);
            }
            vm
        });
        let outcome = vm.process_transaction(&instructions, limit);
        for (pubkey, account) in [account_a(), account_b()] {
            assert_eq!(vm.account(&pubkey), Some(account), "the store changed");
        }
        outcome
    });
    let transaction = &outcome.transaction;
    if crate::debug() {
        eprintln!("{:?}", transaction.result);
    }
    assert_eq!(
        transaction.compute_units_consumed, 0,
        "precompiles cost units"
    );
    assert_eq!(transaction.accounts_after, transaction.accounts_before);
    assert!(transaction.return_data.is_none(), "return data");

    let is_unsupported = |program: &Pubkey| *program == secp256r1_program::ID && !secp256r1_enabled;
    // The first instruction sbfvm does not run as a precompile ends the transaction.
    let first_unsupported = instructions
        .iter()
        .position(|instruction| is_unsupported(&instruction.program_id));
    match &transaction.result {
        Ok(()) => {
            assert_eq!(
                first_unsupported, None,
                "a secp256r1 instruction ran without its feature"
            );
            assert!(
                transaction.logs.is_empty(),
                "precompiles log: {:?}",
                transaction.logs
            );
        }
        Err(TransactionError::InstructionError(index, error)) => {
            let index = usize::from(*index);
            let program = instructions[index].program_id;
            assert!(first_unsupported.is_none_or(|first| index <= first));
            if is_unsupported(&program) {
                assert_eq!(*error, InstructionError::UnsupportedProgramId);
            } else {
                let selector = PROGRAMS.iter().position(|id| *id == program).unwrap();
                assert!(
                    matches!(error, InstructionError::Custom(n) if ERRORS[selector].contains(n)),
                    "instruction {index} ({program}) failed with {error:?}"
                );
                assert!(
                    transaction.logs.is_empty(),
                    "precompiles log: {:?}",
                    transaction.logs
                );
            }
        }
        Err(error) => panic!("the transaction failed with {error:?}"),
    }
    transaction.result.clone()
}

// ---- seeds ----

const SECRET_KEY: [u8; 32] = [7; 32];
const MESSAGE: &[u8] = b"sbfvm precompile seed";

/// Selector of `program` in [`PROGRAMS`].
fn selector(program: &Pubkey) -> u8 {
    PROGRAMS
        .iter()
        .position(|id| id == program)
        .expect("a precompile") as u8
}

fn seed(toggles: u8, instructions: &[(&Instruction, u8)]) -> Vec<u8> {
    PrecompileInput {
        toggles,
        limit: 0,
        instructions: instructions
            .iter()
            .map(|(instruction, accounts)| {
                (
                    selector(&instruction.program_id),
                    *accounts,
                    instruction.data.clone(),
                )
            })
            .collect(),
    }
    .encode()
}

/// `instruction` with its data changed by `change`.
fn corrupted(instruction: &Instruction, change: impl FnOnce(&mut Vec<u8>)) -> Instruction {
    let mut instruction = instruction.clone();
    change(&mut instruction.data);
    instruction
}

/// The seed corpus: a valid instruction of each precompile (built with
/// `sbfvm::precompiles`), alone, with accounts and under each feature toggle; corrupted
/// variants of each (signature, key, message, count, offsets, length, recovery id); all
/// three in one transaction; and an instruction of each whose signature, key and message
/// live in the next instruction. The first three seeds succeed.
pub fn seeds() -> Vec<Vec<u8>> {
    use sbfvm::precompiles::{
        ed25519_instruction, ed25519_offsets_instruction, secp256k1_instruction,
        secp256k1_offsets_instruction, secp256r1_instruction, secp256r1_offsets_instruction,
        Secp256k1SignatureOffsets, SignatureOffsets,
    };
    let ed25519 = ed25519_instruction(&SECRET_KEY, MESSAGE);
    let secp256k1 = secp256k1_instruction(&SECRET_KEY, MESSAGE, 0);
    let secp256r1 = secp256r1_instruction(&SECRET_KEY, MESSAGE);
    let mut seeds: Vec<Vec<u8>> = [&ed25519, &secp256k1, &secp256r1]
        .iter()
        .map(|instruction| seed(0, &[(instruction, 0)]))
        .collect();

    // Self-contained layouts: ed25519/secp256r1 key at 16, then signature, then message;
    // secp256k1 address at 12, signature at 32, recovery id at 96, message at 97.
    let ends = |data: &[u8]| data.len() - 1;
    // The signature's instruction index: bytes 4..6 of ed25519/secp256r1 data, byte 3 of
    // secp256k1's.
    for (instruction, key_at, signature_at, index_at) in [
        (&ed25519, 16, 48, 4),
        (&secp256r1, 16, 49, 4),
        (&secp256k1, 12, 32, 3),
    ] {
        let variants = [
            corrupted(instruction, |data| data[signature_at] ^= 1),
            corrupted(instruction, |data| data[key_at] ^= 1),
            corrupted(instruction, |data| {
                let last = ends(data);
                data[last] ^= 1;
            }),
            corrupted(instruction, |data| data[0] = 0),
            corrupted(instruction, |data| data[0] = 2),
            corrupted(instruction, |data| data.truncate(data.len() - 1)),
            corrupted(instruction, |data| data.truncate(2)),
            // An instruction index past the transaction, a signature offset past the data.
            corrupted(instruction, |data| {
                data[index_at] = 1;
                data[index_at + 1] &= 0x0f;
            }),
            corrupted(instruction, |data| data[2] ^= 0xff),
        ];
        for variant in &variants {
            seeds.push(seed(0, &[(variant, 0)]));
        }
        for toggles in 1..8 {
            seeds.push(seed(toggles, &[(instruction, toggles % 4)]));
        }
    }
    seeds.push(seed(0, &[(&corrupted(&secp256k1, |data| data[96] = 4), 0)]));
    // ed25519: the identity as key with R = identity and s = 0 verifies only without
    // verify_strict.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let small_order = corrupted(&ed25519, |data| {
        data[16..48].copy_from_slice(&identity);
        data[48..80].copy_from_slice(&identity);
        data[80..112].fill(0);
    });
    seeds.push(seed(0, &[(&small_order, 0)]));
    seeds.push(seed(1, &[(&small_order, 0)]));

    let secp256k1_at_1 = secp256k1_instruction(&SECRET_KEY, MESSAGE, 1);
    seeds.push(seed(
        0,
        &[(&ed25519, 1), (&secp256k1_at_1, 2), (&secp256r1, 3)],
    ));
    seeds.push(seed(
        2,
        &[(&ed25519, 0), (&secp256k1_at_1, 0), (&secp256r1, 0)],
    ));

    // Signature, key and message in instruction 1.
    let message_size = MESSAGE.len() as u16;
    let in_next = |signature_offset, public_key_offset, message_data_offset| SignatureOffsets {
        signature_offset,
        signature_instruction_index: 1,
        public_key_offset,
        public_key_instruction_index: 1,
        message_data_offset,
        message_data_size: message_size,
        message_instruction_index: 1,
    };
    let ed25519_pointing = ed25519_offsets_instruction(&[in_next(48, 16, 112)]);
    seeds.push(seed(0, &[(&ed25519_pointing, 0), (&ed25519, 0)]));
    let secp256r1_pointing = secp256r1_offsets_instruction(&[in_next(49, 16, 113)]);
    seeds.push(seed(0, &[(&secp256r1_pointing, 0), (&secp256r1, 0)]));
    let secp256k1_pointing = secp256k1_offsets_instruction(&[Secp256k1SignatureOffsets {
        signature_offset: 32,
        signature_instruction_index: 1,
        eth_address_offset: 12,
        eth_address_instruction_index: 1,
        message_data_offset: 97,
        message_data_size: message_size,
        message_instruction_index: 1,
    }]);
    seeds.push(seed(0, &[(&secp256k1_pointing, 0), (&secp256k1_at_1, 0)]));
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_keeps_the_checks_and_the_valid_ones_succeed() {
        let seeds = seeds();
        for (index, seed) in seeds.iter().enumerate() {
            let result = run(seed);
            if index < 3 {
                assert_eq!(result, Ok(()), "seed {index}");
            }
        }
        let results: Vec<_> = seeds[seeds.len() - 3..].iter().map(|s| run(s)).collect();
        assert_eq!(results, vec![Ok(()), Ok(()), Ok(())]);
    }
}
