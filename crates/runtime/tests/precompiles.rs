//! The ed25519, secp256k1 and secp256r1 precompiles run during the transaction as Agave 4.4
//! runs them under SIMD-0159 (`solana-program-runtime 4.4.0, src/invoke_context.rs`,
//! `process_message`; `agave-precompiles 4.4.0`): verified outside the builtin dispatch, no
//! compute units, no logs, a `PrecompileError` becoming `Custom(n)` (0 invalid public key,
//! 1 invalid recovery id, 2 invalid signature, 3 invalid data offsets, 4 invalid
//! instruction data size). The instruction layouts are written out here, independently of
//! the `sbfvm` crate's builders.

use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::ff::PrimeField as _;
use sha3::{Digest, Keccak256};
use solana_instruction::Instruction;
use solana_instruction_error::InstructionError;
use solana_sdk_ids::{compute_budget, ed25519_program, secp256k1_program, secp256r1_program};

use sbfvm_runtime::builtins::{self, PRECOMPILES};
use sbfvm_runtime::{
    FeatureSet, ReadableAccount, Runtime, TransactionError, TransactionOutcome, TransactionSettings,
};

use crate::common::runtime;

const INVALID_PUBLIC_KEY: InstructionError = InstructionError::Custom(0);
const INVALID_RECOVERY_ID: InstructionError = InstructionError::Custom(1);
const INVALID_SIGNATURE: InstructionError = InstructionError::Custom(2);
const INVALID_DATA_OFFSETS: InstructionError = InstructionError::Custom(3);
const INVALID_INSTRUCTION_DATA_SIZE: InstructionError = InstructionError::Custom(4);
const HERE: u16 = u16::MAX;

fn run(rt: &mut Runtime, instructions: &[Instruction]) -> TransactionOutcome {
    rt.process_transaction(instructions, &TransactionSettings::default(), None)
}

fn failed_at(index: u8, error: InstructionError) -> Result<(), TransactionError> {
    Err(TransactionError::InstructionError(index, error))
}

/// Seven little-endian u16: signature, its instruction, key, its instruction, message
/// offset, size, its instruction (ed25519 and secp256r1).
fn record(fields: [u16; 7]) -> Vec<u8> {
    fields
        .iter()
        .flat_map(|field| field.to_le_bytes())
        .collect()
}

/// Count, padding, records.
fn offsets_data(count: u8, records: &[[u16; 7]]) -> Vec<u8> {
    let mut data = vec![count, 0];
    for fields in records {
        data.extend(record(*fields));
    }
    data
}

/// A self-contained instruction: one record, then key, signature, message.
fn self_contained(
    program_id: solana_pubkey::Pubkey,
    key: &[u8],
    signature: &[u8],
    message: &[u8],
) -> Instruction {
    let key_at = 16u16;
    let signature_at = key_at + key.len() as u16;
    let message_at = signature_at + signature.len() as u16;
    let mut data = offsets_data(
        1,
        &[[
            signature_at,
            HERE,
            key_at,
            HERE,
            message_at,
            message.len() as u16,
            HERE,
        ]],
    );
    data.extend_from_slice(key);
    data.extend_from_slice(signature);
    data.extend_from_slice(message);
    Instruction::new_with_bytes(program_id, &data, vec![])
}

fn ed25519_keypair(seed: u8) -> ed25519_dalek::Keypair {
    let secret = ed25519_dalek::SecretKey::from_bytes(&[seed; 32]).unwrap();
    let public = ed25519_dalek::PublicKey::from(&secret);
    ed25519_dalek::Keypair { secret, public }
}

fn ed25519(message: &[u8]) -> Instruction {
    let keypair = ed25519_keypair(1);
    let signature = keypair.sign(message).to_bytes();
    self_contained(
        ed25519_program::id(),
        &keypair.public.to_bytes(),
        &signature,
        message,
    )
}

// ----- ed25519 -----

#[test]
fn ed25519_valid_signature_succeeds_with_no_units_and_no_logs() {
    let mut rt = runtime();
    let outcome = run(&mut rt, &[ed25519(b"hello precompile")]);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 0);
    assert!(outcome.logs.is_empty(), "{:?}", outcome.logs);
    // The frame is pushed and popped: one trace entry with 0 units.
    assert_eq!(outcome.trace.len(), 1);
    let frame_outcome = outcome.trace[0].outcome.as_ref().unwrap();
    assert_eq!(frame_outcome.compute_units_consumed, 0);
    assert_eq!(frame_outcome.result, Ok(()));
}

