//! The precompile instruction builders of `sbfvm::precompiles` through
//! `Sbfvm::process_transaction`: signed instructions verify, tampered ones fail with
//! Agave's `Custom(n)`, offsets can point into another instruction, and precompiles cost
//! no compute units and log nothing; a fixture program checks for a preceding ed25519
//! instruction through the Instructions sysvar.

use sbfvm::precompiles::{
    ed25519_instruction, ed25519_instruction_with_signature, ed25519_offsets_instruction,
    ed25519_public_key, ed25519_sign, secp256k1_eth_address, secp256k1_instruction,
    secp256k1_offsets_instruction, secp256k1_sign, secp256r1_instruction,
    secp256r1_offsets_instruction, secp256r1_public_key, secp256r1_sign, Secp256k1SignatureOffsets,
    SignatureOffsets, CURRENT_INSTRUCTION,
};
use sbfvm::{Check, Config, ExecutionMode, InstructionError, Pubkey, Sbfvm, TransactionError};
use solana_instruction::{AccountMeta, Instruction};
use solana_sdk_ids::{compute_budget, sysvar};

const SECRET: [u8; 32] = [42; 32];

fn vm() -> Sbfvm {
    Sbfvm::new(Config::default()).unwrap()
}

/// A Compute Budget instruction (150 units, any data) carrying `data` for a precompile.
fn carrier(data: &[u8]) -> Instruction {
    Instruction::new_with_bytes(compute_budget::id(), data, vec![])
}

#[test]
fn signed_instructions_of_all_three_precompiles_verify() {
    let mut vm = vm();
    let outcome = vm.process_transaction(
        &[
            ed25519_instruction(&SECRET, b"hello"),
            secp256k1_instruction(&SECRET, b"hello", 1),
            secp256r1_instruction(&SECRET, b"hello"),
        ],
        None,
    );
    outcome.assert(&[Check::success(), Check::compute_units(0)]);
    assert!(outcome.logs().is_empty(), "{:?}", outcome.logs());
    assert_eq!(outcome.invocations.len(), 3);
    for invocation in &outcome.invocations {
        assert_eq!(invocation.compute_units_consumed, 0);
        assert_eq!(invocation.result, Ok(()));
    }
}

#[test]
fn tampered_instructions_fail_with_invalid_signature() {
    let mut vm = vm();
    let mut ed = ed25519_instruction(&SECRET, b"hello");
    *ed.data.last_mut().unwrap() ^= 1;
    let mut k1 = secp256k1_instruction(&SECRET, b"hello", 0);
    *k1.data.last_mut().unwrap() ^= 1;
    let mut r1 = secp256r1_instruction(&SECRET, b"hello");
    *r1.data.last_mut().unwrap() ^= 1;
    for instruction in [ed, k1, r1] {
        let outcome = vm.process_transaction(&[instruction], None);
        outcome.assert(&[
            Check::transaction_err(TransactionError::InstructionError(
                0,
                InstructionError::Custom(2),
            )),
            Check::compute_units(0),
        ]);
    }
    // The secp256k1 builder names the instruction's index: at index 1 it must say 1.
    let outcome = vm.process_transaction(
        &[carrier(&[]), secp256k1_instruction(&SECRET, b"hello", 0)],
        None,
    );
    outcome.assert(&[Check::transaction_err(TransactionError::InstructionError(
        1,
        InstructionError::Custom(2),
    ))]);
}

