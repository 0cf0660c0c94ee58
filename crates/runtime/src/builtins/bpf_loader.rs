//! The BPF loader builtins (BPFLoader1, BPFLoader2 and the upgradeable loader), matching
//! `solana-bpf-loader-program 4.4.0, src/lib.rs`: `process_instruction_inner` (program
//! management for a loader's own id, program invocation for the programs it owns),
//! `process_loader_upgradeable_instruction`, `common_extend_program`,
//! `common_close_account` and `write_program_data`.
//!
//! # Entry ([`process_instruction`], the row of each of the three loader ids)
//! When the loader's own account (owned by the native loader) is the program, the
//! instruction manages programs:
//! * `BPFLoaderUpgradeab1e…`: charge [`UPGRADEABLE_LOADER_COMPUTE_UNITS`] (2,370), decode an
//!   `UpgradeableLoaderInstruction` (bincode, at most 1,232 bytes read, trailing bytes
//!   allowed, else `InvalidInstructionData`) and run it;
//! * `BPFLoader2111…`: charge [`DEFAULT_LOADER_COMPUTE_UNITS`] (570), log "BPF loader
//!   management instructions are no longer supported", `UnsupportedProgramId`;
//! * `BPFLoader1111…`: charge [`DEPRECATED_LOADER_COMPUTE_UNITS`] (1,140), log "Deprecated
//!   loader is no longer supported", `UnsupportedProgramId`.
//!
//! Otherwise the program is one the loader owns, and it runs ("Program Invocation"): the
//! program cache must have it visible ("Program is not deployed" for a program deployed in
//! the current slot or closed), then the executor runs it (and reports programs it has not
//! cached or could not load, [`UnavailableProgram`]).
//!
//! The upgradeable loader's instructions are `InitializeBuffer`, `Write`,
//! `DeployWithMaxDataLen`, `Upgrade`, `SetAuthority`, `Close`, `ExtendProgram` and
//! `SetAuthorityChecked` (tags 0–7; Agave 4.4 decodes no other tag, so `Migrate` and
//! `ExtendProgramChecked` are `InvalidInstructionData`). Every check, log line and error
//! follows Agave 4.4 in order. Feature gates read: `enable_bpf_loader_set_authority_checked_ix`
//! (else `SetAuthorityChecked` is `InvalidInstructionData`), `loader_v3_minimum_extend_program_size`
//! (SIMD-0431), `loader_v3_set_program_data_to_elf_length` (SIMD-0433, `Upgrade` resizes the
//! program data account to the new ELF), `disable_sbpf_v0_v1_v2_deployment` (SIMD-0500: the
//! deployment SBPF versions, and `SetAuthority` may not finalize a pre-V3 program).
//!
//! # Agave 2.1 behaviour (the Dec-2024 conformance fixtures)
//! Agave changed some loader error codes and the order of a few checks after 2.1 without a
//! feature gate, around the release that implemented SIMD-0162
//! (`remove_accounts_executable_flag_checks`, never active in the Agave 2.1 fixtures and
//! active on mainnet). sbfvm therefore reads "SIMD-0162 inactive" as "Agave 2.1 loader"
//! ([`LoaderRules::Agave2_1`]) and then behaves as 2.1 did:
//! * a program account that is not executable is `IncorrectProgramId` ("Program is not
//!   executable"), and an upgraded program account must be executable (`AccountNotExecutable`),
//!   both genuinely SIMD-0162 checks;
//! * "Program is not cached" and "Program is not deployed" are `InvalidAccountData` (4.4:
//!   `UnsupportedProgramId`), see [`UnavailableProgram::error`]; an invalid loader id is
//!   `IncorrectProgramId`;
//! * `DeployWithMaxDataLen` and `Upgrade` do not check that the buffer is writable and owned
//!   by the loader (later failures catch both);
//! * `Close` truncates the closed account to 4 bytes right after reading its state, before
//!   any other check (4.4 truncates last, and only on success);
//! * a native CPI to a program account that is not executable fails with
//!   `AccountNotExecutable` ("Account … is not executable", checked when the CPI frame is
//!   prepared).
//!
//! A missing instruction account is whatever the instruction context reports (see the
//! [`InstructionContext`] docs). The 2.1 code paths were read in the solfuzz fork of Agave
//! 2.1 (`programs/bpf_loader/src/lib.rs`), the harness that produced the fixtures.
//!
//! # Deployment
//! `deploy_program!` is [`ProgramExecutor::deploy`](crate::invoke_context::ProgramExecutor::deploy):
//! the executor loads the ELF with the deployment environment (strict ELF checks, the
//! deployment SBPF versions, no `sol_alloc_free_`) and verifies it; a failure is logged with
//! the executor's text and becomes `InvalidAccountData`. Success records the deployment slot
//! in the transaction's [`ProgramCache`](crate::program_cache::ProgramCache).

use solana_account::ReadableAccount;
use solana_instruction::AccountMeta;
use solana_instruction_error::InstructionError;
use solana_loader_v3_interface::instruction::{
    UpgradeableLoaderInstruction, MINIMUM_EXTEND_PROGRAM_BYTES,
};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, native_loader};
use solana_system_interface::instruction as system_instruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use crate::accounts::{
    UpgradeableLoaderState, BUFFER_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE, PROGRAM_SIZE,
    SIZE_OF_UNINITIALIZED,
};
use crate::features::FeatureSet;
use crate::instruction_context::limited_deserialize;
use crate::instruction_context::InstructionContext;
use crate::invoke_context::{ExecutionFailure, InvokeContext};
use crate::program_cache::{ProgramStatus, UnavailableProgram};
use crate::transaction_context::BorrowedAccount;

/// Charged by every `bpf_loader` (BPFLoader2) management instruction.
pub(crate) const DEFAULT_LOADER_COMPUTE_UNITS: u64 = 570;
/// Charged by every deprecated-loader (BPFLoader1) management instruction.
pub(crate) const DEPRECATED_LOADER_COMPUTE_UNITS: u64 = 1_140;
/// Charged by every upgradeable-loader management instruction.
pub(crate) const UPGRADEABLE_LOADER_COMPUTE_UNITS: u64 = 2_370;

/// Which loader behaviour applies (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoaderRules {
    /// Agave 2.1's codes and check order: selected while SIMD-0162
    /// (`remove_accounts_executable_flag_checks`) is inactive.
    Agave2_1,
    /// Agave 4.4.
    Agave4_4,
}