#[test]
fn ed25519_needs_no_compute_units_at_all() {
    let mut rt = runtime();
    let settings = TransactionSettings {
        compute_unit_limit: Some(0),
        heap_size: None,
    };
    let outcome = rt.process_transaction(&[ed25519(b"m")], &settings, None);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 0);
}

#[test]
fn ed25519_wrong_signature_is_invalid_signature() {
    let mut rt = runtime();
    let mut instruction = ed25519(b"hello precompile");
    instruction.data[48] ^= 1; // first byte of the signature (R)
    let outcome = run(&mut rt, &[instruction]);
    assert_eq!(outcome.result, failed_at(0, INVALID_SIGNATURE));
    assert_eq!(outcome.compute_units_consumed, 0);
    assert!(outcome.logs.is_empty());

    // A valid signature of another message.
    let mut instruction = ed25519(b"hello precompile");
    let last = instruction.data.len() - 1;
    instruction.data[last] ^= 1;
    assert_eq!(
        run(&mut rt, &[instruction]).result,
        failed_at(0, INVALID_SIGNATURE)
    );

    // An s with its top bits set does not parse.
    let mut instruction = ed25519(b"hello precompile");
    instruction.data[48 + 63] |= 0xe0;
    assert_eq!(
        run(&mut rt, &[instruction]).result,
        failed_at(0, INVALID_SIGNATURE)
    );
}

#[test]
fn ed25519_key_that_does_not_decompress_is_invalid_public_key() {
    let mut rt = runtime();
    let bad_key = (0u8..=255)
        .map(|byte| [byte; 32])
        .find(|key| {
            curve25519_dalek::edwards::CompressedEdwardsY(*key)
                .decompress()
                .is_none()
        })
        .unwrap();
    let keypair = ed25519_keypair(1);
    let instruction = self_contained(
        ed25519_program::id(),
        &bad_key,
        &keypair.sign(b"m").to_bytes(),
        b"m",
    );
    assert_eq!(
        run(&mut rt, &[instruction]).result,
        failed_at(0, INVALID_PUBLIC_KEY)
    );
}

#[test]
fn ed25519_later_instruction_fails_with_its_index() {
    let mut rt = runtime();
    let mut bad = ed25519(b"two");
    bad.data[50] ^= 0x40;
    let outcome = run(&mut rt, &[ed25519(b"one"), bad]);
    assert_eq!(outcome.result, failed_at(1, INVALID_SIGNATURE));
}

#[test]
fn ed25519_offsets_past_the_data_are_invalid_data_offsets() {
    let mut rt = runtime();
    // The message runs one byte past the data.
    let mut instruction = ed25519(b"hello");
    let size_at = 2 + 10; // message_data_size
    instruction.data[size_at] += 1;
    assert_eq!(
        run(&mut rt, &[instruction]).result,
        failed_at(0, INVALID_DATA_OFFSETS)
    );
    // The signature offset points at the end.
    let mut instruction = ed25519(b"hello");
    let len = instruction.data.len() as u16;
    instruction.data[2..4].copy_from_slice(&len.to_le_bytes());
    assert_eq!(
        run(&mut rt, &[instruction]).result,
        failed_at(0, INVALID_DATA_OFFSETS)
    );
}

#[test]
fn ed25519_instruction_index_past_the_transaction_is_invalid_data_offsets() {
    let mut rt = runtime();
    for field in [1, 3, 6] {
        let mut instruction = ed25519(b"hello");
        // Index 1 in a one-instruction transaction (0xFFFF is "this instruction").
        instruction.data[2 + 2 * field..4 + 2 * field].copy_from_slice(&1u16.to_le_bytes());
        assert_eq!(
            run(&mut rt, &[instruction]).result,
            failed_at(0, INVALID_DATA_OFFSETS),
            "field {field}"
        );
    }
    // Index 0, the instruction itself, by number.
    let mut instruction = ed25519(b"hello");
    for field in [1, 3, 6] {
        instruction.data[2 + 2 * field..4 + 2 * field].copy_from_slice(&0u16.to_le_bytes());
    }
    assert_eq!(run(&mut rt, &[instruction]).result, Ok(()));
}

