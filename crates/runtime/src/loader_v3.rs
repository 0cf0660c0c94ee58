//! The BPF loader builtins: the program-management side of Agave 4.4
//! `solana-bpf-loader-program` (`process_instruction_inner` for a loader's own program id,
//! `process_loader_upgradeable_instruction`, `common_extend_program`,
//! `common_close_account`, `write_program_data`) and the part of program invocation that
//! Agave's program cache decides (`DelayVisibility` and `Closed` entries, "Program is not
//! deployed").
//!
//! # Entry ([`process_instruction`], registered for the three loader ids)
//! A loader id runs here when its account is owned by the native loader:
//! * `BPFLoaderUpgradeab1e…`: charge [`UPGRADEABLE_LOADER_COMPUTE_UNITS`] (2,370), decode an
//!   `UpgradeableLoaderInstruction` (bincode, at most 1,232 bytes read, trailing bytes
//!   allowed, else `InvalidInstructionData`) and run it;
//! * `BPFLoader2111…`: charge [`DEFAULT_LOADER_COMPUTE_UNITS`] (570), log "BPF loader
//!   management instructions are no longer supported", `UnsupportedProgramId`;
//! * `BPFLoader1111…`: charge [`DEPRECATED_LOADER_COMPUTE_UNITS`] (1,140), log "Deprecated
//!   loader is no longer supported", `UnsupportedProgramId`.
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
//! ([`legacy_loader`]) and then behaves as 2.1 did:
//! * a program account that is not executable is `IncorrectProgramId` ("Program is not
//!   executable"), and an upgraded program account must be executable (`AccountNotExecutable`),
//!   both genuinely SIMD-0162 checks;
//! * "Program is not cached" and "Program is not deployed" are `InvalidAccountData` (4.4:
//!   `UnsupportedProgramId`), see [`not_deployed_error`]; an invalid loader id is
//!   `IncorrectProgramId`;
//! * `DeployWithMaxDataLen` and `Upgrade` do not check that the buffer is writable and owned
//!   by the loader (later failures catch both);
//! * `Close` truncates the closed account to 4 bytes right after reading its state, before
//!   any other check (4.4 truncates last, and only on success);
//! * a native CPI to a program account that is not executable fails with
//!   `AccountNotExecutable` ("Account … is not executable").
//!
//! A missing instruction account is whatever the transaction context reports
//! (`TransactionContext::missing_account_error`: `NotEnoughAccountKeys` before SIMD-0339,
//! else `MissingAccount`). The 2.1 code paths were read in the solfuzz fork of Agave 2.1
//! (`programs/bpf_loader/src/lib.rs`), the harness that produced the fixtures.
//!
//! # Deployment and the program cache
//! `deploy_program!` is [`ProgramExecutor::deploy`]: the
//! executor loads the ELF with the deployment environment (strict ELF checks, the deployment
//! SBPF versions, no `sol_alloc_free_`) and verifies it; a failure is logged with the
//! executor's text and becomes `InvalidAccountData`. What Agave's program cache would then
//! hold is tracked in [`ProgramDeployments`] (on the invoke context, per transaction):
//! a program deployed, upgraded or extended at slot *s* is not executable while the Clock
//! slot is *s* (`DelayVisibility`, visible from *s* + 1), and a closed program is a tombstone.
//! Invoking either logs "Program is not deployed" ([`check_program_deployed`]). When a
//! transaction commits, [`commit_deployments`] keeps those statuses for later transactions
//! and hands every changed program's new ELF to
//! [`ProgramExecutor::reload`]; a failed transaction changes
//! neither, as in Agave, which merges a transaction's program-cache changes only on success.

use std::cell::RefCell;
use std::collections::HashMap;

use bincode::Options;
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_loader_v3_interface::instruction::{
    UpgradeableLoaderInstruction, MINIMUM_EXTEND_PROGRAM_BYTES,
};
pub use solana_loader_v3_interface::state::UpgradeableLoaderState;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, sysvar};
use solana_system_interface::instruction as system_instruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use crate::features::FeatureSet;
use crate::invoke_context::{CpiAccountMeta, ExecutionFailure, InvokeContext, ProgramExecutor};
use crate::log_collector::LogCollector;
use crate::processor::{program_elf, AccountStore};
use crate::sysvars::{RentParams, Sysvars};
use crate::transaction_context::{BorrowedAccount, IndexOfAccount, TransactionContext};

/// Charged by every `bpf_loader` (BPFLoader2) management instruction.
pub const DEFAULT_LOADER_COMPUTE_UNITS: u64 = 570;
/// Charged by every deprecated-loader (BPFLoader1) management instruction.
pub const DEPRECATED_LOADER_COMPUTE_UNITS: u64 = 1_140;
/// Charged by every upgradeable-loader management instruction.
pub const UPGRADEABLE_LOADER_COMPUTE_UNITS: u64 = 2_370;

/// Most instruction-data bytes the decoder reads (`PACKET_DATA_SIZE`).
const PACKET_DATA_SIZE: u64 = 1232;
/// `UpgradeableLoaderState::size_of_uninitialized()`.
pub const SIZE_OF_UNINITIALIZED: usize = UpgradeableLoaderState::size_of_uninitialized();
/// `UpgradeableLoaderState::size_of_buffer_metadata()`.
pub const BUFFER_METADATA_SIZE: usize = UpgradeableLoaderState::size_of_buffer_metadata();
/// `UpgradeableLoaderState::size_of_programdata_metadata()`.
pub const PROGRAMDATA_METADATA_SIZE: usize = UpgradeableLoaderState::size_of_programdata_metadata();
/// `UpgradeableLoaderState::size_of_program()`.
pub const PROGRAM_SIZE: usize = UpgradeableLoaderState::size_of_program();

/// Whether the loader behaves as Agave 2.1 did: SIMD-0162 (`remove_accounts_executable_flag_checks`)
/// is inactive. See the module documentation for what changes.
pub fn legacy_loader(features: &FeatureSet) -> bool {
    !features.remove_accounts_executable_flag_checks()
}

/// The error of "Program is not cached" and "Program is not deployed":
/// `UnsupportedProgramId`, or `InvalidAccountData` for the Agave 2.1 loader.
pub fn not_deployed_error(features: &FeatureSet) -> InstructionError {
    if legacy_loader(features) {
        InstructionError::InvalidAccountData
    } else {
        InstructionError::UnsupportedProgramId
    }
}

// ----- program-cache state -----

/// What Agave's program cache records about a program besides its loaded executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramStatus {
    /// Deployed, upgraded or extended at this slot: not executable before the next slot
    /// (`DelayVisibility`). Programs loaded from accounts carry their deployment slot too
    /// (the program data account's slot, 0 for the non-upgradeable loaders).
    DeployedAt(u64),
    /// Closed, or an upgradeable program whose accounts do not describe a deployed program:
    /// a tombstone.
    Closed,
}

impl ProgramStatus {
    /// Whether the program may execute at `slot` (Agave's
    /// `is_implicit_delay_visibility_tombstone`: hidden for `deployment ≤ slot < deployment + 1`).
    pub fn is_visible_at(self, slot: u64) -> bool {
        match self {
            ProgramStatus::DeployedAt(deployed) => slot != deployed,
            ProgramStatus::Closed => false,
        }
    }
}

/// Program statuses known to a transaction, and which of them it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramDeployments {
    statuses: HashMap<Pubkey, ProgramStatus>,
    modified: Vec<Pubkey>,
}

impl ProgramDeployments {
    /// The status of `program_id`, `None` when nothing restricts it.
    pub fn status(&self, program_id: &Pubkey) -> Option<ProgramStatus> {
        self.statuses.get(program_id).copied()
    }

    /// Sets a status known before the transaction (not counted as a change).
    pub fn insert(&mut self, program_id: Pubkey, status: ProgramStatus) {
        self.statuses.insert(program_id, status);
    }

    /// Forgets `program_id` (e.g. a program added directly to the account store).
    pub fn remove(&mut self, program_id: &Pubkey) {
        self.statuses.remove(program_id);
    }

    /// Records a change made by the running transaction.
    pub fn record(&mut self, program_id: Pubkey, status: ProgramStatus) {
        self.statuses.insert(program_id, status);
        if !self.modified.contains(&program_id) {
            self.modified.push(program_id);
        }
    }

    /// Programs the transaction deployed, upgraded, extended or closed, in order.
    pub fn modified(&self) -> &[Pubkey] {
        &self.modified
    }

    /// The statuses with the change list cleared: what the next transaction starts from.
    pub fn committed(mut self) -> Self {
        self.modified.clear();
        self
    }
}

/// Agave's checks before a loader-owned program runs (`process_instruction_inner`,
/// "Program Invocation"): under the Agave 2.1 loader a program account that is not executable
/// is `IncorrectProgramId`; a program deployed in the current slot or closed is "Program is
/// not deployed". The executor then reports programs it has not cached or could not load.
pub fn check_program_deployed(invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
    let program_id = invoke_context.current_program_id()?;
    let executable = invoke_context
        .transaction_context
        .borrow_current_program_account()?
        .executable;
    if legacy_loader(&invoke_context.features) && !executable {
        invoke_context.log("Program is not executable".to_string());
        return Err(InstructionError::IncorrectProgramId.into());
    }
    let slot = invoke_context.sysvars.clock.slot;
    if let Some(status) = invoke_context.program_deployments.status(&program_id) {
        if !status.is_visible_at(slot) {
            invoke_context.log("Program is not deployed".to_string());
            return Err(not_deployed_error(&invoke_context.features).into());
        }
    }
    Ok(())
}

/// After a transaction committed: keep its program statuses for the next transaction and
/// give the executor each changed program's ELF as the committed accounts now hold it
/// (`None` for a closed program or one whose ELF cannot be found).
pub fn commit_deployments(
    deployments: ProgramDeployments,
    store: &AccountStore,
    executor: &dyn ProgramExecutor,
) -> ProgramDeployments {
    for program_id in deployments.modified() {
        let Some(program) = store.get(program_id) else {
            executor.reload(program_id, &bpf_loader_upgradeable::id(), None);
            continue;
        };
        let closed = deployments.status(program_id) == Some(ProgramStatus::Closed);
        let elf = if closed {
            None
        } else {
            program_elf(program, |key| store.get(key)).ok()
        };
        executor.reload(program_id, &program.owner, elf);
    }
    deployments.committed()
}

// ----- entry -----