impl LoaderRules {
    fn of(features: &FeatureSet) -> Self {
        if features.remove_accounts_executable_flag_checks() {
            LoaderRules::Agave4_4
        } else {
            LoaderRules::Agave2_1
        }
    }
}

// ----- entry -----

/// The builtin entrypoint of the three BPF loaders.
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    if invoke_context.current_loader_id()? == native_loader::id() {
        return Ok(process_management_instruction(invoke_context)?);
    }
    invoke_program(invoke_context)
}

/// A loader's own id is the program: charge that loader's units and manage programs.
fn process_management_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), InstructionError> {
    let program_id = invoke_context.current_program_id()?;
    if program_id == bpf_loader_upgradeable::id() {
        invoke_context.consume_checked(UPGRADEABLE_LOADER_COMPUTE_UNITS)?;
        process_loader_upgradeable_instruction(invoke_context)
    } else if program_id == bpf_loader::id() {
        invoke_context.consume_checked(DEFAULT_LOADER_COMPUTE_UNITS)?;
        invoke_context.log("BPF loader management instructions are no longer supported");
        Err(InstructionError::UnsupportedProgramId)
    } else if program_id == bpf_loader_deprecated::id() {
        invoke_context.consume_checked(DEPRECATED_LOADER_COMPUTE_UNITS)?;
        invoke_context.log("Deprecated loader is no longer supported");
        Err(InstructionError::UnsupportedProgramId)
    } else {
        invoke_context.log("Invalid BPF loader id");
        Err(match LoaderRules::of(&invoke_context.features) {
            LoaderRules::Agave2_1 => InstructionError::IncorrectProgramId,
            LoaderRules::Agave4_4 => InstructionError::UnsupportedProgramId,
        })
    }
}

/// "Program Invocation": under the Agave 2.1 loader a program account that is not
/// executable is `IncorrectProgramId`; a program deployed in the current slot or closed is
/// "Program is not deployed"; then the executor runs it.
fn invoke_program(invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
    let program_id = invoke_context.current_program_id()?;
    let executable = invoke_context
        .transaction_context
        .borrow_current_program_account()?
        .executable();
    if LoaderRules::of(&invoke_context.features) == LoaderRules::Agave2_1 && !executable {
        invoke_context.log("Program is not executable");
        return Err(InstructionError::IncorrectProgramId.into());
    }
    let slot = invoke_context.sysvars.clock.slot;
    if !invoke_context.program_cache.is_visible(&program_id, slot) {
        return Err(invoke_context.program_unavailable(UnavailableProgram::NotDeployed));
    }
    let executor = invoke_context.executor();
    executor.execute(invoke_context)
}

// ----- state and helpers -----

/// The account's state ([`BorrowedAccount::get_state`], typed).
fn get_state(account: &BorrowedAccount) -> Result<UpgradeableLoaderState, InstructionError> {
    account.get_state()
}

/// A Buffer account that passed [`verify_buffer`].
struct VerifiedBuffer {
    key: Pubkey,
    lamports: u64,
    /// The ELF bytes after the Buffer metadata.
    elf_len: usize,
}

/// The Buffer account checks that DeployWithMaxDataLen and Upgrade share (Agave repeats
/// them in both, in this order): writable and owned by the loader (not under the Agave 2.1
/// rules), a Buffer whose authority is the instruction account at `authority_position` and
/// signed the instruction, holding at least one byte of ELF.
fn verify_buffer(
    instruction_context: &InstructionContext,
    rules: LoaderRules,
    buffer_position: usize,
    authority_position: usize,
    loader_id: &Pubkey,
) -> Result<VerifiedBuffer, InstructionError> {
    let buffer = instruction_context.try_borrow_instruction_account(buffer_position)?;
    if rules == LoaderRules::Agave4_4 {
        if !buffer.is_writable() {
            return instruction_context.log_and_fail(
                "Buffer account not writeable",
                InstructionError::InvalidArgument,
            );
        }
        if buffer.owner() != loader_id {
            return instruction_context.log_and_fail(
                "Buffer account not owned by loader",
                InstructionError::IncorrectProgramId,
            );
        }
    }
    let UpgradeableLoaderState::Buffer { authority_address } = get_state(&buffer)? else {
        return instruction_context
            .log_and_fail("Invalid Buffer account", InstructionError::InvalidArgument);
    };
    let authority_key = *instruction_context.get_key_of_instruction_account(authority_position)?;
    if authority_address != Some(authority_key) {
        return instruction_context.log_and_fail(
            "Buffer and upgrade authority don't match",
            InstructionError::IncorrectAuthority,
        );
    }
    if !instruction_context.is_instruction_account_signer(authority_position)? {
        return instruction_context.log_and_fail(
            "Upgrade authority did not sign",
            InstructionError::MissingRequiredSignature,
        );
    }
    let elf_len = buffer.data().len().saturating_sub(BUFFER_METADATA_SIZE);
    if buffer.data().len() < BUFFER_METADATA_SIZE || elf_len == 0 {
        return instruction_context.log_and_fail(
            "Buffer account too small",
            InstructionError::InvalidAccountData,
        );
    }
    Ok(VerifiedBuffer {
        key: *buffer.key(),
        lamports: buffer.lamports(),
        elf_len,
    })
}

/// The authority checks shared by `SetAuthority`, `SetAuthorityChecked` and `Write`: the
/// account must have an authority (`immutable` logged otherwise), it must be the instruction
/// account at `present_position`, and that account must have signed.
fn check_authority(
    instruction_context: &InstructionContext,
    authority_address: Option<Pubkey>,
    present_position: usize,
    messages: AuthorityMessages,
) -> Result<(), InstructionError> {
    if authority_address.is_none() {
        return instruction_context.log_and_fail(messages.immutable, InstructionError::Immutable);
    }
    let present_authority_key =
        *instruction_context.get_key_of_instruction_account(present_position)?;
    if authority_address != Some(present_authority_key) {
        return instruction_context
            .log_and_fail(messages.incorrect, InstructionError::IncorrectAuthority);
    }
    if !instruction_context.is_instruction_account_signer(present_position)? {
        return instruction_context.log_and_fail(
            messages.not_signed,
            InstructionError::MissingRequiredSignature,
        );
    }
    Ok(())
}

