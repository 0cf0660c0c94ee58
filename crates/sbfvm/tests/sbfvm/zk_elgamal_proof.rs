//! The ZK ElGamal proof program builtin through `Sbfvm::process_instruction`, with proofs
//! generated here by `solana-zk-sdk`: a valid proof verifies for Agave's units, a tampered
//! one fails with `InvalidInstructionData`, a proof is read from an account at an offset, a
//! verified statement is written to a context state account and closing it moves its
//! lamports, and the program's feature gates hold; before `reenable_zk_elgamal_proof_program`
//! proofs are those of solana-zk-sdk 4.0.0 and closing checks less.

use sbfvm::runtime::builtins::zk_elgamal_proof::{
    CLOSE_CONTEXT_STATE_COMPUTE_UNITS, VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS,
    VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS,
};
use sbfvm::runtime::features::ids;
use sbfvm::{Account, Check, Config, InstructionError, Pubkey, Sbfvm, TransactionError};
use solana_instruction::{AccountMeta, Instruction};
use solana_sdk_ids::{system_program, zk_elgamal_proof_program};
use solana_zk_elgamal_proof_interface::instruction::{
    close_context_state, ContextStateInfo, ProofInstruction,
};
use solana_zk_elgamal_proof_interface::proof_data::{
    ProofType, PubkeyValidityProofContext, PubkeyValidityProofData, ZeroCiphertextProofContext,
    ZeroCiphertextProofData,
};
use solana_zk_elgamal_proof_interface::state::ProofContextState;
use solana_zk_sdk::encryption::elgamal::ElGamalKeypair;
use solana_zk_sdk::zk_elgamal_proof_program::{
    build_pubkey_validity_proof_data, build_zero_ciphertext_proof_data,
};

fn vm() -> Sbfvm {
    Sbfvm::new(Config::default()).unwrap()
}

/// Mainnet features with `activate` on and `deactivate` off.
fn vm_with(activate: &[Pubkey], deactivate: &[Pubkey]) -> Sbfvm {
    let mut config = Config::default();
    for id in activate {
        config.features.activate(*id);
    }
    for id in deactivate {
        config.features.deactivate(id);
    }
    Sbfvm::new(config).unwrap()
}

fn pubkey_validity_proof() -> PubkeyValidityProofData {
    build_pubkey_validity_proof_data(&ElGamalKeypair::new_rand()).unwrap()
}

fn zero_ciphertext_proof() -> ZeroCiphertextProofData {
    let keypair = ElGamalKeypair::new_rand();
    let ciphertext = keypair.pubkey().encrypt(0_u64);
    build_zero_ciphertext_proof_data(&keypair, &ciphertext).unwrap()
}

fn system_account(lamports: u64) -> Account {
    Account {
        lamports,
        data: vec![],
        owner: system_program::id(),
        executable: false,
        rent_epoch: 0,
    }
}

fn verify_pubkey_validity(proof: &PubkeyValidityProofData) -> Instruction {
    ProofInstruction::VerifyPubkeyValidity
        .encode_verify_proof::<_, PubkeyValidityProofContext>(None, proof)
}

fn invalid_instruction_data() -> Check {
    Check::transaction_err(TransactionError::InstructionError(
        0,
        InstructionError::InvalidInstructionData,
    ))
}

#[test]
fn valid_proofs_verify_for_agave_units() {
    let mut vm = vm();
    let outcome = vm.process_instruction(&verify_pubkey_validity(&pubkey_validity_proof()));
    outcome.assert(&[
        Check::success(),
        Check::compute_units(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS),
        // `ic_msg!` lines carry no "Program log: " prefix.
        Check::logs_contain("VerifyPubkeyValidity"),
    ]);
    assert_eq!(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS, 2_600);

    // 6,000 units: more than the 3,000 of a builtin instruction, so the default limit
    // must count the program as a non-builtin (200,000), as Agave's cost table does.
    let instruction = ProofInstruction::VerifyZeroCiphertext
        .encode_verify_proof::<_, ZeroCiphertextProofContext>(None, &zero_ciphertext_proof());
    assert_eq!(
        vm.runtime()
            .default_compute_unit_limit(std::slice::from_ref(&instruction)),
        200_000
    );
    let outcome = vm.process_instruction(&instruction);
    outcome.assert(&[
        Check::success(),
        Check::compute_units(VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS),
    ]);
    assert_eq!(VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS, 6_000);
    assert_eq!(
        outcome.logs(),
        [
            format!("Program {} invoke [1]", zk_elgamal_proof_program::id()),
            "VerifyZeroCiphertext".to_string(),
            format!("Program {} success", zk_elgamal_proof_program::id()),
        ]
    );
}

