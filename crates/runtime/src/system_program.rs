//! The System program builtin (agave-reference §10), matching Agave 4.4
//! `programs/system/src/system_processor.rs` and `system_instruction.rs`: the same
//! helpers (`allocate`, `assign`, `allocate_and_assign`, `create_account`,
//! `create_account_allow_prefund`, `transfer`, `transfer_verified`, `transfer_with_seed`
//! and the nonce state machine), the same order of checks, the same errors and the same
//! `ic_msg!` log lines.
//!
//! # Entry
//! 1. Charge [`DEFAULT_COMPUTE_UNITS`] (150).
//! 2. Decode the instruction with bincode (fixint, little-endian, at most
//!    [`PACKET_DATA_SIZE`] bytes read, trailing bytes allowed); failure →
//!    `InvalidInstructionData`.
//! 3. The signer set is the keys of this frame's accounts flagged `is_signer`.
//! 4. Each variant first checks its account count (`MissingAccount`).
//!
//! # Durable nonces in sbfvm
//! Agave reads the blockhash a nonce is advanced to from its environment
//! (`environment_config.blockhash`, the bank's last blockhash) together with
//! `blockhash_lamports_per_signature`. In sbfvm both come from the invoke context's
//! [`EnvironmentConfig`](crate::invoke_context::EnvironmentConfig); a host (the conformance
//! harness, for example) may set them. By default sbfvm, which has no bank and no blockhash
//! queue, uses a fixed environment blockhash per slot of the Clock sysvar:
//!
//! * slot 0 (the default Clock): [`ENVIRONMENT_BLOCKHASH`];
//! * slot `s > 0`: SHA-256([`ENVIRONMENT_BLOCKHASH`] ‖ `s` as 8 little-endian bytes).
//!
//! See [`environment_blockhash`]. A nonce can therefore be advanced once per slot, which is
//! exactly Agave's rule ("nonce can only advance once per slot"): to advance again, move the
//! Clock sysvar to another slot. The lamports per signature recorded in nonce data is
//! [`LAMPORTS_PER_SIGNATURE`]. The durable nonce is derived as Agave does
//! (`DurableNonce::from_blockhash`: SHA-256("DURABLE_NONCE" ‖ blockhash)); see
//! [`environment_durable_nonce`].
//!
//! Agave's nonce instructions also name the RecentBlockhashes sysvar (and Rent) as
//! accounts. As in Agave only the account *key* is checked (`InvalidArgument` when it is
//! not the sysvar id); the sysvar contents come from the runtime's
//! [`Sysvars::recent_blockhashes`](crate::sysvars::Sysvars). By default that list holds the
//! environment blockhash, so it is never empty; an explicit empty list gives
//! `NonceNoRecentBlockhashes` (`Custom(6)`) and an unavailable sysvar `UnsupportedSysvar`, as
//! Agave's sysvar cache does. Rent comes from the runtime's Rent sysvar values.
//!
//! # Older behaviour
//! A missing instruction account is `MissingAccount`, or `NotEnoughAccountKeys` when the
//! feature set selects the pre-3.1 error (see
//! [`TransactionContext::missing_account_error`]). The executable-account rules of
//! SIMD-0162 (inactive) are applied by [`BorrowedAccount`].

use std::cell::RefCell;
use std::collections::HashSet;

use bincode::Options;
use sha2::{Digest, Sha256};
use solana_instruction_error::InstructionError;
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::{AuthorizeNonceError, Versions as NonceVersions};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{system_program, sysvar};
use solana_system_interface::error::SystemError;
use solana_system_interface::instruction::SystemInstruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use crate::invoke_context::InvokeContext;
use crate::log_collector::LogCollector;
use crate::sysvars::{RecentBlockhashes, RentParams};
use crate::transaction_context::{BorrowedAccount, TransactionContext};

/// Compute units charged by every System program instruction before anything else.
pub const DEFAULT_COMPUTE_UNITS: u64 = 150;

/// Maximum number of instruction-data bytes the decoder reads (`PACKET_DATA_SIZE`).
pub const PACKET_DATA_SIZE: u64 = 1232;

/// sbfvm's fixed environment blockhash: the blockhash nonce instructions see at Clock
/// slot 0. Other slots derive theirs from it (see [`environment_blockhash`]).
pub const ENVIRONMENT_BLOCKHASH: [u8; 32] = *b"sbfvm environment blockhash\0\0\0\0\0";

/// sbfvm's fixed `blockhash_lamports_per_signature`, recorded in nonce data.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

/// The environment blockhash at `slot`: [`ENVIRONMENT_BLOCKHASH`] for slot 0, otherwise
/// SHA-256([`ENVIRONMENT_BLOCKHASH`] ‖ `slot` little-endian).
pub fn environment_blockhash(slot: u64) -> [u8; 32] {
    if slot == 0 {
        return ENVIRONMENT_BLOCKHASH;
    }
    let mut hasher = Sha256::new();
    hasher.update(ENVIRONMENT_BLOCKHASH);
    hasher.update(slot.to_le_bytes());
    hasher.finalize().into()
}

/// The durable nonce a nonce account initialized or advanced at `slot` stores
/// (SHA-256("DURABLE_NONCE" ‖ [`environment_blockhash`]`(slot)`)).
pub fn environment_durable_nonce(slot: u64) -> [u8; 32] {
    durable_nonce_from_blockhash(environment_blockhash(slot))
        .as_hash()
        .to_bytes()
}

fn durable_nonce_from_blockhash(blockhash: [u8; 32]) -> DurableNonce {
    DurableNonce::from_blockhash(&blockhash.into())
}

/// The builtin entrypoint (`BuiltinFunction`).
pub fn process_instruction(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let create_account_allow_prefund = invoke_context.features.create_account_allow_prefund();
    process_instruction_with(invoke_context, create_account_allow_prefund)
}

/// What the helpers need from the invoke context. The log collector sits in a `RefCell` so
/// messages can be logged while accounts borrowed from the transaction context are alive
/// (Agave's `ic_msg!` takes `&InvokeContext` for the same reason).
struct Env<'a> {
    transaction_context: &'a TransactionContext,
    log_collector: RefCell<Option<&'a mut LogCollector>>,
    rent: RentParams,
    /// The RecentBlockhashes sysvar.
    recent_blockhashes: &'a RecentBlockhashes,
    /// `environment_config.blockhash`.
    blockhash: [u8; 32],
    /// `environment_config.blockhash_lamports_per_signature`.
    blockhash_lamports_per_signature: u64,
}

