//! The System program through `Runtime::process_transaction`: every instruction, its
//! checks in Agave's order, its log lines and errors, and the older feature sets.

use solana_account::Account;
use solana_clock::Clock;
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::Versions as NonceVersions;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{system_program, sysvar};
use solana_system_interface::error::SystemError;
use solana_system_interface::instruction::SystemInstruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use sbfvm_runtime::environment::{
    environment_blockhash, EnvironmentConfig, LAMPORTS_PER_SIGNATURE,
};
use sbfvm_runtime::features::ids;
use sbfvm_runtime::sysvars::{BlockhashEntry, RecentBlockhashes};
use sbfvm_runtime::{Runtime, Sysvars, TransactionError, TransactionOutcome, TransactionSettings};

use crate::common::{new_account, rent_exempt, runtime, runtime_without};

/// What every System instruction charges.
const DEFAULT_COMPUTE_UNITS: u64 = 150;
const SOL: u64 = 1_000_000_000;
const PROGRAM_LOG_PREFIX: &str = "Program 11111111111111111111111111111111";

fn system_account(lamports: u64, space: usize) -> Account {
    new_account(lamports, space, &system_program::id())
}

/// Stores `account` under a new key.
fn stored(runtime: &mut Runtime, account: Account) -> Pubkey {
    let key = Pubkey::new_unique();
    runtime.store.set(key, account);
    key
}

/// A runtime, and a System account in it holding 10 SOL to pay from.
fn runtime_with_funder() -> (Runtime, Pubkey) {
    let mut runtime = runtime();
    let funder = funded(&mut runtime, 10 * SOL);
    (runtime, funder)
}

/// A System account holding `lamports`, under a new key.
fn funded(runtime: &mut Runtime, lamports: u64) -> Pubkey {
    stored(runtime, system_account(lamports, 0))
}

fn ix(instruction: &SystemInstruction, accounts: Vec<AccountMeta>) -> Instruction {
    raw_ix(bincode::serialize(instruction).unwrap(), accounts)
}

fn raw_ix(data: Vec<u8>, accounts: Vec<AccountMeta>) -> Instruction {
    Instruction {
        program_id: system_program::id(),
        accounts,
        data,
    }
}

fn custom(error: SystemError) -> InstructionError {
    InstructionError::Custom(error as u32)
}

fn process(runtime: &mut Runtime, instruction: Instruction) -> TransactionOutcome {
    runtime.process_transaction(&[instruction], &TransactionSettings::default(), None)
}

/// Runs `instruction`, expecting success and exactly the 150 CU charge.
fn assert_ok(runtime: &mut Runtime, instruction: Instruction) -> TransactionOutcome {
    let outcome = process(runtime, instruction);
    assert_eq!(outcome.result, Ok(()), "logs: {:#?}", outcome.logs);
    assert_eq!(outcome.compute_units_consumed, DEFAULT_COMPUTE_UNITS);
    assert_eq!(
        outcome.logs.first().unwrap(),
        &format!("{PROGRAM_LOG_PREFIX} invoke [1]")
    );
    assert_eq!(
        outcome.logs.last().unwrap(),
        &format!("{PROGRAM_LOG_PREFIX} success")
    );
    outcome
}

/// Runs `instruction`, expecting `error` from instruction 0, the 150 CU charge and an
/// unchanged store.
fn assert_err(
    runtime: &mut Runtime,
    instruction: Instruction,
    error: InstructionError,
) -> TransactionOutcome {
    let before = runtime.store.clone();
    let outcome = process(runtime, instruction);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(0, error.clone())),
        "logs: {:#?}",
        outcome.logs
    );
    assert_eq!(outcome.compute_units_consumed, DEFAULT_COMPUTE_UNITS);
    assert!(runtime.store == before, "the store changed on failure");
    assert_eq!(
        outcome.logs.last().unwrap(),
        &format!("{PROGRAM_LOG_PREFIX} failed: {error}")
    );
    outcome
}

/// [`assert_err`], and the log holds `line`.
fn assert_err_logged(
    runtime: &mut Runtime,
    instruction: Instruction,
    error: InstructionError,
    line: &str,
) -> TransactionOutcome {
    let outcome = assert_err(runtime, instruction, error);
    assert_log(&outcome, line);
    outcome
}

/// Runs `instruction(new_signs, funder_signs)` of an instruction that creates `new` and
/// funds it from `funder`, without each signature in turn: the new account's fails in
/// Allocate, the funder's (allocate and assign ran first) in the transfer.
fn assert_both_signatures_required(
    runtime: &mut Runtime,
    new: Pubkey,
    funder: Pubkey,
    instruction: impl Fn(bool, bool) -> Instruction,
) {
    let cases = [
        (
            false,
            true,
            format!("Allocate: 'to' account {} must sign", plain(&new)),
        ),
        (
            true,
            false,
            format!("Transfer: `from` account {funder} must sign"),
        ),
    ];
    for (new_signs, funder_signs, line) in cases {
        assert_err_logged(
            runtime,
            instruction(new_signs, funder_signs),
            InstructionError::MissingRequiredSignature,
            &line,
        );
    }
}

fn assert_log(outcome: &TransactionOutcome, line: &str) {
    assert!(
        outcome.logs.iter().any(|logged| logged == line),
        "missing log line {line:?} in {:#?}",
        outcome.logs
    );
}

/// The number of log lines besides "invoke" and "success"/"failed".
fn message_count(outcome: &TransactionOutcome) -> usize {
    outcome.logs.len() - 2
}

fn plain(address: &Pubkey) -> String {
    format!("Address {{ address: {address}, base: None }}")
}

fn seeded(address: &Pubkey, base: &Pubkey) -> String {
    format!("Address {{ address: {address}, base: Some({base}) }}")
}

/// An account's state at the end of the transaction, before a zero-lamport account is
/// deallocated by the commit.
fn after(outcome: &TransactionOutcome, key: &Pubkey) -> Account {
    let index = outcome
        .account_keys
        .iter()
        .position(|k| k == key)
        .expect("account in the transaction");
    outcome.accounts_after[index].clone().into()
}

fn account(runtime: &Runtime, key: &Pubkey) -> Account {
    // A missing (deallocated) account reads as an empty System account.
    runtime.store.get(key).cloned().unwrap_or_default().into()
}

/// The accounts of a `…WithSeed` instruction: the derived `key`, then its `base`.
fn with_seed_metas(key: Pubkey, base: Pubkey, base_signs: bool) -> Vec<AccountMeta> {
    vec![
        AccountMeta::new(key, false),
        AccountMeta::new_readonly(base, base_signs),
    ]
}

/// An owner whose last 21 bytes are the PDA marker.
fn illegal_owner() -> Pubkey {
    let mut bytes = [7u8; 32];
    bytes[11..].copy_from_slice(sbfvm_runtime::pda::PDA_MARKER);
    Pubkey::new_from_array(bytes)
}

