//! The ZK ElGamal proof program (`ZkE1Gama1Proof11111111111111111111111111111`), as
//! `solana-zk-elgamal-proof-program 4.4.0, src/lib.rs`: the same compute units per
//! instruction, log lines, order of checks and errors. The proofs are verified by
//! `solana-zk-sdk` (the crate and major version Agave's program verifies with), and the
//! instruction, proof-data and context-state layouts are those of
//! `solana-zk-elgamal-proof-interface`.
//!
//! # Instructions
//! The first byte of the instruction data selects the instruction (`InvalidInstructionData`
//! when it names none). Each charges its units first (a short meter fails with
//! `ComputationalBudgetExceeded`), then logs its name.
//! - `CloseContextState`: accounts `[context state, destination, authority (signer)]`;
//!   moves the context account's lamports to the destination and empties it.
//! - `Verify…` (twelve proof types): the proof comes from the instruction data after the
//!   first byte, or, when the instruction data is exactly 5 bytes, from the first account at
//!   the little-endian `u32` offset in bytes 1..5. Any failure to read or verify the proof
//!   is `InvalidInstructionData` (a proof past the account's end is `InvalidAccountData`).
//!   With two more accounts, `[context state, authority]`, the verified statement is written
//!   to the context state account, which must be owned by this program, uninitialized and
//!   exactly the size of the state.
//!
//! # Feature gates
//! The builtin exists under `zk_elgamal_proof_program_enabled` (see its row in
//! [`BUILTINS`](super::BUILTINS)); while `disable_zk_elgamal_proof_program` is active and
//! `reenable_zk_elgamal_proof_program` is not, every instruction fails with
//! `InvalidInstructionData` before charging anything.
//!
//! # Before the re-enabling
//! The program came back (`reenable_zk_elgamal_proof_program`) with a new proof transcript
//! (a domain separator, solana-zk-sdk 5.0 on) and stricter account checks. While that
//! feature is inactive sbfvm runs the program of Agave 3.0
//! (`solana-zk-elgamal-proof-program 3.0.0, src/lib.rs`; Agave 2.1's, whose results the
//! conformance fixtures hold, differs only in lacking the disable check), a `Generation`:
//! proofs are verified by solana-zk-sdk 4.0.0 (the version Agave 3.0 verifies with); one
//! account past the proof's (not two) asks for a context state; `CloseContextState` checks
//! neither the context account's owner nor that it is initialized; a proof in the
//! instruction data that fails logs `proof_verification failed`.

use bytemuck::Pod;
use solana_instruction_error::InstructionError;
use solana_sdk_ids::{system_program, zk_elgamal_proof_program};
use solana_zk_elgamal_proof_interface::instruction::ProofInstruction;
use solana_zk_elgamal_proof_interface::proof_data::{
    BatchedGroupedCiphertext2HandlesValidityProofContext,
    BatchedGroupedCiphertext2HandlesValidityProofData,
    BatchedGroupedCiphertext3HandlesValidityProofContext,
    BatchedGroupedCiphertext3HandlesValidityProofData, BatchedRangeProofContext,
    BatchedRangeProofU128Data, BatchedRangeProofU256Data, BatchedRangeProofU64Data,
    CiphertextCiphertextEqualityProofContext, CiphertextCiphertextEqualityProofData,
    CiphertextCommitmentEqualityProofContext, CiphertextCommitmentEqualityProofData,
    GroupedCiphertext2HandlesValidityProofContext, GroupedCiphertext2HandlesValidityProofData,
    GroupedCiphertext3HandlesValidityProofContext, GroupedCiphertext3HandlesValidityProofData,
    PercentageWithCapProofContext, PercentageWithCapProofData, ProofType,
    PubkeyValidityProofContext, PubkeyValidityProofData, ZeroCiphertextProofContext,
    ZeroCiphertextProofData, ZkProofData,
};
use solana_zk_elgamal_proof_interface::state::{ProofContextState, ProofContextStateMeta};
use solana_zk_sdk::zk_elgamal_proof_program::VerifyZkProof;
use solana_zk_sdk_v4::zk_elgamal_proof_program::proof_data as proof_data_v4;

use crate::instruction_context::InstructionContext;
use crate::invoke_context::{ExecutionFailure, InvokeContext};