/// What [`check_authority`] logs, per kind of account.
#[derive(Clone, Copy)]
struct AuthorityMessages {
    immutable: &'static str,
    incorrect: &'static str,
    not_signed: &'static str,
}

const BUFFER_AUTHORITY: AuthorityMessages = AuthorityMessages {
    immutable: "Buffer is immutable",
    incorrect: "Incorrect buffer authority provided",
    not_signed: "Buffer authority did not sign",
};

const UPGRADE_AUTHORITY: AuthorityMessages = AuthorityMessages {
    immutable: "Program not upgradeable",
    incorrect: "Incorrect upgrade authority provided",
    not_signed: "Upgrade authority did not sign",
};

const CLOSE_AUTHORITY: AuthorityMessages = AuthorityMessages {
    immutable: "Account is immutable",
    incorrect: "Incorrect authority provided",
    not_signed: "Authority did not sign",
};

/// `deploy_program!`: the executor verifies the ELF held by the instruction account at
/// `position` from `offset` on; success records the deployment at `slot`.
fn deploy_program(
    invoke_context: &mut InvokeContext,
    program_id: &Pubkey,
    loader: &Pubkey,
    position: usize,
    offset: usize,
    slot: u64,
) -> Result<(), InstructionError> {
    let result = {
        let shared: &InvokeContext = invoke_context;
        let account = shared
            .transaction_context
            .borrow_current_account(position)?;
        let elf = account
            .data()
            .get(offset..)
            .ok_or(InstructionError::AccountDataTooSmall)?;
        shared.executor().deploy(shared, program_id, loader, elf)
    };
    match result {
        Ok(()) => {
            invoke_context
                .program_cache
                .record(*program_id, ProgramStatus::DeployedAt(slot));
            Ok(())
        }
        Err(message) => {
            invoke_context.log(message);
            Err(InstructionError::InvalidAccountData)
        }
    }
}

/// [`deploy_program`] of the ELF in the Buffer account at `position`.
fn deploy_buffer(
    invoke_context: &mut InvokeContext,
    program_id: &Pubkey,
    loader: &Pubkey,
    position: usize,
    slot: u64,
) -> Result<(), InstructionError> {
    deploy_program(
        invoke_context,
        program_id,
        loader,
        position,
        BUFFER_METADATA_SIZE,
        slot,
    )
}

/// `write_program_data`: copies `bytes` into the instruction account 0 at `offset`.
fn write_program_data(
    instruction_context: &InstructionContext,
    offset: usize,
    bytes: &[u8],
) -> Result<(), InstructionError> {
    let mut program = instruction_context.try_borrow_instruction_account(0)?;
    let data = program.data_mut()?;
    let write_offset = offset.saturating_add(bytes.len());
    if data.len() < write_offset {
        let len = data.len();
        return instruction_context.log_and_fail(
            format!("Write overflow: {len} < {write_offset}"),
            InstructionError::AccountDataTooSmall,
        );
    }
    data.get_mut(offset..write_offset)
        .ok_or(InstructionError::AccountDataTooSmall)?
        .copy_from_slice(bytes);
    Ok(())
}

/// Writes `ProgramData { slot, authority }` into `programdata` and copies the Buffer's
/// `elf_len` ELF bytes (the instruction account at `buffer_position`) after the metadata.
/// Returns the Buffer, still borrowed.
fn copy_buffer_into_programdata<'a>(
    instruction_context: &InstructionContext<'a>,
    programdata: &mut BorrowedAccount,
    buffer_position: usize,
    (slot, upgrade_authority_address): (u64, Option<Pubkey>),
    elf_len: usize,
) -> Result<BorrowedAccount<'a>, InstructionError> {
    programdata.set_state(&UpgradeableLoaderState::ProgramData {
        slot,
        upgrade_authority_address,
    })?;
    let dst_slice = programdata
        .data_mut()?
        .get_mut(PROGRAMDATA_METADATA_SIZE..PROGRAMDATA_METADATA_SIZE.saturating_add(elf_len))
        .ok_or(InstructionError::AccountDataTooSmall)?;
    let buffer = instruction_context.try_borrow_instruction_account(buffer_position)?;
    let src_slice = buffer
        .data()
        .get(BUFFER_METADATA_SIZE..)
        .ok_or(InstructionError::AccountDataTooSmall)?;
    if dst_slice.len() != src_slice.len() {
        return Err(InstructionError::AccountDataTooSmall);
    }
    dst_slice.copy_from_slice(src_slice);
    Ok(buffer)
}

/// `Debug` of `Option<&Pubkey>` as Agave logs it (`Some(<base58>)` / `None`).
fn option_key(key: Option<&Pubkey>) -> String {
    match key {
        Some(key) => format!("Some({key})"),
        None => "None".to_string(),
    }
}

/// Whether an ELF's `e_flags` names an SBPF version below V3 (`get_sbpf_version(..) < V3`;
/// unknown flags are `Reserved`, which is above V3).
fn sbpf_version_below_v3(elf: &[u8]) -> Option<bool> {
    const E_FLAGS_OFFSET: usize = 48;
    let flags = u32::from_le_bytes(
        elf.get(E_FLAGS_OFFSET..E_FLAGS_OFFSET + 4)?
            .try_into()
            .ok()?,
    );
    Some(flags < 3)
}

// ----- the upgradeable loader's instructions -----

fn process_loader_upgradeable_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), InstructionError> {
    let instruction: UpgradeableLoaderInstruction =
        limited_deserialize(invoke_context.instruction_context()?.get_instruction_data())?;
    match instruction {
        UpgradeableLoaderInstruction::InitializeBuffer => initialize_buffer(invoke_context),
        UpgradeableLoaderInstruction::Write { offset, bytes } => {
            write(invoke_context, offset, &bytes)
        }
        UpgradeableLoaderInstruction::DeployWithMaxDataLen { max_data_len } => {
            deploy_with_max_data_len(invoke_context, max_data_len)
        }
        UpgradeableLoaderInstruction::Upgrade => upgrade(invoke_context),
        UpgradeableLoaderInstruction::SetAuthority => set_authority(invoke_context, false),
        UpgradeableLoaderInstruction::SetAuthorityChecked => set_authority(invoke_context, true),
        UpgradeableLoaderInstruction::Close => close(invoke_context),
        UpgradeableLoaderInstruction::ExtendProgram { additional_bytes } => {
            common_extend_program(invoke_context, additional_bytes)
        }
    }
}