impl<'a> Env<'a> {
    /// `ic_msg!`: the message is logged as is.
    fn msg(&self, message: String) {
        if let Some(collector) = self.log_collector.borrow_mut().as_mut() {
            collector.log(message);
        }
    }

    fn number_of_instruction_accounts(&self) -> Result<usize, InstructionError> {
        Ok(self.transaction_context.current_frame()?.accounts.len())
    }

    /// `InstructionContext::check_number_of_instruction_accounts`.
    fn check_number_of_instruction_accounts(
        &self,
        expected: usize,
    ) -> Result<(), InstructionError> {
        if self.number_of_instruction_accounts()? < expected {
            return Err(self.transaction_context.missing_account_error());
        }
        Ok(())
    }

    /// `InstructionContext::get_key_of_instruction_account`.
    fn key_of_instruction_account(&self, position: usize) -> Result<Pubkey, InstructionError> {
        let frame = self.transaction_context.current_frame()?;
        let account = frame
            .accounts
            .get(position)
            .ok_or_else(|| self.transaction_context.missing_account_error())?;
        Ok(*self
            .transaction_context
            .key_of(account.index_in_transaction)?)
    }

    /// `InstructionContext::is_instruction_account_signer`.
    fn is_instruction_account_signer(&self, position: usize) -> Result<bool, InstructionError> {
        let frame = self.transaction_context.current_frame()?;
        frame
            .accounts
            .get(position)
            .map(|account| account.is_signer)
            .ok_or(InstructionError::MissingAccount)
    }

    /// `InstructionContext::get_signers`.
    fn signers(&self) -> Result<HashSet<Pubkey>, InstructionError> {
        let frame = self.transaction_context.current_frame()?;
        let mut signers = HashSet::new();
        for account in frame.accounts.iter().filter(|account| account.is_signer) {
            signers.insert(
                *self
                    .transaction_context
                    .key_of(account.index_in_transaction)?,
            );
        }
        Ok(signers)
    }

    /// `InstructionContext::try_borrow_instruction_account`.
    fn borrow(&self, position: usize) -> Result<BorrowedAccount<'a>, InstructionError> {
        self.transaction_context.borrow_current_account(position)
    }

    /// The check of `get_sysvar_with_account_check`: the account at `position` must be the
    /// sysvar `id`.
    fn check_sysvar_account(&self, position: usize, id: &Pubkey) -> Result<(), InstructionError> {
        if self.key_of_instruction_account(position)? != *id {
            return Err(InstructionError::InvalidArgument);
        }
        Ok(())
    }

    /// `get_sysvar_with_account_check::recent_blockhashes`: returns whether the list is
    /// empty (never, by default: see the module docs); `UnsupportedSysvar` when the sysvar is
    /// unavailable.
    fn recent_blockhashes_is_empty(&self, position: usize) -> Result<bool, InstructionError> {
        self.check_sysvar_account(position, &sysvar::recent_blockhashes::id())?;
        match self.recent_blockhashes {
            RecentBlockhashes::Environment => Ok(false),
            RecentBlockhashes::Entries(entries) => Ok(entries.is_empty()),
            RecentBlockhashes::Unavailable => Err(InstructionError::UnsupportedSysvar),
        }
    }

    /// `get_sysvar_with_account_check::rent`.
    fn rent(&self, position: usize) -> Result<RentParams, InstructionError> {
        self.check_sysvar_account(position, &sysvar::rent::id())?;
        Ok(self.rent)
    }
}

fn system_error(error: SystemError) -> InstructionError {
    InstructionError::Custom(error as u32)
}

/// Agave's `limited_deserialize(data, PACKET_DATA_SIZE)`.
fn limited_deserialize(data: &[u8]) -> Result<SystemInstruction, InstructionError> {
    bincode::options()
        .with_limit(PACKET_DATA_SIZE)
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .deserialize_from(data)
        .map_err(|_| InstructionError::InvalidInstructionData)
}

/// `create_with_seed`, with Agave's conversion of the address error to `Custom(e as u64)`
/// (`MaxSeedLengthExceeded` → `Custom(0)`, `IllegalOwner` → `Custom(2)`).
fn create_with_seed(base: &Pubkey, seed: &str, owner: &Pubkey) -> Result<Pubkey, InstructionError> {
    crate::pda::create_with_seed(base, seed, owner)
        .map_err(|error| InstructionError::Custom(error.code() as u32))
}

/// An address that may or may not have been derived from a seed. Its `Debug` output is
/// what Agave's `{:?}` log lines print.
#[derive(Debug, PartialEq, Eq)]
struct Address {
    address: Pubkey,
    base: Option<Pubkey>,
}

impl Address {
    fn is_signer(&self, signers: &HashSet<Pubkey>) -> bool {
        match &self.base {
            Some(base) => signers.contains(base),
            None => signers.contains(&self.address),
        }
    }

    fn create(
        address: &Pubkey,
        with_seed: Option<(&Pubkey, &str, &Pubkey)>,
        env: &Env,
    ) -> Result<Self, InstructionError> {
        let base = match with_seed {
            Some((base, seed, owner)) => {
                let address_with_seed = create_with_seed(base, seed, owner)?;
                if *address != address_with_seed {
                    env.msg(format!(
                        "Create: address {address} does not match derived address {address_with_seed}"
                    ));
                    return Err(system_error(SystemError::AddressWithSeedMismatch));
                }
                Some(*base)
            }
            None => None,
        };
        Ok(Self {
            address: *address,
            base,
        })
    }
}

fn allocate(
    account: &mut BorrowedAccount,
    address: &Address,
    space: u64,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    if !address.is_signer(signers) {
        env.msg(format!("Allocate: 'to' account {address:?} must sign"));
        return Err(InstructionError::MissingRequiredSignature);
    }
    // An account with data or a non-system owner looks already in use.
    if !account.data().is_empty() || *account.owner() != system_program::id() {
        env.msg(format!("Allocate: account {address:?} already in use"));
        return Err(system_error(SystemError::AccountAlreadyInUse));
    }
    if space > MAX_PERMITTED_DATA_LENGTH {
        env.msg(format!(
            "Allocate: requested {space}, max allowed {MAX_PERMITTED_DATA_LENGTH}"
        ));
        return Err(system_error(SystemError::InvalidAccountDataLength));
    }
    account.set_data_length(space as usize)
}