#[test]
fn ed25519_bad_counts_are_invalid_instruction_data_size() {
    let mut rt = runtime();
    let id = ed25519_program::id();
    let cases: [(&str, Vec<u8>); 4] = [
        ("empty", vec![]),
        ("one byte", vec![0]),
        ("count 0 with more data", vec![0, 0, 0]),
        ("count 2, one record", {
            let mut data = ed25519(b"x").data;
            data[0] = 2;
            data.truncate(2 + 14 + 13);
            data
        }),
    ];
    for (name, data) in cases {
        let instruction = Instruction::new_with_bytes(id, &data, vec![]);
        assert_eq!(
            run(&mut rt, &[instruction]).result,
            failed_at(0, INVALID_INSTRUCTION_DATA_SIZE),
            "{name}"
        );
    }
    // Count 0 and nothing else verifies nothing, successfully.
    let instruction = Instruction::new_with_bytes(id, &[0, 0], vec![]);
    assert_eq!(run(&mut rt, &[instruction]).result, Ok(()));
}

#[test]
fn ed25519_reads_key_signature_and_message_from_another_instruction() {
    let mut rt = runtime();
    let keypair = ed25519_keypair(9);
    let message = b"signed elsewhere";
    // Instruction 0: a Compute Budget instruction (any data, 150 units) carrying
    // key ‖ signature ‖ message.
    let mut carrier = keypair.public.to_bytes().to_vec();
    carrier.extend_from_slice(&keypair.sign(message).to_bytes());
    carrier.extend_from_slice(message);
    let carrier = Instruction::new_with_bytes(compute_budget::id(), &carrier, vec![]);
    let offsets = |message_index: u16| {
        Instruction::new_with_bytes(
            ed25519_program::id(),
            &offsets_data(1, &[[32, 0, 0, 0, 96, message.len() as u16, message_index]]),
            vec![],
        )
    };
    let outcome = run(&mut rt, &[carrier.clone(), offsets(0)]);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 150);

    // The carrier may also come after the precompile instruction; naming instruction 0
    // there means the precompile's own (short) data.
    let outcome = run(&mut rt, &[offsets(0), carrier.clone()]);
    assert_eq!(outcome.result, failed_at(0, INVALID_DATA_OFFSETS));
    let mut after = offsets(1);
    after.data = offsets_data(1, &[[32, 1, 0, 1, 96, message.len() as u16, 1]]);
    assert_eq!(run(&mut rt, &[after, carrier.clone()]).result, Ok(()));

    // The message taken from the precompile's own data instead: another message.
    let mut mixed = offsets_data(1, &[[32, 0, 0, 0, 16, 4, HERE]]);
    mixed.truncate(16);
    mixed.extend_from_slice(b"oops");
    let mixed = Instruction::new_with_bytes(ed25519_program::id(), &mixed, vec![]);
    assert_eq!(
        run(&mut rt, &[carrier, mixed]).result,
        failed_at(1, INVALID_SIGNATURE)
    );
}

/// The identity as public key and R, s = 0: `verify` accepts it for any message (R = sB −
/// kA is the identity), `verify_strict` rejects the small-order key. Agave 4.4 always
/// verifies strictly (`ed25519_precompile_verify_strict`, active on mainnet).
#[test]
fn ed25519_strict_verification_follows_its_feature() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut signature = identity.to_vec();
    signature.extend_from_slice(&[0; 32]);
    let instruction = self_contained(ed25519_program::id(), &identity, &signature, b"anything");
    let mut rt = runtime();
    assert_eq!(
        run(&mut rt, std::slice::from_ref(&instruction)).result,
        failed_at(0, INVALID_SIGNATURE)
    );
    let gate = FeatureSet::lookup_by_name("ed25519_precompile_verify_strict").unwrap();
    let mut rt = crate::common::runtime_without(&[gate.id]);
    assert_eq!(run(&mut rt, &[instruction]).result, Ok(()));
}

// ----- secp256k1 -----

fn secp256k1_parts(seed: u8, message: &[u8]) -> ([u8; 20], [u8; 64], u8) {
    let secret = libsecp256k1::SecretKey::parse(&[seed; 32]).unwrap();
    let public = libsecp256k1::PublicKey::from_secret_key(&secret);
    let address: [u8; 20] = Keccak256::digest(&public.serialize()[1..])[12..]
        .try_into()
        .unwrap();
    let hash: [u8; 32] = Keccak256::digest(message).into();
    let (signature, recovery_id) =
        libsecp256k1::sign(&libsecp256k1::Message::parse(&hash), &secret);
    (address, signature.serialize(), recovery_id.serialize())
}