/// `InitializeBuffer`: accounts 0 buffer, 1 authority.
fn initialize_buffer(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    instruction_context.check_number_of_instruction_accounts(2)?;
    let mut buffer = instruction_context.try_borrow_instruction_account(0)?;
    if UpgradeableLoaderState::Uninitialized != get_state(&buffer)? {
        return instruction_context.log_and_fail(
            "Buffer account already initialized",
            InstructionError::AccountAlreadyInitialized,
        );
    }
    let authority_key = Some(*instruction_context.get_key_of_instruction_account(1)?);
    buffer.set_state(&UpgradeableLoaderState::Buffer {
        authority_address: authority_key,
    })
}

/// `Write`: accounts 0 buffer, 1 authority (signer).
fn write(
    invoke_context: &mut InvokeContext,
    offset: u32,
    bytes: &[u8],
) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    instruction_context.check_number_of_instruction_accounts(2)?;
    let buffer = instruction_context.try_borrow_instruction_account(0)?;
    let UpgradeableLoaderState::Buffer { authority_address } = get_state(&buffer)? else {
        return instruction_context.log_and_fail(
            "Invalid Buffer account",
            InstructionError::InvalidAccountData,
        );
    };
    check_authority(&instruction_context, authority_address, 1, BUFFER_AUTHORITY)?;
    drop(buffer);
    write_program_data(
        &instruction_context,
        BUFFER_METADATA_SIZE.saturating_add(offset as usize),
        bytes,
    )
}

/// `DeployWithMaxDataLen`: accounts 0 payer, 1 program data, 2 program, 3 buffer, 4 Rent,
/// 5 Clock, 6 System program, 7 authority.
fn deploy_with_max_data_len(
    invoke_context: &mut InvokeContext,
    max_data_len: usize,
) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    let rules = LoaderRules::of(instruction_context.features());
    let program_id = *instruction_context.get_program_key()?;
    instruction_context.check_number_of_instruction_accounts(4)?;
    let payer_key = *instruction_context.get_key_of_instruction_account(0)?;
    let programdata_key = *instruction_context.get_key_of_instruction_account(1)?;
    let rent = instruction_context.rent_with_account_check(4)?;
    let clock_slot = instruction_context.clock_with_account_check(5)?.slot;
    instruction_context.check_number_of_instruction_accounts(8)?;
    let authority_key = Some(*instruction_context.get_key_of_instruction_account(7)?);

    // Verify the Program account.
    let program = instruction_context.try_borrow_instruction_account(2)?;
    if UpgradeableLoaderState::Uninitialized != get_state(&program)? {
        return instruction_context.log_and_fail(
            "Program account already initialized",
            InstructionError::AccountAlreadyInitialized,
        );
    }
    if program.data().len() < PROGRAM_SIZE {
        return instruction_context.log_and_fail(
            "Program account too small",
            InstructionError::AccountDataTooSmall,
        );
    }
    if program.lamports() < rent.minimum_balance(program.data().len()) {
        return instruction_context.log_and_fail(
            "Program account not rent-exempt",
            InstructionError::ExecutableAccountNotRentExempt,
        );
    }
    let new_program_id = *program.key();
    drop(program);

    // Verify the Buffer account.
    let buffer = verify_buffer(&instruction_context, rules, 3, 7, &program_id)?;
    let programdata_len = PROGRAMDATA_METADATA_SIZE.saturating_add(max_data_len);
    if max_data_len < buffer.elf_len {
        return instruction_context.log_and_fail(
            "Max data length is too small to hold Buffer data",
            InstructionError::AccountDataTooSmall,
        );
    }
    if programdata_len > MAX_PERMITTED_DATA_LENGTH as usize {
        return instruction_context.log_and_fail(
            "Max data length is too large",
            InstructionError::InvalidArgument,
        );
    }

    // Create the ProgramData account.
    let (derived_address, bump_seed) =
        crate::pda::try_find_program_address(&[new_program_id.as_ref()], &program_id)
            .ok_or(InstructionError::InvalidSeeds)?;
    if derived_address != programdata_key {
        return instruction_context.log_and_fail(
            "ProgramData address is not derived",
            InstructionError::InvalidArgument,
        );
    }
    drain_buffer_to_payer(&instruction_context)?;
    let mut instruction = system_instruction::create_account(
        &payer_key,
        &programdata_key,
        1.max(rent.minimum_balance(programdata_len)),
        programdata_len as u64,
        &program_id,
    );
    // An extra account avoids the overly strict UnbalancedInstruction error.
    instruction
        .accounts
        .push(AccountMeta::new(buffer.key, false));
    invoke_context
        .native_invoke_signed(instruction, &[&[new_program_id.as_ref(), &[bump_seed]]])?;

    // Load and verify the program bits.
    deploy_buffer(invoke_context, &new_program_id, &program_id, 3, clock_slot)?;
    let programdata = (programdata_key, clock_slot, authority_key);
    finish_deployment(invoke_context, &new_program_id, programdata, buffer.elf_len)
}

/// Moves the Buffer's (account 3) lamports to the payer (account 0) before the payer funds
/// the ProgramData account.
fn drain_buffer_to_payer(instruction_context: &InstructionContext) -> Result<(), InstructionError> {
    let mut buffer = instruction_context.try_borrow_instruction_account(3)?;
    let mut payer = instruction_context.try_borrow_instruction_account(0)?;
    payer.checked_add_lamports(buffer.lamports())?;
    buffer.set_lamports(0)
}

/// The end of `DeployWithMaxDataLen`, once the ELF verified: the ProgramData account gets
/// the program bits, the Buffer is truncated, the Program account points at the ProgramData
/// and becomes executable.
fn finish_deployment(
    invoke_context: &mut InvokeContext,
    new_program_id: &Pubkey,
    (programdata_key, clock_slot, authority_key): (Pubkey, u64, Option<Pubkey>),
    elf_len: usize,
) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    {
        let mut programdata = instruction_context.try_borrow_instruction_account(1)?;
        let mut buffer = copy_buffer_into_programdata(
            &instruction_context,
            &mut programdata,
            3,
            (clock_slot, authority_key),
            elf_len,
        )?;
        buffer.set_data_length(BUFFER_METADATA_SIZE)?;
    }
    let mut program = instruction_context.try_borrow_instruction_account(2)?;
    program.set_state(&UpgradeableLoaderState::Program {
        programdata_address: programdata_key,
    })?;
    program.set_executable(true)?;
    drop(program);
    instruction_context.log(format!("Deployed program {new_program_id}"));
    Ok(())
}