// ----- entry -----

#[test]
fn invalid_instruction_data() {
    let mut rt = runtime();
    let from = funded(&mut rt, SOL);
    let to = Pubkey::new_unique();
    let metas = vec![AccountMeta::new(from, true), AccountMeta::new(to, false)];
    // Empty, unknown tag, truncated.
    for data in [vec![], 14u32.to_le_bytes().to_vec(), vec![2, 0, 0, 0, 1]] {
        let outcome = assert_err(
            &mut rt,
            raw_ix(data, metas.clone()),
            InstructionError::InvalidInstructionData,
        );
        assert_eq!(message_count(&outcome), 0);
    }
    // A seed that is not UTF-8.
    let mut data = 3u32.to_le_bytes().to_vec();
    data.extend_from_slice(from.as_ref());
    data.extend_from_slice(&2u64.to_le_bytes());
    data.extend_from_slice(&[0xff, 0xfe]);
    data.extend_from_slice(&[0; 48]);
    assert_err(
        &mut rt,
        raw_ix(data, metas.clone()),
        InstructionError::InvalidInstructionData,
    );
    // A seed length beyond the 1,232-byte decoding limit.
    let mut data = 9u32.to_le_bytes().to_vec();
    data.extend_from_slice(from.as_ref());
    data.extend_from_slice(&2_000u64.to_le_bytes());
    data.extend_from_slice(&vec![b'a'; 2_000]);
    data.extend_from_slice(&[0; 40]);
    assert_err(
        &mut rt,
        raw_ix(data, metas.clone()),
        InstructionError::InvalidInstructionData,
    );
    // Trailing bytes are allowed.
    let mut data = bincode::serialize(&SystemInstruction::Transfer { lamports: SOL / 2 }).unwrap();
    data.extend_from_slice(&[0xff; 3]);
    assert_ok(&mut rt, raw_ix(data, metas));
    assert_eq!(account(&rt, &to).lamports, SOL / 2);
}

#[test]
fn too_few_accounts() {
    let mut rt = runtime();
    let a = funded(&mut rt, SOL);
    let owner = Pubkey::new_unique();
    let one = vec![AccountMeta::new(a, true)];
    let cases = [
        (
            SystemInstruction::CreateAccount {
                lamports: 1,
                space: 0,
                owner,
            },
            one.clone(),
        ),
        (
            SystemInstruction::CreateAccountWithSeed {
                base: a,
                seed: "s".into(),
                lamports: 1,
                space: 0,
                owner,
            },
            one.clone(),
        ),
        (SystemInstruction::Transfer { lamports: 1 }, one.clone()),
        (
            SystemInstruction::TransferWithSeed {
                lamports: 1,
                from_seed: "s".into(),
                from_owner: owner,
            },
            vec![
                AccountMeta::new(a, true),
                AccountMeta::new(Pubkey::new_unique(), false),
            ],
        ),
        (SystemInstruction::Assign { owner }, vec![]),
        (SystemInstruction::Allocate { space: 1 }, vec![]),
        (
            SystemInstruction::AllocateWithSeed {
                base: a,
                seed: "s".into(),
                space: 1,
                owner,
            },
            vec![],
        ),
        (
            SystemInstruction::AssignWithSeed {
                base: a,
                seed: "s".into(),
                owner,
            },
            vec![],
        ),
        (SystemInstruction::AdvanceNonceAccount, one.clone()),
        (SystemInstruction::WithdrawNonceAccount(1), one.clone()),
        (SystemInstruction::InitializeNonceAccount(a), one.clone()),
        (SystemInstruction::AuthorizeNonceAccount(a), vec![]),
        (SystemInstruction::UpgradeNonceAccount, vec![]),
        (
            SystemInstruction::CreateAccountAllowPrefund {
                lamports: 0,
                space: 0,
                owner,
            },
            vec![],
        ),
        (
            SystemInstruction::CreateAccountAllowPrefund {
                lamports: 1,
                space: 0,
                owner,
            },
            one.clone(),
        ),
    ];
    for (instruction, metas) in cases {
        let outcome = process(&mut rt, ix(&instruction, metas));
        assert_eq!(
            outcome.result,
            Err(TransactionError::InstructionError(
                0,
                InstructionError::MissingAccount
            )),
            "{instruction:?}"
        );
        assert_eq!(outcome.compute_units_consumed, DEFAULT_COMPUTE_UNITS);
    }
}

// ----- CreateAccount -----

#[test]
fn create_account_succeeds() {
    let (mut rt, from) = runtime_with_funder();
    let to = Pubkey::new_unique();
    let owner = Pubkey::new_unique();
    let lamports = rent_exempt(16);
    let outcome = assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::CreateAccount {
                lamports,
                space: 16,
                owner,
            },
            vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
        ),
    );
    assert_eq!(message_count(&outcome), 0);
    let created = account(&rt, &to);
    assert_eq!(created.lamports, lamports);
    assert_eq!(created.data, vec![0; 16]);
    assert_eq!(created.owner, owner);
    assert_eq!(account(&rt, &from).lamports, 10 * SOL - lamports);
}

#[test]
fn create_account_zero_lamports_from_any_owner() {
    // With 0 lamports nothing is debited, so the funder may belong to any program.
    let mut rt = runtime();
    let from = stored(&mut rt, new_account(SOL, 0, &Pubkey::new_unique()));
    let to = Pubkey::new_unique();
    let owner = Pubkey::new_unique();
    let outcome = assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::CreateAccount {
                lamports: 0,
                space: 0,
                owner,
            },
            vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
        ),
    );
    assert_eq!(after(&outcome, &to).owner, owner);
    // Still 0 lamports, so the commit deallocates it.
    assert!(rt.store.get(&to).is_none());
    assert_eq!(account(&rt, &from).lamports, SOL);
}

