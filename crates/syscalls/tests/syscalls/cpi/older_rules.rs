//! CPI under the rules of older feature sets: SIMD-0162 inactive (the callee frame before the
//! allow-list) and SIMD-0459 inactive (Agave 2.1's account-info rules).

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, FeatureSet, InstructionAccount, InstructionError,
    InstructionFrame, InvokeContext, Pubkey,
};
use sbfvm_syscalls::cpi::InvokeSignedC;
use sbfvm_test_support::{with_vm_context, HarnessMemory};
use sbfvm_vm::{InputAbi, SerializedAccountMetadata, SyscallError};
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, native_loader};

use crate::common::{account, call, input_abi, invoke_context, key, HEAP, UNMAPPED};

/// Mainnet, without `feature` unless `active`.
fn mainnet_unless(active: bool, feature: &Pubkey) -> FeatureSet {
    let mut features = FeatureSet::mainnet();
    if !active {
        features.deactivate(feature);
    }
    features
}

/// An invoke context running program 0 on a top-level instruction over
/// `instruction_accounts`.
const UPGRADEABLE: Pubkey = bpf_loader_upgradeable::ID;

fn running(
    accounts: Vec<(Pubkey, Account)>,
    instruction_accounts: Vec<InstructionAccount>,
    features: FeatureSet,
    builtins: Vec<Builtin>,
) -> InvokeContext {
    let top_level = vec![InstructionFrame::new(0, instruction_accounts, vec![])];
    let budget = ComputeBudget::default();
    let mut invoke_context = invoke_context(accounts, top_level, budget, features, builtins);
    invoke_context.push(None).unwrap();
    invoke_context
}

/// `sol_invoke_signed_c` to `callee` with no metas, data, infos or signers, from a
/// program whose only instruction account is a **non-executable** BPFLoader2 account.
fn invoke_c(callee: Pubkey, simd_0162: bool) -> (Result<u64, SyscallError>, Vec<String>) {
    let caller = Pubkey::new_unique();
    let accounts = vec![
        (
            caller,
            account(1, vec![], bpf_loader_upgradeable::id(), true),
        ),
        (
            bpf_loader::id(),
            account(1, vec![], native_loader::id(), false),
        ),
    ];
    let instruction_accounts = vec![InstructionAccount {
        index_in_transaction: 1,
        is_signer: false,
        is_writable: false,
    }];
    let features = mainnet_unless(simd_0162, &ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
    let mut invoke_context = running(accounts, instruction_accounts, features, vec![]);
    // SolInstruction { program_id_addr, accounts_addr, 0, data_addr, 0 }, then the id.
    let mut buffers = HarnessMemory::zeroed(8, 4096, 4096, 8);
    let id_addr = HEAP + 64;
    let mut instruction = Vec::new();
    for field in [id_addr, HEAP + 128, 0, HEAP + 128, 0] {
        instruction.extend_from_slice(&field.to_le_bytes());
    }
    buffers.write(HEAP, &instruction);
    buffers.write(id_addr, callee.as_ref());
    let result = with_vm_context(
        &mut invoke_context,
        &mut buffers,
        InputAbi::Aligned,
        Vec::new(),
        |context| call::<InvokeSignedC>(context, [HEAP, HEAP + 256, 0, 0, 0]),
    );
    (result, invoke_context.logs().to_vec())
}

#[test]
fn frame_checks_precede_the_allow_list_before_simd_0162() {
    // Agave 4.4: the allow-list first.
    let (result, _) = invoke_c(bpf_loader::id(), true);
    assert!(matches!(
        result,
        Err(SyscallError::ProgramNotSupported(id)) if id == bpf_loader::id()
    ));
    let (result, _) = invoke_c(native_loader::id(), true);
    assert!(matches!(result, Err(SyscallError::ProgramNotSupported(_))));
    // Agave 2.1: the callee frame first, with its executable check.
    let (result, logs) = invoke_c(bpf_loader::id(), false);
    assert!(matches!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::AccountNotExecutable
        ))
    ));
    assert_eq!(
        logs,
        [format!("Account {} is not executable", bpf_loader::id())]
    );
    let (result, logs) = invoke_c(native_loader::id(), false);
    assert!(matches!(
        result,
        Err(SyscallError::Instruction(InstructionError::MissingAccount))
    ));
    assert_eq!(logs, [format!("Unknown program {}", native_loader::id())]);
}

// ----- the account-info rules before SIMD-0459 -----

const STUB: u8 = 0xC0;
const X: u8 = 0x11;
const Y: u8 = 0x22;
const INFOS: u64 = HEAP + 512;
const X_DATA: u64 = HEAP + 4096;
const Y_DATA: u64 = HEAP + 16 * 4096;