/// `Upgrade`: accounts 0 program data, 1 program, 2 buffer, 3 spill, 4 Rent, 5 Clock,
/// 6 authority.
fn upgrade(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    let rules = LoaderRules::of(instruction_context.features());
    let program_id = *instruction_context.get_program_key()?;
    instruction_context.check_number_of_instruction_accounts(3)?;
    let programdata_key = *instruction_context.get_key_of_instruction_account(0)?;
    let rent = instruction_context.rent_with_account_check(4)?;
    let clock_slot = instruction_context.clock_with_account_check(5)?.slot;
    instruction_context.check_number_of_instruction_accounts(7)?;
    let authority_key = Some(*instruction_context.get_key_of_instruction_account(6)?);
    let new_program_id =
        verify_program_for_upgrade(&instruction_context, rules, &program_id, &programdata_key)?;
    let buffer = verify_buffer(&instruction_context, rules, 2, 6, &program_id)?;
    let upgraded =
        verify_programdata_for_upgrade(&instruction_context, &rent, &buffer, clock_slot)?;

    // Load and verify the program bits.
    deploy_buffer(invoke_context, &new_program_id, &program_id, 2, clock_slot)?;

    let instruction_context = invoke_context.instruction_context()?;
    write_upgraded_programdata(
        &instruction_context,
        rules,
        &upgraded,
        &buffer,
        (clock_slot, authority_key),
    )?;
    instruction_context.log(format!("Upgraded program {new_program_id}"));
    Ok(())
}

/// The Program account of `Upgrade`: (under Agave 2.1 rules) executable, writable, owned
/// by the loader, pointing at `programdata_key`. Returns its key.
fn verify_program_for_upgrade(
    instruction_context: &InstructionContext,
    rules: LoaderRules,
    loader_id: &Pubkey,
    programdata_key: &Pubkey,
) -> Result<Pubkey, InstructionError> {
    if rules == LoaderRules::Agave2_1 {
        let program = instruction_context.try_borrow_instruction_account(1)?;
        if !program.is_executable() {
            return instruction_context.log_and_fail(
                "Program account not executable",
                InstructionError::AccountNotExecutable,
            );
        }
    }
    let words = ProgramAccountWords {
        not_writable: "Program account not writeable",
        wrong_owner: InstructionError::IncorrectProgramId,
        mismatch: "Program and ProgramData account mismatch",
    };
    verify_program_account(instruction_context, 1, loader_id, programdata_key, &words)
}

/// How `Upgrade` and `ExtendProgram` word the failures of their Program account checks
/// (Agave's instructions differ in the messages and in one error).
struct ProgramAccountWords {
    /// Logged when the account is not writable (`InvalidArgument`).
    not_writable: &'static str,
    /// The error when the account is not owned by the loader.
    wrong_owner: InstructionError,
    /// Logged when the account points at another ProgramData account (`InvalidArgument`).
    mismatch: &'static str,
}

/// The Program account at `position`: writable, owned by the loader, a `Program` state
/// pointing at `programdata_key`. Returns its key.
fn verify_program_account(
    instruction_context: &InstructionContext,
    position: usize,
    loader_id: &Pubkey,
    programdata_key: &Pubkey,
    words: &ProgramAccountWords,
) -> Result<Pubkey, InstructionError> {
    let program = instruction_context.try_borrow_instruction_account(position)?;
    if !program.is_writable() {
        return instruction_context
            .log_and_fail(words.not_writable, InstructionError::InvalidArgument);
    }
    if program.owner() != loader_id {
        return instruction_context.log_and_fail(
            "Program account not owned by loader",
            words.wrong_owner.clone(),
        );
    }
    let UpgradeableLoaderState::Program {
        programdata_address,
    } = get_state(&program)?
    else {
        return instruction_context.log_and_fail(
            "Invalid Program account",
            InstructionError::InvalidAccountData,
        );
    };
    if programdata_address != *programdata_key {
        return instruction_context.log_and_fail(words.mismatch, InstructionError::InvalidArgument);
    }
    Ok(*program.key())
}

/// How `Upgrade` and `ExtendProgram` word the failures of their ProgramData state checks.
struct ProgramDataWords {
    /// Logged when the account is not a ProgramData account (`InvalidAccountData`).
    invalid_state: &'static str,
    /// Logged when the program was deployed (or extended) in the current slot
    /// (`InvalidArgument`).
    same_slot: &'static str,
}

const UPGRADE_PROGRAMDATA: ProgramDataWords = ProgramDataWords {
    invalid_state: "Invalid ProgramData account",
    same_slot: "Program was deployed in this block already",
};

const EXTEND_PROGRAMDATA: ProgramDataWords = ProgramDataWords {
    invalid_state: "ProgramData state is invalid",
    same_slot: "Program was extended in this block already",
};

/// The state checks `Upgrade` and `ExtendProgram` share: `programdata` holds a ProgramData
/// state whose slot is not `clock_slot`. Returns its upgrade authority.
fn verify_programdata_state(
    instruction_context: &InstructionContext,
    programdata: &BorrowedAccount,
    clock_slot: u64,
    words: &ProgramDataWords,
) -> Result<Option<Pubkey>, InstructionError> {
    let UpgradeableLoaderState::ProgramData {
        slot,
        upgrade_authority_address,
    } = get_state(programdata)?
    else {
        return instruction_context
            .log_and_fail(words.invalid_state, InstructionError::InvalidAccountData);
    };
    if clock_slot == slot {
        return instruction_context
            .log_and_fail(words.same_slot, InstructionError::InvalidArgument);
    }
    Ok(upgrade_authority_address)
}

/// The ProgramData account after an `Upgrade`: its length and the balance it must hold.
struct UpgradedProgramData {
    len: usize,
    balance_required: u64,
    /// SIMD-0433 (`loader_v3_set_program_data_to_elf_length`): resized to the new ELF.
    resize_to_elf: bool,
}