#[test]
fn create_account_failures() {
    let (mut rt, from) = runtime_with_funder();
    let owner = Pubkey::new_unique();
    let create = |lamports, space| SystemInstruction::CreateAccount {
        lamports,
        space,
        owner,
    };
    let metas =
        |from: Pubkey, to: Pubkey| vec![AccountMeta::new(from, true), AccountMeta::new(to, true)];

    // The new account already holds lamports.
    let to = funded(&mut rt, SOL);
    assert_err_logged(
        &mut rt,
        ix(&create(rent_exempt(0), 0), metas(from, to)),
        custom(SystemError::AccountAlreadyInUse),
        &format!("Create Account: account {} already in use", plain(&to)),
    );

    // A missing signature: the new account's, or the funder's (allocate and assign run
    // first, then the transfer fails).
    let to = Pubkey::new_unique();
    assert_both_signatures_required(&mut rt, to, from, |to_signs, from_signs| {
        let metas = vec![
            AccountMeta::new(from, from_signs),
            AccountMeta::new(to, to_signs),
        ];
        ix(&create(rent_exempt(0), 0), metas)
    });

    // A stored account with 0 lamports is deallocated: whatever data or owner it still
    // carries, the transaction loads it as an empty System account, as Agave's account
    // loader does, so CreateAccount succeeds. (Allocate's "already in use" path for
    // data or a foreign owner is covered by the `allocate` test.)
    let to = stored(&mut rt, new_account(0, 8, &Pubkey::new_unique()));
    assert_ok(&mut rt, ix(&create(rent_exempt(0), 0), metas(from, to)));
    assert_eq!(account(&rt, &to).lamports, rent_exempt(0));
    assert!(account(&rt, &to).data.is_empty());

    // Too large.
    let to = Pubkey::new_unique();
    assert_err_logged(
        &mut rt,
        ix(&create(SOL, MAX_PERMITTED_DATA_LENGTH + 1), metas(from, to)),
        custom(SystemError::InvalidAccountDataLength),
        "Allocate: requested 10485761, max allowed 10485760",
    );

    // Insufficient funds.
    let poor = funded(&mut rt, rent_exempt(0));
    assert_err_logged(
        &mut rt,
        ix(&create(rent_exempt(0) + 1, 0), metas(poor, to)),
        custom(SystemError::ResultWithNegativeLamports),
        &format!(
            "Transfer: insufficient lamports {}, need {}",
            rent_exempt(0),
            rent_exempt(0) + 1
        ),
    );

    // The funder carries data.
    let with_data = stored(&mut rt, system_account(SOL, 8));
    assert_err_logged(
        &mut rt,
        ix(&create(rent_exempt(0), 0), metas(with_data, to)),
        InstructionError::InvalidArgument,
        "Transfer: `from` must not carry data",
    );

    // The funder belongs to another program.
    let foreign = stored(&mut rt, new_account(SOL, 0, &Pubkey::new_unique()));
    assert_err(
        &mut rt,
        ix(&create(rent_exempt(0), 0), metas(foreign, to)),
        InstructionError::ExternalAccountLamportSpend,
    );

    // The new account is read-only.
    assert_err(
        &mut rt,
        ix(
            &create(rent_exempt(0), 0),
            vec![
                AccountMeta::new(from, true),
                AccountMeta::new_readonly(to, true),
            ],
        ),
        InstructionError::ReadonlyDataModified,
    );
}

// ----- CreateAccountWithSeed -----

#[test]
fn create_account_with_seed_succeeds() {
    let (mut rt, from) = runtime_with_funder();
    let owner = Pubkey::new_unique();
    let create = |base, seed: &str, space| SystemInstruction::CreateAccountWithSeed {
        base,
        seed: seed.into(),
        lamports: rent_exempt(space as usize),
        space,
        owner,
    };
    // Base = funder.
    let to = Pubkey::create_with_seed(&from, "shiny pepper", &owner).unwrap();
    let metas = vec![AccountMeta::new(from, true), AccountMeta::new(to, false)];
    assert_ok(&mut rt, ix(&create(from, "shiny pepper", 2), metas));
    let created = account(&rt, &to);
    assert_eq!(
        (created.lamports, created.data.len(), created.owner),
        (rent_exempt(2), 2, owner)
    );

    // A separate base account that signs.
    let base = Pubkey::new_unique();
    let to = Pubkey::create_with_seed(&base, "", &owner).unwrap();
    let metas = vec![
        AccountMeta::new(from, true),
        AccountMeta::new(to, false),
        AccountMeta::new_readonly(base, true),
    ];
    assert_ok(&mut rt, ix(&create(base, "", 0), metas));
    assert_eq!(account(&rt, &to).owner, owner);
}

#[test]
fn create_account_with_seed_failures() {
    let (mut rt, from) = runtime_with_funder();
    let owner = Pubkey::new_unique();
    let base = Pubkey::new_unique();
    let seed = "dull boy";
    let derived = Pubkey::create_with_seed(&base, seed, &owner).unwrap();
    let create = |seed: &str, owner: Pubkey| SystemInstruction::CreateAccountWithSeed {
        base,
        seed: seed.into(),
        lamports: rent_exempt(0),
        space: 0,
        owner,
    };
    let both_sign = |to| vec![AccountMeta::new(from, true), AccountMeta::new(to, true)];

    // Address mismatch.
    let to = Pubkey::new_unique();
    assert_err_logged(
        &mut rt,
        ix(&create(seed, owner), both_sign(to)),
        custom(SystemError::AddressWithSeedMismatch),
        &format!("Create: address {to} does not match derived address {derived}"),
    );

    // Seed too long → Custom(0); owner ending with the PDA marker → Custom(2).
    for (instruction, code) in [
        (create(&"x".repeat(33), owner), 0),
        (create(seed, illegal_owner()), 2),
    ] {
        assert_err(
            &mut rt,
            ix(&instruction, both_sign(to)),
            InstructionError::Custom(code),
        );
    }

    // The base must sign; the new account's own signature does not count.
    assert_err_logged(
        &mut rt,
        ix(&create(seed, owner), both_sign(derived)),
        InstructionError::MissingRequiredSignature,
        &format!(
            "Allocate: 'to' account {} must sign",
            seeded(&derived, &base)
        ),
    );

    // Already in use.
    rt.store.set(derived, system_account(1, 0));
    assert_err_logged(
        &mut rt,
        ix(
            &create(seed, owner),
            vec![
                AccountMeta::new(from, true),
                AccountMeta::new(derived, false),
                AccountMeta::new_readonly(base, true),
            ],
        ),
        custom(SystemError::AccountAlreadyInUse),
        &format!(
            "Create Account: account {} already in use",
            seeded(&derived, &base)
        ),
    );
}

// ----- Assign -----

#[test]
fn assign() {
    let mut rt = runtime();
    let owner = Pubkey::new_unique();
    let key = Pubkey::new_unique();
    let assign = SystemInstruction::Assign { owner };

    // Missing signature.
    assert_err_logged(
        &mut rt,
        ix(&assign, vec![AccountMeta::new(key, false)]),
        InstructionError::MissingRequiredSignature,
        &format!("Assign: account {} must sign", plain(&key)),
    );

    // Same owner: nothing to do, no signature needed, even read-only.
    let same = SystemInstruction::Assign {
        owner: system_program::id(),
    };
    assert_ok(
        &mut rt,
        ix(&same, vec![AccountMeta::new_readonly(key, false)]),
    );

    // Success.
    let outcome = assert_ok(&mut rt, ix(&assign, vec![AccountMeta::new(key, true)]));
    assert_eq!(after(&outcome, &key).owner, owner);

    // Non-zero data cannot be reassigned.
    let with_data = Pubkey::new_unique();
    let mut data_account = system_account(rent_exempt(1), 1);
    data_account.data[0] = 1;
    rt.store.set(with_data, data_account);
    assert_err(
        &mut rt,
        ix(&assign, vec![AccountMeta::new(with_data, true)]),
        InstructionError::ModifiedProgramId,
    );

    // Only the system program may reassign its accounts.
    let other = SystemInstruction::Assign {
        owner: Pubkey::new_unique(),
    };
    let foreign = stored(
        &mut rt,
        new_account(rent_exempt(0), 0, &Pubkey::new_unique()),
    );
    assert_err(
        &mut rt,
        ix(&other, vec![AccountMeta::new(foreign, true)]),
        InstructionError::ModifiedProgramId,
    );

    // Read-only.
    let fresh = Pubkey::new_unique();
    assert_err(
        &mut rt,
        ix(&assign, vec![AccountMeta::new_readonly(fresh, true)]),
        InstructionError::ModifiedProgramId,
    );
}