#[test]
fn tampered_or_malformed_proofs_fail_with_invalid_instruction_data() {
    let mut vm = vm();
    let mut tampered = verify_pubkey_validity(&pubkey_validity_proof());
    *tampered.data.last_mut().unwrap() ^= 1;
    let outcome = vm.process_instruction(&tampered);
    outcome.assert(&[
        invalid_instruction_data(),
        Check::compute_units(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS),
        Check::logs_contain("proof verification failed"),
    ]);

    // One byte short: not a proof at all.
    let mut short = verify_pubkey_validity(&pubkey_validity_proof());
    short.data.pop();
    let outcome = vm.process_instruction(&short);
    outcome.assert(&[
        invalid_instruction_data(),
        Check::compute_units(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS),
        Check::logs_contain("invalid proof data"),
    ]);

    // An unknown instruction is refused before any unit is charged.
    let unknown = Instruction::new_with_bytes(zk_elgamal_proof_program::id(), &[13], vec![]);
    vm.process_instruction(&unknown)
        .assert(&[invalid_instruction_data(), Check::compute_units(0)]);
}

#[test]
fn a_proof_is_read_from_an_account_at_the_offset_in_the_instruction() {
    let mut vm = vm();
    let proof = pubkey_validity_proof();
    let holder = Pubkey::new_unique();
    let mut data = vec![0xee; 7];
    data.extend_from_slice(bytemuck::bytes_of(&proof));
    vm.set_account(
        holder,
        Account {
            lamports: 10_000_000,
            data,
            owner: Pubkey::new_unique(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let from_account = |offset| {
        ProofInstruction::VerifyPubkeyValidity
            .encode_verify_proof_from_account(None, &holder, offset)
    };
    vm.process_instruction(&from_account(7)).assert(&[
        Check::success(),
        Check::compute_units(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS),
    ]);
    // The wrong offset reads garbage; past the end there is nothing to read.
    vm.process_instruction(&from_account(6))
        .assert(&[invalid_instruction_data()]);
    vm.process_instruction(&from_account(8))
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidAccountData,
        ))]);
}

#[test]
fn a_context_state_account_records_the_statement_and_closes_into_a_destination() {
    let mut vm = vm();
    let proof = zero_ciphertext_proof();
    let context_account = Pubkey::new_unique();
    let authority = Pubkey::new_unique();
    let destination = Pubkey::new_unique();
    let state_len = std::mem::size_of::<ProofContextState<ZeroCiphertextProofContext>>();
    let context_lamports = 5_000_000;
    vm.set_account(
        context_account,
        Account {
            lamports: context_lamports,
            data: vec![0; state_len],
            owner: zk_elgamal_proof_program::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    vm.set_account(destination, system_account(1_000_000));
    let info = ContextStateInfo {
        context_state_account: &context_account,
        context_state_authority: &authority,
    };
    let verify = ProofInstruction::VerifyZeroCiphertext
        .encode_verify_proof::<_, ZeroCiphertextProofContext>(Some(info), &proof);
    let expected_state =
        ProofContextState::encode(&authority, ProofType::ZeroCiphertext, &proof.context);
    assert_eq!(expected_state.len(), state_len);
    vm.process_instruction(&verify).assert(&[
        Check::success(),
        Check::compute_units(VERIFY_ZERO_CIPHERTEXT_COMPUTE_UNITS),
        Check::account(&context_account)
            .data(&expected_state)
            .lamports(context_lamports)
            .build(),
    ]);
    // Initialized once: a second proof cannot overwrite it.
    vm.process_instruction(&verify)
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::AccountAlreadyInitialized,
        ))]);

    // Closing needs the authority's signature.
    let mut unsigned = close_context_state(info, &destination);
    unsigned.accounts[2].is_signer = false;
    vm.process_instruction(&unsigned)
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::MissingRequiredSignature,
        ))]);
    // Another signer is not the authority.
    let mut impostor = close_context_state(info, &destination);
    impostor.accounts[2] = AccountMeta::new_readonly(Pubkey::new_unique(), true);
    vm.process_instruction(&impostor)
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidAccountOwner,
        ))]);

    vm.process_instruction(&close_context_state(info, &destination))
        .assert(&[
            Check::success(),
            Check::compute_units(CLOSE_CONTEXT_STATE_COMPUTE_UNITS),
            Check::logs_contain("CloseContextState"),
            Check::account(&destination)
                .lamports(1_000_000 + context_lamports)
                .build(),
            Check::account(&context_account)
                .lamports(0)
                .data_len(0)
                .owner(&system_program::id())
                .build(),
        ]);
    assert_eq!(CLOSE_CONTEXT_STATE_COMPUTE_UNITS, 3_300);
}