/// The ProgramData account (0) of an `Upgrade`: large enough for the new ELF (or, with
/// SIMD-0433, resized to it within the account size limit), fundable from its own and the
/// Buffer's lamports, not deployed in this slot, upgradeable by the signing authority
/// (account 6).
fn verify_programdata_for_upgrade(
    instruction_context: &InstructionContext,
    rent: &crate::sysvars::RentParams,
    buffer: &VerifiedBuffer,
    clock_slot: u64,
) -> Result<UpgradedProgramData, InstructionError> {
    let resize_to_elf = instruction_context
        .features()
        .loader_v3_set_program_data_to_elf_length();
    let programdata = instruction_context.try_borrow_instruction_account(0)?;
    let len = if resize_to_elf {
        let new_len = PROGRAMDATA_METADATA_SIZE.saturating_add(buffer.elf_len);
        if new_len > MAX_PERMITTED_DATA_LENGTH as usize {
            return instruction_context.log_and_fail(
                format!(
                    "Resized ProgramData length of {new_len} bytes exceeds max account data length"
                ),
                InstructionError::InvalidAccountData,
            );
        }
        new_len
    } else {
        let len = programdata.data().len();
        if len < PROGRAMDATA_METADATA_SIZE.saturating_add(buffer.elf_len) {
            return instruction_context.log_and_fail(
                "ProgramData account not large enough",
                InstructionError::AccountDataTooSmall,
            );
        }
        len
    };
    let balance_required = 1.max(rent.minimum_balance(len));
    if programdata.lamports().saturating_add(buffer.lamports) < balance_required {
        return instruction_context.log_and_fail(
            "Buffer account balance too low to fund upgrade",
            InstructionError::InsufficientFunds,
        );
    }
    let upgrade_authority_address = verify_programdata_state(
        instruction_context,
        &programdata,
        clock_slot,
        &UPGRADE_PROGRAMDATA,
    )?;
    check_authority(
        instruction_context,
        upgrade_authority_address,
        6,
        UPGRADE_AUTHORITY,
    )?;
    Ok(UpgradedProgramData {
        len,
        balance_required,
        resize_to_elf,
    })
}

/// The end of `Upgrade`, once the ELF verified: the ProgramData account (0) gets the new
/// program bits with the rest zeroed, is funded to rent exemption from the Buffer (2), and
/// the remainder is spilled (3).
fn write_upgraded_programdata(
    instruction_context: &InstructionContext,
    rules: LoaderRules,
    upgraded: &UpgradedProgramData,
    buffer: &VerifiedBuffer,
    deployment: (u64, Option<Pubkey>),
) -> Result<(), InstructionError> {
    let mut programdata = instruction_context.try_borrow_instruction_account(0)?;
    if rules == LoaderRules::Agave4_4 || upgraded.resize_to_elf {
        programdata.set_data_length(upgraded.len)?;
    }
    drop(copy_buffer_into_programdata(
        instruction_context,
        &mut programdata,
        2,
        deployment,
        buffer.elf_len,
    )?);
    programdata
        .data_mut()?
        .get_mut(PROGRAMDATA_METADATA_SIZE.saturating_add(buffer.elf_len)..)
        .ok_or(InstructionError::AccountDataTooSmall)?
        .fill(0);

    // Fund the ProgramData account to rent exemption and spill the rest.
    let mut buffer_account = instruction_context.try_borrow_instruction_account(2)?;
    let mut spill = instruction_context.try_borrow_instruction_account(3)?;
    spill.checked_add_lamports(
        programdata
            .lamports()
            .saturating_add(buffer.lamports)
            .saturating_sub(upgraded.balance_required),
    )?;
    buffer_account.set_lamports(0)?;
    programdata.set_lamports(upgraded.balance_required)?;
    buffer_account.set_data_length(BUFFER_METADATA_SIZE)
}

/// `SetAuthority` and, with `checked`, `SetAuthorityChecked`: accounts 0 buffer or program
/// data, 1 present authority, 2 new authority. `SetAuthority` may omit the new authority for
/// program data (the program becomes immutable); `SetAuthorityChecked` requires it and its
/// signature.
fn set_authority(
    invoke_context: &mut InvokeContext,
    checked: bool,
) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    if checked
        && !instruction_context
            .features()
            .enable_bpf_loader_set_authority_checked_ix()
    {
        return Err(InstructionError::InvalidInstructionData);
    }
    instruction_context.check_number_of_instruction_accounts(if checked { 3 } else { 2 })?;
    let mut account = instruction_context.try_borrow_instruction_account(0)?;
    let _present_authority_key = *instruction_context.get_key_of_instruction_account(1)?;
    let new_authority = if checked {
        Some(*instruction_context.get_key_of_instruction_account(2)?)
    } else {
        instruction_context
            .get_key_of_instruction_account(2)
            .ok()
            .copied()
    };
    let new_authority_signed = || {
        if checked && !instruction_context.is_instruction_account_signer(2)? {
            return instruction_context.log_and_fail(
                "New authority did not sign",
                InstructionError::MissingRequiredSignature,
            );
        }
        Ok(())
    };
    let new_state = match get_state(&account)? {
        UpgradeableLoaderState::Buffer { authority_address } => {
            if new_authority.is_none() {
                return instruction_context.log_and_fail(
                    "Buffer authority is not optional",
                    InstructionError::IncorrectAuthority,
                );
            }
            check_authority(&instruction_context, authority_address, 1, BUFFER_AUTHORITY)?;
            new_authority_signed()?;
            UpgradeableLoaderState::Buffer {
                authority_address: new_authority,
            }
        }
        UpgradeableLoaderState::ProgramData {
            slot,
            upgrade_authority_address,
        } => {
            check_authority(
                &instruction_context,
                upgrade_authority_address,
                1,
                UPGRADE_AUTHORITY,
            )?;
            new_authority_signed()?;
            // SIMD-0500: a pre-V3 program may no longer be made immutable.
            if instruction_context
                .features()
                .disable_sbpf_v0_v1_v2_deployment()
                && new_authority.is_none()
                && account
                    .data()
                    .get(PROGRAMDATA_METADATA_SIZE..)
                    .and_then(sbpf_version_below_v3)
                    == Some(true)
            {
                return Err(InstructionError::InvalidAccountData);
            }
            UpgradeableLoaderState::ProgramData {
                slot,
                upgrade_authority_address: new_authority,
            }
        }
        _ => {
            return instruction_context.log_and_fail(
                "Account does not support authorities",
                InstructionError::InvalidArgument,
            );
        }
    };
    account.set_state(&new_state)?;
    drop(account);
    // `SetAuthorityChecked` logs the key, `SetAuthority` the `Option`.
    instruction_context.log(match new_authority {
        Some(new_authority) if checked => format!("New authority {new_authority}"),
        _ => format!("New authority {}", option_key(new_authority.as_ref())),
    });
    Ok(())
}