// ----- Transfer -----

#[test]
fn transfer_succeeds() {
    let (mut rt, from) = runtime_with_funder();
    let to = Pubkey::new_unique();
    let outcome = assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::Transfer { lamports: SOL },
            vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
        ),
    );
    assert_eq!(message_count(&outcome), 0);
    assert_eq!(account(&rt, &from).lamports, 9 * SOL);
    assert_eq!(account(&rt, &to).lamports, SOL);

    // To itself: the balance does not change.
    assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::Transfer { lamports: SOL },
            vec![AccountMeta::new(from, true), AccountMeta::new(from, false)],
        ),
    );
    assert_eq!(account(&rt, &from).lamports, 9 * SOL);
}

#[test]
fn transfer_failures() {
    let (mut rt, from) = runtime_with_funder();
    let to = funded(&mut rt, SOL);
    let transfer = |lamports| SystemInstruction::Transfer { lamports };

    // Missing signature.
    assert_err_logged(
        &mut rt,
        ix(
            &transfer(1),
            vec![AccountMeta::new(from, false), AccountMeta::new(to, false)],
        ),
        InstructionError::MissingRequiredSignature,
        &format!("Transfer: `from` account {from} must sign"),
    );

    // Insufficient lamports.
    assert_err_logged(
        &mut rt,
        ix(
            &transfer(10 * SOL + 1),
            vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
        ),
        custom(SystemError::ResultWithNegativeLamports),
        &format!(
            "Transfer: insufficient lamports {}, need {}",
            10 * SOL,
            10 * SOL + 1
        ),
    );

    // The source carries data.
    let with_data = stored(&mut rt, system_account(SOL, 10));
    assert_err_logged(
        &mut rt,
        ix(
            &transfer(1),
            vec![
                AccountMeta::new(with_data, true),
                AccountMeta::new(to, false),
            ],
        ),
        InstructionError::InvalidArgument,
        "Transfer: `from` must not carry data",
    );

    // The source belongs to another program.
    let foreign = stored(&mut rt, new_account(SOL, 0, &Pubkey::new_unique()));
    assert_err(
        &mut rt,
        ix(
            &transfer(1),
            vec![AccountMeta::new(foreign, true), AccountMeta::new(to, false)],
        ),
        InstructionError::ExternalAccountLamportSpend,
    );

    // A read-only source or destination fails even for 0 lamports.
    for metas in [
        vec![
            AccountMeta::new(from, true),
            AccountMeta::new_readonly(to, false),
        ],
        vec![
            AccountMeta::new_readonly(from, true),
            AccountMeta::new(to, false),
        ],
    ] {
        assert_err(
            &mut rt,
            ix(&transfer(0), metas),
            InstructionError::ReadonlyLamportChange,
        );
    }

    // Overflowing the destination.
    let rich = stored(&mut rt, system_account(u64::MAX, 0));
    assert_err(
        &mut rt,
        ix(
            &transfer(1),
            vec![AccountMeta::new(from, true), AccountMeta::new(rich, false)],
        ),
        InstructionError::ArithmeticOverflow,
    );
}

// ----- TransferWithSeed -----

#[test]
fn transfer_with_seed() {
    let mut rt = runtime();
    let base = Pubkey::new_unique();
    let seed = "wallet";
    let from = Pubkey::create_with_seed(&base, seed, &system_program::id()).unwrap();
    rt.store.set(from, system_account(10 * SOL, 0));
    let to = funded(&mut rt, SOL);
    let transfer = |lamports, from_owner| SystemInstruction::TransferWithSeed {
        lamports,
        from_seed: seed.into(),
        from_owner,
    };
    let metas = |base_signs| {
        let mut metas = with_seed_metas(from, base, base_signs);
        metas.push(AccountMeta::new(to, false));
        metas
    };

    assert_ok(
        &mut rt,
        ix(&transfer(SOL, system_program::id()), metas(true)),
    );
    assert_eq!(account(&rt, &from).lamports, 9 * SOL);
    assert_eq!(account(&rt, &to).lamports, 2 * SOL);

    // The base must sign.
    assert_err_logged(
        &mut rt,
        ix(&transfer(SOL, system_program::id()), metas(false)),
        InstructionError::MissingRequiredSignature,
        &format!("Transfer: 'from' account {base} must sign"),
    );

    // The source must be the derived address.
    let other_owner = Pubkey::new_unique();
    let derived = Pubkey::create_with_seed(&base, seed, &other_owner).unwrap();
    assert_err_logged(
        &mut rt,
        ix(&transfer(SOL, other_owner), metas(true)),
        custom(SystemError::AddressWithSeedMismatch),
        &format!("Transfer: 'from' address {from} does not match derived address {derived}"),
    );

    // Seed errors, then the transfer checks.
    assert_err(
        &mut rt,
        ix(&transfer(SOL, illegal_owner()), metas(true)),
        InstructionError::Custom(2),
    );
    assert_err(
        &mut rt,
        ix(&transfer(10 * SOL, system_program::id()), metas(true)),
        custom(SystemError::ResultWithNegativeLamports),
    );
}

// ----- Allocate / AllocateWithSeed / AssignWithSeed -----

#[test]
fn allocate() {
    let mut rt = runtime();
    let key = funded(&mut rt, rent_exempt(100));
    let allocate = |space| SystemInstruction::Allocate { space };

    assert_err_logged(
        &mut rt,
        ix(&allocate(100), vec![AccountMeta::new(key, false)]),
        InstructionError::MissingRequiredSignature,
        &format!("Allocate: 'to' account {} must sign", plain(&key)),
    );

    assert_err_logged(
        &mut rt,
        ix(
            &allocate(MAX_PERMITTED_DATA_LENGTH + 1),
            vec![AccountMeta::new(key, true)],
        ),
        custom(SystemError::InvalidAccountDataLength),
        "Allocate: requested 10485761, max allowed 10485760",
    );

    assert_err(
        &mut rt,
        ix(&allocate(100), vec![AccountMeta::new_readonly(key, true)]),
        InstructionError::ReadonlyDataModified,
    );

    assert_ok(
        &mut rt,
        ix(&allocate(100), vec![AccountMeta::new(key, true)]),
    );
    let allocated = account(&rt, &key);
    assert_eq!(
        (allocated.data.len(), allocated.owner),
        (100, system_program::id())
    );

    // Now it has data: already in use.
    assert_err_logged(
        &mut rt,
        ix(&allocate(100), vec![AccountMeta::new(key, true)]),
        custom(SystemError::AccountAlreadyInUse),
        &format!("Allocate: account {} already in use", plain(&key)),
    );
}