#[test]
fn the_feature_gates_disable_the_program() {
    let proof = pubkey_validity_proof();
    // Disabled and not re-enabled: refused before charging, with Agave's log line.
    let mut vm = vm_with(
        &[ids::DISABLE_ZK_ELGAMAL_PROOF_PROGRAM],
        &[ids::REENABLE_ZK_ELGAMAL_PROOF_PROGRAM],
    );
    vm.process_instruction(&verify_pubkey_validity(&proof))
        .assert(&[
            invalid_instruction_data(),
            Check::compute_units(0),
            Check::logs_contain("zk-elgamal-proof program is temporarily disabled"),
        ]);

    // Without `zk_elgamal_proof_program_enabled` there is no such builtin, nor its account
    // (a bank adds it when the feature activates).
    let mut vm = vm_with(&[], &[ids::ZK_ELGAMAL_PROOF_PROGRAM_ENABLED]);
    vm.process_instruction(&verify_pubkey_validity(&proof))
        .assert(&[Check::transaction_err(
            TransactionError::ProgramAccountNotFound,
        )]);
}

/// Mainnet without `disable_zk_elgamal_proof_program` and
/// `reenable_zk_elgamal_proof_program`: the program of Agave 3.0.
fn vm_before_reenable() -> Sbfvm {
    vm_with(
        &[],
        &[
            ids::DISABLE_ZK_ELGAMAL_PROOF_PROGRAM,
            ids::REENABLE_ZK_ELGAMAL_PROOF_PROGRAM,
        ],
    )
}

#[test]
fn before_the_reenabling_proofs_have_the_transcript_of_zk_sdk_4() {
    use solana_zk_sdk_v4::encryption::elgamal::ElGamalKeypair as ElGamalKeypairV4;
    use solana_zk_sdk_v4::zk_elgamal_proof_program::proof_data::PubkeyValidityProofData as PubkeyValidityProofDataV4;

    let mut before = vm_before_reenable();
    let proof_v4 = PubkeyValidityProofDataV4::new(&ElGamalKeypairV4::new_rand()).unwrap();
    let mut data = vec![ProofInstruction::VerifyPubkeyValidity as u8];
    data.extend_from_slice(bytemuck::bytes_of(&proof_v4));
    let instruction = Instruction::new_with_bytes(zk_elgamal_proof_program::id(), &data, vec![]);
    before.process_instruction(&instruction).assert(&[
        Check::success(),
        Check::compute_units(VERIFY_PUBKEY_VALIDITY_COMPUTE_UNITS),
    ]);
    // A proof of today's transcript (with its domain separator) does not verify there, and
    // the instruction-data path logs Agave 3.0's `proof_verification` …
    before
        .process_instruction(&verify_pubkey_validity(&pubkey_validity_proof()))
        .assert(&[
            invalid_instruction_data(),
            Check::logs_contain("proof_verification failed"),
        ]);
    // … nor does the older proof once the program is re-enabled.
    vm().process_instruction(&instruction)
        .assert(&[invalid_instruction_data()]);
}

#[test]
fn before_the_reenabling_closing_does_not_check_the_context_account_owner() {
    let context_account = Pubkey::new_unique();
    let authority = Pubkey::new_unique();
    let destination = Pubkey::new_unique();
    // A context state naming `authority`, in an account another program owns.
    let mut state = authority.to_bytes().to_vec();
    state.push(ProofType::PubkeyValidity as u8);
    state.extend_from_slice(&[0; 32]);
    let foreign = Account {
        lamports: 5_000_000,
        data: state,
        owner: Pubkey::new_unique(),
        executable: false,
        rent_epoch: 0,
    };
    let close = close_context_state(
        ContextStateInfo {
            context_state_account: &context_account,
            context_state_authority: &authority,
        },
        &destination,
    );
    let mut vm = vm();
    vm.set_account(context_account, foreign.clone());
    vm.set_account(destination, system_account(1_000_000));
    vm.process_instruction(&close)
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidAccountOwner,
        ))]);
    // Agave 3.0 goes on to take the lamports, which the runtime refuses.
    let mut vm = vm_before_reenable();
    vm.set_account(context_account, foreign);
    vm.set_account(destination, system_account(1_000_000));
    vm.process_instruction(&close)
        .assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::ExternalAccountLamportSpend,
        ))]);
}