/// Compute units of `CloseContextState`.
pub const CLOSE_CONTEXT_STATE_COMPUTE_UNITS: u64 = 3_300;
/// Compute units of `VerifyZeroCiphertext`.
pub const VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS: u64 = 6_000;
/// Compute units of `VerifyCiphertextCiphertextEquality`.
pub const VERIFY_CIPHERTEXT_CIPHERTEXT_EQUALITY_COMPUTE_UNITS: u64 = 8_000;
/// Compute units of `VerifyCiphertextCommitmentEquality`.
pub const VERIFY_CIPHERTEXT_COMMITMENT_EQUALITY_COMPUTE_UNITS: u64 = 6_400;
/// Compute units of `VerifyPubkeyValidity`.
pub const VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS: u64 = 2_600;
/// Compute units of `VerifyPercentageWithCap`.
pub const VERIFY_PERCENTAGE_WITH_CAP_COMPUTE_UNITS: u64 = 6_500;
/// Compute units of `VerifyBatchedRangeProofU64`.
pub const VERIFY_BATCHED_RANGE_PROOF_U64_COMPUTE_UNITS: u64 = 111_000;
/// Compute units of `VerifyBatchedRangeProofU128`.
pub const VERIFY_BATCHED_RANGE_PROOF_U128_COMPUTE_UNITS: u64 = 200_000;
/// Compute units of `VerifyBatchedRangeProofU256`.
pub const VERIFY_BATCHED_RANGE_PROOF_U256_COMPUTE_UNITS: u64 = 368_000;
/// Compute units of `VerifyGroupedCiphertext2HandlesValidity`.
pub const VERIFY_GROUPED_CIPHERTEXT_2_HANDLES_VALIDITY_COMPUTE_UNITS: u64 = 6_400;
/// Compute units of `VerifyBatchedGroupedCiphertext2HandlesValidity`.
pub const VERIFY_BATCHED_GROUPED_CIPHERTEXT_2_HANDLES_VALIDITY_COMPUTE_UNITS: u64 = 13_000;
/// Compute units of `VerifyGroupedCiphertext3HandlesValidity`.
pub const VERIFY_GROUPED_CIPHERTEXT_3_HANDLES_VALIDITY_COMPUTE_UNITS: u64 = 8_100;
/// Compute units of `VerifyBatchedGroupedCiphertext3HandlesValidity`.
pub const VERIFY_BATCHED_GROUPED_CIPHERTEXT_3_HANDLES_VALIDITY_COMPUTE_UNITS: u64 = 16_400;

/// The instruction data length that says "the proof is in an account": the discriminator
/// and a `u32` offset.
const INSTRUCTION_DATA_LENGTH_WITH_PROOF_ACCOUNT: usize = 5;

/// Which Agave program runs (see the module docs, "Before the re-enabling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generation {
    /// `solana-zk-elgamal-proof-program 3.0.0`, with solana-zk-sdk 4.0.0.
    BeforeReenable,
    /// `solana-zk-elgamal-proof-program 4.4.0`, with solana-zk-sdk 8.
    Reenabled,
}

/// One proof type: its statement and its verification in each [`Generation`].
trait Proof: Pod + ZkProofData<Self::Context> + VerifyZkProof {
    /// The statement a verified proof records.
    type Context: Pod;

    /// Verifies the same bytes as solana-zk-sdk 4.0.0's proof data; the error's `Debug`.
    fn verify_before_reenable(&self) -> Result<(), String>;

    /// Verifies the proof as `generation` does; the error's `Debug`.
    fn verify_in(&self, generation: Generation) -> Result<(), String> {
        match generation {
            Generation::BeforeReenable => self.verify_before_reenable(),
            Generation::Reenabled => self.verify_proof().map_err(|error| format!("{error:?}")),
        }
    }
}

/// Implements [`Proof`] for proof data types of the interface crate, each verified before
/// the re-enabling as solana-zk-sdk 4.0.0's type of the same name and layout.
macro_rules! proofs {
    ($($data:ident => $context:ident;)*) => {$(
        impl Proof for $data {
            type Context = $context;

            fn verify_before_reenable(&self) -> Result<(), String> {
                let proof_data: &proof_data_v4::$data =
                    bytemuck::try_from_bytes(bytemuck::bytes_of(self))
                        .map_err(|error| format!("{error:?}"))?;
                proof_data_v4::ZkProofData::<proof_data_v4::$context>::verify_proof(proof_data)
                    .map_err(|error| format!("{error:?}"))
            }
        }
    )*};
}