#[test]
fn allocate_with_seed() {
    let mut rt = runtime();
    let base = Pubkey::new_unique();
    let owner = Pubkey::new_unique();
    let seed = "allocated";
    let key = Pubkey::create_with_seed(&base, seed, &owner).unwrap();
    rt.store.set(key, system_account(rent_exempt(64), 0));
    let allocate = |seed: &str| SystemInstruction::AllocateWithSeed {
        base,
        seed: seed.into(),
        space: 64,
        owner,
    };
    let metas = |base_signs| with_seed_metas(key, base, base_signs);

    assert_err_logged(
        &mut rt,
        ix(&allocate(seed), metas(false)),
        InstructionError::MissingRequiredSignature,
        &format!("Allocate: 'to' account {} must sign", seeded(&key, &base)),
    );

    let derived = Pubkey::create_with_seed(&base, "other", &owner).unwrap();
    assert_err_logged(
        &mut rt,
        ix(&allocate("other"), metas(true)),
        custom(SystemError::AddressWithSeedMismatch),
        &format!("Create: address {key} does not match derived address {derived}"),
    );

    assert_err(
        &mut rt,
        ix(&allocate(&"x".repeat(33)), metas(true)),
        InstructionError::Custom(0),
    );

    assert_ok(&mut rt, ix(&allocate(seed), metas(true)));
    let allocated = account(&rt, &key);
    assert_eq!((allocated.data, allocated.owner), (vec![0; 64], owner));
}

#[test]
fn assign_with_seed() {
    let mut rt = runtime();
    let base = Pubkey::new_unique();
    let owner = Pubkey::new_unique();
    let key = Pubkey::create_with_seed(&base, "assigned", &owner).unwrap();
    let assign = |seed: &str| SystemInstruction::AssignWithSeed {
        base,
        seed: seed.into(),
        owner,
    };
    let metas = |base_signs| with_seed_metas(key, base, base_signs);

    assert_err_logged(
        &mut rt,
        ix(&assign("assigned"), metas(false)),
        InstructionError::MissingRequiredSignature,
        &format!("Assign: account {} must sign", seeded(&key, &base)),
    );
    assert_err(
        &mut rt,
        ix(&assign("wrong"), metas(true)),
        custom(SystemError::AddressWithSeedMismatch),
    );

    let outcome = assert_ok(&mut rt, ix(&assign("assigned"), metas(true)));
    assert_eq!(after(&outcome, &key).owner, owner);
}

// ----- CreateAccountAllowPrefund -----

#[test]
fn create_account_allow_prefund() {
    let mut rt = runtime();
    let owner = Pubkey::new_unique();
    let create = |lamports, space| SystemInstruction::CreateAccountAllowPrefund {
        lamports,
        space,
        owner,
    };

    // Fully prefunded, no funder account.
    let key = funded(&mut rt, rent_exempt(32));
    assert_ok(
        &mut rt,
        ix(&create(0, 32), vec![AccountMeta::new(key, true)]),
    );
    let created = account(&rt, &key);
    assert_eq!(
        (created.lamports, created.data.len(), created.owner),
        (rent_exempt(32), 32, owner)
    );

    // Partly prefunded, topped up by a funder.
    let funder = funded(&mut rt, 10 * SOL);
    let key = funded(&mut rt, 1_000);
    let top_up = rent_exempt(32) - 1_000;
    assert_ok(
        &mut rt,
        ix(
            &create(top_up, 32),
            vec![AccountMeta::new(key, true), AccountMeta::new(funder, true)],
        ),
    );
    assert_eq!(account(&rt, &key).lamports, rent_exempt(32));
    assert_eq!(account(&rt, &funder).lamports, 10 * SOL - top_up);

    // The new account must sign and be unused; the funder must sign.
    let key = funded(&mut rt, 1_000);
    assert_both_signatures_required(&mut rt, key, funder, |key_signs, funder_signs| {
        let metas = vec![
            AccountMeta::new(key, key_signs),
            AccountMeta::new(funder, funder_signs),
        ];
        ix(&create(top_up, 32), metas)
    });
    let used = stored(&mut rt, system_account(rent_exempt(1), 1));
    assert_err(
        &mut rt,
        ix(&create(0, 32), vec![AccountMeta::new(used, true)]),
        custom(SystemError::AccountAlreadyInUse),
    );
}

#[test]
fn create_account_allow_prefund_is_feature_gated() {
    let mut rt = runtime_without(&[ids::CREATE_ACCOUNT_ALLOW_PREFUND]);
    let key = funded(&mut rt, rent_exempt(0));
    let outcome = assert_err(
        &mut rt,
        ix(
            &SystemInstruction::CreateAccountAllowPrefund {
                lamports: 0,
                space: 0,
                owner: Pubkey::new_unique(),
            },
            vec![AccountMeta::new(key, true)],
        ),
        InstructionError::InvalidInstructionData,
    );
    assert_eq!(message_count(&outcome), 0);
    // Other instructions are unaffected.
    let to = Pubkey::new_unique();
    assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::Transfer {
                lamports: rent_exempt(0),
            },
            vec![AccountMeta::new(key, true), AccountMeta::new(to, false)],
        ),
    );
}

// ----- nonce accounts -----

const NONCE_SIZE: usize = 80;

fn nonce_state(runtime: &Runtime, key: &Pubkey) -> NonceVersions {
    bincode::deserialize(&account(runtime, key).data).unwrap()
}

fn initialized(authority: Pubkey, slot: u64) -> NonceVersions {
    let durable_nonce = DurableNonce::from_blockhash(&environment_blockhash(slot).into());
    NonceVersions::new(NonceState::Initialized(NonceData::new(
        authority,
        durable_nonce,
        LAMPORTS_PER_SIGNATURE,
    )))
}

fn set_slot(runtime: &mut Runtime, slot: u64) {
    runtime.set_sysvars(Sysvars {
        clock: Clock {
            slot,
            ..Clock::default()
        },
        ..Sysvars::default()
    });
}

fn recent_blockhashes() -> AccountMeta {
    AccountMeta::new_readonly(sysvar::recent_blockhashes::id(), false)
}

fn rent_sysvar() -> AccountMeta {
    AccountMeta::new_readonly(sysvar::rent::id(), false)
}

fn initialize(nonce: Pubkey, authority: Pubkey) -> Instruction {
    ix(
        &SystemInstruction::InitializeNonceAccount(authority),
        vec![
            AccountMeta::new(nonce, false),
            recent_blockhashes(),
            rent_sysvar(),
        ],
    )
}