/// count 1, record (bincode), address at 12, signature at 32, recovery id at 96, message
/// at 97; every index `index`.
fn secp256k1(message: &[u8], index: u8) -> Instruction {
    let (address, signature, recovery_id) = secp256k1_parts(3, message);
    let mut data = vec![1];
    data.extend_from_slice(&32u16.to_le_bytes());
    data.push(index);
    data.extend_from_slice(&12u16.to_le_bytes());
    data.push(index);
    data.extend_from_slice(&97u16.to_le_bytes());
    data.extend_from_slice(&(message.len() as u16).to_le_bytes());
    data.push(index);
    data.extend_from_slice(&address);
    data.extend_from_slice(&signature);
    data.push(recovery_id);
    data.extend_from_slice(message);
    Instruction::new_with_bytes(secp256k1_program::id(), &data, vec![])
}

#[test]
fn secp256k1_valid_signature_succeeds_with_no_units() {
    let mut rt = runtime();
    let outcome = run(&mut rt, &[secp256k1(b"eth message", 0)]);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 0);
    assert!(outcome.logs.is_empty());
    // As the second instruction, naming itself by index 1.
    let budget = Instruction::new_with_bytes(compute_budget::id(), &[], vec![]);
    let outcome = run(&mut rt, &[budget, secp256k1(b"eth message", 1)]);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 150);
}