/// The builtin entrypoint of the three BPF loaders (reached when the loader's own account,
/// owned by the native loader, is the program).
pub fn process_instruction(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let program_id = invoke_context.current_program_id()?;
    if program_id == bpf_loader_upgradeable::id() {
        invoke_context.consume_checked(UPGRADEABLE_LOADER_COMPUTE_UNITS)?;
        process_loader_upgradeable_instruction(invoke_context)
    } else if program_id == bpf_loader::id() {
        invoke_context.consume_checked(DEFAULT_LOADER_COMPUTE_UNITS)?;
        invoke_context
            .log("BPF loader management instructions are no longer supported".to_string());
        Err(InstructionError::UnsupportedProgramId)
    } else if program_id == bpf_loader_deprecated::id() {
        invoke_context.consume_checked(DEPRECATED_LOADER_COMPUTE_UNITS)?;
        invoke_context.log("Deprecated loader is no longer supported".to_string());
        Err(InstructionError::UnsupportedProgramId)
    } else {
        invoke_context.log("Invalid BPF loader id".to_string());
        Err(if legacy_loader(&invoke_context.features) {
            InstructionError::IncorrectProgramId
        } else {
            InstructionError::UnsupportedProgramId
        })
    }
}

/// Agave's `limited_deserialize(data, PACKET_DATA_SIZE)`.
fn decode_instruction(data: &[u8]) -> Result<UpgradeableLoaderInstruction, InstructionError> {
    bincode::options()
        .with_limit(PACKET_DATA_SIZE)
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .deserialize_from(data)
        .map_err(|_| InstructionError::InvalidInstructionData)
}

/// `BorrowedAccount::get_state`.
fn get_state(account: &BorrowedAccount) -> Result<UpgradeableLoaderState, InstructionError> {
    bincode::deserialize(account.data()).map_err(|_| InstructionError::InvalidAccountData)
}

/// `BorrowedAccount::set_state`: the data must be changeable and large enough; the state
/// overwrites its prefix.
fn set_state(
    account: &mut BorrowedAccount,
    state: &UpgradeableLoaderState,
) -> Result<(), InstructionError> {
    let data = account.data_mut()?;
    let serialized_size =
        bincode::serialized_size(state).map_err(|_| InstructionError::GenericError)?;
    if serialized_size > data.len() as u64 {
        return Err(InstructionError::AccountDataTooSmall);
    }
    bincode::serialize_into(&mut *data, state).map_err(|_| InstructionError::GenericError)
}

/// Decodes `UpgradeableLoaderState` from raw account data (trailing bytes allowed).
pub fn decode_state(data: &[u8]) -> Option<UpgradeableLoaderState> {
    bincode::deserialize(data).ok()
}

/// A Buffer account that passed [`Ctx::verify_buffer`].
struct VerifiedBuffer {
    key: Pubkey,
    lamports: u64,
    /// The ELF bytes after the Buffer metadata.
    elf_len: usize,
}

/// What the instructions read from the invoke context while accounts are borrowed. The log
/// collector sits in a `RefCell` so messages can be logged with accounts borrowed (Agave's
/// `ic_logger_msg!`).
struct Ctx<'a> {
    transaction_context: &'a TransactionContext,
    log_collector: RefCell<Option<&'a mut LogCollector>>,
    features: &'a FeatureSet,
    sysvars: &'a Sysvars,
    legacy: bool,
}

impl<'a> Ctx<'a> {
    fn new(invoke_context: &'a mut InvokeContext) -> Self {
        let InvokeContext {
            transaction_context,
            log_collector,
            features,
            sysvars,
            ..
        } = invoke_context;
        Self {
            transaction_context,
            log_collector: RefCell::new(log_collector.as_mut()),
            legacy: legacy_loader(features),
            features,
            sysvars,
        }
    }

    fn msg(&self, message: impl Into<String>) {
        if let Some(collector) = self.log_collector.borrow_mut().as_mut() {
            collector.log(message.into());
        }
    }

    /// Logs `message` and returns `error`.
    fn fail<T>(
        &self,
        message: impl Into<String>,
        error: InstructionError,
    ) -> Result<T, InstructionError> {
        self.msg(message);
        Err(error)
    }

    /// The Buffer account checks that DeployWithMaxDataLen and Upgrade share (Agave repeats
    /// them in both, in this order): writable and owned by the loader (not before
    /// SIMD-0162), a Buffer whose authority is `authority_key` and signed the instruction
    /// (account `authority_position`), holding at least one byte of ELF.
    fn verify_buffer(
        &self,
        buffer_position: usize,
        authority_position: usize,
        authority_key: Option<Pubkey>,
        loader_id: &Pubkey,
    ) -> Result<VerifiedBuffer, InstructionError> {
        let buffer = self.borrow(buffer_position)?;
        if !self.legacy {
            if !buffer.is_writable() {
                return self.fail(
                    "Buffer account not writeable",
                    InstructionError::InvalidArgument,
                );
            }
            if buffer.owner() != loader_id {
                return self.fail(
                    "Buffer account not owned by loader",
                    InstructionError::IncorrectProgramId,
                );
            }
        }
        if let UpgradeableLoaderState::Buffer { authority_address } = get_state(&buffer)? {
            if authority_address != authority_key {
                return self.fail(
                    "Buffer and upgrade authority don't match",
                    InstructionError::IncorrectAuthority,
                );
            }
            if !self.is_signer(authority_position)? {
                return self.fail(
                    "Upgrade authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
        } else {
            return self.fail("Invalid Buffer account", InstructionError::InvalidArgument);
        }
        let elf_len = buffer.data().len().saturating_sub(BUFFER_METADATA_SIZE);
        if buffer.data().len() < BUFFER_METADATA_SIZE || elf_len == 0 {
            return self.fail(
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

    /// `MissingAccount`, or `NotEnoughAccountKeys` where the transaction context selects
    /// the older code.
    fn missing_account(&self) -> InstructionError {
        self.transaction_context.missing_account_error()
    }

    fn program_id(&self) -> Result<Pubkey, InstructionError> {
        self.transaction_context.current_program_id()
    }

    fn instruction_data(&self) -> Result<&'a [u8], InstructionError> {
        Ok(&self.transaction_context.current_frame()?.data)
    }

    /// `InstructionContext::check_number_of_instruction_accounts`.
    fn check_number_of_instruction_accounts(
        &self,
        expected: usize,
    ) -> Result<(), InstructionError> {
        if self.transaction_context.current_frame()?.accounts.len() < expected {
            return Err(self.missing_account());
        }
        Ok(())
    }

    /// `get_index_of_instruction_account_in_transaction`.
    fn index_in_transaction(&self, position: usize) -> Result<IndexOfAccount, InstructionError> {
        self.transaction_context
            .current_frame()?
            .accounts
            .get(position)
            .map(|account| account.index_in_transaction)
            .ok_or_else(|| self.missing_account())
    }

    /// `get_key_of_instruction_account`.
    fn key(&self, position: usize) -> Result<Pubkey, InstructionError> {
        let index = self.index_in_transaction(position)?;
        Ok(*self.transaction_context.key_of(index)?)
    }

    /// `is_instruction_account_signer`.
    fn is_signer(&self, position: usize) -> Result<bool, InstructionError> {
        self.transaction_context
            .current_frame()?
            .accounts
            .get(position)
            .map(|account| account.is_signer)
            .ok_or_else(|| self.missing_account())
    }

    /// `try_borrow_instruction_account`.
    fn borrow(&self, position: usize) -> Result<BorrowedAccount<'a>, InstructionError> {
        self.index_in_transaction(position)?;
        self.transaction_context.borrow_current_account(position)
    }

    /// `get_sysvar_with_account_check::rent`.
    fn rent_sysvar(&self, position: usize) -> Result<RentParams, InstructionError> {
        if self.key(position)? != sysvar::rent::id() {
            return Err(InstructionError::InvalidArgument);
        }
        Ok(self.sysvars.rent)
    }

    /// `get_sysvar_with_account_check::clock`, reduced to the slot.
    fn clock_slot_sysvar(&self, position: usize) -> Result<u64, InstructionError> {
        if self.key(position)? != sysvar::clock::id() {
            return Err(InstructionError::InvalidArgument);
        }
        Ok(self.sysvars.clock.slot)
    }
}

/// `invoke_context.native_invoke_signed(instruction, signer_seeds)`: a CPI from the builtin,
/// with the signers derived from the caller's program id.
fn native_invoke_signed(
    invoke_context: &mut InvokeContext,
    instruction: Instruction,
    signer_seeds: &[&[&[u8]]],
) -> Result<(), InstructionError> {
    let caller = invoke_context.current_program_id()?;
    let signers = signer_seeds
        .iter()
        .map(|seeds| {
            crate::pda::create_program_address(seeds, &caller).map_err(|error| match error {
                crate::pda::PdaError::MaxSeedLengthExceeded => {
                    InstructionError::MaxSeedLengthExceeded
                }
                crate::pda::PdaError::InvalidSeeds => InstructionError::InvalidSeeds,
                #[allow(unreachable_patterns)]
                _ => InstructionError::IllegalOwner,
            })
        })
        .collect::<Result<Vec<Pubkey>, InstructionError>>()?;
    let metas: Vec<CpiAccountMeta> = instruction
        .accounts
        .iter()
        .map(|meta| CpiAccountMeta {
            pubkey: meta.pubkey,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        })
        .collect();
    let frame = invoke_context.prepare_next_cpi_instruction(
        &instruction.program_id,
        &metas,
        instruction.data,
        &signers,
    )?;
    if legacy_loader(&invoke_context.features) {
        let executable = invoke_context
            .transaction_context
            .borrow_account(frame.program_account_index)?
            .executable;
        if !executable {
            let message = format!("Account {} is not executable", instruction.program_id);
            invoke_context.log(message);
            return Err(InstructionError::AccountNotExecutable);
        }
    }
    invoke_context.process_instruction(Some(frame))
}

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
        let executor = shared.executor();
        executor.deploy(shared, program_id, loader, elf)
    };
    match result {
        Ok(()) => {
            invoke_context
                .program_deployments
                .record(*program_id, ProgramStatus::DeployedAt(slot));
            Ok(())
        }
        Err(message) => {
            invoke_context.log(message);
            Err(InstructionError::InvalidAccountData)
        }
    }
}

/// `write_program_data`.
fn write_program_data(ctx: &Ctx, offset: usize, bytes: &[u8]) -> Result<(), InstructionError> {
    let mut program = ctx.borrow(0)?;
    let data = program.data_mut()?;
    let write_offset = offset.saturating_add(bytes.len());
    if data.len() < write_offset {
        let len = data.len();
        return ctx.fail(
            format!("Write overflow: {len} < {write_offset}"),
            InstructionError::AccountDataTooSmall,
        );
    }
    data.get_mut(offset..write_offset)
        .ok_or(InstructionError::AccountDataTooSmall)?
        .copy_from_slice(bytes);
    Ok(())
}

fn process_loader_upgradeable_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), InstructionError> {
    let instruction = {
        let ctx = Ctx::new(invoke_context);
        decode_instruction(ctx.instruction_data()?)?
    };
    match instruction {
        UpgradeableLoaderInstruction::InitializeBuffer => {
            let ctx = Ctx::new(invoke_context);
            ctx.check_number_of_instruction_accounts(2)?;
            let mut buffer = ctx.borrow(0)?;
            if UpgradeableLoaderState::Uninitialized != get_state(&buffer)? {
                return ctx.fail(
                    "Buffer account already initialized",
                    InstructionError::AccountAlreadyInitialized,
                );
            }
            let authority_key = Some(ctx.key(1)?);
            set_state(
                &mut buffer,
                &UpgradeableLoaderState::Buffer {
                    authority_address: authority_key,
                },
            )?;
        }
        UpgradeableLoaderInstruction::Write { offset, bytes } => {
            let ctx = Ctx::new(invoke_context);
            ctx.check_number_of_instruction_accounts(2)?;
            let buffer = ctx.borrow(0)?;
            if let UpgradeableLoaderState::Buffer { authority_address } = get_state(&buffer)? {
                if authority_address.is_none() {
                    return ctx.fail("Buffer is immutable", InstructionError::Immutable);
                }
                let authority_key = Some(ctx.key(1)?);
                if authority_address != authority_key {
                    return ctx.fail(
                        "Incorrect buffer authority provided",
                        InstructionError::IncorrectAuthority,
                    );
                }
                if !ctx.is_signer(1)? {
                    return ctx.fail(
                        "Buffer authority did not sign",
                        InstructionError::MissingRequiredSignature,
                    );
                }
            } else {
                return ctx.fail(
                    "Invalid Buffer account",
                    InstructionError::InvalidAccountData,
                );
            }
            drop(buffer);
            write_program_data(
                &ctx,
                BUFFER_METADATA_SIZE.saturating_add(offset as usize),
                &bytes,
            )?;
        }
        UpgradeableLoaderInstruction::DeployWithMaxDataLen { max_data_len } => {
            deploy_with_max_data_len(invoke_context, max_data_len)?;
        }
        UpgradeableLoaderInstruction::Upgrade => upgrade(invoke_context)?,
        UpgradeableLoaderInstruction::SetAuthority => set_authority(invoke_context)?,
        UpgradeableLoaderInstruction::SetAuthorityChecked => {
            set_authority_checked(invoke_context)?;
        }
        UpgradeableLoaderInstruction::Close => close(invoke_context)?,
        UpgradeableLoaderInstruction::ExtendProgram { additional_bytes } => {
            common_extend_program(invoke_context, additional_bytes)?;
        }
    }
    Ok(())
}