fn advance(nonce: Pubkey, authority: Pubkey) -> Instruction {
    ix(
        &SystemInstruction::AdvanceNonceAccount,
        vec![
            AccountMeta::new(nonce, false),
            recent_blockhashes(),
            AccountMeta::new_readonly(authority, true),
        ],
    )
}

fn withdraw(nonce: Pubkey, to: Pubkey, authority: Pubkey, lamports: u64) -> Instruction {
    ix(
        &SystemInstruction::WithdrawNonceAccount(lamports),
        vec![
            AccountMeta::new(nonce, false),
            AccountMeta::new(to, false),
            recent_blockhashes(),
            rent_sysvar(),
            AccountMeta::new_readonly(authority, true),
        ],
    )
}

fn authorize(nonce: Pubkey, authority: Pubkey, new_authority: Pubkey) -> Instruction {
    ix(
        &SystemInstruction::AuthorizeNonceAccount(new_authority),
        vec![
            AccountMeta::new(nonce, false),
            AccountMeta::new_readonly(authority, true),
        ],
    )
}

#[test]
fn nonce_lifecycle() {
    let mut rt = runtime();
    let payer = funded(&mut rt, 10 * SOL);
    let authority = funded(&mut rt, SOL);
    let nonce = Pubkey::new_unique();
    let extra = 1_000_000;
    let nonce_lamports = rent_exempt(NONCE_SIZE) + extra;

    // Create the account (owned by the system program) and initialize it at slot 0.
    assert_ok(
        &mut rt,
        ix(
            &SystemInstruction::CreateAccount {
                lamports: nonce_lamports,
                space: NONCE_SIZE as u64,
                owner: system_program::id(),
            },
            vec![AccountMeta::new(payer, true), AccountMeta::new(nonce, true)],
        ),
    );
    assert_eq!(
        nonce_state(&rt, &nonce),
        NonceVersions::Legacy(Box::new(NonceState::Uninitialized))
    );
    assert_ok(&mut rt, initialize(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), initialized(authority, 0));
    assert_err_logged(
        &mut rt,
        initialize(nonce, authority),
        InstructionError::InvalidAccountData,
        &format!("Initialize nonce account: Account {nonce} state is invalid"),
    );

    // Same blockhash as the stored nonce: cannot advance.
    assert_err_logged(
        &mut rt,
        advance(nonce, authority),
        custom(SystemError::NonceBlockhashNotExpired),
        "Advance nonce account: nonce can only advance once per slot",
    );

    // Next slot: advance once, not twice.
    set_slot(&mut rt, 1);
    let stranger = Pubkey::new_unique();
    assert_err_logged(
        &mut rt,
        advance(nonce, stranger),
        InstructionError::MissingRequiredSignature,
        &format!("Advance nonce account: Account {authority} must be a signer"),
    );
    assert_ok(&mut rt, advance(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), initialized(authority, 1));
    assert_err(
        &mut rt,
        advance(nonce, authority),
        custom(SystemError::NonceBlockhashNotExpired),
    );

    // Authorize a new authority; the old one can no longer act.
    let new_authority = funded(&mut rt, SOL);
    assert_err_logged(
        &mut rt,
        authorize(nonce, stranger, new_authority),
        InstructionError::MissingRequiredSignature,
        &format!("Authorize nonce account: Account {authority} must sign"),
    );
    assert_ok(&mut rt, authorize(nonce, authority, new_authority));
    assert_eq!(nonce_state(&rt, &nonce), initialized(new_authority, 1));
    set_slot(&mut rt, 2);
    assert_err(
        &mut rt,
        advance(nonce, authority),
        InstructionError::MissingRequiredSignature,
    );

    // Partial withdrawal must leave the rent-exempt minimum.
    let to = funded(&mut rt, SOL);
    assert_err_logged(
        &mut rt,
        withdraw(nonce, to, new_authority, extra + 1),
        InstructionError::InsufficientFunds,
        &format!(
            "Withdraw nonce account: insufficient lamports {nonce_lamports}, need {}",
            nonce_lamports + 1
        ),
    );
    assert_err_logged(
        &mut rt,
        withdraw(nonce, to, authority, extra),
        InstructionError::MissingRequiredSignature,
        &format!("Withdraw nonce account: Account {new_authority} must sign"),
    );
    assert_ok(&mut rt, withdraw(nonce, to, new_authority, extra));
    assert_eq!(account(&rt, &nonce).lamports, rent_exempt(NONCE_SIZE));
    assert_eq!(account(&rt, &to).lamports, SOL + extra);
    assert_eq!(nonce_state(&rt, &nonce), initialized(new_authority, 1));

    // Full withdrawal closes the account, but not while the nonce is current.
    set_slot(&mut rt, 1);
    assert_err_logged(
        &mut rt,
        withdraw(nonce, to, new_authority, rent_exempt(NONCE_SIZE)),
        custom(SystemError::NonceBlockhashNotExpired),
        "Withdraw nonce account: nonce can only advance once per slot",
    );
    set_slot(&mut rt, 2);
    let outcome = assert_ok(
        &mut rt,
        withdraw(nonce, to, new_authority, rent_exempt(NONCE_SIZE)),
    );
    let closed = after(&outcome, &nonce);
    assert_eq!(closed.lamports, 0);
    assert_eq!(closed.data.len(), NONCE_SIZE);
    assert_eq!(
        bincode::deserialize::<NonceVersions>(&closed.data).unwrap(),
        NonceVersions::Current(Box::new(NonceState::Uninitialized))
    );
    // Emptied, so the commit deallocates it.
    assert!(rt.store.get(&nonce).is_none());
    assert_eq!(
        account(&rt, &to).lamports,
        SOL + extra + rent_exempt(NONCE_SIZE)
    );
}