#[test]
fn secp256k1_errors() {
    let mut rt = runtime();
    let mut wrong_address = secp256k1(b"m", 0);
    wrong_address.data[12] ^= 1;
    let mut wrong_signature = secp256k1(b"m", 0);
    wrong_signature.data[40] ^= 1;
    let mut recovery_id_4 = secp256k1(b"m", 0);
    recovery_id_4.data[96] = 4;
    let mut message_too_long = secp256k1(b"m", 0);
    message_too_long.data[9] = 2; // size 2, one byte of message
    let mut signature_at_end = secp256k1(b"m", 0);
    // The recovery id must fit after the signature: 64 bytes ending at the data's end fail.
    let end = (signature_at_end.data.len() - 64) as u16;
    signature_at_end.data[1..3].copy_from_slice(&end.to_le_bytes());
    let mut signature_index_past = secp256k1(b"m", 0);
    signature_index_past.data[3] = 1;
    let mut address_index_past = secp256k1(b"m", 0);
    address_index_past.data[6] = 1;
    let mut message_index_past = secp256k1(b"m", 0);
    message_index_past.data[11] = 1;
    let id = secp256k1_program::id();
    let cases = [
        ("wrong address", wrong_address, INVALID_SIGNATURE),
        ("wrong signature", wrong_signature, INVALID_SIGNATURE),
        ("recovery id 4", recovery_id_4, INVALID_RECOVERY_ID),
        ("message past the data", message_too_long, INVALID_SIGNATURE),
        (
            "no room for the recovery id",
            signature_at_end,
            INVALID_SIGNATURE,
        ),
        (
            "signature index past",
            signature_index_past,
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
        (
            "address index past",
            address_index_past,
            INVALID_DATA_OFFSETS,
        ),
        (
            "message index past",
            message_index_past,
            INVALID_DATA_OFFSETS,
        ),
        (
            "empty",
            Instruction::new_with_bytes(id, &[], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
        (
            "count 0 with data",
            Instruction::new_with_bytes(id, &[0, 0], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
        (
            "count 1, no record",
            Instruction::new_with_bytes(id, &[1; 11], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
    ];
    for (name, instruction, error) in cases {
        assert_eq!(
            run(&mut rt, &[instruction]).result,
            failed_at(0, error),
            "{name}"
        );
    }
    assert_eq!(
        run(&mut rt, &[Instruction::new_with_bytes(id, &[0], vec![])]).result,
        Ok(())
    );
}

#[test]
fn secp256k1_reads_the_message_from_another_instruction() {
    let mut rt = runtime();
    let message = b"carried";
    let carrier = Instruction::new_with_bytes(compute_budget::id(), message, vec![]);
    let mut instruction = secp256k1(message, 1);
    // The message: instruction 0, offset 0.
    instruction.data[7..9].copy_from_slice(&0u16.to_le_bytes());
    instruction.data[11] = 0;
    instruction.data.truncate(97);
    assert_eq!(
        run(&mut rt, &[carrier.clone(), instruction.clone()]).result,
        Ok(())
    );
    let other = Instruction::new_with_bytes(compute_budget::id(), b"carriee", vec![]);
    assert_eq!(
        run(&mut rt, &[other, instruction]).result,
        failed_at(1, INVALID_SIGNATURE)
    );
}

// ----- secp256r1 -----

fn secp256r1(message: &[u8]) -> Instruction {
    let key = p256::ecdsa::SigningKey::from_bytes(&[5u8; 32].into()).unwrap();
    let signature: p256::ecdsa::Signature = key.sign(message);
    let signature = signature.normalize_s().unwrap_or(signature);
    let public = key.verifying_key().to_encoded_point(true);
    self_contained(
        secp256r1_program::id(),
        public.as_bytes(),
        &signature.to_bytes(),
        message,
    )
}

#[test]
fn secp256r1_valid_signature_succeeds_with_no_units() {
    let mut rt = runtime();
    let outcome = run(&mut rt, &[secp256r1(b"p256 message")]);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 0);
    assert!(outcome.logs.is_empty());
}

#[test]
fn secp256r1_errors() {
    let mut rt = runtime();
    let id = secp256r1_program::id();
    // Signature at 49: r = 49..81, s = 81..113.
    let mut wrong = secp256r1(b"m");
    wrong.data[60] ^= 1;
    let mut high_s = secp256r1(b"m");
    {
        // s' = n − s is the same signature with a high s.
        let s =
            p256::Scalar::from_repr(<[u8; 32]>::try_from(&high_s.data[81..113]).unwrap().into())
                .unwrap();
        high_s.data[81..113].copy_from_slice(&(-s).to_bytes());
    }
    let mut r_zero = secp256r1(b"m");
    r_zero.data[49..81].fill(0);
    let mut r_is_n = secp256r1(b"m");
    r_is_n.data[49..81].copy_from_slice(&[
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63,
        0x25, 0x51,
    ]);
    let mut bad_key_prefix = secp256r1(b"m");
    bad_key_prefix.data[16] = 0x04;
    let mut index_past = secp256r1(b"m");
    index_past.data[4..6].copy_from_slice(&1u16.to_le_bytes());
    let mut message_past = secp256r1(b"m");
    message_past.data[12] = 2;
    let mut count_9 = secp256r1(b"m");
    count_9.data[0] = 9;
    count_9.data.resize(2 + 9 * 14, 0);
    let cases = [
        ("wrong signature", wrong, INVALID_SIGNATURE),
        ("high s", high_s, INVALID_SIGNATURE),
        ("r = 0", r_zero, INVALID_SIGNATURE),
        ("r = n", r_is_n, INVALID_SIGNATURE),
        ("uncompressed prefix", bad_key_prefix, INVALID_PUBLIC_KEY),
        ("index past", index_past, INVALID_DATA_OFFSETS),
        ("message past the data", message_past, INVALID_DATA_OFFSETS),
        ("count 9", count_9, INVALID_INSTRUCTION_DATA_SIZE),
        (
            "count 0",
            Instruction::new_with_bytes(id, &[0, 0], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
        (
            "one byte",
            Instruction::new_with_bytes(id, &[1], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
        (
            "count 1, no record",
            Instruction::new_with_bytes(id, &[1, 0, 0], vec![]),
            INVALID_INSTRUCTION_DATA_SIZE,
        ),
    ];
    for (name, instruction, error) in cases {
        assert_eq!(
            run(&mut rt, &[instruction]).result,
            failed_at(0, error),
            "{name}"
        );
    }
}

// ----- the table -----

#[test]
fn precompiles_have_native_accounts_and_the_builtin_default_limit_where_agave_gives_it() {
    let rt = runtime();
    for precompile in PRECOMPILES {
        let account = rt.store.get(&precompile.program_id).expect("installed");
        assert!(account.executable(), "{}", precompile.name);
        assert_eq!(*account.owner(), solana_sdk_ids::native_loader::id());
        assert!(
            builtins::find(&precompile.program_id).is_none(),
            "not a builtin"
        );
    }
    // ed25519 and secp256k1 count 3,000 units, secp256r1 200,000
    // (solana-builtins-default-costs 4.4.0).
    assert_eq!(rt.default_compute_unit_limit(&[ed25519(b"m")]), 3_000);
    assert_eq!(rt.default_compute_unit_limit(&[secp256k1(b"m", 0)]), 3_000);
    assert_eq!(rt.default_compute_unit_limit(&[secp256r1(b"m")]), 200_000);
}

#[test]
fn secp256r1_is_a_precompile_only_with_its_feature() {
    let mut features = FeatureSet::mainnet();
    let id = secp256r1_program::id();
    assert!(builtins::find_precompile(&id, &features).is_some());
    let gate = FeatureSet::lookup_by_name("enable_secp256r1_precompile").unwrap();
    features.deactivate(&gate.id);
    assert!(builtins::find_precompile(&id, &features).is_none());
    assert!(builtins::find_precompile(&ed25519_program::id(), &features).is_some());
    assert!(builtins::find_precompile(&secp256k1_program::id(), &features).is_some());
}