proofs! {
    ZeroCiphertextProofData => ZeroCiphertextProofContext;
    CiphertextCiphertextEqualityProofData => CiphertextCiphertextEqualityProofContext;
    CiphertextCommitmentEqualityProofData => CiphertextCommitmentEqualityProofContext;
    PubkeyValidityProofData => PubkeyValidityProofContext;
    PercentageWithCapProofData => PercentageWithCapProofContext;
    BatchedRangeProofU64Data => BatchedRangeProofContext;
    BatchedRangeProofU128Data => BatchedRangeProofContext;
    BatchedRangeProofU256Data => BatchedRangeProofContext;
    GroupedCiphertext2HandlesValidityProofData => GroupedCiphertext2HandlesValidityProofContext;
    BatchedGroupedCiphertext2HandlesValidityProofData =>
        BatchedGroupedCiphertext2HandlesValidityProofContext;
    GroupedCiphertext3HandlesValidityProofData => GroupedCiphertext3HandlesValidityProofContext;
    BatchedGroupedCiphertext3HandlesValidityProofData =>
        BatchedGroupedCiphertext3HandlesValidityProofContext;
}

/// The builtin entrypoint. Mirrors `solana-zk-elgamal-proof-program 4.4.0, src/lib.rs`,
/// `declare_process_instruction!(Entrypoint, 0, …)`.
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    let (instruction, generation) = {
        let instruction_context = invoke_context.instruction_context()?;
        let features = instruction_context.features();
        if features.disable_zk_elgamal_proof_program()
            && !features.reenable_zk_elgamal_proof_program()
        {
            instruction_context.log("zk-elgamal-proof program is temporarily disabled");
            return Err(InstructionError::InvalidInstructionData.into());
        }
        let generation = if features.reenable_zk_elgamal_proof_program() {
            Generation::Reenabled
        } else {
            Generation::BeforeReenable
        };
        let instruction =
            ProofInstruction::instruction_type(instruction_context.get_instruction_data())
                .ok_or(InstructionError::InvalidInstructionData)?;
        (instruction, generation)
    };
    // Every instruction: charge its units, log its name, process.
    let mut run = |units: u64, name: &str, process: ProcessFunction| {
        invoke_context.consume_checked(units)?;
        let instruction_context = invoke_context.instruction_context()?;
        instruction_context.log(name);
        process(&instruction_context, generation)
    };
    let result = match instruction {
        ProofInstruction::CloseContextState => run(
            CLOSE_CONTEXT_STATE_COMPUTE_UNITS,
            "CloseContextState",
            process_close_proof_context,
        ),
        ProofInstruction::VerifyZeroCiphertext => run(
            VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS,
            "VerifyZeroCiphertext",
            process_verify_proof::<ZeroCiphertextProofData>,
        ),
        ProofInstruction::VerifyCiphertextCiphertextEquality => run(
            VERIFY_CIPHERTEXT_CIPHERTEXT_EQUALITY_COMPUTE_UNITS,
            "VerifyCiphertextCiphertextEquality",
            process_verify_proof::<CiphertextCiphertextEqualityProofData>,
        ),
        ProofInstruction::VerifyCiphertextCommitmentEquality => run(
            VERIFY_CIPHERTEXT_COMMITMENT_EQUALITY_COMPUTE_UNITS,
            "VerifyCiphertextCommitmentEquality",
            process_verify_proof::<CiphertextCommitmentEqualityProofData>,
        ),
        ProofInstruction::VerifyPubkeyValidity => run(
            VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS,
            "VerifyPubkeyValidity",
            process_verify_proof::<PubkeyValidityProofData>,
        ),
        ProofInstruction::VerifyPercentageWithCap => run(
            VERIFY_PERCENTAGE_WITH_CAP_COMPUTE_UNITS,
            "VerifyPercentageWithCap",
            process_verify_proof::<PercentageWithCapProofData>,
        ),
        ProofInstruction::VerifyBatchedRangeProofU64 => run(
            VERIFY_BATCHED_RANGE_PROOF_U64_COMPUTE_UNITS,
            "VerifyBatchedRangeProofU64",
            process_verify_proof::<BatchedRangeProofU64Data>,
        ),
        ProofInstruction::VerifyBatchedRangeProofU128 => run(
            VERIFY_BATCHED_RANGE_PROOF_U128_COMPUTE_UNITS,
            "VerifyBatchedRangeProofU128",
            process_verify_proof::<BatchedRangeProofU128Data>,
        ),
        ProofInstruction::VerifyBatchedRangeProofU256 => run(
            VERIFY_BATCHED_RANGE_PROOF_U256_COMPUTE_UNITS,
            "VerifyBatchedRangeProofU256",
            process_verify_proof::<BatchedRangeProofU256Data>,
        ),
        ProofInstruction::VerifyGroupedCiphertext2HandlesValidity => run(
            VERIFY_GROUPED_CIPHERTEXT_2_HANDLES_VALIDITY_COMPUTE_UNITS,
            "VerifyGroupedCiphertext2HandlesValidity",
            process_verify_proof::<GroupedCiphertext2HandlesValidityProofData>,
        ),
        ProofInstruction::VerifyBatchedGroupedCiphertext2HandlesValidity => run(
            VERIFY_BATCHED_GROUPED_CIPHERTEXT_2_HANDLES_VALIDITY_COMPUTE_UNITS,
            "VerifyBatchedGroupedCiphertext2HandlesValidity",
            process_verify_proof::<BatchedGroupedCiphertext2HandlesValidityProofData>,
        ),
        ProofInstruction::VerifyGroupedCiphertext3HandlesValidity => run(
            VERIFY_GROUPED_CIPHERTEXT_3_HANDLES_VALIDITY_COMPUTE_UNITS,
            "VerifyGroupedCiphertext3HandlesValidity",
            process_verify_proof::<GroupedCiphertext3HandlesValidityProofData>,
        ),
        ProofInstruction::VerifyBatchedGroupedCiphertext3HandlesValidity => run(
            VERIFY_BATCHED_GROUPED_CIPHERTEXT_3_HANDLES_VALIDITY_COMPUTE_UNITS,
            "VerifyBatchedGroupedCiphertext3HandlesValidity",
            process_verify_proof::<BatchedGroupedCiphertext3HandlesValidityProofData>,
        ),
    };
    Ok(result?)
}