#[test]
fn nonce_failures() {
    let mut rt = runtime();
    let authority = funded(&mut rt, SOL);
    let nonce = stored(
        &mut rt,
        system_account(rent_exempt(NONCE_SIZE) - 1, NONCE_SIZE),
    );

    // Not rent-exempt.
    assert_err_logged(
        &mut rt,
        initialize(nonce, authority),
        InstructionError::InsufficientFunds,
        &format!(
            "Initialize nonce account: insufficient lamports {}, need {}",
            rent_exempt(NONCE_SIZE) - 1,
            rent_exempt(NONCE_SIZE)
        ),
    );
    rt.store
        .set(nonce, system_account(rent_exempt(NONCE_SIZE), NONCE_SIZE));

    // Wrong or missing sysvar accounts.
    let me = AccountMeta::new(nonce, false);
    let wrong = AccountMeta::new_readonly(Pubkey::new_unique(), false);
    for (metas, error) in [
        (
            vec![me.clone(), wrong.clone(), rent_sysvar()],
            InstructionError::InvalidArgument,
        ),
        (
            vec![me.clone(), recent_blockhashes(), wrong],
            InstructionError::InvalidArgument,
        ),
        (
            vec![me, recent_blockhashes()],
            InstructionError::MissingAccount,
        ),
    ] {
        let instruction = SystemInstruction::InitializeNonceAccount(authority);
        assert_err(&mut rt, ix(&instruction, metas), error);
    }
    assert_err(
        &mut rt,
        ix(
            &SystemInstruction::AdvanceNonceAccount,
            vec![AccountMeta::new(nonce, false)],
        ),
        InstructionError::MissingAccount,
    );

    // Operations on an uninitialized nonce.
    assert_err_logged(
        &mut rt,
        advance(nonce, authority),
        InstructionError::InvalidAccountData,
        &format!("Advance nonce account: Account {nonce} state is invalid"),
    );
    assert_err_logged(
        &mut rt,
        authorize(nonce, authority, authority),
        InstructionError::InvalidAccountData,
        &format!("Authorize nonce account: Account {nonce} state is invalid"),
    );
    assert_err(
        &mut rt,
        ix(
            &SystemInstruction::UpgradeNonceAccount,
            vec![AccountMeta::new(nonce, false)],
        ),
        InstructionError::InvalidArgument,
    );
    // An uninitialized nonce is withdrawn with its own signature.
    let to = funded(&mut rt, SOL);
    assert_err_logged(
        &mut rt,
        withdraw(nonce, to, authority, 1),
        InstructionError::MissingRequiredSignature,
        &format!("Withdraw nonce account: Account {nonce} must sign"),
    );
    assert_err_logged(
        &mut rt,
        withdraw(nonce, to, nonce, rent_exempt(NONCE_SIZE) + 1),
        InstructionError::InsufficientFunds,
        &format!(
            "Withdraw nonce account: insufficient lamports {}, need {}",
            rent_exempt(NONCE_SIZE),
            rent_exempt(NONCE_SIZE) + 1
        ),
    );

    // Data that is not a nonce state.
    let empty = funded(&mut rt, SOL);
    assert_err(
        &mut rt,
        initialize(empty, authority),
        InstructionError::InvalidAccountData,
    );

    // Read-only nonce accounts.
    let readonly = |instruction: SystemInstruction, rest: Vec<AccountMeta>| {
        let mut metas = vec![AccountMeta::new_readonly(nonce, false)];
        metas.extend(rest);
        ix(&instruction, metas)
    };
    assert_err_logged(
        &mut rt,
        readonly(
            SystemInstruction::InitializeNonceAccount(authority),
            vec![recent_blockhashes(), rent_sysvar()],
        ),
        InstructionError::InvalidArgument,
        &format!("Initialize nonce account: Account {nonce} must be writeable"),
    );
    assert_ok(&mut rt, initialize(nonce, authority));
    set_slot(&mut rt, 3);
    assert_err_logged(
        &mut rt,
        readonly(
            SystemInstruction::AdvanceNonceAccount,
            vec![
                recent_blockhashes(),
                AccountMeta::new_readonly(authority, true),
            ],
        ),
        InstructionError::InvalidArgument,
        &format!("Advance nonce account: Account {nonce} must be writeable"),
    );
    assert_err_logged(
        &mut rt,
        readonly(
            SystemInstruction::AuthorizeNonceAccount(to),
            vec![AccountMeta::new_readonly(authority, true)],
        ),
        InstructionError::InvalidArgument,
        &format!("Authorize nonce account: Account {nonce} must be writeable"),
    );
    assert_err_logged(
        &mut rt,
        readonly(
            SystemInstruction::WithdrawNonceAccount(1),
            vec![
                AccountMeta::new(to, false),
                recent_blockhashes(),
                rent_sysvar(),
                AccountMeta::new_readonly(authority, true),
            ],
        ),
        InstructionError::InvalidArgument,
        &format!("Withdraw nonce account: Account {nonce} must be writeable"),
    );

    // A nonce account that the system program does not own cannot be written.
    let foreign = stored(
        &mut rt,
        new_account(rent_exempt(NONCE_SIZE), NONCE_SIZE, &Pubkey::new_unique()),
    );
    assert_err(
        &mut rt,
        initialize(foreign, authority),
        InstructionError::ExternalAccountDataModified,
    );

    // Too small for the state.
    let small = stored(&mut rt, system_account(rent_exempt(8), 8));
    assert_err(
        &mut rt,
        initialize(small, authority),
        InstructionError::AccountDataTooSmall,
    );
}

#[test]
fn upgrade_nonce_account() {
    let mut rt = runtime();
    let authority = Pubkey::new_unique();
    let old_nonce = DurableNonce::from_blockhash(&[42u8; 32].into());
    let legacy = NonceVersions::Legacy(Box::new(NonceState::Initialized(NonceData::new(
        authority, old_nonce, 1_234,
    ))));
    let nonce = Pubkey::new_unique();
    let mut nonce_account = system_account(rent_exempt(NONCE_SIZE), NONCE_SIZE);
    bincode::serialize_into(&mut nonce_account.data[..], &legacy).unwrap();
    rt.store.set(nonce, nonce_account);
    let upgrade = |metas| ix(&SystemInstruction::UpgradeNonceAccount, metas);

    // Needs no signature but a writable, system-owned account.
    assert_err(
        &mut rt,
        upgrade(vec![AccountMeta::new_readonly(nonce, false)]),
        InstructionError::InvalidArgument,
    );
    assert_ok(&mut rt, upgrade(vec![AccountMeta::new(nonce, false)]));
    let expected = NonceVersions::Current(Box::new(NonceState::Initialized(NonceData::new(
        authority,
        DurableNonce::from_blockhash(old_nonce.as_hash()),
        1_234,
    ))));
    assert_eq!(nonce_state(&rt, &nonce), expected);
    // Already current.
    assert_err(
        &mut rt,
        upgrade(vec![AccountMeta::new(nonce, false)]),
        InstructionError::InvalidArgument,
    );

    let foreign = stored(
        &mut rt,
        new_account(rent_exempt(NONCE_SIZE), NONCE_SIZE, &Pubkey::new_unique()),
    );
    assert_err(
        &mut rt,
        upgrade(vec![AccountMeta::new(foreign, false)]),
        InstructionError::InvalidAccountOwner,
    );
}

// ----- the environment blockhash and the RecentBlockhashes sysvar -----

fn nonce_account(rt: &mut Runtime) -> Pubkey {
    stored(rt, system_account(rent_exempt(NONCE_SIZE), NONCE_SIZE))
}