fn assign(
    account: &mut BorrowedAccount,
    address: &Address,
    owner: &Pubkey,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    // Nothing to do, and no signature needed.
    if account.owner() == owner {
        return Ok(());
    }
    if !address.is_signer(signers) {
        env.msg(format!("Assign: account {address:?} must sign"));
        return Err(InstructionError::MissingRequiredSignature);
    }
    account.set_owner(owner)
}

fn allocate_and_assign(
    to: &mut BorrowedAccount,
    to_address: &Address,
    space: u64,
    owner: &Pubkey,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    allocate(to, to_address, space, signers, env)?;
    assign(to, to_address, owner, signers, env)
}

#[allow(clippy::too_many_arguments)]
fn create_account(
    from_position: usize,
    to_position: usize,
    to_address: &Address,
    lamports: u64,
    space: u64,
    owner: &Pubkey,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    {
        let mut to = env.borrow(to_position)?;
        if to.lamports() > 0 {
            env.msg(format!(
                "Create Account: account {to_address:?} already in use"
            ));
            return Err(system_error(SystemError::AccountAlreadyInUse));
        }
        allocate_and_assign(&mut to, to_address, space, owner, signers, env)?;
    }
    transfer(from_position, to_position, lamports, env)
}

/// Creates an account without requiring it to hold zero lamports (SIMD-0312); every other
/// check of `create_account` remains. The transfer happens only when `lamports > 0`.
fn create_account_allow_prefund(
    to_position: usize,
    to_address: &Address,
    from_and_lamports: Option<(usize, u64)>,
    space: u64,
    owner: &Pubkey,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    {
        let mut to = env.borrow(to_position)?;
        allocate_and_assign(&mut to, to_address, space, owner, signers, env)?;
    }
    if let Some((from_position, lamports)) = from_and_lamports {
        if lamports > 0 {
            transfer(from_position, to_position, lamports, env)?;
        }
    }
    Ok(())
}

fn transfer_verified(
    from_position: usize,
    to_position: usize,
    lamports: u64,
    env: &Env,
) -> Result<(), InstructionError> {
    let mut from = env.borrow(from_position)?;
    if !from.data().is_empty() {
        env.msg("Transfer: `from` must not carry data".to_string());
        return Err(InstructionError::InvalidArgument);
    }
    if lamports > from.lamports() {
        env.msg(format!(
            "Transfer: insufficient lamports {}, need {lamports}",
            from.lamports()
        ));
        return Err(system_error(SystemError::ResultWithNegativeLamports));
    }
    from.checked_sub_lamports(lamports)?;
    drop(from);
    let mut to = env.borrow(to_position)?;
    to.checked_add_lamports(lamports)
}