/// [`process_close_proof_context`], or [`process_verify_proof`] for one proof type.
type ProcessFunction = fn(&InstructionContext, Generation) -> Result<(), InstructionError>;

/// Reads the proof of type `T` (from the instruction data or an account), verifies it and,
/// when the instruction names a context state account and its authority, records the
/// statement there. Mirrors `solana-zk-elgamal-proof-program 4.4.0, src/lib.rs`,
/// `process_verify_proof` (and 3.0.0's before the re-enabling).
fn process_verify_proof<T: Proof>(
    instruction_context: &InstructionContext,
    generation: Generation,
) -> Result<(), InstructionError> {
    let instruction_data = instruction_context.get_instruction_data();
    // The number of instruction accounts read so far.
    let mut accessed_accounts = 0_usize;
    let context_data = if instruction_data.len() == INSTRUCTION_DATA_LENGTH_WITH_PROOF_ACCOUNT {
        let proof_data_account =
            instruction_context.try_borrow_instruction_account(accessed_accounts)?;
        accessed_accounts += 1;
        // Byte 0 is the discriminator; bytes 1..5 the offset.
        let offset_bytes: [u8; 4] = instruction_data[1..INSTRUCTION_DATA_LENGTH_WITH_PROOF_ACCOUNT]
            .try_into()
            .map_err(|_| InstructionError::InvalidInstructionData)?;
        let proof_data_start = usize::try_from(u32::from_le_bytes(offset_bytes))
            .map_err(|_| InstructionError::InvalidInstructionData)?;
        let proof_data_end = proof_data_start
            .checked_add(std::mem::size_of::<T>())
            .ok_or(InstructionError::InvalidInstructionData)?;
        let proof_data_raw = proof_data_account
            .data()
            .get(proof_data_start..proof_data_end)
            .ok_or(InstructionError::InvalidAccountData)?;
        let proof_data = bytemuck::try_from_bytes::<T>(proof_data_raw).map_err(|_| {
            instruction_context.log("invalid proof data");
            InstructionError::InvalidInstructionData
        })?;
        verify_proof(
            instruction_context,
            proof_data,
            generation,
            "proof verification",
        )?
    } else {
        let proof_data = ProofInstruction::proof_data::<T, T::Context>(instruction_data)
            .ok_or_else(|| {
                instruction_context.log("invalid proof data");
                InstructionError::InvalidInstructionData
            })?;
        let what = match generation {
            Generation::BeforeReenable => "proof_verification",
            Generation::Reenabled => "proof verification",
        };
        verify_proof(instruction_context, proof_data, generation, what)?
    };

    // More accounts: record the statement in a context state account.
    let accounts_for_context_state = match generation {
        Generation::BeforeReenable => accessed_accounts + 1,
        Generation::Reenabled => accessed_accounts + 2,
    };
    if instruction_context.get_number_of_instruction_accounts() >= accounts_for_context_state {
        let context_state_authority = *instruction_context
            .try_borrow_instruction_account(accessed_accounts + 1)?
            .key();
        let mut proof_context_account =
            instruction_context.try_borrow_instruction_account(accessed_accounts)?;
        if *proof_context_account.owner() != zk_elgamal_proof_program::id() {
            return Err(InstructionError::InvalidAccountOwner);
        }
        let proof_context_state_meta =
            ProofContextStateMeta::try_from_bytes(proof_context_account.data())?;
        if proof_context_state_meta.proof_type != ProofType::Uninitialized.into() {
            return Err(InstructionError::AccountAlreadyInitialized);
        }
        let context_state_data =
            ProofContextState::encode(&context_state_authority, T::PROOF_TYPE, &context_data);
        if proof_context_account.data().len() != context_state_data.len() {
            return Err(InstructionError::InvalidAccountData);
        }
        proof_context_account.set_data_from_slice(&context_state_data)?;
    }
    Ok(())
}