/// `common_close_account`: the authority at position 2 must match and sign; the lamports
/// go to the recipient (position 1) and the account becomes `Uninitialized`.
fn common_close_account(
    instruction_context: &InstructionContext,
    rules: LoaderRules,
    authority_address: Option<Pubkey>,
) -> Result<(), InstructionError> {
    check_authority(instruction_context, authority_address, 2, CLOSE_AUTHORITY)?;
    let mut close_account = instruction_context.try_borrow_instruction_account(0)?;
    let mut recipient_account = instruction_context.try_borrow_instruction_account(1)?;
    recipient_account.checked_add_lamports(close_account.lamports())?;
    close_account.set_lamports(0)?;
    if rules == LoaderRules::Agave4_4 {
        close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
    }
    close_account.set_state(&UpgradeableLoaderState::Uninitialized)
}

/// `Close`: accounts 0 the account to close, 1 recipient, 2 authority (Buffer and
/// ProgramData), 3 program (ProgramData). Closing a program leaves a tombstone in the
/// program cache as soon as its accounts are closed, even if the instruction then fails.
fn close(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let mut closed_program = None;
    let result = invoke_context
        .instruction_context()
        .and_then(|instruction_context| close_account(&instruction_context, &mut closed_program));
    if let Some(program_key) = closed_program {
        invoke_context
            .program_cache
            .record(program_key, ProgramStatus::Closed);
    }
    result
}

/// The checks and effects of `Close`; `closed_program` is set once a program's accounts
/// are closed.
fn close_account(
    instruction_context: &InstructionContext,
    closed_program: &mut Option<Pubkey>,
) -> Result<(), InstructionError> {
    let rules = LoaderRules::of(instruction_context.features());
    instruction_context.check_distinct_accounts(
        0,
        1,
        "Recipient is the same as the account being closed",
    )?;
    let mut close_account = instruction_context.try_borrow_instruction_account(0)?;
    let close_key = *close_account.key();
    let close_account_state = get_state(&close_account)?;
    if rules == LoaderRules::Agave2_1 {
        close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
    }
    match close_account_state {
        UpgradeableLoaderState::Uninitialized => {
            let mut recipient_account = instruction_context.try_borrow_instruction_account(1)?;
            recipient_account.checked_add_lamports(close_account.lamports())?;
            close_account.set_lamports(0)?;
            if rules == LoaderRules::Agave4_4 {
                close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
            }
            drop((recipient_account, close_account));
            instruction_context.log(format!("Closed Uninitialized {close_key}"));
        }
        UpgradeableLoaderState::Buffer { authority_address } => {
            instruction_context.check_number_of_instruction_accounts(3)?;
            drop(close_account);
            common_close_account(instruction_context, rules, authority_address)?;
            instruction_context.log(format!("Closed Buffer {close_key}"));
        }
        UpgradeableLoaderState::ProgramData {
            slot,
            upgrade_authority_address,
        } => {
            instruction_context.check_number_of_instruction_accounts(4)?;
            drop(close_account);
            let program_key = close_program_data(
                instruction_context,
                rules,
                &close_key,
                slot,
                upgrade_authority_address,
            )?;
            *closed_program = Some(program_key);
            instruction_context.log(format!("Closed Program {program_key}"));
        }
        _ => {
            return instruction_context.log_and_fail(
                "Account does not support closing",
                InstructionError::InvalidArgument,
            );
        }
    }
    Ok(())
}

/// `Close` of a ProgramData account: the program (account 3) must be writable, owned by the
/// loader, not deployed in this slot, and point at the closed account. Returns its key.
fn close_program_data(
    instruction_context: &InstructionContext,
    rules: LoaderRules,
    programdata_key: &Pubkey,
    deployment_slot: u64,
    authority_address: Option<Pubkey>,
) -> Result<Pubkey, InstructionError> {
    let program_account = instruction_context.try_borrow_instruction_account(3)?;
    let program_key = *program_account.key();
    if !program_account.is_writable() {
        return instruction_context.log_and_fail(
            "Program account is not writable",
            InstructionError::InvalidArgument,
        );
    }
    if program_account.owner() != instruction_context.get_program_key()? {
        return instruction_context.log_and_fail(
            "Program account not owned by loader",
            InstructionError::IncorrectProgramId,
        );
    }
    if instruction_context.sysvars().clock.slot == deployment_slot {
        return instruction_context.log_and_fail(
            "Program was deployed in this block already",
            InstructionError::InvalidArgument,
        );
    }
    let UpgradeableLoaderState::Program {
        programdata_address,
    } = get_state(&program_account)?
    else {
        return instruction_context
            .log_and_fail("Invalid Program account", InstructionError::InvalidArgument);
    };
    if programdata_address != *programdata_key {
        return instruction_context.log_and_fail(
            "ProgramData account does not match ProgramData account",
            InstructionError::InvalidArgument,
        );
    }
    drop(program_account);
    common_close_account(instruction_context, rules, authority_address)?;
    Ok(program_key)
}

/// The accounts of `ExtendProgram`.
const PROGRAM_DATA_ACCOUNT_INDEX: usize = 0;
const PROGRAM_ACCOUNT_INDEX: usize = 1;
const OPTIONAL_PAYER_ACCOUNT_INDEX: usize = 3;