#[test]
fn with_signature_builders_match_the_signing_ones() {
    let signature = ed25519_sign(&SECRET, b"m");
    assert_eq!(
        ed25519_instruction_with_signature(&ed25519_public_key(&SECRET), &signature, b"m"),
        ed25519_instruction(&SECRET, b"m")
    );
    // The SDK's layout: key at 16, signature at 48, message at 112.
    let data = ed25519_instruction(&SECRET, b"m").data;
    assert_eq!(&data[..4], &[1, 0, 48, 0]);
    assert_eq!(&data[16..48], &ed25519_public_key(&SECRET));
    assert_eq!(data.len(), 113);
    let data = secp256r1_instruction(&SECRET, b"m").data;
    assert_eq!(&data[16..49], &secp256r1_public_key(&SECRET));
    assert_eq!(data.len(), 114);
    let data = secp256k1_instruction(&SECRET, b"m", 0).data;
    assert_eq!(&data[12..32], &secp256k1_eth_address(&SECRET));
    assert_eq!(data.len(), 98);
}

#[test]
fn offsets_can_point_into_another_instruction() {
    let mut vm = vm();
    let message = b"an order signed off-chain";

    // ed25519 and secp256r1: key ‖ signature ‖ message in instruction 0.
    let mut ed_data = ed25519_public_key(&SECRET).to_vec();
    ed_data.extend_from_slice(&ed25519_sign(&SECRET, message));
    ed_data.extend_from_slice(message);
    let ed_offsets = SignatureOffsets {
        signature_offset: 32,
        signature_instruction_index: 0,
        public_key_offset: 0,
        public_key_instruction_index: 0,
        message_data_offset: 96,
        message_data_size: message.len() as u16,
        message_instruction_index: 0,
    };
    let outcome = vm.process_transaction(
        &[
            carrier(&ed_data),
            ed25519_offsets_instruction(&[ed_offsets]),
        ],
        None,
    );
    outcome.assert(&[Check::success(), Check::compute_units(150)]);

    let mut r1_data = secp256r1_public_key(&SECRET).to_vec();
    r1_data.extend_from_slice(&secp256r1_sign(&SECRET, message));
    r1_data.extend_from_slice(message);
    let r1_offsets = SignatureOffsets {
        signature_offset: 33,
        public_key_offset: 0,
        message_data_offset: 97,
        ..ed_offsets
    };
    let outcome = vm.process_transaction(
        &[
            carrier(&r1_data),
            secp256r1_offsets_instruction(&[r1_offsets]),
        ],
        None,
    );
    outcome.assert(&[Check::success()]);

    // secp256k1: address ‖ signature ‖ recovery id ‖ message in instruction 1, after it.
    let (signature, recovery_id) = secp256k1_sign(&SECRET, message);
    let mut k1_data = secp256k1_eth_address(&SECRET).to_vec();
    k1_data.extend_from_slice(&signature);
    k1_data.push(recovery_id);
    k1_data.extend_from_slice(message);
    let k1_offsets = Secp256k1SignatureOffsets {
        signature_offset: 20,
        signature_instruction_index: 1,
        eth_address_offset: 0,
        eth_address_instruction_index: 1,
        message_data_offset: 85,
        message_data_size: message.len() as u16,
        message_instruction_index: 1,
    };
    let outcome = vm.process_transaction(
        &[
            secp256k1_offsets_instruction(&[k1_offsets]),
            carrier(&k1_data),
        ],
        None,
    );
    outcome.assert(&[Check::success()]);

    // Two signatures in one ed25519 instruction: the first all from instruction 0, the
    // second with its message in the precompile's own data (CURRENT_INSTRUCTION).
    let own_message = SignatureOffsets {
        message_data_offset: 2 + 2 * 14,
        message_instruction_index: CURRENT_INSTRUCTION,
        ..ed_offsets
    };
    let mut two = ed25519_offsets_instruction(&[ed_offsets, own_message]);
    two.data.extend_from_slice(message);
    let outcome = vm.process_transaction(&[carrier(&ed_data), two.clone()], None);
    outcome.assert(&[Check::success()]);
    // Another message there: the second signature fails.
    *two.data.last_mut().unwrap() ^= 1;
    let outcome = vm.process_transaction(&[carrier(&ed_data), two], None);
    outcome.assert(&[Check::err(InstructionError::Custom(2))]);
    // An instruction index past the transaction.
    let past = SignatureOffsets {
        message_instruction_index: 2,
        ..ed_offsets
    };
    let outcome = vm.process_transaction(
        &[
            carrier(&ed_data),
            ed25519_offsets_instruction(&[ed_offsets, past]),
        ],
        None,
    );
    outcome.assert(&[Check::err(InstructionError::Custom(3))]);
}

