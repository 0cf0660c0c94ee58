//! The Compute Budget program at the instruction level: 150 units and success, whatever
//! the instruction says (its effects belong to the transaction level).

use solana_instruction::{AccountMeta, Instruction};
use solana_pubkey::Pubkey;
use solana_sdk_ids::compute_budget;

use sbfvm_runtime::builtins::{self, BUILTINS};
use sbfvm_runtime::{ReadableAccount, TransactionSettings};

use crate::common::{runtime, runtime_without};

#[test]
fn every_instruction_charges_150_units_and_succeeds() {
    let mut rt = runtime();
    let program_log = format!("Program {}", compute_budget::id());
    // SetComputeUnitLimit(1_000), SetComputeUnitPrice(5), garbage, nothing, with an account.
    let datas: [&[u8]; 4] = [
        &[2, 0xe8, 3, 0, 0],
        &[3, 5, 0, 0, 0, 0, 0, 0, 0],
        &[0xff; 3],
        &[],
    ];
    for data in datas {
        let instruction = Instruction::new_with_bytes(
            compute_budget::id(),
            data,
            vec![AccountMeta::new(Pubkey::new_unique(), false)],
        );
        let outcome = rt.process_transaction(&[instruction], &TransactionSettings::default(), None);
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.compute_units_consumed, 150);
        assert_eq!(
            outcome.logs,
            [
                format!("{program_log} invoke [1]"),
                format!("{program_log} success")
            ]
        );
    }
}

#[test]
fn it_is_a_row_of_the_builtins_table_with_a_native_account() {
    let row = builtins::find(&compute_budget::id()).expect("a builtin");
    assert_eq!(row.name, "compute_budget_program");
    let rt = runtime();
    let account = rt.store.get(&compute_budget::id()).expect("installed");
    assert!(account.executable());
    assert_eq!(*account.owner(), solana_sdk_ids::native_loader::id());
    // Every row the feature set enables gets an account; no two rows share a program id.
    for (index, builtin) in BUILTINS.iter().enumerate() {
        assert_eq!(
            rt.store.get(&builtin.program_id).is_some(),
            (builtin.enabled)(&rt.features),
            "{}",
            builtin.name
        );
        assert!(BUILTINS[..index]
            .iter()
            .all(|other| other.program_id != builtin.program_id));
    }
}

#[test]
fn a_builtin_or_precompile_has_an_account_only_while_its_feature_is_active() {
    use sbfvm_runtime::features::ids;
    let zk = solana_sdk_ids::zk_elgamal_proof_program::id();
    let secp256r1 = solana_sdk_ids::secp256r1_program::id();
    let mut rt = runtime_without(&[
        ids::ZK_ELGAMAL_PROOF_PROGRAM_ENABLED,
        ids::ENABLE_SECP256R1_PRECOMPILE,
    ]);
    assert!(rt.store.get(&zk).is_none());
    assert!(rt.store.get(&secp256r1).is_none());
    assert!(rt.store.get(&compute_budget::id()).is_some());
    // Activating the features installs them, as a bank does.
    rt.set_features(sbfvm_runtime::FeatureSet::mainnet());
    assert!(rt
        .store
        .get(&zk)
        .is_some_and(|account| account.executable()));
    assert!(rt.store.get(&secp256r1).is_some());
}

#[test]
fn out_of_units_it_fails_like_any_builtin() {
    let mut rt = runtime();
    let instruction = Instruction::new_with_bytes(compute_budget::id(), &[], vec![]);
    let settings = TransactionSettings {
        compute_unit_limit: Some(149),
        heap_size: None,
    };
    let outcome = rt.process_transaction(&[instruction], &settings, None);
    assert_eq!(
        outcome.instruction_error(),
        Some((
            0,
            &solana_instruction_error::InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!(outcome.compute_units_consumed, 149);
}