fn transfer(
    from_position: usize,
    to_position: usize,
    lamports: u64,
    env: &Env,
) -> Result<(), InstructionError> {
    if !env.is_instruction_account_signer(from_position)? {
        env.msg(format!(
            "Transfer: `from` account {} must sign",
            env.key_of_instruction_account(from_position)?
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    transfer_verified(from_position, to_position, lamports, env)
}

fn transfer_with_seed(
    from_position: usize,
    from_base_position: usize,
    from_seed: &str,
    from_owner: &Pubkey,
    to_position: usize,
    lamports: u64,
    env: &Env,
) -> Result<(), InstructionError> {
    if !env.is_instruction_account_signer(from_base_position)? {
        env.msg(format!(
            "Transfer: 'from' account {:?} must sign",
            env.key_of_instruction_account(from_base_position)?
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    let address_from_seed = create_with_seed(
        &env.key_of_instruction_account(from_base_position)?,
        from_seed,
        from_owner,
    )?;
    let from_key = env.key_of_instruction_account(from_position)?;
    if from_key != address_from_seed {
        env.msg(format!(
            "Transfer: 'from' address {from_key} does not match derived address {address_from_seed}"
        ));
        return Err(system_error(SystemError::AddressWithSeedMismatch));
    }
    transfer_verified(from_position, to_position, lamports, env)
}

// ----- nonce accounts (Agave's `system_instruction.rs`) -----

/// `BorrowedAccount::get_state`: bincode, trailing bytes allowed.
fn get_state(account: &BorrowedAccount) -> Result<NonceVersions, InstructionError> {
    bincode::deserialize(account.data()).map_err(|_| InstructionError::InvalidAccountData)
}

/// `BorrowedAccount::set_state`: the data must be changeable and large enough; the state
/// overwrites its prefix and the rest of the data is left as it was.
fn set_state(account: &mut BorrowedAccount, state: &NonceVersions) -> Result<(), InstructionError> {
    let data = account.data_mut()?;
    let serialized_size =
        bincode::serialized_size(state).map_err(|_| InstructionError::GenericError)?;
    if serialized_size > data.len() as u64 {
        return Err(InstructionError::AccountDataTooSmall);
    }
    bincode::serialize_into(&mut *data, state).map_err(|_| InstructionError::GenericError)
}

fn advance_nonce_account(
    account: &mut BorrowedAccount,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        env.msg(format!(
            "Advance nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    let state = get_state(account)?;
    match state.state() {
        NonceState::Initialized(data) => {
            if !signers.contains(&data.authority) {
                env.msg(format!(
                    "Advance nonce account: Account {} must be a signer",
                    data.authority
                ));
                return Err(InstructionError::MissingRequiredSignature);
            }
            let next_durable_nonce = durable_nonce_from_blockhash(env.blockhash);
            if data.durable_nonce == next_durable_nonce {
                env.msg("Advance nonce account: nonce can only advance once per slot".to_string());
                return Err(system_error(SystemError::NonceBlockhashNotExpired));
            }
            let new_data = NonceData::new(
                data.authority,
                next_durable_nonce,
                env.blockhash_lamports_per_signature,
            );
            set_state(
                account,
                &NonceVersions::new(NonceState::Initialized(new_data)),
            )
        }
        NonceState::Uninitialized => {
            env.msg(format!(
                "Advance nonce account: Account {} state is invalid",
                account.key()
            ));
            Err(InstructionError::InvalidAccountData)
        }
    }
}

fn withdraw_nonce_account(
    from_position: usize,
    lamports: u64,
    to_position: usize,
    rent: &RentParams,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    let mut from = env.borrow(from_position)?;
    if !from.is_writable() {
        env.msg(format!(
            "Withdraw nonce account: Account {} must be writeable",
            from.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    let state = get_state(&from)?;
    let signer = match state.state() {
        NonceState::Uninitialized => {
            if lamports > from.lamports() {
                env.msg(format!(
                    "Withdraw nonce account: insufficient lamports {}, need {lamports}",
                    from.lamports()
                ));
                return Err(InstructionError::InsufficientFunds);
            }
            *from.key()
        }
        NonceState::Initialized(data) => {
            if lamports == from.lamports() {
                // Closing the account: only once the stored nonce is no longer current.
                let durable_nonce = durable_nonce_from_blockhash(env.blockhash);
                if data.durable_nonce == durable_nonce {
                    env.msg(
                        "Withdraw nonce account: nonce can only advance once per slot".to_string(),
                    );
                    return Err(system_error(SystemError::NonceBlockhashNotExpired));
                }
                set_state(&mut from, &NonceVersions::new(NonceState::Uninitialized))?;
            } else {
                // A partial withdrawal must leave the account rent-exempt.
                let min_balance = rent.minimum_balance(from.data().len());
                let amount = lamports
                    .checked_add(min_balance)
                    .ok_or(InstructionError::InsufficientFunds)?;
                if amount > from.lamports() {
                    env.msg(format!(
                        "Withdraw nonce account: insufficient lamports {}, need {amount}",
                        from.lamports()
                    ));
                    return Err(InstructionError::InsufficientFunds);
                }
            }
            data.authority
        }
    };
    if !signers.contains(&signer) {
        env.msg(format!(
            "Withdraw nonce account: Account {signer} must sign"
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    from.checked_sub_lamports(lamports)?;
    drop(from);
    let mut to = env.borrow(to_position)?;
    to.checked_add_lamports(lamports)
}

fn initialize_nonce_account(
    account: &mut BorrowedAccount,
    nonce_authority: &Pubkey,
    rent: &RentParams,
    env: &Env,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        env.msg(format!(
            "Initialize nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    match get_state(account)?.state() {
        NonceState::Uninitialized => {
            let min_balance = rent.minimum_balance(account.data().len());
            if account.lamports() < min_balance {
                env.msg(format!(
                    "Initialize nonce account: insufficient lamports {}, need {min_balance}",
                    account.lamports()
                ));
                return Err(InstructionError::InsufficientFunds);
            }
            let durable_nonce = durable_nonce_from_blockhash(env.blockhash);
            let data = NonceData::new(
                *nonce_authority,
                durable_nonce,
                env.blockhash_lamports_per_signature,
            );
            set_state(account, &NonceVersions::new(NonceState::Initialized(data)))
        }
        NonceState::Initialized(_) => {
            env.msg(format!(
                "Initialize nonce account: Account {} state is invalid",
                account.key()
            ));
            Err(InstructionError::InvalidAccountData)
        }
    }
}

fn authorize_nonce_account(
    account: &mut BorrowedAccount,
    nonce_authority: &Pubkey,
    signers: &HashSet<Pubkey>,
    env: &Env,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        env.msg(format!(
            "Authorize nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    match get_state(account)?.authorize(signers, *nonce_authority) {
        Ok(versions) => set_state(account, &versions),
        Err(AuthorizeNonceError::Uninitialized) => {
            env.msg(format!(
                "Authorize nonce account: Account {} state is invalid",
                account.key()
            ));
            Err(InstructionError::InvalidAccountData)
        }
        Err(AuthorizeNonceError::MissingRequiredSignature(account_authority)) => {
            env.msg(format!(
                "Authorize nonce account: Account {account_authority} must sign"
            ));
            Err(InstructionError::MissingRequiredSignature)
        }
    }
}

// ----- dispatch -----

/// The body of [`process_instruction`], with the `create_account_allow_prefund` feature
/// passed in.
fn process_instruction_with(
    invoke_context: &mut InvokeContext,
    create_account_allow_prefund_active: bool,
) -> Result<(), InstructionError> {
    invoke_context.consume_checked(DEFAULT_COMPUTE_UNITS)?;

    let InvokeContext {
        transaction_context,
        log_collector,
        sysvars,
        environment,
        ..
    } = invoke_context;
    let blockhash = environment.blockhash(sysvars);
    let env = Env {
        transaction_context,
        log_collector: RefCell::new(log_collector.as_mut()),
        rent: sysvars.rent,
        recent_blockhashes: &sysvars.recent_blockhashes,
        blockhash: blockhash.blockhash,
        blockhash_lamports_per_signature: blockhash.lamports_per_signature,
    };

    let instruction = limited_deserialize(&env.transaction_context.current_frame()?.data)?;
    let signers = env.signers()?;
    match instruction {
        SystemInstruction::CreateAccount {
            lamports,
            space,
            owner,
        } => {
            env.check_number_of_instruction_accounts(2)?;
            let to_address = Address::create(&env.key_of_instruction_account(1)?, None, &env)?;
            create_account(0, 1, &to_address, lamports, space, &owner, &signers, &env)
        }
        SystemInstruction::CreateAccountWithSeed {
            base,
            seed,
            lamports,
            space,
            owner,
        } => {
            env.check_number_of_instruction_accounts(2)?;
            let to_address = Address::create(
                &env.key_of_instruction_account(1)?,
                Some((&base, &seed, &owner)),
                &env,
            )?;
            create_account(0, 1, &to_address, lamports, space, &owner, &signers, &env)
        }
        SystemInstruction::Assign { owner } => {
            env.check_number_of_instruction_accounts(1)?;
            let mut account = env.borrow(0)?;
            let address = Address::create(&env.key_of_instruction_account(0)?, None, &env)?;
            assign(&mut account, &address, &owner, &signers, &env)
        }
        SystemInstruction::Transfer { lamports } => {
            env.check_number_of_instruction_accounts(2)?;
            transfer(0, 1, lamports, &env)
        }
        SystemInstruction::TransferWithSeed {
            lamports,
            from_seed,
            from_owner,
        } => {
            env.check_number_of_instruction_accounts(3)?;
            transfer_with_seed(0, 1, &from_seed, &from_owner, 2, lamports, &env)
        }
        SystemInstruction::AdvanceNonceAccount => {
            env.check_number_of_instruction_accounts(1)?;
            let mut me = env.borrow(0)?;
            if env.recent_blockhashes_is_empty(1)? {
                env.msg("Advance nonce account: recent blockhash list is empty".to_string());
                return Err(system_error(SystemError::NonceNoRecentBlockhashes));
            }
            advance_nonce_account(&mut me, &signers, &env)
        }
        SystemInstruction::WithdrawNonceAccount(lamports) => {
            env.check_number_of_instruction_accounts(2)?;
            let _recent_blockhashes_is_empty = env.recent_blockhashes_is_empty(2)?;
            let rent = env.rent(3)?;
            withdraw_nonce_account(0, lamports, 1, &rent, &signers, &env)
        }
        SystemInstruction::InitializeNonceAccount(authorized) => {
            env.check_number_of_instruction_accounts(1)?;
            let mut me = env.borrow(0)?;
            if env.recent_blockhashes_is_empty(1)? {
                env.msg("Initialize nonce account: recent blockhash list is empty".to_string());
                return Err(system_error(SystemError::NonceNoRecentBlockhashes));
            }
            let rent = env.rent(2)?;
            initialize_nonce_account(&mut me, &authorized, &rent, &env)
        }
        SystemInstruction::AuthorizeNonceAccount(nonce_authority) => {
            env.check_number_of_instruction_accounts(1)?;
            let mut me = env.borrow(0)?;
            authorize_nonce_account(&mut me, &nonce_authority, &signers, &env)
        }
        SystemInstruction::UpgradeNonceAccount => {
            env.check_number_of_instruction_accounts(1)?;
            let mut nonce_account = env.borrow(0)?;
            if *nonce_account.owner() != system_program::id() {
                return Err(InstructionError::InvalidAccountOwner);
            }
            if !nonce_account.is_writable() {
                return Err(InstructionError::InvalidArgument);
            }
            let nonce_versions = get_state(&nonce_account)?;
            match nonce_versions.upgrade() {
                None => Err(InstructionError::InvalidArgument),
                Some(nonce_versions) => set_state(&mut nonce_account, &nonce_versions),
            }
        }
        SystemInstruction::Allocate { space } => {
            env.check_number_of_instruction_accounts(1)?;
            let mut account = env.borrow(0)?;
            let address = Address::create(&env.key_of_instruction_account(0)?, None, &env)?;
            allocate(&mut account, &address, space, &signers, &env)
        }
        SystemInstruction::AllocateWithSeed {
            base,
            seed,
            space,
            owner,
        } => {
            env.check_number_of_instruction_accounts(1)?;
            let mut account = env.borrow(0)?;
            let address = Address::create(
                &env.key_of_instruction_account(0)?,
                Some((&base, &seed, &owner)),
                &env,
            )?;
            allocate_and_assign(&mut account, &address, space, &owner, &signers, &env)
        }
        SystemInstruction::AssignWithSeed { base, seed, owner } => {
            env.check_number_of_instruction_accounts(1)?;
            let mut account = env.borrow(0)?;
            let address = Address::create(
                &env.key_of_instruction_account(0)?,
                Some((&base, &seed, &owner)),
                &env,
            )?;
            assign(&mut account, &address, &owner, &signers, &env)
        }
        SystemInstruction::CreateAccountAllowPrefund {
            lamports,
            space,
            owner,
        } => {
            if !create_account_allow_prefund_active {
                return Err(InstructionError::InvalidInstructionData);
            }
            let from_and_lamports = if lamports > 0 {
                env.check_number_of_instruction_accounts(2)?;
                Some((1, lamports))
            } else {
                env.check_number_of_instruction_accounts(1)?;
                None
            };
            let to_address = Address::create(&env.key_of_instruction_account(0)?, None, &env)?;
            create_account_allow_prefund(
                0,
                &to_address,
                from_and_lamports,
                space,
                &owner,
                &signers,
                &env,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use solana_account::Account;
    use solana_clock::Clock;
    use solana_instruction::{AccountMeta, Instruction};

    use super::*;
    use crate::features::FeatureSet;
    use crate::invoke_context::{EnvironmentConfig, ExecutionFailure, ProgramExecutor};
    use crate::processor::{Runtime, TransactionError, TransactionOutcome, TransactionSettings};
    use crate::sysvars::BlockhashEntry;
    use crate::sysvars::Sysvars;

    struct NoPrograms;

    impl ProgramExecutor for NoPrograms {
        fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
            Err(ExecutionFailure::program_failed(
                "no SBF programs in these tests",
            ))
        }
    }

    const SOL: u64 = 1_000_000_000;
    const PROGRAM_LOG_PREFIX: &str = "Program 11111111111111111111111111111111";

    fn runtime() -> Runtime {
        Runtime::new(
            FeatureSet::mainnet(),
            Sysvars::default(),
            Rc::new(NoPrograms),
        )
    }

    fn rent_exempt(len: usize) -> u64 {
        RentParams::default().minimum_balance(len)
    }

    fn new_account(lamports: u64, space: usize, owner: &Pubkey) -> Account {
        Account {
            lamports,
            data: vec![0; space],
            owner: *owner,
            executable: false,
            rent_epoch: 0,
        }
    }

    fn system_account(lamports: u64, space: usize) -> Account {
        new_account(lamports, space, &system_program::id())
    }

    fn funded(runtime: &mut Runtime, lamports: u64) -> Pubkey {
        let key = Pubkey::new_unique();
        runtime.store.set(key, system_account(lamports, 0));
        key
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
        outcome.accounts_after[index].clone()
    }

    fn account(runtime: &Runtime, key: &Pubkey) -> Account {
        // A missing (deallocated) account reads as an empty System account.
        runtime.store.get(key).cloned().unwrap_or_default()
    }

    /// An owner whose last 21 bytes are the PDA marker.
    fn illegal_owner() -> Pubkey {
        let mut bytes = [7u8; 32];
        bytes[11..].copy_from_slice(crate::pda::PDA_MARKER);
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
        let mut data =
            bincode::serialize(&SystemInstruction::Transfer { lamports: SOL / 2 }).unwrap();
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
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
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
        let from = Pubkey::new_unique();
        rt.store
            .set(from, new_account(SOL, 0, &Pubkey::new_unique()));
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
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
        let owner = Pubkey::new_unique();
        let create = |lamports, space| SystemInstruction::CreateAccount {
            lamports,
            space,
            owner,
        };
        let metas = |from: Pubkey, to: Pubkey| {
            vec![AccountMeta::new(from, true), AccountMeta::new(to, true)]
        };

        // The new account already holds lamports.
        let to = funded(&mut rt, SOL);
        let outcome = assert_err(
            &mut rt,
            ix(&create(rent_exempt(0), 0), metas(from, to)),
            custom(SystemError::AccountAlreadyInUse),
        );
        assert_log(
            &outcome,
            &format!("Create Account: account {} already in use", plain(&to)),
        );

        // The new account did not sign.
        let to = Pubkey::new_unique();
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(rent_exempt(0), 0),
                vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Allocate: 'to' account {} must sign", plain(&to)),
        );

        // A stored account with 0 lamports is deallocated: whatever data or owner it still
        // carries, the transaction loads it as an empty System account, as Agave's account
        // loader does, so CreateAccount succeeds. (Allocate's "already in use" path for
        // data or a foreign owner is covered by the `allocate` test.)
        let to = Pubkey::new_unique();
        rt.store.set(to, new_account(0, 8, &Pubkey::new_unique()));
        assert_ok(&mut rt, ix(&create(rent_exempt(0), 0), metas(from, to)));
        assert_eq!(account(&rt, &to).lamports, rent_exempt(0));
        assert!(account(&rt, &to).data.is_empty());

        // Too large.
        let to = Pubkey::new_unique();
        let outcome = assert_err(
            &mut rt,
            ix(&create(SOL, MAX_PERMITTED_DATA_LENGTH + 1), metas(from, to)),
            custom(SystemError::InvalidAccountDataLength),
        );
        assert_log(
            &outcome,
            "Allocate: requested 10485761, max allowed 10485760",
        );

        // The funder did not sign: allocate and assign ran first, then the transfer fails.
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(rent_exempt(0), 0),
                vec![AccountMeta::new(from, false), AccountMeta::new(to, true)],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Transfer: `from` account {from} must sign"),
        );

        // Insufficient funds.
        let poor = funded(&mut rt, rent_exempt(0));
        let outcome = assert_err(
            &mut rt,
            ix(&create(rent_exempt(0) + 1, 0), metas(poor, to)),
            custom(SystemError::ResultWithNegativeLamports),
        );
        assert_log(
            &outcome,
            &format!(
                "Transfer: insufficient lamports {}, need {}",
                rent_exempt(0),
                rent_exempt(0) + 1
            ),
        );

        // The funder carries data.
        let with_data = Pubkey::new_unique();
        rt.store.set(with_data, system_account(SOL, 8));
        let outcome = assert_err(
            &mut rt,
            ix(&create(rent_exempt(0), 0), metas(with_data, to)),
            InstructionError::InvalidArgument,
        );
        assert_log(&outcome, "Transfer: `from` must not carry data");

        // The funder belongs to another program.
        let foreign = Pubkey::new_unique();
        rt.store
            .set(foreign, new_account(SOL, 0, &Pubkey::new_unique()));
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
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
        let owner = Pubkey::new_unique();
        // Base = funder.
        let to = Pubkey::create_with_seed(&from, "shiny pepper", &owner).unwrap();
        assert_ok(
            &mut rt,
            ix(
                &SystemInstruction::CreateAccountWithSeed {
                    base: from,
                    seed: "shiny pepper".into(),
                    lamports: rent_exempt(2),
                    space: 2,
                    owner,
                },
                vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
            ),
        );
        let created = account(&rt, &to);
        assert_eq!(
            (created.lamports, created.data.len(), created.owner),
            (rent_exempt(2), 2, owner)
        );

        // A separate base account that signs.
        let base = Pubkey::new_unique();
        let to = Pubkey::create_with_seed(&base, "", &owner).unwrap();
        assert_ok(
            &mut rt,
            ix(
                &SystemInstruction::CreateAccountWithSeed {
                    base,
                    seed: String::new(),
                    lamports: rent_exempt(0),
                    space: 0,
                    owner,
                },
                vec![
                    AccountMeta::new(from, true),
                    AccountMeta::new(to, false),
                    AccountMeta::new_readonly(base, true),
                ],
            ),
        );
        assert_eq!(account(&rt, &to).owner, owner);
    }

    #[test]
    fn create_account_with_seed_failures() {
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
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

        // Address mismatch.
        let to = Pubkey::new_unique();
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(seed, owner),
                vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
            ),
            custom(SystemError::AddressWithSeedMismatch),
        );
        assert_log(
            &outcome,
            &format!("Create: address {to} does not match derived address {derived}"),
        );

        // Seed too long → Custom(0); owner ending with the PDA marker → Custom(2).
        assert_err(
            &mut rt,
            ix(
                &create(&"x".repeat(33), owner),
                vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
            ),
            InstructionError::Custom(0),
        );
        assert_err(
            &mut rt,
            ix(
                &create(seed, illegal_owner()),
                vec![AccountMeta::new(from, true), AccountMeta::new(to, true)],
            ),
            InstructionError::Custom(2),
        );

        // The base must sign; the new account's own signature does not count.
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(seed, owner),
                vec![
                    AccountMeta::new(from, true),
                    AccountMeta::new(derived, true),
                ],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!(
                "Allocate: 'to' account {} must sign",
                seeded(&derived, &base)
            ),
        );

        // Already in use.
        rt.store.set(derived, system_account(1, 0));
        let outcome = assert_err(
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
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            ix(&assign, vec![AccountMeta::new(key, false)]),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
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
        let foreign = Pubkey::new_unique();
        rt.store.set(
            foreign,
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
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
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
        let mut rt = runtime();
        let from = funded(&mut rt, 10 * SOL);
        let to = funded(&mut rt, SOL);
        let transfer = |lamports| SystemInstruction::Transfer { lamports };

        // Missing signature.
        let outcome = assert_err(
            &mut rt,
            ix(
                &transfer(1),
                vec![AccountMeta::new(from, false), AccountMeta::new(to, false)],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Transfer: `from` account {from} must sign"),
        );

        // Insufficient lamports.
        let outcome = assert_err(
            &mut rt,
            ix(
                &transfer(10 * SOL + 1),
                vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
            ),
            custom(SystemError::ResultWithNegativeLamports),
        );
        assert_log(
            &outcome,
            &format!(
                "Transfer: insufficient lamports {}, need {}",
                10 * SOL,
                10 * SOL + 1
            ),
        );

        // The source carries data.
        let with_data = Pubkey::new_unique();
        rt.store.set(with_data, system_account(SOL, 10));
        let outcome = assert_err(
            &mut rt,
            ix(
                &transfer(1),
                vec![
                    AccountMeta::new(with_data, true),
                    AccountMeta::new(to, false),
                ],
            ),
            InstructionError::InvalidArgument,
        );
        assert_log(&outcome, "Transfer: `from` must not carry data");

        // The source belongs to another program.
        let foreign = Pubkey::new_unique();
        rt.store
            .set(foreign, new_account(SOL, 0, &Pubkey::new_unique()));
        assert_err(
            &mut rt,
            ix(
                &transfer(1),
                vec![AccountMeta::new(foreign, true), AccountMeta::new(to, false)],
            ),
            InstructionError::ExternalAccountLamportSpend,
        );

        // A read-only source or destination fails even for 0 lamports.
        assert_err(
            &mut rt,
            ix(
                &transfer(0),
                vec![
                    AccountMeta::new(from, true),
                    AccountMeta::new_readonly(to, false),
                ],
            ),
            InstructionError::ReadonlyLamportChange,
        );
        assert_err(
            &mut rt,
            ix(
                &transfer(0),
                vec![
                    AccountMeta::new_readonly(from, true),
                    AccountMeta::new(to, false),
                ],
            ),
            InstructionError::ReadonlyLamportChange,
        );

        // Overflowing the destination.
        let rich = Pubkey::new_unique();
        rt.store.set(rich, system_account(u64::MAX, 0));
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
            vec![
                AccountMeta::new(from, false),
                AccountMeta::new_readonly(base, base_signs),
                AccountMeta::new(to, false),
            ]
        };

        assert_ok(
            &mut rt,
            ix(&transfer(SOL, system_program::id()), metas(true)),
        );
        assert_eq!(account(&rt, &from).lamports, 9 * SOL);
        assert_eq!(account(&rt, &to).lamports, 2 * SOL);

        // The base must sign.
        let outcome = assert_err(
            &mut rt,
            ix(&transfer(SOL, system_program::id()), metas(false)),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Transfer: 'from' account {base} must sign"),
        );

        // The source must be the derived address.
        let other_owner = Pubkey::new_unique();
        let derived = Pubkey::create_with_seed(&base, seed, &other_owner).unwrap();
        let outcome = assert_err(
            &mut rt,
            ix(&transfer(SOL, other_owner), metas(true)),
            custom(SystemError::AddressWithSeedMismatch),
        );
        assert_log(
            &outcome,
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

        let outcome = assert_err(
            &mut rt,
            ix(&allocate(100), vec![AccountMeta::new(key, false)]),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Allocate: 'to' account {} must sign", plain(&key)),
        );

        let outcome = assert_err(
            &mut rt,
            ix(
                &allocate(MAX_PERMITTED_DATA_LENGTH + 1),
                vec![AccountMeta::new(key, true)],
            ),
            custom(SystemError::InvalidAccountDataLength),
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            ix(&allocate(100), vec![AccountMeta::new(key, true)]),
            custom(SystemError::AccountAlreadyInUse),
        );
        assert_log(
            &outcome,
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
        let metas = |base_signs| {
            vec![
                AccountMeta::new(key, false),
                AccountMeta::new_readonly(base, base_signs),
            ]
        };

        let outcome = assert_err(
            &mut rt,
            ix(&allocate(seed), metas(false)),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Allocate: 'to' account {} must sign", seeded(&key, &base)),
        );

        let derived = Pubkey::create_with_seed(&base, "other", &owner).unwrap();
        let outcome = assert_err(
            &mut rt,
            ix(&allocate("other"), metas(true)),
            custom(SystemError::AddressWithSeedMismatch),
        );
        assert_log(
            &outcome,
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
        let metas = |base_signs| {
            vec![
                AccountMeta::new(key, false),
                AccountMeta::new_readonly(base, base_signs),
            ]
        };

        let outcome = assert_err(
            &mut rt,
            ix(&assign("assigned"), metas(false)),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(top_up, 32),
                vec![AccountMeta::new(key, false), AccountMeta::new(funder, true)],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Allocate: 'to' account {} must sign", plain(&key)),
        );
        let outcome = assert_err(
            &mut rt,
            ix(
                &create(top_up, 32),
                vec![AccountMeta::new(key, true), AccountMeta::new(funder, false)],
            ),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Transfer: `from` account {funder} must sign"),
        );
        let used = Pubkey::new_unique();
        rt.store.set(used, system_account(rent_exempt(1), 1));
        assert_err(
            &mut rt,
            ix(&create(0, 32), vec![AccountMeta::new(used, true)]),
            custom(SystemError::AccountAlreadyInUse),
        );
    }

    fn process_without_prefund(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
        process_instruction_with(invoke_context, false)
    }

    #[test]
    fn create_account_allow_prefund_is_feature_gated() {
        let mut rt = runtime();
        rt.add_builtin(system_program::id(), process_without_prefund);
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
    fn durable_nonce_derivation() {
        assert_eq!(environment_blockhash(0), ENVIRONMENT_BLOCKHASH);
        assert_ne!(environment_blockhash(1), environment_blockhash(2));
        let mut hasher = Sha256::new();
        hasher.update(b"DURABLE_NONCE");
        hasher.update(environment_blockhash(7));
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(environment_durable_nonce(7), expected);
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
        let outcome = assert_err(
            &mut rt,
            initialize(nonce, authority),
            InstructionError::InvalidAccountData,
        );
        assert_log(
            &outcome,
            &format!("Initialize nonce account: Account {nonce} state is invalid"),
        );

        // Same blockhash as the stored nonce: cannot advance.
        let outcome = assert_err(
            &mut rt,
            advance(nonce, authority),
            custom(SystemError::NonceBlockhashNotExpired),
        );
        assert_log(
            &outcome,
            "Advance nonce account: nonce can only advance once per slot",
        );

        // Next slot: advance once, not twice.
        set_slot(&mut rt, 1);
        let stranger = Pubkey::new_unique();
        let outcome = assert_err(
            &mut rt,
            advance(nonce, stranger),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            authorize(nonce, stranger, new_authority),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            withdraw(nonce, to, new_authority, extra + 1),
            InstructionError::InsufficientFunds,
        );
        assert_log(
            &outcome,
            &format!(
                "Withdraw nonce account: insufficient lamports {nonce_lamports}, need {}",
                nonce_lamports + 1
            ),
        );
        let outcome = assert_err(
            &mut rt,
            withdraw(nonce, to, authority, extra),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Withdraw nonce account: Account {new_authority} must sign"),
        );
        assert_ok(&mut rt, withdraw(nonce, to, new_authority, extra));
        assert_eq!(account(&rt, &nonce).lamports, rent_exempt(NONCE_SIZE));
        assert_eq!(account(&rt, &to).lamports, SOL + extra);
        assert_eq!(nonce_state(&rt, &nonce), initialized(new_authority, 1));

        // Full withdrawal closes the account, but not while the nonce is current.
        set_slot(&mut rt, 1);
        let outcome = assert_err(
            &mut rt,
            withdraw(nonce, to, new_authority, rent_exempt(NONCE_SIZE)),
            custom(SystemError::NonceBlockhashNotExpired),
        );
        assert_log(
            &outcome,
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
        let nonce = Pubkey::new_unique();
        rt.store.set(
            nonce,
            system_account(rent_exempt(NONCE_SIZE) - 1, NONCE_SIZE),
        );

        // Not rent-exempt.
        let outcome = assert_err(
            &mut rt,
            initialize(nonce, authority),
            InstructionError::InsufficientFunds,
        );
        assert_log(
            &outcome,
            &format!(
                "Initialize nonce account: insufficient lamports {}, need {}",
                rent_exempt(NONCE_SIZE) - 1,
                rent_exempt(NONCE_SIZE)
            ),
        );
        rt.store
            .set(nonce, system_account(rent_exempt(NONCE_SIZE), NONCE_SIZE));

        // Wrong or missing sysvar accounts.
        let wrong = Pubkey::new_unique();
        assert_err(
            &mut rt,
            ix(
                &SystemInstruction::InitializeNonceAccount(authority),
                vec![
                    AccountMeta::new(nonce, false),
                    AccountMeta::new_readonly(wrong, false),
                    rent_sysvar(),
                ],
            ),
            InstructionError::InvalidArgument,
        );
        assert_err(
            &mut rt,
            ix(
                &SystemInstruction::InitializeNonceAccount(authority),
                vec![
                    AccountMeta::new(nonce, false),
                    recent_blockhashes(),
                    AccountMeta::new_readonly(wrong, false),
                ],
            ),
            InstructionError::InvalidArgument,
        );
        assert_err(
            &mut rt,
            ix(
                &SystemInstruction::InitializeNonceAccount(authority),
                vec![AccountMeta::new(nonce, false), recent_blockhashes()],
            ),
            InstructionError::MissingAccount,
        );
        assert_err(
            &mut rt,
            ix(
                &SystemInstruction::AdvanceNonceAccount,
                vec![AccountMeta::new(nonce, false)],
            ),
            InstructionError::MissingAccount,
        );

        // Operations on an uninitialized nonce.
        let outcome = assert_err(
            &mut rt,
            advance(nonce, authority),
            InstructionError::InvalidAccountData,
        );
        assert_log(
            &outcome,
            &format!("Advance nonce account: Account {nonce} state is invalid"),
        );
        let outcome = assert_err(
            &mut rt,
            authorize(nonce, authority, authority),
            InstructionError::InvalidAccountData,
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            withdraw(nonce, to, authority, 1),
            InstructionError::MissingRequiredSignature,
        );
        assert_log(
            &outcome,
            &format!("Withdraw nonce account: Account {nonce} must sign"),
        );
        let outcome = assert_err(
            &mut rt,
            withdraw(nonce, to, nonce, rent_exempt(NONCE_SIZE) + 1),
            InstructionError::InsufficientFunds,
        );
        assert_log(
            &outcome,
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
        let outcome = assert_err(
            &mut rt,
            readonly(
                SystemInstruction::InitializeNonceAccount(authority),
                vec![recent_blockhashes(), rent_sysvar()],
            ),
            InstructionError::InvalidArgument,
        );
        assert_log(
            &outcome,
            &format!("Initialize nonce account: Account {nonce} must be writeable"),
        );
        assert_ok(&mut rt, initialize(nonce, authority));
        set_slot(&mut rt, 3);
        let outcome = assert_err(
            &mut rt,
            readonly(
                SystemInstruction::AdvanceNonceAccount,
                vec![
                    recent_blockhashes(),
                    AccountMeta::new_readonly(authority, true),
                ],
            ),
            InstructionError::InvalidArgument,
        );
        assert_log(
            &outcome,
            &format!("Advance nonce account: Account {nonce} must be writeable"),
        );
        let outcome = assert_err(
            &mut rt,
            readonly(
                SystemInstruction::AuthorizeNonceAccount(to),
                vec![AccountMeta::new_readonly(authority, true)],
            ),
            InstructionError::InvalidArgument,
        );
        assert_log(
            &outcome,
            &format!("Authorize nonce account: Account {nonce} must be writeable"),
        );
        let outcome = assert_err(
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
        );
        assert_log(
            &outcome,
            &format!("Withdraw nonce account: Account {nonce} must be writeable"),
        );

        // A nonce account that the system program does not own cannot be written.
        let foreign = Pubkey::new_unique();
        rt.store.set(
            foreign,
            new_account(rent_exempt(NONCE_SIZE), NONCE_SIZE, &Pubkey::new_unique()),
        );
        assert_err(
            &mut rt,
            initialize(foreign, authority),
            InstructionError::ExternalAccountDataModified,
        );

        // Too small for the state.
        let small = Pubkey::new_unique();
        rt.store.set(small, system_account(rent_exempt(8), 8));
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

        let foreign = Pubkey::new_unique();
        rt.store.set(
            foreign,
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
        let nonce = Pubkey::new_unique();
        rt.store
            .set(nonce, system_account(rent_exempt(NONCE_SIZE), NONCE_SIZE));
        nonce
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
        let outcome = assert_err(
            &mut rt,
            initialize(nonce, authority),
            custom(SystemError::NonceNoRecentBlockhashes),
        );
        assert_log(
            &outcome,
            "Initialize nonce account: recent blockhash list is empty",
        );
        let outcome = assert_err(
            &mut rt,
            advance(nonce, authority),
            custom(SystemError::NonceNoRecentBlockhashes),
        );
        assert_log(
            &outcome,
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

    fn runtime_without(features: &[Pubkey]) -> Runtime {
        let mut set = FeatureSet::mainnet();
        for id in features {
            set.deactivate(id);
        }
        let mut rt = runtime();
        rt.set_features(set);
        rt
    }

    #[test]
    #[allow(deprecated)]
    fn missing_accounts_are_not_enough_account_keys_before_simd_0339() {
        let mut rt = runtime_without(&[crate::features::ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT]);
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
            run(&[crate::features::ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS]),
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
}