#[test]
fn bad_counts_fail_with_invalid_instruction_data_size() {
    let mut vm = vm();
    for instruction in [
        ed25519_offsets_instruction(&[]).tap(|data| data.push(0)),
        secp256k1_offsets_instruction(&[]).tap(|data| data.push(0)),
        secp256r1_offsets_instruction(&[]),
    ] {
        vm.process_transaction(&[instruction], None)
            .assert(&[Check::err(InstructionError::Custom(4))]);
    }
    // Count 0 and nothing more verifies nothing (ed25519, secp256k1).
    for instruction in [
        ed25519_offsets_instruction(&[]),
        secp256k1_offsets_instruction(&[]),
    ] {
        vm.process_transaction(&[instruction], None)
            .assert(&[Check::success()]);
    }
}

trait Tap {
    fn tap(self, f: impl FnOnce(&mut Vec<u8>)) -> Self;
}

impl Tap for Instruction {
    fn tap(mut self, f: impl FnOnce(&mut Vec<u8>)) -> Self {
        f(&mut self.data);
        self
    }
}

/// `fixtures/ed25519_gate.so` (`programs/ed25519_gate.c`) requires the instruction before
/// it to be an ed25519 precompile instruction for the key in its data, read from the
/// Instructions sysvar.
fn gate(program: Pubkey, public_key: &[u8; 32]) -> Instruction {
    Instruction::new_with_bytes(
        program,
        public_key,
        vec![AccountMeta::new_readonly(sysvar::instructions::id(), false)],
    )
}

#[test]
fn a_program_gated_on_a_preceding_ed25519_instruction() {
    for mode in [ExecutionMode::Interpreter, ExecutionMode::Jit] {
        let program = Pubkey::new_unique();
        let mut vm = crate::common::vm_with(mode, program, "ed25519_gate.so");
        let key = ed25519_public_key(&SECRET);
        let message = b"withdraw 5 to Alice";

        // A valid signature: the precompile passes (0 units), the program finds it.
        let outcome = vm.process_transaction(
            &[ed25519_instruction(&SECRET, message), gate(program, &key)],
            None,
        );
        outcome.assert(&[
            Check::success(),
            Check::logs_contain("Program log: ed25519 signature checked"),
        ]);
        assert_eq!(outcome.invocations[0].compute_units_consumed, 0);
        assert_eq!(
            outcome.compute_units_consumed(),
            outcome.invocations[1].compute_units_consumed
        );

        // A wrong signature: the precompile fails the transaction, the program never runs.
        let mut wrong = ed25519_instruction(&SECRET, message);
        *wrong.data.last_mut().unwrap() ^= 1;
        let outcome = vm.process_transaction(&[wrong, gate(program, &key)], None);
        outcome.assert(&[
            Check::transaction_err(TransactionError::InstructionError(
                0,
                InstructionError::Custom(2),
            )),
            Check::compute_units(0),
        ]);
        assert!(outcome.logs().is_empty());

        // No ed25519 instruction: the program's own error.
        let outcome = vm.process_transaction(&[gate(program, &key)], None);
        outcome.assert(&[Check::transaction_err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(1),
        ))]);
        // Another instruction before it, or a signature by another key.
        let outcome = vm.process_transaction(&[carrier(b"x"), gate(program, &key)], None);
        outcome.assert(&[Check::err(InstructionError::Custom(2))]);
        let outcome = vm.process_transaction(
            &[ed25519_instruction(&[1; 32], message), gate(program, &key)],
            None,
        );
        outcome.assert(&[Check::err(InstructionError::Custom(4))]);
    }
}