fn deploy_with_max_data_len(
    invoke_context: &mut InvokeContext,
    max_data_len: usize,
) -> Result<(), InstructionError> {
    let ctx = Ctx::new(invoke_context);
    let program_id = ctx.program_id()?;
    ctx.check_number_of_instruction_accounts(4)?;
    let payer_key = ctx.key(0)?;
    let programdata_key = ctx.key(1)?;
    let rent = ctx.rent_sysvar(4)?;
    let clock_slot = ctx.clock_slot_sysvar(5)?;
    ctx.check_number_of_instruction_accounts(8)?;
    let authority_key = Some(ctx.key(7)?);

    // Verify the Program account.
    let program = ctx.borrow(2)?;
    if UpgradeableLoaderState::Uninitialized != get_state(&program)? {
        return ctx.fail(
            "Program account already initialized",
            InstructionError::AccountAlreadyInitialized,
        );
    }
    if program.data().len() < PROGRAM_SIZE {
        return ctx.fail(
            "Program account too small",
            InstructionError::AccountDataTooSmall,
        );
    }
    if program.lamports() < rent.minimum_balance(program.data().len()) {
        return ctx.fail(
            "Program account not rent-exempt",
            InstructionError::ExecutableAccountNotRentExempt,
        );
    }
    let new_program_id = *program.key();
    drop(program);

    // Verify the Buffer account.
    let VerifiedBuffer {
        key: buffer_key,
        elf_len: buffer_data_len,
        ..
    } = ctx.verify_buffer(3, 7, authority_key, &program_id)?;
    let programdata_len = PROGRAMDATA_METADATA_SIZE.saturating_add(max_data_len);
    if max_data_len < buffer_data_len {
        return ctx.fail(
            "Max data length is too small to hold Buffer data",
            InstructionError::AccountDataTooSmall,
        );
    }
    if programdata_len > MAX_PERMITTED_DATA_LENGTH as usize {
        return ctx.fail(
            "Max data length is too large",
            InstructionError::InvalidArgument,
        );
    }

    // Create the ProgramData account.
    let (derived_address, bump_seed) =
        crate::pda::try_find_program_address(&[new_program_id.as_ref()], &program_id)
            .ok_or(InstructionError::InvalidSeeds)?;
    if derived_address != programdata_key {
        return ctx.fail(
            "ProgramData address is not derived",
            InstructionError::InvalidArgument,
        );
    }

    // Drain the Buffer account to the payer before paying for the ProgramData account.
    {
        let mut buffer = ctx.borrow(3)?;
        let mut payer = ctx.borrow(0)?;
        payer.checked_add_lamports(buffer.lamports())?;
        buffer.set_lamports(0)?;
    }

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
        .push(AccountMeta::new(buffer_key, false));
    native_invoke_signed(
        invoke_context,
        instruction,
        &[&[new_program_id.as_ref(), &[bump_seed]]],
    )?;

    // Load and verify the program bits.
    deploy_program(
        invoke_context,
        &new_program_id,
        &program_id,
        3,
        BUFFER_METADATA_SIZE,
        clock_slot,
    )?;

    let ctx = Ctx::new(invoke_context);
    // Update the ProgramData account and record the program bits.
    {
        let mut programdata = ctx.borrow(1)?;
        set_state(
            &mut programdata,
            &UpgradeableLoaderState::ProgramData {
                slot: clock_slot,
                upgrade_authority_address: authority_key,
            },
        )?;
        let dst_slice = programdata
            .data_mut()?
            .get_mut(
                PROGRAMDATA_METADATA_SIZE
                    ..PROGRAMDATA_METADATA_SIZE.saturating_add(buffer_data_len),
            )
            .ok_or(InstructionError::AccountDataTooSmall)?;
        let mut buffer = ctx.borrow(3)?;
        let src_slice = buffer
            .data()
            .get(BUFFER_METADATA_SIZE..)
            .ok_or(InstructionError::AccountDataTooSmall)?;
        if dst_slice.len() != src_slice.len() {
            return Err(InstructionError::AccountDataTooSmall);
        }
        dst_slice.copy_from_slice(src_slice);
        buffer.set_data_length(BUFFER_METADATA_SIZE)?;
    }

    // Update the Program account.
    let mut program = ctx.borrow(2)?;
    set_state(
        &mut program,
        &UpgradeableLoaderState::Program {
            programdata_address: programdata_key,
        },
    )?;
    program.set_executable(true)?;
    drop(program);
    ctx.msg(format!("Deployed program {new_program_id}"));
    Ok(())
}