thread_local! {
    /// Bytes the stub appends to its first account.
    static GROW: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn stub(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    invoke_context.consume_checked(1)?;
    let grow = GROW.with(|grow| grow.get());
    if grow > 0 {
        let mut account = invoke_context
            .transaction_context
            .borrow_current_account(0)?;
        let len = account.data().len();
        account.set_data_length(len + grow)?;
    }
    Ok(())
}

/// One account as the caller's `SolAccountInfo` describes it.
#[derive(Clone, Copy)]
struct Info {
    /// The account's owner (the caller when `None`), in the account and in the view.
    owner: Option<Pubkey>,
    lamports: u64,
    lamports_addr: u64,
    data_addr: u64,
    data_len: u64,
}

/// The VM addresses of one account's serialized fields.
fn lamports_addr(n: u8) -> u64 {
    HEAP + 1024 + 8 * u64::from(n & 1)
}
fn owner_addr(n: u8) -> u64 {
    HEAP + 1088 + 32 * u64::from(n & 1)
}
fn key_addr(n: u8) -> u64 {
    HEAP + 192 + 32 * u64::from(n & 1)
}

/// What one CPI returned, charged and logged.
struct CpiCall {
    result: Result<u64, SyscallError>,
    consumed: u64,
    logs: Vec<String>,
}

/// `sol_invoke_signed_c` from a program of `loader` owning X (writable) and Y (read-only)
/// to the builtin stub with metas [X writable, Y read-only]. `metadata` is what the
/// caller's serialization recorded for X and Y: their real addresses ("exact") or all
/// zero, as the reference CPI harness has it.
fn invoke_from(
    loader: Pubkey,
    simd_0459: bool,
    exact_metadata: bool,
    original_data_len: usize,
    infos: [Info; 2],
    data_lens: [usize; 2],
) -> CpiCall {
    let caller = key(0xA0);
    let data_account =
        |info: &Info, len| account(100, vec![0; len], info.owner.unwrap_or(caller), false);
    let accounts = vec![
        (caller, account(1, vec![], loader, true)),
        (key(STUB), account(1, vec![], native_loader::id(), true)),
        (key(X), data_account(&infos[0], data_lens[0])),
        (key(Y), data_account(&infos[1], data_lens[1])),
    ];
    let instruction_account = |index, is_writable| InstructionAccount {
        index_in_transaction: index,
        is_signer: false,
        is_writable,
    };
    let instruction_accounts = vec![
        instruction_account(2, true),
        instruction_account(3, false),
        instruction_account(1, false),
    ];
    let features = mainnet_unless(simd_0459, &ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS);
    let builtins = vec![Builtin::new(key(STUB), "stub", |ic| Ok(stub(ic)?))];
    let mut invoke_context = running(accounts, instruction_accounts, features, builtins);

    let mut buffers = HarnessMemory::zeroed(8, 4096, 32 * 4096, 8);
    let mut instruction = Vec::new();
    for field in [HEAP + 64, HEAP + 128, 2, HEAP + 128, 0] {
        instruction.extend_from_slice(&field.to_le_bytes());
    }
    buffers.write(HEAP, &instruction);
    buffers.write(HEAP + 64, key(STUB).as_ref());
    let mut metas = Vec::new();
    let mut infos_bytes = Vec::new();
    let mut metadata = Vec::new();
    for (n, writable, info) in [(X, 1u8, infos[0]), (Y, 0u8, infos[1])] {
        metas.extend_from_slice(&key_addr(n).to_le_bytes());
        metas.extend_from_slice(&[writable, 0, 0, 0, 0, 0, 0, 0]);
        buffers.write(key_addr(n), key(n).as_ref());
        buffers.write(owner_addr(n), info.owner.unwrap_or(caller).as_ref());
        if info.lamports_addr >> 32 == 3 {
            buffers.write(info.lamports_addr, &info.lamports.to_le_bytes());
        }
        for field in [
            key_addr(n),
            info.lamports_addr,
            info.data_len,
            info.data_addr,
            owner_addr(n),
            0,
        ] {
            infos_bytes.extend_from_slice(&field.to_le_bytes());
        }
        infos_bytes.extend_from_slice(&[0, writable, 0, 0, 0, 0, 0, 0]);
        metadata.push(if exact_metadata {
            SerializedAccountMetadata {
                vm_addr: 0,
                original_data_len,
                vm_key_addr: key_addr(n),
                vm_owner_addr: owner_addr(n),
                vm_lamports_addr: info.lamports_addr,
                vm_data_addr: info.data_addr,
            }
        } else {
            SerializedAccountMetadata {
                original_data_len,
                ..SerializedAccountMetadata::default()
            }
        });
    }
    metadata.push(SerializedAccountMetadata::default());
    buffers.write(HEAP + 128, &metas);
    buffers.write(INFOS, &infos_bytes);
    let before = invoke_context.remaining();
    let result = with_vm_context(
        &mut invoke_context,
        &mut buffers,
        input_abi(&loader),
        metadata,
        |context| call::<InvokeSignedC>(context, [HEAP, INFOS, 2, 0, 0]),
    );
    CpiCall {
        result,
        consumed: before - invoke_context.remaining(),
        logs: invoke_context.logs().to_vec(),
    }
}

fn info(n: u8, data_addr: u64, data_len: u64) -> Info {
    Info {
        owner: None,
        lamports: 100,
        lamports_addr: lamports_addr(n),
        data_addr,
        data_len,
    }
}

#[test]
fn pointer_checks_come_with_simd_0459() {
    let infos = [info(X, X_DATA, 4), info(Y, Y_DATA, 4)];
    // The reference harness's all-zero metadata.
    let outcome = invoke_from(UPGRADEABLE, true, false, 0, infos, [4, 4]);
    assert!(matches!(outcome.result, Err(SyscallError::InvalidPointer)));
    assert_eq!(
        outcome.logs,
        [format!(
            "Invalid account info pointer `key': {:#x} != 0x0",
            key_addr(X)
        )]
    );
    let outcome = invoke_from(UPGRADEABLE, false, false, 0, infos, [4, 4]);
    assert_eq!(outcome.result.unwrap(), 0);
}

#[test]
fn before_simd_0459_each_account_is_synced_as_it_is_translated() {
    // The caller spent lamports of X, which another program owns (a sync error), and
    // Y's lamports are unmapped (a translation error).
    let mut x = info(X, X_DATA, 4);
    x.owner = Some(key(0xEE));
    x.lamports = 99;
    let mut y = info(Y, Y_DATA, 4);
    y.lamports_addr = UNMAPPED;
    // Agave 4.4 translates every info before syncing any: the access violation wins.
    let outcome = invoke_from(UPGRADEABLE, true, true, 4, [x, y], [4, 4]);
    assert!(matches!(outcome.result, Err(SyscallError::Memory(_))));
    // Before SIMD-0459 X is synced before Y is translated.
    let outcome = invoke_from(UPGRADEABLE, false, true, 4, [x, y], [4, 4]);
    assert!(matches!(
        outcome.result,
        Err(SyscallError::Instruction(
            InstructionError::ExternalAccountLamportSpend
        ))
    ));
}

#[test]
fn before_simd_0459_the_data_charge_precedes_the_data_translation() {
    // 2,500 bytes of data at an unmapped address: 10 CU of data charge.
    let infos = [info(X, UNMAPPED, 2500), info(Y, Y_DATA, 4)];
    let now = invoke_from(UPGRADEABLE, true, true, 2500, infos, [2500, 4]);
    let legacy = invoke_from(UPGRADEABLE, false, true, 2500, infos, [2500, 4]);
    assert!(matches!(now.result, Err(SyscallError::Memory(_))));
    assert!(matches!(legacy.result, Err(SyscallError::Memory(_))));
    assert_eq!(legacy.consumed, now.consumed + 10);
}

#[test]
fn before_simd_0459_the_caller_data_has_no_reservation_check() {
    // The harness records an original length of 0; the info says 10,241 bytes, more
    // than 0 + 10 KiB, unchanged by the callee.
    let infos = [info(X, X_DATA, 10_241), info(Y, Y_DATA, 4)];
    let now = invoke_from(UPGRADEABLE, true, true, 0, infos, [10_241, 4]);
    assert!(matches!(
        now.result,
        Err(SyscallError::Instruction(InstructionError::InvalidRealloc))
    ));
    let legacy = invoke_from(UPGRADEABLE, false, true, 0, infos, [10_241, 4]);
    assert_eq!(legacy.result.unwrap(), 0);
}

#[test]
fn before_simd_0459_a_deprecated_caller_sees_growth_up_to_10_kib() {
    // The stub owns X and grows it by 8 bytes; the caller is a deprecated-loader program,
    // which has no realloc area.
    let mut x = info(X, X_DATA, 4);
    x.owner = Some(key(STUB));
    let infos = [x, info(Y, Y_DATA, 4)];
    GROW.with(|grow| grow.set(8));
    let now = invoke_from(bpf_loader_deprecated::id(), true, true, 4, infos, [4, 4]);
    let legacy = invoke_from(bpf_loader_deprecated::id(), false, true, 4, infos, [4, 4]);
    GROW.with(|grow| grow.set(0));
    assert!(matches!(
        now.result,
        Err(SyscallError::Instruction(InstructionError::InvalidRealloc))
    ));
    assert_eq!(
        now.logs.last().unwrap(),
        "Account data size realloc limited to 0 in inner instructions"
    );
    assert_eq!(legacy.result.unwrap(), 0);
}