/// `common_extend_program` for `ExtendProgram` (accounts: 0 program data, 1 program,
/// 2 system program, 3 optional payer).
fn common_extend_program(
    invoke_context: &mut InvokeContext,
    additional_bytes: u32,
) -> Result<(), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    let program_id = *instruction_context.get_program_key()?;
    if additional_bytes == 0 {
        return instruction_context.log_and_fail(
            "Additional bytes must be greater than 0",
            InstructionError::InvalidInstructionData,
        );
    }
    let extension = verify_extension(&instruction_context, &program_id, additional_bytes)?;
    let payer_key = if extension.required_payment > 0 {
        Some(*instruction_context.get_key_of_instruction_account(OPTIONAL_PAYER_ACCOUNT_INDEX)?)
    } else {
        None
    };
    if let Some(payer_key) = payer_key {
        invoke_context.native_invoke_signed(
            system_instruction::transfer(
                &payer_key,
                &extension.programdata_key,
                extension.required_payment,
            ),
            &[],
        )?;
    }
    invoke_context
        .instruction_context()?
        .try_borrow_instruction_account(PROGRAM_DATA_ACCOUNT_INDEX)?
        .set_data_length(extension.new_len)?;
    deploy_program(
        invoke_context,
        &extension.program_key,
        &program_id,
        PROGRAM_DATA_ACCOUNT_INDEX,
        PROGRAMDATA_METADATA_SIZE,
        extension.clock_slot,
    )?;

    let instruction_context = invoke_context.instruction_context()?;
    let mut programdata_account =
        instruction_context.try_borrow_instruction_account(PROGRAM_DATA_ACCOUNT_INDEX)?;
    programdata_account.set_state(&UpgradeableLoaderState::ProgramData {
        slot: extension.clock_slot,
        upgrade_authority_address: extension.upgrade_authority_address,
    })?;
    drop(programdata_account);
    instruction_context.log(format!(
        "Extended ProgramData account by {additional_bytes} bytes"
    ));
    Ok(())
}

/// What [`verify_extension`] found.
struct Extension {
    programdata_key: Pubkey,
    program_key: Pubkey,
    new_len: usize,
    clock_slot: u64,
    upgrade_authority_address: Option<Pubkey>,
    /// Lamports the payer must add for the extended account to stay rent-exempt.
    required_payment: u64,
}

/// The checks of `ExtendProgram` before any change: the ProgramData account (writable,
/// owned by the loader), the Program account pointing at it, the new length within the
/// account size limit (and SIMD-0431's minimum), not extended in this slot, upgradeable.
fn verify_extension(
    instruction_context: &InstructionContext,
    program_id: &Pubkey,
    additional_bytes: u32,
) -> Result<Extension, InstructionError> {
    let programdata_account =
        instruction_context.try_borrow_instruction_account(PROGRAM_DATA_ACCOUNT_INDEX)?;
    let programdata_key = *programdata_account.key();
    if program_id != programdata_account.owner() {
        return instruction_context.log_and_fail(
            "ProgramData owner is invalid",
            InstructionError::InvalidAccountOwner,
        );
    }
    if !programdata_account.is_writable() {
        return instruction_context.log_and_fail(
            "ProgramData is not writable",
            InstructionError::InvalidArgument,
        );
    }
    let program_key =
        verify_program_for_extension(instruction_context, program_id, &programdata_key)?;
    let old_len = programdata_account.data().len();
    let new_len = check_extended_length(instruction_context, old_len, additional_bytes)?;
    let clock_slot = instruction_context.sysvars().clock.slot;
    let upgrade_authority_address = verify_programdata_state(
        instruction_context,
        &programdata_account,
        clock_slot,
        &EXTEND_PROGRAMDATA,
    )?;
    if upgrade_authority_address.is_none() {
        return instruction_context.log_and_fail(
            "Cannot extend ProgramData accounts that are not upgradeable",
            InstructionError::Immutable,
        );
    }
    let min_balance = instruction_context
        .sysvars()
        .rent
        .minimum_balance(new_len)
        .max(1);
    Ok(Extension {
        programdata_key,
        program_key,
        new_len,
        clock_slot,
        upgrade_authority_address,
        required_payment: min_balance.saturating_sub(programdata_account.lamports()),
    })
}

/// The Program account of `ExtendProgram`: writable, owned by the loader, pointing at the
/// ProgramData account. Returns its key.
fn verify_program_for_extension(
    instruction_context: &InstructionContext,
    program_id: &Pubkey,
    programdata_key: &Pubkey,
) -> Result<Pubkey, InstructionError> {
    let words = ProgramAccountWords {
        not_writable: "Program account is not writable",
        wrong_owner: InstructionError::InvalidAccountOwner,
        mismatch: "Program account does not match ProgramData account",
    };
    verify_program_account(
        instruction_context,
        PROGRAM_ACCOUNT_INDEX,
        program_id,
        programdata_key,
        &words,
    )
}

/// The ProgramData length after adding `additional_bytes`: at most the account size limit
/// and, with SIMD-0431 (`loader_v3_minimum_extend_program_size`), at least 10 KiB more
/// unless that would pass the limit, in which case exactly the remaining room.
fn check_extended_length(
    instruction_context: &InstructionContext,
    old_len: usize,
    additional_bytes: u32,
) -> Result<usize, InstructionError> {
    let new_len = old_len.saturating_add(additional_bytes as usize);
    if new_len > MAX_PERMITTED_DATA_LENGTH as usize {
        return instruction_context.log_and_fail(
            format!(
                "Extended ProgramData length of {new_len} bytes exceeds max account data length of {MAX_PERMITTED_DATA_LENGTH} bytes"
            ),
            InstructionError::InvalidRealloc,
        );
    }
    if instruction_context
        .features()
        .loader_v3_minimum_extend_program_size()
    {
        let headroom = (MAX_PERMITTED_DATA_LENGTH as usize).saturating_sub(old_len);
        if additional_bytes < MINIMUM_EXTEND_PROGRAM_BYTES
            && (additional_bytes as usize) != headroom
        {
            return instruction_context.log_and_fail(
                format!(
                    "ExtendProgram requires a minimum of {MINIMUM_EXTEND_PROGRAM_BYTES} additional bytes or to extend to maximum size, but only {additional_bytes} were requested"
                ),
                InstructionError::InvalidArgument,
            );
        }
    }
    Ok(new_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbpf_version_flags() {
        let mut elf = vec![0u8; 64];
        assert_eq!(sbpf_version_below_v3(&elf), Some(true));
        elf[48] = 3;
        assert_eq!(sbpf_version_below_v3(&elf), Some(false));
        elf[48] = 9;
        assert_eq!(sbpf_version_below_v3(&elf), Some(false));
        assert_eq!(sbpf_version_below_v3(&elf[..50]), None);
    }
}