#[test]
fn nonces_record_the_configured_environment_blockhash() {
    let mut rt = runtime();
    let authority = funded(&mut rt, SOL);
    let nonce = nonce_account(&mut rt);
    let configured = |byte: u8, lamports_per_signature| EnvironmentConfig {
        blockhash: Some(BlockhashEntry {
            blockhash: [byte; 32],
            lamports_per_signature,
        }),
    };
    let state = |blockhash: [u8; 32], lamports_per_signature| {
        NonceVersions::new(NonceState::Initialized(NonceData::new(
            authority,
            DurableNonce::from_blockhash(&blockhash.into()),
            lamports_per_signature,
        )))
    };
    rt.environment = configured(7, 42);
    assert_ok(&mut rt, initialize(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), state([7; 32], 42));
    // The Clock slot no longer decides: the configured blockhash has not moved.
    set_slot(&mut rt, 5);
    assert_err(
        &mut rt,
        advance(nonce, authority),
        custom(SystemError::NonceBlockhashNotExpired),
    );
    rt.environment = configured(8, 0);
    assert_ok(&mut rt, advance(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), state([8; 32], 0));
    // Back to sbfvm's own environment: the blockhash of the Clock slot.
    rt.environment = EnvironmentConfig::default();
    assert_ok(&mut rt, advance(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), initialized(authority, 5));
}

#[test]
fn recent_blockhashes_may_be_empty_or_unavailable() {
    let mut rt = runtime();
    let authority = funded(&mut rt, SOL);
    let to = funded(&mut rt, SOL);
    let nonce = nonce_account(&mut rt);
    // One spare lamport to withdraw.
    rt.store.set(
        nonce,
        system_account(rent_exempt(NONCE_SIZE) + 1, NONCE_SIZE),
    );
    let set_recent_blockhashes = |rt: &mut Runtime, recent_blockhashes| {
        rt.set_sysvars(Sysvars {
            recent_blockhashes,
            ..Sysvars::default()
        })
    };

    set_recent_blockhashes(&mut rt, RecentBlockhashes::Entries(vec![]));
    assert_err_logged(
        &mut rt,
        initialize(nonce, authority),
        custom(SystemError::NonceNoRecentBlockhashes),
        "Initialize nonce account: recent blockhash list is empty",
    );
    assert_err_logged(
        &mut rt,
        advance(nonce, authority),
        custom(SystemError::NonceNoRecentBlockhashes),
        "Advance nonce account: recent blockhash list is empty",
    );
    // Withdrawing only needs the sysvar to exist.
    assert_ok(&mut rt, withdraw(nonce, to, nonce, 1));

    // A non-empty list works whatever it holds: the nonce records the environment's
    // blockhash, not the list's.
    let entry = BlockhashEntry {
        blockhash: [9; 32],
        lamports_per_signature: 1,
    };
    set_recent_blockhashes(&mut rt, RecentBlockhashes::Entries(vec![entry]));
    assert_ok(&mut rt, initialize(nonce, authority));
    assert_eq!(nonce_state(&rt, &nonce), initialized(authority, 0));

    set_recent_blockhashes(&mut rt, RecentBlockhashes::Unavailable);
    for instruction in [
        initialize(nonce, authority),
        advance(nonce, authority),
        withdraw(nonce, to, authority, 1),
    ] {
        assert_err(&mut rt, instruction, InstructionError::UnsupportedSysvar);
    }
    // The account check still comes first.
    assert_err(
        &mut rt,
        ix(
            &SystemInstruction::AdvanceNonceAccount,
            vec![AccountMeta::new(nonce, false), rent_sysvar()],
        ),
        InstructionError::InvalidArgument,
    );
}

#[test]
fn recent_blockhashes_account_data() {
    let mut data = 2u64.to_le_bytes().to_vec();
    data.extend_from_slice(&[1; 32]);
    data.extend_from_slice(&5u64.to_le_bytes());
    data.extend_from_slice(&[2; 32]);
    data.extend_from_slice(&6u64.to_le_bytes());
    data.push(0xff); // trailing bytes are allowed
    let entries = RecentBlockhashes::entries_from_account_data(&data).unwrap();
    assert_eq!(
        entries,
        vec![
            BlockhashEntry {
                blockhash: [1; 32],
                lamports_per_signature: 5
            },
            BlockhashEntry {
                blockhash: [2; 32],
                lamports_per_signature: 6
            },
        ]
    );
    assert_eq!(
        RecentBlockhashes::entries_from_account_data(&0u64.to_le_bytes()),
        Some(vec![])
    );
    assert_eq!(
        RecentBlockhashes::entries_from_account_data(&data[..80]),
        None
    );
    assert_eq!(RecentBlockhashes::entries_from_account_data(&[0; 7]), None);
}

// ----- older feature sets (the Agave 2.1 behaviour of the Dec-2024 fixtures) -----

#[test]
#[allow(deprecated)]
fn missing_accounts_are_not_enough_account_keys_before_simd_0339() {
    let mut rt = runtime_without(&[ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT]);
    let a = funded(&mut rt, SOL);
    let to = Pubkey::new_unique();
    let cases = [
        // The account count.
        ix(
            &SystemInstruction::Transfer { lamports: 1 },
            vec![AccountMeta::new(a, true)],
        ),
        ix(&SystemInstruction::Allocate { space: 1 }, vec![]),
        // A sysvar position past the end, after the count check passed.
        ix(
            &SystemInstruction::InitializeNonceAccount(a),
            vec![AccountMeta::new(a, true)],
        ),
        ix(
            &SystemInstruction::WithdrawNonceAccount(1),
            vec![AccountMeta::new(a, true), AccountMeta::new(to, false)],
        ),
    ];
    for instruction in cases {
        assert_err(&mut rt, instruction, InstructionError::NotEnoughAccountKeys);
    }
}

#[test]
fn executable_accounts_are_frozen_before_simd_0162() {
    let run = |features: &[Pubkey]| {
        let mut rt = runtime_without(features);
        let payer = funded(&mut rt, SOL);
        let frozen = Pubkey::new_unique();
        let mut account = system_account(SOL, 0);
        account.executable = true;
        rt.store.set(frozen, account);
        let transfer = |from, to| {
            ix(
                &SystemInstruction::Transfer { lamports: 1 },
                vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
            )
        };
        [
            process(&mut rt, transfer(frozen, payer)).result,
            process(&mut rt, transfer(payer, frozen)).result,
            process(
                &mut rt,
                ix(
                    &SystemInstruction::Allocate { space: 8 },
                    vec![AccountMeta::new(frozen, true)],
                ),
            )
            .result,
            process(
                &mut rt,
                ix(
                    &SystemInstruction::Assign {
                        owner: Pubkey::new_unique(),
                    },
                    vec![AccountMeta::new(frozen, true)],
                ),
            )
            .result,
        ]
    };
    let error = |error| Err(TransactionError::InstructionError(0, error));
    assert_eq!(
        run(&[ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS]),
        [
            error(InstructionError::ExecutableLamportChange),
            error(InstructionError::ExecutableLamportChange),
            error(InstructionError::ExecutableDataModified),
            error(InstructionError::ModifiedProgramId),
        ]
    );
    // Agave 4.4: the executable flag changes nothing.
    assert_eq!(run(&[]), [Ok(()), Ok(()), Ok(()), Ok(())]);
}