fn upgrade(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let ctx = Ctx::new(invoke_context);
    let program_id = ctx.program_id()?;
    ctx.check_number_of_instruction_accounts(3)?;
    let programdata_key = ctx.key(0)?;
    let rent = ctx.rent_sysvar(4)?;
    let clock_slot = ctx.clock_slot_sysvar(5)?;
    ctx.check_number_of_instruction_accounts(7)?;
    let authority_key = Some(ctx.key(6)?);
    let set_programdata_to_elf_len = ctx.features.loader_v3_set_program_data_to_elf_length();

    // Verify the Program account.
    let program = ctx.borrow(1)?;
    if ctx.legacy && !program.is_executable() {
        return ctx.fail(
            "Program account not executable",
            InstructionError::AccountNotExecutable,
        );
    }
    if !program.is_writable() {
        return ctx.fail(
            "Program account not writeable",
            InstructionError::InvalidArgument,
        );
    }
    if *program.owner() != program_id {
        return ctx.fail(
            "Program account not owned by loader",
            InstructionError::IncorrectProgramId,
        );
    }
    if let UpgradeableLoaderState::Program {
        programdata_address,
    } = get_state(&program)?
    {
        if programdata_address != programdata_key {
            return ctx.fail(
                "Program and ProgramData account mismatch",
                InstructionError::InvalidArgument,
            );
        }
    } else {
        return ctx.fail(
            "Invalid Program account",
            InstructionError::InvalidAccountData,
        );
    }
    let new_program_id = *program.key();
    drop(program);

    // Verify the Buffer account.
    let VerifiedBuffer {
        lamports: buffer_lamports,
        elf_len: buffer_data_len,
        ..
    } = ctx.verify_buffer(2, 6, authority_key, &program_id)?;

    // Verify the ProgramData account.
    let programdata = ctx.borrow(0)?;
    let (programdata_len, programdata_balance_required) = if set_programdata_to_elf_len {
        // SIMD-0433: the account is resized to the new ELF.
        let new_len = PROGRAMDATA_METADATA_SIZE.saturating_add(buffer_data_len);
        if new_len > MAX_PERMITTED_DATA_LENGTH as usize {
            return ctx.fail(
                format!(
                    "Resized ProgramData length of {new_len} bytes exceeds max account data length"
                ),
                InstructionError::InvalidAccountData,
            );
        }
        (new_len, 1.max(rent.minimum_balance(new_len)))
    } else {
        let len = programdata.data().len();
        if len < PROGRAMDATA_METADATA_SIZE.saturating_add(buffer_data_len) {
            return ctx.fail(
                "ProgramData account not large enough",
                InstructionError::AccountDataTooSmall,
            );
        }
        (len, 1.max(rent.minimum_balance(len)))
    };
    if programdata.lamports().saturating_add(buffer_lamports) < programdata_balance_required {
        return ctx.fail(
            "Buffer account balance too low to fund upgrade",
            InstructionError::InsufficientFunds,
        );
    }
    if let UpgradeableLoaderState::ProgramData {
        slot,
        upgrade_authority_address,
    } = get_state(&programdata)?
    {
        if clock_slot == slot {
            return ctx.fail(
                "Program was deployed in this block already",
                InstructionError::InvalidArgument,
            );
        }
        if upgrade_authority_address.is_none() {
            return ctx.fail("Program not upgradeable", InstructionError::Immutable);
        }
        if upgrade_authority_address != authority_key {
            return ctx.fail(
                "Incorrect upgrade authority provided",
                InstructionError::IncorrectAuthority,
            );
        }
        if !ctx.is_signer(6)? {
            return ctx.fail(
                "Upgrade authority did not sign",
                InstructionError::MissingRequiredSignature,
            );
        }
    } else {
        return ctx.fail(
            "Invalid ProgramData account",
            InstructionError::InvalidAccountData,
        );
    }
    drop(programdata);

    // Load and verify the program bits.
    deploy_program(
        invoke_context,
        &new_program_id,
        &program_id,
        2,
        BUFFER_METADATA_SIZE,
        clock_slot,
    )?;

    let ctx = Ctx::new(invoke_context);
    // Update the ProgramData account, record the upgraded data and zero the rest.
    let mut programdata = ctx.borrow(0)?;
    {
        if !ctx.legacy || set_programdata_to_elf_len {
            programdata.set_data_length(programdata_len)?;
        }
        set_state(
            &mut programdata,
            &UpgradeableLoaderState::ProgramData {
                slot: clock_slot,
                upgrade_authority_address: authority_key,
            },
        )?;
        let dst_slice = programdata
            .data_mut()?
            .get_mut(
                PROGRAMDATA_METADATA_SIZE
                    ..PROGRAMDATA_METADATA_SIZE.saturating_add(buffer_data_len),
            )
            .ok_or(InstructionError::AccountDataTooSmall)?;
        let buffer = ctx.borrow(2)?;
        let src_slice = buffer
            .data()
            .get(BUFFER_METADATA_SIZE..)
            .ok_or(InstructionError::AccountDataTooSmall)?;
        if dst_slice.len() != src_slice.len() {
            return Err(InstructionError::AccountDataTooSmall);
        }
        dst_slice.copy_from_slice(src_slice);
    }
    programdata
        .data_mut()?
        .get_mut(PROGRAMDATA_METADATA_SIZE.saturating_add(buffer_data_len)..)
        .ok_or(InstructionError::AccountDataTooSmall)?
        .fill(0);

    // Fund the ProgramData account to rent exemption and spill the rest.
    let mut buffer = ctx.borrow(2)?;
    let mut spill = ctx.borrow(3)?;
    spill.checked_add_lamports(
        programdata
            .lamports()
            .saturating_add(buffer_lamports)
            .saturating_sub(programdata_balance_required),
    )?;
    buffer.set_lamports(0)?;
    programdata.set_lamports(programdata_balance_required)?;
    buffer.set_data_length(BUFFER_METADATA_SIZE)?;
    drop((buffer, spill, programdata));
    ctx.msg(format!("Upgraded program {new_program_id}"));
    Ok(())
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

fn set_authority(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let ctx = Ctx::new(invoke_context);
    ctx.check_number_of_instruction_accounts(2)?;
    let mut account = ctx.borrow(0)?;
    let present_authority_key = ctx.key(1)?;
    let new_authority = ctx.key(2).ok();

    match get_state(&account)? {
        UpgradeableLoaderState::Buffer { authority_address } => {
            if new_authority.is_none() {
                return ctx.fail(
                    "Buffer authority is not optional",
                    InstructionError::IncorrectAuthority,
                );
            }
            if authority_address.is_none() {
                return ctx.fail("Buffer is immutable", InstructionError::Immutable);
            }
            if authority_address != Some(present_authority_key) {
                return ctx.fail(
                    "Incorrect buffer authority provided",
                    InstructionError::IncorrectAuthority,
                );
            }
            if !ctx.is_signer(1)? {
                return ctx.fail(
                    "Buffer authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            set_state(
                &mut account,
                &UpgradeableLoaderState::Buffer {
                    authority_address: new_authority,
                },
            )?;
        }
        UpgradeableLoaderState::ProgramData {
            slot,
            upgrade_authority_address,
        } => {
            if upgrade_authority_address.is_none() {
                return ctx.fail("Program not upgradeable", InstructionError::Immutable);
            }
            if upgrade_authority_address != Some(present_authority_key) {
                return ctx.fail(
                    "Incorrect upgrade authority provided",
                    InstructionError::IncorrectAuthority,
                );
            }
            if !ctx.is_signer(1)? {
                return ctx.fail(
                    "Upgrade authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            // SIMD-0500: a pre-V3 program may no longer be made immutable.
            if ctx.features.disable_sbpf_v0_v1_v2_deployment()
                && new_authority.is_none()
                && account
                    .data()
                    .get(PROGRAMDATA_METADATA_SIZE..)
                    .and_then(sbpf_version_below_v3)
                    == Some(true)
            {
                return Err(InstructionError::InvalidAccountData);
            }
            set_state(
                &mut account,
                &UpgradeableLoaderState::ProgramData {
                    slot,
                    upgrade_authority_address: new_authority,
                },
            )?;
        }
        _ => {
            return ctx.fail(
                "Account does not support authorities",
                InstructionError::InvalidArgument,
            );
        }
    }
    drop(account);
    ctx.msg(format!(
        "New authority {}",
        option_key(new_authority.as_ref())
    ));
    Ok(())
}

fn set_authority_checked(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let ctx = Ctx::new(invoke_context);
    if !ctx.features.enable_bpf_loader_set_authority_checked_ix() {
        return Err(InstructionError::InvalidInstructionData);
    }
    ctx.check_number_of_instruction_accounts(3)?;
    let mut account = ctx.borrow(0)?;
    let present_authority_key = ctx.key(1)?;
    let new_authority_key = ctx.key(2)?;

    match get_state(&account)? {
        UpgradeableLoaderState::Buffer { authority_address } => {
            if authority_address.is_none() {
                return ctx.fail("Buffer is immutable", InstructionError::Immutable);
            }
            if authority_address != Some(present_authority_key) {
                return ctx.fail(
                    "Incorrect buffer authority provided",
                    InstructionError::IncorrectAuthority,
                );
            }
            if !ctx.is_signer(1)? {
                return ctx.fail(
                    "Buffer authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            if !ctx.is_signer(2)? {
                return ctx.fail(
                    "New authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            set_state(
                &mut account,
                &UpgradeableLoaderState::Buffer {
                    authority_address: Some(new_authority_key),
                },
            )?;
        }
        UpgradeableLoaderState::ProgramData {
            slot,
            upgrade_authority_address,
        } => {
            if upgrade_authority_address.is_none() {
                return ctx.fail("Program not upgradeable", InstructionError::Immutable);
            }
            if upgrade_authority_address != Some(present_authority_key) {
                return ctx.fail(
                    "Incorrect upgrade authority provided",
                    InstructionError::IncorrectAuthority,
                );
            }
            if !ctx.is_signer(1)? {
                return ctx.fail(
                    "Upgrade authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            if !ctx.is_signer(2)? {
                return ctx.fail(
                    "New authority did not sign",
                    InstructionError::MissingRequiredSignature,
                );
            }
            set_state(
                &mut account,
                &UpgradeableLoaderState::ProgramData {
                    slot,
                    upgrade_authority_address: Some(new_authority_key),
                },
            )?;
        }
        _ => {
            return ctx.fail(
                "Account does not support authorities",
                InstructionError::InvalidArgument,
            );
        }
    }
    drop(account);
    ctx.msg(format!("New authority {new_authority_key}"));
    Ok(())
}

/// `common_close_account`: the authority at position 2 must match and sign; the lamports
/// go to the recipient (position 1) and the account becomes `Uninitialized`.
fn common_close_account(
    ctx: &Ctx,
    authority_address: &Option<Pubkey>,
) -> Result<(), InstructionError> {
    if authority_address.is_none() {
        return ctx.fail("Account is immutable", InstructionError::Immutable);
    }
    if *authority_address != Some(ctx.key(2)?) {
        return ctx.fail(
            "Incorrect authority provided",
            InstructionError::IncorrectAuthority,
        );
    }
    if !ctx.is_signer(2)? {
        return ctx.fail(
            "Authority did not sign",
            InstructionError::MissingRequiredSignature,
        );
    }
    let mut close_account = ctx.borrow(0)?;
    let mut recipient_account = ctx.borrow(1)?;
    recipient_account.checked_add_lamports(close_account.lamports())?;
    close_account.set_lamports(0)?;
    if !ctx.legacy {
        close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
    }
    set_state(&mut close_account, &UpgradeableLoaderState::Uninitialized)
}

fn close(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let mut closed_program = None;
    let result = (|| {
        let ctx = Ctx::new(invoke_context);
        let program_id = ctx.program_id()?;
        ctx.check_number_of_instruction_accounts(2)?;
        if ctx.index_in_transaction(0)? == ctx.index_in_transaction(1)? {
            return ctx.fail(
                "Recipient is the same as the account being closed",
                InstructionError::InvalidArgument,
            );
        }
        let mut close_account = ctx.borrow(0)?;
        let close_key = *close_account.key();
        let close_account_state = get_state(&close_account)?;
        if ctx.legacy {
            close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
        }
        match close_account_state {
            UpgradeableLoaderState::Uninitialized => {
                let mut recipient_account = ctx.borrow(1)?;
                recipient_account.checked_add_lamports(close_account.lamports())?;
                close_account.set_lamports(0)?;
                if !ctx.legacy {
                    close_account.set_data_length(SIZE_OF_UNINITIALIZED)?;
                }
                drop((recipient_account, close_account));
                ctx.msg(format!("Closed Uninitialized {close_key}"));
            }
            UpgradeableLoaderState::Buffer { authority_address } => {
                ctx.check_number_of_instruction_accounts(3)?;
                drop(close_account);
                common_close_account(&ctx, &authority_address)?;
                ctx.msg(format!("Closed Buffer {close_key}"));
            }
            UpgradeableLoaderState::ProgramData {
                slot: deployment_slot,
                upgrade_authority_address: authority_address,
            } => {
                ctx.check_number_of_instruction_accounts(4)?;
                drop(close_account);
                let program_account = ctx.borrow(3)?;
                let program_key = *program_account.key();
                if !program_account.is_writable() {
                    return ctx.fail(
                        "Program account is not writable",
                        InstructionError::InvalidArgument,
                    );
                }
                if *program_account.owner() != program_id {
                    return ctx.fail(
                        "Program account not owned by loader",
                        InstructionError::IncorrectProgramId,
                    );
                }
                if ctx.sysvars.clock.slot == deployment_slot {
                    return ctx.fail(
                        "Program was deployed in this block already",
                        InstructionError::InvalidArgument,
                    );
                }
                match get_state(&program_account)? {
                    UpgradeableLoaderState::Program {
                        programdata_address,
                    } => {
                        if programdata_address != close_key {
                            return ctx.fail(
                                "ProgramData account does not match ProgramData account",
                                InstructionError::InvalidArgument,
                            );
                        }
                        drop(program_account);
                        common_close_account(&ctx, &authority_address)?;
                        closed_program = Some(program_key);
                    }
                    _ => {
                        return ctx
                            .fail("Invalid Program account", InstructionError::InvalidArgument);
                    }
                }
                ctx.msg(format!("Closed Program {program_key}"));
            }
            _ => {
                return ctx.fail(
                    "Account does not support closing",
                    InstructionError::InvalidArgument,
                );
            }
        }
        Ok(())
    })();
    // The tombstone is stored as soon as the accounts are closed.
    if let Some(program_key) = closed_program {
        invoke_context
            .program_deployments
            .record(program_key, ProgramStatus::Closed);
    }
    result
}

/// `common_extend_program` for `ExtendProgram` (accounts: 0 program data, 1 program,
/// 2 system program, 3 optional payer).
fn common_extend_program(
    invoke_context: &mut InvokeContext,
    additional_bytes: u32,
) -> Result<(), InstructionError> {
    const PROGRAM_DATA_ACCOUNT_INDEX: usize = 0;
    const PROGRAM_ACCOUNT_INDEX: usize = 1;
    const OPTIONAL_PAYER_ACCOUNT_INDEX: usize = 3;

    let ctx = Ctx::new(invoke_context);
    let program_id = ctx.program_id()?;
    if additional_bytes == 0 {
        return ctx.fail(
            "Additional bytes must be greater than 0",
            InstructionError::InvalidInstructionData,
        );
    }

    let programdata_account = ctx.borrow(PROGRAM_DATA_ACCOUNT_INDEX)?;
    let programdata_key = *programdata_account.key();
    if program_id != *programdata_account.owner() {
        return ctx.fail(
            "ProgramData owner is invalid",
            InstructionError::InvalidAccountOwner,
        );
    }
    if !programdata_account.is_writable() {
        return ctx.fail(
            "ProgramData is not writable",
            InstructionError::InvalidArgument,
        );
    }

    let program_account = ctx.borrow(PROGRAM_ACCOUNT_INDEX)?;
    if !program_account.is_writable() {
        return ctx.fail(
            "Program account is not writable",
            InstructionError::InvalidArgument,
        );
    }
    if *program_account.owner() != program_id {
        return ctx.fail(
            "Program account not owned by loader",
            InstructionError::InvalidAccountOwner,
        );
    }
    let program_key = *program_account.key();
    match get_state(&program_account)? {
        UpgradeableLoaderState::Program {
            programdata_address,
        } => {
            if programdata_address != programdata_key {
                return ctx.fail(
                    "Program account does not match ProgramData account",
                    InstructionError::InvalidArgument,
                );
            }
        }
        _ => {
            return ctx.fail(
                "Invalid Program account",
                InstructionError::InvalidAccountData,
            );
        }
    }
    drop(program_account);

    let old_len = programdata_account.data().len();
    let new_len = old_len.saturating_add(additional_bytes as usize);
    if new_len > MAX_PERMITTED_DATA_LENGTH as usize {
        return ctx.fail(
            format!(
                "Extended ProgramData length of {new_len} bytes exceeds max account data length of {MAX_PERMITTED_DATA_LENGTH} bytes"
            ),
            InstructionError::InvalidRealloc,
        );
    }

    if ctx.features.loader_v3_minimum_extend_program_size() {
        // SIMD-0431: at least 10 KiB, unless that would pass the maximum account size, in
        // which case exactly the remaining room.
        let headroom = (MAX_PERMITTED_DATA_LENGTH as usize).saturating_sub(old_len);
        if additional_bytes < MINIMUM_EXTEND_PROGRAM_BYTES
            && (additional_bytes as usize) != headroom
        {
            return ctx.fail(
                format!(
                    "ExtendProgram requires a minimum of {MINIMUM_EXTEND_PROGRAM_BYTES} additional bytes or to extend to maximum size, but only {additional_bytes} were requested"
                ),
                InstructionError::InvalidArgument,
            );
        }
    }

    let clock_slot = ctx.sysvars.clock.slot;
    let upgrade_authority_address = if let UpgradeableLoaderState::ProgramData {
        slot,
        upgrade_authority_address,
    } = get_state(&programdata_account)?
    {
        if clock_slot == slot {
            return ctx.fail(
                "Program was extended in this block already",
                InstructionError::InvalidArgument,
            );
        }
        if upgrade_authority_address.is_none() {
            return ctx.fail(
                "Cannot extend ProgramData accounts that are not upgradeable",
                InstructionError::Immutable,
            );
        }
        upgrade_authority_address
    } else {
        return ctx.fail(
            "ProgramData state is invalid",
            InstructionError::InvalidAccountData,
        );
    };

    let required_payment = {
        let balance = programdata_account.lamports();
        let min_balance = ctx.sysvars.rent.minimum_balance(new_len).max(1);
        min_balance.saturating_sub(balance)
    };
    // Borrowed accounts are released before the native CPI.
    drop(programdata_account);
    let payer_key = if required_payment > 0 {
        Some(ctx.key(OPTIONAL_PAYER_ACCOUNT_INDEX)?)
    } else {
        None
    };
    if let Some(payer_key) = payer_key {
        native_invoke_signed(
            invoke_context,
            system_instruction::transfer(&payer_key, &programdata_key, required_payment),
            &[],
        )?;
    }

    {
        let ctx = Ctx::new(invoke_context);
        let mut programdata_account = ctx.borrow(PROGRAM_DATA_ACCOUNT_INDEX)?;
        programdata_account.set_data_length(new_len)?;
    }
    deploy_program(
        invoke_context,
        &program_key,
        &program_id,
        PROGRAM_DATA_ACCOUNT_INDEX,
        PROGRAMDATA_METADATA_SIZE,
        clock_slot,
    )?;

    let ctx = Ctx::new(invoke_context);
    let mut programdata_account = ctx.borrow(PROGRAM_DATA_ACCOUNT_INDEX)?;
    set_state(
        &mut programdata_account,
        &UpgradeableLoaderState::ProgramData {
            slot: clock_slot,
            upgrade_authority_address,
        },
    )?;
    drop(programdata_account);
    ctx.msg(format!(
        "Extended ProgramData account by {additional_bytes} bytes"
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use solana_account::Account;
    use solana_clock::Clock;
    use solana_instruction::{AccountMeta, Instruction};
    use solana_sdk_ids::system_program;

    use super::*;
    use crate::features::{ids, FeatureSet};
    use crate::processor::{Runtime, TransactionError, TransactionOutcome, TransactionSettings};

    const SOL: u64 = 1_000_000_000;
    const SLOT: u64 = 5;
    /// What the mock executor accepts as a deployable program.
    const ELF: &[u8] = b"\x7fELF mock program v1";
    const ELF_V2: &[u8] = b"\x7fELF mock program version 2";

    /// Deploys anything that starts with the ELF magic, runs every program for 10 CU, and
    /// records the reloads the runtime asks for.
    #[derive(Default)]
    struct MockExecutor {
        reloads: RefCell<Vec<(Pubkey, Option<Vec<u8>>)>>,
    }

    impl ProgramExecutor for MockExecutor {
        fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
            invoke_context.consume(10);
            invoke_context.log("Program log: mock ran".to_string());
            Ok(())
        }

        fn deploy(
            &self,
            _: &InvokeContext,
            _: &Pubkey,
            _: &Pubkey,
            elf: &[u8],
        ) -> Result<(), String> {
            if elf.starts_with(b"\x7fELF") {
                Ok(())
            } else {
                Err("ELF error: invalid file header".to_string())
            }
        }

        fn reload(&self, program_id: &Pubkey, _: &Pubkey, elf: Option<&[u8]>) {
            self.reloads
                .borrow_mut()
                .push((*program_id, elf.map(|elf| elf.to_vec())));
        }
    }

    struct Env {
        runtime: Runtime,
        executor: Rc<MockExecutor>,
        payer: Pubkey,
        authority: Pubkey,
    }

    fn loader() -> Pubkey {
        bpf_loader_upgradeable::id()
    }

    fn rent() -> RentParams {
        RentParams::default()
    }

    fn env_with(features: FeatureSet) -> Env {
        let executor = Rc::new(MockExecutor::default());
        let sysvars = Sysvars {
            clock: Clock {
                slot: SLOT,
                ..Clock::default()
            },
            ..Sysvars::default()
        };
        let mut runtime = Runtime::new(features, sysvars, executor.clone());
        let payer = Pubkey::new_unique();
        runtime.store.set(
            payer,
            Account {
                lamports: 100 * SOL,
                owner: system_program::id(),
                ..Account::default()
            },
        );
        Env {
            runtime,
            executor,
            payer,
            authority: Pubkey::new_unique(),
        }
    }

    fn env() -> Env {
        env_with(FeatureSet::mainnet())
    }

    fn state_bytes(state: &UpgradeableLoaderState) -> Vec<u8> {
        bincode::serialize(state).unwrap()
    }

    fn loader_account(data: Vec<u8>, executable: bool) -> Account {
        Account {
            lamports: rent().minimum_balance(data.len()),
            data,
            owner: loader(),
            executable,
            rent_epoch: 0,
        }
    }

    fn buffer_data(authority: Option<Pubkey>, elf: &[u8]) -> Vec<u8> {
        let mut data = state_bytes(&UpgradeableLoaderState::Buffer {
            authority_address: authority,
        });
        data.extend_from_slice(elf);
        data
    }

    fn programdata_data(slot: u64, authority: Option<Pubkey>, elf: &[u8], len: usize) -> Vec<u8> {
        let mut data = state_bytes(&UpgradeableLoaderState::ProgramData {
            slot,
            upgrade_authority_address: authority,
        });
        data.resize(PROGRAMDATA_METADATA_SIZE, 0);
        data.extend_from_slice(elf);
        data.resize(PROGRAMDATA_METADATA_SIZE + len, 0);
        data
    }

    fn programdata_address(program: &Pubkey) -> Pubkey {
        crate::pda::try_find_program_address(&[program.as_ref()], &loader())
            .unwrap()
            .0
    }

    fn ix(instruction: &UpgradeableLoaderInstruction, accounts: Vec<AccountMeta>) -> Instruction {
        Instruction::new_with_bincode(loader(), instruction, accounts)
    }

    impl Env {
        fn run(&mut self, instruction: Instruction) -> TransactionOutcome {
            self.runtime
                .process_transaction(&[instruction], &TransactionSettings::default(), None)
        }

        /// Stores a buffer holding `elf` under `authority`.
        fn add_buffer(&mut self, authority: Option<Pubkey>, elf: &[u8]) -> Pubkey {
            let buffer = Pubkey::new_unique();
            self.runtime
                .store
                .set(buffer, loader_account(buffer_data(authority, elf), false));
            buffer
        }

        /// Stores a deployed program (program + program data deployed at `slot`).
        fn add_program(&mut self, slot: u64, authority: Option<Pubkey>, len: usize) -> Pubkey {
            let program = Pubkey::new_unique();
            let programdata = programdata_address(&program);
            self.runtime.store.set(
                program,
                loader_account(
                    state_bytes(&UpgradeableLoaderState::Program {
                        programdata_address: programdata,
                    }),
                    true,
                ),
            );
            self.runtime.store.set(
                programdata,
                loader_account(programdata_data(slot, authority, ELF, len), false),
            );
            program
        }

        fn invoke(&mut self, program: Pubkey) -> TransactionOutcome {
            self.run(Instruction::new_with_bytes(program, &[], vec![]))
        }

        fn set_slot(&mut self, slot: u64) {
            let mut sysvars = (*self.runtime.sysvars).clone();
            sysvars.clock.slot = slot;
            self.runtime.set_sysvars(sysvars);
        }
    }

    fn error(outcome: &TransactionOutcome) -> Option<InstructionError> {
        match &outcome.result {
            Ok(()) => None,
            Err(TransactionError::InstructionError(_, error)) => Some(error.clone()),
            Err(other) => panic!("unexpected transaction error {other:?}"),
        }
    }

    fn account(env: &Env, key: &Pubkey) -> Account {
        env.runtime.store.get(key).cloned().unwrap_or_default()
    }

    fn state(env: &Env, key: &Pubkey) -> UpgradeableLoaderState {
        decode_state(&account(env, key).data).unwrap()
    }

    fn deploy_ix(env: &Env, program: Pubkey, buffer: Pubkey, max_data_len: usize) -> Instruction {
        ix(
            &UpgradeableLoaderInstruction::DeployWithMaxDataLen { max_data_len },
            vec![
                AccountMeta::new(env.payer, true),
                AccountMeta::new(programdata_address(&program), false),
                AccountMeta::new(program, false),
                AccountMeta::new(buffer, false),
                AccountMeta::new_readonly(sysvar::rent::id(), false),
                AccountMeta::new_readonly(sysvar::clock::id(), false),
                AccountMeta::new_readonly(system_program::id(), false),
                AccountMeta::new_readonly(env.authority, true),
            ],
        )
    }

    fn upgrade_ix(env: &Env, program: Pubkey, buffer: Pubkey, spill: Pubkey) -> Instruction {
        ix(
            &UpgradeableLoaderInstruction::Upgrade,
            vec![
                AccountMeta::new(programdata_address(&program), false),
                AccountMeta::new(program, false),
                AccountMeta::new(buffer, false),
                AccountMeta::new(spill, false),
                AccountMeta::new_readonly(sysvar::rent::id(), false),
                AccountMeta::new_readonly(sysvar::clock::id(), false),
                AccountMeta::new_readonly(env.authority, true),
            ],
        )
    }

    fn legacy_features() -> FeatureSet {
        let mut features = FeatureSet::mainnet();
        features.deactivate(&ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
        features
    }

    #[test]
    fn non_upgradeable_loaders_refuse_management_instructions() {
        for (loader_id, units, message) in [
            (
                bpf_loader::id(),
                DEFAULT_LOADER_COMPUTE_UNITS,
                "BPF loader management instructions are no longer supported",
            ),
            (
                bpf_loader_deprecated::id(),
                DEPRECATED_LOADER_COMPUTE_UNITS,
                "Deprecated loader is no longer supported",
            ),
        ] {
            let mut env = env();
            let outcome = env.run(Instruction::new_with_bytes(
                loader_id,
                &[1, 0, 0, 0],
                vec![],
            ));
            assert_eq!(
                error(&outcome),
                Some(InstructionError::UnsupportedProgramId)
            );
            assert_eq!(outcome.compute_units_consumed, units);
            assert_eq!(outcome.logs[1], message);
        }
        // Not enough compute units for the charge.
        let mut env = env();
        let outcome = env.runtime.process_transaction(
            &[Instruction::new_with_bytes(bpf_loader::id(), &[], vec![])],
            &TransactionSettings {
                compute_unit_limit: Some(100),
                ..TransactionSettings::default()
            },
            None,
        );
        assert_eq!(
            error(&outcome),
            Some(InstructionError::ComputationalBudgetExceeded)
        );
    }

    #[test]
    fn undecodable_instructions_are_invalid_instruction_data() {
        let mut env = env();
        for data in [vec![], vec![8, 0, 0, 0], vec![9, 0, 0, 0, 1, 0, 0, 0]] {
            let outcome = env.run(Instruction::new_with_bytes(loader(), &data, vec![]));
            assert_eq!(
                error(&outcome),
                Some(InstructionError::InvalidInstructionData)
            );
            assert_eq!(
                outcome.compute_units_consumed,
                UPGRADEABLE_LOADER_COMPUTE_UNITS
            );
        }
        // Write data longer than a packet cannot be decoded.
        let write = bincode::serialize(&UpgradeableLoaderInstruction::Write {
            offset: 0,
            bytes: vec![7; 1300],
        })
        .unwrap();
        let outcome = env.run(Instruction::new_with_bytes(loader(), &write, vec![]));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::InvalidInstructionData)
        );
    }

    #[test]
    fn initialize_buffer_and_write() {
        let mut env = env();
        let buffer = Pubkey::new_unique();
        env.runtime.store.set(
            buffer,
            loader_account(vec![0; BUFFER_METADATA_SIZE + 8], false),
        );
        let init = ix(
            &UpgradeableLoaderInstruction::InitializeBuffer,
            vec![
                AccountMeta::new(buffer, false),
                AccountMeta::new_readonly(env.authority, false),
            ],
        );
        let outcome = env.run(init.clone());
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.compute_units_consumed, 2_370);
        assert_eq!(
            state(&env, &buffer),
            UpgradeableLoaderState::Buffer {
                authority_address: Some(env.authority)
            }
        );
        // Again: already initialized.
        let outcome = env.run(init);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::AccountAlreadyInitialized)
        );
        assert!(outcome
            .logs
            .contains(&"Buffer account already initialized".to_string()));

        let write = |offset: u32, bytes: Vec<u8>, authority: Pubkey, signer: bool| {
            ix(
                &UpgradeableLoaderInstruction::Write { offset, bytes },
                vec![
                    AccountMeta::new(buffer, false),
                    AccountMeta::new_readonly(authority, signer),
                ],
            )
        };
        let outcome = env.run(write(2, vec![1, 2, 3], env.authority, true));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(
            account(&env, &buffer).data[BUFFER_METADATA_SIZE..],
            [0, 0, 1, 2, 3, 0, 0, 0]
        );
        let outcome = env.run(write(6, vec![1, 2, 3], env.authority, true));
        assert_eq!(error(&outcome), Some(InstructionError::AccountDataTooSmall));
        assert!(outcome.logs.contains(&format!(
            "Write overflow: {} < {}",
            BUFFER_METADATA_SIZE + 8,
            BUFFER_METADATA_SIZE + 9
        )));
        let outcome = env.run(write(0, vec![1], Pubkey::new_unique(), true));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        let outcome = env.run(write(0, vec![1], env.authority, false));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::MissingRequiredSignature)
        );
        // Too few accounts.
        let outcome = env.run(ix(
            &UpgradeableLoaderInstruction::Write {
                offset: 0,
                bytes: vec![],
            },
            vec![AccountMeta::new(buffer, false)],
        ));
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));

        // An immutable buffer, and an account that is not a buffer.
        let immutable = env.add_buffer(None, ELF);
        let outcome = env.run(ix(
            &UpgradeableLoaderInstruction::Write {
                offset: 0,
                bytes: vec![1],
            },
            vec![
                AccountMeta::new(immutable, false),
                AccountMeta::new_readonly(env.authority, true),
            ],
        ));
        assert_eq!(error(&outcome), Some(InstructionError::Immutable));
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(ix(
            &UpgradeableLoaderInstruction::Write {
                offset: 0,
                bytes: vec![1],
            },
            vec![
                AccountMeta::new(program, false),
                AccountMeta::new_readonly(env.authority, true),
            ],
        ));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
    }

    #[test]
    fn deploy_with_max_data_len_creates_the_program() {
        let mut env = env();
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let buffer_lamports = account(&env, &buffer).lamports;
        let program = Pubkey::new_unique();
        env.runtime
            .store
            .set(program, loader_account(vec![0; PROGRAM_SIZE], false));
        let payer_before = account(&env, &env.payer).lamports;
        let max_data_len = ELF.len() + 10;
        let outcome = env.run(deploy_ix(&env, program, buffer, max_data_len));
        assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
        // The loader's charge and the System program's CreateAccount.
        assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
        assert_eq!(
            outcome.logs,
            vec![
                format!("Program {} invoke [1]", loader()),
                format!("Program {} invoke [2]", system_program::id()),
                format!("Program {} success", system_program::id()),
                format!("Deployed program {program}"),
                format!("Program {} success", loader()),
            ]
        );
        let programdata = programdata_address(&program);
        assert_eq!(
            state(&env, &program),
            UpgradeableLoaderState::Program {
                programdata_address: programdata
            }
        );
        assert!(account(&env, &program).executable);
        let programdata_account = account(&env, &programdata);
        assert_eq!(
            programdata_account.data,
            programdata_data(SLOT, Some(env.authority), ELF, max_data_len)
        );
        let programdata_rent = rent().minimum_balance(PROGRAMDATA_METADATA_SIZE + max_data_len);
        assert_eq!(programdata_account.lamports, programdata_rent);
        // The buffer was drained to the payer (and removed at 0 lamports).
        assert!(env.runtime.store.get(&buffer).is_none());
        assert_eq!(
            account(&env, &env.payer).lamports,
            payer_before + buffer_lamports - programdata_rent
        );
        // The executor reloads the committed ELF.
        assert_eq!(
            *env.executor.reloads.borrow(),
            vec![(
                program,
                Some(
                    programdata_data(SLOT, Some(env.authority), ELF, max_data_len)
                        [PROGRAMDATA_METADATA_SIZE..]
                        .to_vec()
                )
            )]
        );
        // Not executable in the deployment slot, executable from the next one.
        let outcome = env.invoke(program);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::UnsupportedProgramId)
        );
        assert!(outcome
            .logs
            .contains(&"Program is not deployed".to_string()));
        env.set_slot(SLOT + 1);
        let outcome = env.invoke(program);
        assert_eq!(outcome.result, Ok(()));
        assert!(outcome.logs.contains(&"Program log: mock ran".to_string()));
    }

    #[test]
    fn deploy_with_max_data_len_failures() {
        let mut env = env();
        let new_program = |env: &mut Env| {
            let program = Pubkey::new_unique();
            env.runtime
                .store
                .set(program, loader_account(vec![0; PROGRAM_SIZE], false));
            program
        };
        // The ELF fails verification: InvalidAccountData with the executor's message, and
        // nothing changes.
        let buffer = env.add_buffer(Some(env.authority), b"not an elf");
        let program = new_program(&mut env);
        let outcome = env.run(deploy_ix(&env, program, buffer, 64));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
        assert!(outcome
            .logs
            .contains(&"ELF error: invalid file header".to_string()));
        assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
        assert!(env
            .runtime
            .store
            .get(&programdata_address(&program))
            .is_none());
        assert!(env.executor.reloads.borrow().is_empty());

        // Buffer authority mismatch.
        let other = env.add_buffer(Some(Pubkey::new_unique()), ELF);
        let outcome = env.run(deploy_ix(&env, program, other, 64));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        // Max data length too small.
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let outcome = env.run(deploy_ix(&env, program, buffer, 1));
        assert_eq!(error(&outcome), Some(InstructionError::AccountDataTooSmall));
        // Program data address not derived from the program id.
        let mut instruction = deploy_ix(&env, program, buffer, 64);
        instruction.accounts[1].pubkey = Pubkey::new_unique();
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"ProgramData address is not derived".to_string()));
        // Authority did not sign.
        let mut instruction = deploy_ix(&env, program, buffer, 64);
        instruction.accounts[7].is_signer = false;
        let outcome = env.run(instruction);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::MissingRequiredSignature)
        );
        // Wrong sysvar account.
        let mut instruction = deploy_ix(&env, program, buffer, 64);
        instruction.accounts[4].pubkey = sysvar::clock::id();
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        // A program account that is already initialized.
        let deployed = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(deploy_ix(&env, deployed, buffer, 64));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::AccountAlreadyInitialized)
        );
        // A buffer the loader does not own (Agave 4.4 checks it up front).
        let foreign = Pubkey::new_unique();
        let mut foreign_account = loader_account(buffer_data(Some(env.authority), ELF), false);
        foreign_account.owner = Pubkey::new_unique();
        env.runtime.store.set(foreign, foreign_account);
        let outcome = env.run(deploy_ix(&env, program, foreign, 64));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectProgramId));
        assert!(outcome
            .logs
            .contains(&"Buffer account not owned by loader".to_string()));

        // Agave 2.1 (SIMD-0162 inactive) does not check the buffer's owner: the drain fails.
        let mut legacy = env_with(legacy_features());
        let mut foreign_account = loader_account(buffer_data(Some(legacy.authority), ELF), false);
        foreign_account.owner = Pubkey::new_unique();
        legacy.runtime.store.set(foreign, foreign_account);
        let program = new_program(&mut legacy);
        let outcome = legacy.run(deploy_ix(&legacy, program, foreign, 64));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::ExternalAccountLamportSpend)
        );
    }

    #[test]
    fn upgrade_replaces_the_program() {
        let mut env = env();
        let program = env.add_program(SLOT - 1, Some(env.authority), ELF_V2.len() + 4);
        let programdata = programdata_address(&program);
        let buffer = env.add_buffer(Some(env.authority), ELF_V2);
        let spill = Pubkey::new_unique();
        let programdata_lamports = account(&env, &programdata).lamports;
        let buffer_lamports = account(&env, &buffer).lamports;
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
        assert_eq!(outcome.compute_units_consumed, 2_370);
        assert_eq!(outcome.logs[1], format!("Upgraded program {program}"));
        let programdata_account = account(&env, &programdata);
        assert_eq!(
            programdata_account.data,
            programdata_data(SLOT, Some(env.authority), ELF_V2, ELF_V2.len() + 4)
        );
        let required = rent().minimum_balance(programdata_account.data.len());
        assert_eq!(programdata_account.lamports, required);
        assert_eq!(
            account(&env, &spill).lamports,
            programdata_lamports + buffer_lamports - required
        );
        assert!(env.runtime.store.get(&buffer).is_none());
        assert_eq!(env.executor.reloads.borrow().len(), 1);
        assert_eq!(
            env.executor.reloads.borrow()[0]
                .1
                .as_deref()
                .map(|elf| &elf[..ELF_V2.len()]),
            Some(ELF_V2)
        );
        let outcome = env.invoke(program);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::UnsupportedProgramId)
        );
    }

    #[test]
    fn upgrade_resizes_the_program_data_with_simd_0433() {
        let mut features = FeatureSet::mainnet();
        features.activate(ids::LOADER_V3_SET_PROGRAM_DATA_TO_ELF_LENGTH);
        let mut env = env_with(features);
        let program = env.add_program(SLOT - 1, Some(env.authority), 200);
        let programdata = programdata_address(&program);
        let buffer = env.add_buffer(Some(env.authority), ELF_V2);
        let spill = Pubkey::new_unique();
        let total = account(&env, &programdata).lamports + account(&env, &buffer).lamports;
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
        let programdata_account = account(&env, &programdata);
        let new_len = PROGRAMDATA_METADATA_SIZE + ELF_V2.len();
        assert_eq!(
            programdata_account.data,
            programdata_data(SLOT, Some(env.authority), ELF_V2, ELF_V2.len())
        );
        assert_eq!(
            programdata_account.lamports,
            rent().minimum_balance(new_len)
        );
        assert_eq!(
            account(&env, &spill).lamports,
            total - rent().minimum_balance(new_len)
        );
    }

    #[test]
    fn upgrade_failures() {
        let mut env = env();
        // Deployed in this slot already.
        let program = env.add_program(SLOT, Some(env.authority), ELF.len());
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let spill = Pubkey::new_unique();
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"Program was deployed in this block already".to_string()));
        // Immutable.
        let program = env.add_program(0, None, ELF.len());
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(error(&outcome), Some(InstructionError::Immutable));
        assert!(outcome
            .logs
            .contains(&"Program not upgradeable".to_string()));
        let immutable_buffer = env.add_buffer(None, ELF);
        let mut instruction = upgrade_ix(&env, program, immutable_buffer, spill);
        instruction.accounts[6].pubkey = Pubkey::new_unique();
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        // Wrong authority on the program data.
        let program = env.add_program(0, Some(Pubkey::new_unique()), ELF.len());
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        assert!(outcome
            .logs
            .contains(&"Incorrect upgrade authority provided".to_string()));
        // Program data too small for the new ELF.
        let program = env.add_program(0, Some(env.authority), 2);
        let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
        assert_eq!(error(&outcome), Some(InstructionError::AccountDataTooSmall));
        // Program account read-only.
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let mut instruction = upgrade_ix(&env, program, buffer, spill);
        instruction.accounts[1].is_writable = false;
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        // Mismatched program data.
        let other = env.add_program(0, Some(env.authority), ELF.len());
        let mut instruction = upgrade_ix(&env, program, buffer, spill);
        instruction.accounts[0].pubkey = programdata_address(&other);
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        // The new ELF fails verification.
        let bad = env.add_buffer(Some(env.authority), b"garbage!");
        let outcome = env.run(upgrade_ix(&env, program, bad, spill));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
        // Too few accounts.
        let mut instruction = upgrade_ix(&env, program, buffer, spill);
        instruction.accounts.truncate(6);
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
        // Agave 2.1: the program account must be executable.
        let mut legacy = env_with(legacy_features());
        let program = legacy.add_program(0, Some(legacy.authority), ELF.len());
        let buffer = legacy.add_buffer(Some(legacy.authority), ELF);
        let mut program_account = account(&legacy, &program);
        program_account.executable = false;
        legacy.runtime.store.set(program, program_account);
        let outcome = legacy.run(upgrade_ix(&legacy, program, buffer, spill));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::AccountNotExecutable)
        );
        assert!(env.executor.reloads.borrow().is_empty());
    }

    fn set_authority_ix(
        account: Pubkey,
        current: Pubkey,
        new: Option<Pubkey>,
        checked: bool,
    ) -> Instruction {
        let mut accounts = vec![
            AccountMeta::new(account, false),
            AccountMeta::new_readonly(current, true),
        ];
        if let Some(new) = new {
            accounts.push(AccountMeta::new_readonly(new, checked));
        }
        let instruction = if checked {
            UpgradeableLoaderInstruction::SetAuthorityChecked
        } else {
            UpgradeableLoaderInstruction::SetAuthority
        };
        ix(&instruction, accounts)
    }

    #[test]
    fn set_authority() {
        let mut env = env();
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let new = Pubkey::new_unique();
        let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), false));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.logs[1], format!("New authority Some({new})"));
        assert_eq!(
            state(&env, &buffer),
            UpgradeableLoaderState::Buffer {
                authority_address: Some(new)
            }
        );
        // A buffer's authority cannot be removed; the old authority no longer works.
        let outcome = env.run(set_authority_ix(buffer, new, None, false));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        assert!(outcome
            .logs
            .contains(&"Buffer authority is not optional".to_string()));
        let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), false));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));

        // Program data: finalize (no new authority), then it is immutable.
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let programdata = programdata_address(&program);
        let outcome = env.run(set_authority_ix(programdata, env.authority, None, false));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.logs[1], "New authority None");
        assert_eq!(
            state(&env, &programdata),
            UpgradeableLoaderState::ProgramData {
                slot: 0,
                upgrade_authority_address: None
            }
        );
        let outcome = env.run(set_authority_ix(
            programdata,
            env.authority,
            Some(new),
            false,
        ));
        assert_eq!(error(&outcome), Some(InstructionError::Immutable));
        // Not signed.
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let mut instruction = set_authority_ix(
            programdata_address(&program),
            env.authority,
            Some(new),
            false,
        );
        instruction.accounts[1].is_signer = false;
        let outcome = env.run(instruction);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::MissingRequiredSignature)
        );
        // A program account has no authority.
        let outcome = env.run(set_authority_ix(program, env.authority, Some(new), false));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"Account does not support authorities".to_string()));
    }

    #[test]
    fn pre_v3_programs_cannot_be_finalized_with_simd_0500() {
        let mut features = FeatureSet::mainnet();
        features.activate(ids::DISABLE_SBPF_V0_V1_V2_DEPLOYMENT);
        let mut env = env_with(features);
        // A 64-byte "ELF" whose e_flags (offset 48) say SBPF v0, then v3.
        for (flags, expected) in [
            (0u8, Err(InstructionError::InvalidAccountData)),
            (3, Ok(())),
        ] {
            let program = env.add_program(0, Some(env.authority), 64);
            let programdata = programdata_address(&program);
            let mut programdata_account = account(&env, &programdata);
            programdata_account.data[PROGRAMDATA_METADATA_SIZE + 48] = flags;
            env.runtime.store.set(programdata, programdata_account);
            let outcome = env.run(set_authority_ix(programdata, env.authority, None, false));
            assert_eq!(error(&outcome), expected.err(), "e_flags {flags}");
            // Handing it to another authority is always allowed.
            let outcome = env.run(set_authority_ix(
                programdata,
                env.authority,
                Some(Pubkey::new_unique()),
                false,
            ));
            assert_eq!(outcome.result.is_ok(), flags == 0);
        }
    }

    #[test]
    fn set_authority_checked() {
        let mut env = env();
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let programdata = programdata_address(&program);
        let new = Pubkey::new_unique();
        // The new authority must sign.
        let mut instruction = set_authority_ix(programdata, env.authority, Some(new), true);
        instruction.accounts[2].is_signer = false;
        let outcome = env.run(instruction);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::MissingRequiredSignature)
        );
        assert!(outcome
            .logs
            .contains(&"New authority did not sign".to_string()));
        // Three accounts are required.
        let outcome = env.run(set_authority_ix(programdata, env.authority, None, true));
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
        let outcome = env.run(set_authority_ix(
            programdata,
            env.authority,
            Some(new),
            true,
        ));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.logs[1], format!("New authority {new}"));
        assert_eq!(
            state(&env, &programdata),
            UpgradeableLoaderState::ProgramData {
                slot: 0,
                upgrade_authority_address: Some(new)
            }
        );
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), true));
        assert_eq!(outcome.result, Ok(()));
        // Without the feature the instruction does not exist.
        let mut features = FeatureSet::mainnet();
        features.deactivate(&ids::ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX);
        let mut env = env_with(features);
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), true));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::InvalidInstructionData)
        );
    }

    fn close_ix(
        account: Pubkey,
        recipient: Pubkey,
        authority: Option<Pubkey>,
        program: Option<Pubkey>,
    ) -> Instruction {
        let mut accounts = vec![
            AccountMeta::new(account, false),
            AccountMeta::new(recipient, false),
        ];
        if let Some(authority) = authority {
            accounts.push(AccountMeta::new_readonly(authority, true));
        }
        if let Some(program) = program {
            accounts.push(AccountMeta::new(program, false));
        }
        ix(&UpgradeableLoaderInstruction::Close, accounts)
    }

    #[test]
    fn close_accounts() {
        let mut env = env();
        let recipient = Pubkey::new_unique();
        // Uninitialized.
        let uninitialized = Pubkey::new_unique();
        env.runtime
            .store
            .set(uninitialized, loader_account(vec![0; 100], false));
        let lamports = account(&env, &uninitialized).lamports;
        let outcome = env.run(close_ix(uninitialized, recipient, None, None));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(
            outcome.logs[1],
            format!("Closed Uninitialized {uninitialized}")
        );
        assert_eq!(account(&env, &recipient).lamports, lamports);
        assert!(env.runtime.store.get(&uninitialized).is_none());
        // A buffer needs its authority.
        let buffer = env.add_buffer(Some(env.authority), ELF);
        let outcome = env.run(close_ix(buffer, recipient, None, None));
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
        let outcome = env.run(close_ix(
            buffer,
            recipient,
            Some(Pubkey::new_unique()),
            None,
        ));
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
        let outcome = env.run(close_ix(buffer, recipient, Some(env.authority), None));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(outcome.logs[1], format!("Closed Buffer {buffer}"));
        // An immutable buffer cannot be closed.
        let immutable = env.add_buffer(None, ELF);
        let outcome = env.run(close_ix(immutable, recipient, Some(env.authority), None));
        assert_eq!(error(&outcome), Some(InstructionError::Immutable));
        // Recipient equal to the closed account.
        let outcome = env.run(close_ix(immutable, immutable, None, None));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"Recipient is the same as the account being closed".to_string()));
        // A program account cannot be closed directly.
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(close_ix(program, recipient, Some(env.authority), None));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"Account does not support closing".to_string()));
    }

    #[test]
    fn close_program_leaves_a_tombstone() {
        let mut env = env();
        let recipient = Pubkey::new_unique();
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let programdata = programdata_address(&program);
        let lamports = account(&env, &programdata).lamports;
        // The program account must be passed and writable.
        let outcome = env.run(close_ix(programdata, recipient, Some(env.authority), None));
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
        let mut instruction = close_ix(programdata, recipient, Some(env.authority), Some(program));
        instruction.accounts[3].is_writable = false;
        let outcome = env.run(instruction);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        // Closed in the deployment slot: refused.
        let fresh = env.add_program(SLOT, Some(env.authority), ELF.len());
        let outcome = env.run(close_ix(
            programdata_address(&fresh),
            recipient,
            Some(env.authority),
            Some(fresh),
        ));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));

        let outcome = env.run(close_ix(
            programdata,
            recipient,
            Some(env.authority),
            Some(program),
        ));
        assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
        assert_eq!(outcome.logs[1], format!("Closed Program {program}"));
        assert_eq!(account(&env, &recipient).lamports, lamports);
        assert!(env.runtime.store.get(&programdata).is_none());
        assert_eq!(*env.executor.reloads.borrow(), vec![(program, None)]);
        // The program is a tombstone from now on, in any slot.
        env.set_slot(SLOT + 10);
        let outcome = env.invoke(program);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::UnsupportedProgramId)
        );
        assert!(outcome
            .logs
            .contains(&"Program is not deployed".to_string()));
    }

    #[test]
    fn close_truncates_first_in_agave_2_1() {
        // Agave 2.1 truncates the closed account before the checks that follow; 4.4 only
        // on success. A failed instruction's changes are visible in the invoke context.
        for (features, expected_len) in [(FeatureSet::mainnet(), 100), (legacy_features(), 4)] {
            let buffer = Pubkey::new_unique();
            let mut data = buffer_data(Some(Pubkey::new_unique()), &[0; 63]);
            data.resize(100, 0);
            let accounts = vec![
                (buffer, loader_account(data, false)),
                (Pubkey::new_unique(), Account::default()),
                (Pubkey::new_unique(), Account::default()),
                (
                    loader(),
                    Account {
                        lamports: 1,
                        owner: solana_sdk_ids::native_loader::id(),
                        executable: true,
                        ..Account::default()
                    },
                ),
            ];
            let mut transaction_context = TransactionContext::new(accounts, rent(), 5, 64);
            let instruction_account =
                |index, is_signer, is_writable| crate::transaction_context::InstructionAccount {
                    index_in_transaction: index,
                    is_signer,
                    is_writable,
                };
            transaction_context.configure_top_level(vec![
                crate::transaction_context::InstructionFrame::new(
                    3,
                    vec![
                        instruction_account(0, false, true),
                        instruction_account(1, false, true),
                        instruction_account(2, true, false),
                    ],
                    bincode::serialize(&UpgradeableLoaderInstruction::Close).unwrap(),
                ),
            ]);
            let mut invoke_context = InvokeContext::new(
                transaction_context,
                crate::compute::ComputeBudget::default(),
                std::sync::Arc::new(features),
                std::sync::Arc::new(Sysvars::default()),
                Rc::new(MockExecutor::default()),
                std::sync::Arc::new(vec![(
                    loader(),
                    process_instruction as crate::invoke_context::BuiltinFunction,
                )]),
            );
            assert_eq!(
                invoke_context.process_instruction(None),
                Err(InstructionError::IncorrectAuthority)
            );
            let after = invoke_context.transaction_context.accounts_snapshot();
            assert_eq!(after[0].1.data.len(), expected_len);
        }
    }

    fn extend_ix(env: &Env, program: Pubkey, additional_bytes: u32, payer: bool) -> Instruction {
        let mut accounts = vec![
            AccountMeta::new(programdata_address(&program), false),
            AccountMeta::new(program, false),
        ];
        if payer {
            accounts.push(AccountMeta::new_readonly(system_program::id(), false));
            accounts.push(AccountMeta::new(env.payer, true));
        }
        ix(
            &UpgradeableLoaderInstruction::ExtendProgram { additional_bytes },
            accounts,
        )
    }

    #[test]
    fn extend_program() {
        let mut env = env();
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let programdata = programdata_address(&program);
        let old_len = account(&env, &programdata).data.len();
        let extra = MINIMUM_EXTEND_PROGRAM_BYTES;
        // More rent is due: without a payer the instruction cannot pay it.
        let outcome = env.run(extend_ix(&env, program, extra, false));
        assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
        let payer_before = account(&env, &env.payer).lamports;
        let lamports_before = account(&env, &programdata).lamports;
        let outcome = env.run(extend_ix(&env, program, extra, true));
        assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
        assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
        assert_eq!(
            outcome.logs.last().map(String::as_str),
            Some(format!("Program {} success", loader()).as_str())
        );
        assert!(outcome
            .logs
            .contains(&format!("Extended ProgramData account by {extra} bytes")));
        let programdata_account = account(&env, &programdata);
        let new_len = old_len + extra as usize;
        assert_eq!(programdata_account.data.len(), new_len);
        assert_eq!(
            programdata_account.lamports,
            rent().minimum_balance(new_len)
        );
        assert_eq!(
            account(&env, &env.payer).lamports,
            payer_before - (rent().minimum_balance(new_len) - lamports_before)
        );
        assert_eq!(
            state(&env, &programdata),
            UpgradeableLoaderState::ProgramData {
                slot: SLOT,
                upgrade_authority_address: Some(env.authority)
            }
        );
        assert_eq!(env.executor.reloads.borrow().len(), 1);
        // Extended in this slot already.
        let outcome = env.run(extend_ix(&env, program, extra, true));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        assert!(outcome
            .logs
            .contains(&"Program was extended in this block already".to_string()));
        // Zero bytes, and (SIMD-0431) less than the minimum.
        let outcome = env.run(extend_ix(&env, program, 0, true));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::InvalidInstructionData)
        );
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(extend_ix(&env, program, 8, true));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
        // Immutable programs cannot be extended.
        let immutable = env.add_program(0, None, ELF.len());
        let outcome = env.run(extend_ix(&env, immutable, extra, true));
        assert_eq!(error(&outcome), Some(InstructionError::Immutable));
        // A program data account the loader does not own.
        let mut foreign = account(&env, &programdata_address(&program));
        foreign.owner = Pubkey::new_unique();
        env.runtime
            .store
            .set(programdata_address(&program), foreign);
        let outcome = env.run(extend_ix(&env, program, extra, true));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountOwner));
        // Past the maximum account size.
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(extend_ix(&env, program, u32::MAX, true));
        assert_eq!(error(&outcome), Some(InstructionError::InvalidRealloc));

        // Without SIMD-0431 any size will do.
        let mut features = FeatureSet::mainnet();
        features.deactivate(&ids::LOADER_V3_MINIMUM_EXTEND_PROGRAM_SIZE);
        let mut env = env_with(features);
        let program = env.add_program(0, Some(env.authority), ELF.len());
        let outcome = env.run(extend_ix(&env, program, 8, true));
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(
            account(&env, &programdata_address(&program)).data.len(),
            PROGRAMDATA_METADATA_SIZE + ELF.len() + 8
        );
    }

    #[test]
    fn program_visibility_and_agave_2_1_codes() {
        // A program loaded from accounts whose program data was written in the current slot
        // is not yet visible (DelayVisibility).
        let mut env = env();
        let program = env.add_program(SLOT, Some(env.authority), ELF.len());
        env.runtime
            .program_deployments
            .insert(program, ProgramStatus::DeployedAt(SLOT));
        let outcome = env.invoke(program);
        assert_eq!(
            error(&outcome),
            Some(InstructionError::UnsupportedProgramId)
        );
        assert_eq!(outcome.compute_units_consumed, 0);
        // Agave 2.1: InvalidAccountData, and a program account that is not executable is
        // IncorrectProgramId before anything else.
        let mut legacy = env_with(legacy_features());
        let program = legacy.add_program(SLOT, Some(legacy.authority), ELF.len());
        legacy
            .runtime
            .program_deployments
            .insert(program, ProgramStatus::DeployedAt(SLOT));
        let outcome = legacy.invoke(program);
        assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
        let mut program_account = account(&legacy, &program);
        program_account.executable = false;
        legacy.runtime.store.set(program, program_account);
        let outcome = legacy.invoke(program);
        assert_eq!(error(&outcome), Some(InstructionError::IncorrectProgramId));
        assert!(outcome
            .logs
            .contains(&"Program is not executable".to_string()));
        assert!(ProgramStatus::DeployedAt(3).is_visible_at(4));
        assert!(!ProgramStatus::Closed.is_visible_at(4));
    }

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