/// Verifies `proof_data` and returns its statement; a failure is logged as
/// `<what> failed: <reason>` and becomes `InvalidInstructionData`.
fn verify_proof<T: Proof>(
    instruction_context: &InstructionContext,
    proof_data: &T,
    generation: Generation,
    what: &str,
) -> Result<T::Context, InstructionError> {
    proof_data.verify_in(generation).map_err(|reason| {
        instruction_context.log(format!("{what} failed: {reason}"));
        InstructionError::InvalidInstructionData
    })?;
    Ok(*proof_data.context_data())
}

/// `CloseContextState`: the authority (account 2, a signer) closes the context state
/// account (0) into the destination (1). Mirrors
/// `solana-zk-elgamal-proof-program 4.4.0, src/lib.rs`, `process_close_proof_context`
/// (and 3.0.0's before the re-enabling, without the owner and initialization checks).
fn process_close_proof_context(
    instruction_context: &InstructionContext,
    generation: Generation,
) -> Result<(), InstructionError> {
    if !instruction_context.is_instruction_account_signer(2)? {
        return Err(InstructionError::MissingRequiredSignature);
    }
    let owner_pubkey = *instruction_context.get_key_of_instruction_account(2)?;

    let proof_context_account_pubkey = *instruction_context.get_key_of_instruction_account(0)?;
    let destination_account_pubkey = *instruction_context.get_key_of_instruction_account(1)?;
    if proof_context_account_pubkey == destination_account_pubkey {
        return Err(InstructionError::InvalidInstructionData);
    }

    let mut proof_context_account = instruction_context.try_borrow_instruction_account(0)?;
    if generation == Generation::Reenabled
        && *proof_context_account.owner() != zk_elgamal_proof_program::id()
    {
        return Err(InstructionError::InvalidAccountOwner);
    }
    let proof_context_state_meta =
        ProofContextStateMeta::try_from_bytes(proof_context_account.data())?;
    if generation == Generation::Reenabled
        && proof_context_state_meta.proof_type == ProofType::Uninitialized.into()
    {
        return Err(InstructionError::UninitializedAccount);
    }
    if owner_pubkey != proof_context_state_meta.context_state_authority {
        return Err(InstructionError::InvalidAccountOwner);
    }

    let mut destination_account = instruction_context.try_borrow_instruction_account(1)?;
    destination_account.checked_add_lamports(proof_context_account.lamports())?;
    proof_context_account.set_lamports(0)?;
    proof_context_account.set_data_length(0)?;
    proof_context_account.set_owner(&system_program::id())?;
    Ok(())
}
