//! The System program builtin, matching Agave 4.4
//! `solana-system-program 4.4.0, src/system_processor.rs` and `src/system_instruction.rs`:
//! the same helpers (`allocate`, `assign`, `allocate_and_assign`, `create_account`,
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
//! # Durable nonces
//! Agave reads the blockhash a nonce is advanced to from its environment
//! (`environment_config.blockhash`, the bank's last blockhash) together with
//! `blockhash_lamports_per_signature`; sbfvm's come from the invoke context's
//! [`EnvironmentConfig`](crate::environment::EnvironmentConfig), by default a fixed
//! blockhash per Clock slot (see [`crate::environment`]), so a nonce advances once per slot.
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
//! feature set selects the pre-3.1 error (see the
//! [`InstructionContext`](crate::instruction_context) docs). The executable-account rules of
//! SIMD-0162 (inactive) are applied by [`BorrowedAccount`].

use std::collections::HashSet;

use bincode::Options;
use solana_instruction_error::InstructionError;
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::{AuthorizeNonceError, Versions as NonceVersions};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{system_program, sysvar};
use solana_system_interface::error::SystemError;
use solana_system_interface::instruction::SystemInstruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use crate::instruction_context::InstructionContext;
use crate::invoke_context::{ExecutionFailure, InvokeContext};
use crate::sysvars::{RecentBlockhashes, RentParams};
use crate::transaction_context::BorrowedAccount;

/// Compute units charged by every System program instruction before anything else.
pub(crate) const DEFAULT_COMPUTE_UNITS: u64 = 150;

/// Maximum number of instruction-data bytes the decoder reads (`PACKET_DATA_SIZE`).
const PACKET_DATA_SIZE: u64 = 1232;

/// `DurableNonce::from_blockhash`.
fn durable_nonce_from_blockhash(blockhash: [u8; 32]) -> DurableNonce {
    DurableNonce::from_blockhash(&blockhash.into())
}

/// `get_sysvar_with_account_check::recent_blockhashes`, reduced to whether the list is
/// empty (never, by default: see the module docs); `UnsupportedSysvar` when the sysvar is
/// unavailable.
fn recent_blockhashes_is_empty(
    instruction_context: &InstructionContext,
    position: usize,
) -> Result<bool, InstructionError> {
    instruction_context.check_sysvar_account(position, &sysvar::recent_blockhashes::id())?;
    match &instruction_context.sysvars().recent_blockhashes {
        RecentBlockhashes::Environment => Ok(false),
        RecentBlockhashes::Entries(entries) => Ok(entries.is_empty()),
        RecentBlockhashes::Unavailable => Err(InstructionError::UnsupportedSysvar),
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
        instruction_context: &InstructionContext,
    ) -> Result<Self, InstructionError> {
        let base = match with_seed {
            Some((base, seed, owner)) => {
                let address_with_seed = create_with_seed(base, seed, owner)?;
                if *address != address_with_seed {
                    instruction_context.log(format!(
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !address.is_signer(signers) {
        instruction_context.log(format!("Allocate: 'to' account {address:?} must sign"));
        return Err(InstructionError::MissingRequiredSignature);
    }
    // An account with data or a non-system owner looks already in use.
    if !account.data().is_empty() || *account.owner() != system_program::id() {
        instruction_context.log(format!("Allocate: account {address:?} already in use"));
        return Err(system_error(SystemError::AccountAlreadyInUse));
    }
    if space > MAX_PERMITTED_DATA_LENGTH {
        instruction_context.log(format!(
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    // Nothing to do, and no signature needed.
    if account.owner() == owner {
        return Ok(());
    }
    if !address.is_signer(signers) {
        instruction_context.log(format!("Assign: account {address:?} must sign"));
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    allocate(to, to_address, space, signers, instruction_context)?;
    assign(to, to_address, owner, signers, instruction_context)
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    {
        let mut to = instruction_context.try_borrow_instruction_account(to_position)?;
        if to.lamports() > 0 {
            instruction_context.log(format!(
                "Create Account: account {to_address:?} already in use"
            ));
            return Err(system_error(SystemError::AccountAlreadyInUse));
        }
        allocate_and_assign(
            &mut to,
            to_address,
            space,
            owner,
            signers,
            instruction_context,
        )?;
    }
    transfer(from_position, to_position, lamports, instruction_context)
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    {
        let mut to = instruction_context.try_borrow_instruction_account(to_position)?;
        allocate_and_assign(
            &mut to,
            to_address,
            space,
            owner,
            signers,
            instruction_context,
        )?;
    }
    if let Some((from_position, lamports)) = from_and_lamports {
        if lamports > 0 {
            transfer(from_position, to_position, lamports, instruction_context)?;
        }
    }
    Ok(())
}

fn transfer_verified(
    from_position: usize,
    to_position: usize,
    lamports: u64,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    let mut from = instruction_context.try_borrow_instruction_account(from_position)?;
    if !from.data().is_empty() {
        instruction_context.log("Transfer: `from` must not carry data".to_string());
        return Err(InstructionError::InvalidArgument);
    }
    if lamports > from.lamports() {
        instruction_context.log(format!(
            "Transfer: insufficient lamports {}, need {lamports}",
            from.lamports()
        ));
        return Err(system_error(SystemError::ResultWithNegativeLamports));
    }
    from.checked_sub_lamports(lamports)?;
    drop(from);
    let mut to = instruction_context.try_borrow_instruction_account(to_position)?;
    to.checked_add_lamports(lamports)
}

fn transfer(
    from_position: usize,
    to_position: usize,
    lamports: u64,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !instruction_context.is_instruction_account_signer(from_position)? {
        instruction_context.log(format!(
            "Transfer: `from` account {} must sign",
            instruction_context.get_key_of_instruction_account(from_position)?
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    transfer_verified(from_position, to_position, lamports, instruction_context)
}

fn transfer_with_seed(
    from_position: usize,
    from_base_position: usize,
    from_seed: &str,
    from_owner: &Pubkey,
    to_position: usize,
    lamports: u64,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !instruction_context.is_instruction_account_signer(from_base_position)? {
        instruction_context.log(format!(
            "Transfer: 'from' account {:?} must sign",
            instruction_context.get_key_of_instruction_account(from_base_position)?
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    let address_from_seed = create_with_seed(
        instruction_context.get_key_of_instruction_account(from_base_position)?,
        from_seed,
        from_owner,
    )?;
    let from_key = instruction_context.get_key_of_instruction_account(from_position)?;
    if *from_key != address_from_seed {
        instruction_context.log(format!(
            "Transfer: 'from' address {from_key} does not match derived address {address_from_seed}"
        ));
        return Err(system_error(SystemError::AddressWithSeedMismatch));
    }
    transfer_verified(from_position, to_position, lamports, instruction_context)
}

// ----- nonce accounts (Agave's `system_instruction.rs`) -----

/// The account's state ([`BorrowedAccount::get_state`], typed).
fn get_state(account: &BorrowedAccount) -> Result<NonceVersions, InstructionError> {
    account.get_state()
}

fn advance_nonce_account(
    account: &mut BorrowedAccount,
    signers: &HashSet<Pubkey>,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        instruction_context.log(format!(
            "Advance nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    let state = get_state(account)?;
    match state.state() {
        NonceState::Initialized(data) => {
            if !signers.contains(&data.authority) {
                instruction_context.log(format!(
                    "Advance nonce account: Account {} must be a signer",
                    data.authority
                ));
                return Err(InstructionError::MissingRequiredSignature);
            }
            let environment = instruction_context.environment_blockhash();
            let next_durable_nonce = durable_nonce_from_blockhash(environment.blockhash);
            if data.durable_nonce == next_durable_nonce {
                instruction_context
                    .log("Advance nonce account: nonce can only advance once per slot".to_string());
                return Err(system_error(SystemError::NonceBlockhashNotExpired));
            }
            let new_data = NonceData::new(
                data.authority,
                next_durable_nonce,
                environment.lamports_per_signature,
            );
            account.set_state(&NonceVersions::new(NonceState::Initialized(new_data)))
        }
        NonceState::Uninitialized => {
            instruction_context.log(format!(
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    let mut from = instruction_context.try_borrow_instruction_account(from_position)?;
    if !from.is_writable() {
        instruction_context.log(format!(
            "Withdraw nonce account: Account {} must be writeable",
            from.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    let state = get_state(&from)?;
    let signer = match state.state() {
        NonceState::Uninitialized => {
            if lamports > from.lamports() {
                instruction_context.log(format!(
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
                let durable_nonce = durable_nonce_from_blockhash(
                    instruction_context.environment_blockhash().blockhash,
                );
                if data.durable_nonce == durable_nonce {
                    instruction_context.log(
                        "Withdraw nonce account: nonce can only advance once per slot".to_string(),
                    );
                    return Err(system_error(SystemError::NonceBlockhashNotExpired));
                }
                from.set_state(&NonceVersions::new(NonceState::Uninitialized))?;
            } else {
                // A partial withdrawal must leave the account rent-exempt.
                let min_balance = rent.minimum_balance(from.data().len());
                let amount = lamports
                    .checked_add(min_balance)
                    .ok_or(InstructionError::InsufficientFunds)?;
                if amount > from.lamports() {
                    instruction_context.log(format!(
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
        instruction_context.log(format!(
            "Withdraw nonce account: Account {signer} must sign"
        ));
        return Err(InstructionError::MissingRequiredSignature);
    }
    from.checked_sub_lamports(lamports)?;
    drop(from);
    let mut to = instruction_context.try_borrow_instruction_account(to_position)?;
    to.checked_add_lamports(lamports)
}

fn initialize_nonce_account(
    account: &mut BorrowedAccount,
    nonce_authority: &Pubkey,
    rent: &RentParams,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        instruction_context.log(format!(
            "Initialize nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    match get_state(account)?.state() {
        NonceState::Uninitialized => {
            let min_balance = rent.minimum_balance(account.data().len());
            if account.lamports() < min_balance {
                instruction_context.log(format!(
                    "Initialize nonce account: insufficient lamports {}, need {min_balance}",
                    account.lamports()
                ));
                return Err(InstructionError::InsufficientFunds);
            }
            let environment = instruction_context.environment_blockhash();
            let durable_nonce = durable_nonce_from_blockhash(environment.blockhash);
            let data = NonceData::new(
                *nonce_authority,
                durable_nonce,
                environment.lamports_per_signature,
            );
            account.set_state(&NonceVersions::new(NonceState::Initialized(data)))
        }
        NonceState::Initialized(_) => {
            instruction_context.log(format!(
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
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !account.is_writable() {
        instruction_context.log(format!(
            "Authorize nonce account: Account {} must be writeable",
            account.key()
        ));
        return Err(InstructionError::InvalidArgument);
    }
    match get_state(account)?.authorize(signers, *nonce_authority) {
        Ok(versions) => account.set_state(&versions),
        Err(AuthorizeNonceError::Uninitialized) => {
            instruction_context.log(format!(
                "Authorize nonce account: Account {} state is invalid",
                account.key()
            ));
            Err(InstructionError::InvalidAccountData)
        }
        Err(AuthorizeNonceError::MissingRequiredSignature(account_authority)) => {
            instruction_context.log(format!(
                "Authorize nonce account: Account {account_authority} must sign"
            ));
            Err(InstructionError::MissingRequiredSignature)
        }
    }
}

// ----- dispatch -----

/// The builtin entrypoint: charge, decode, dispatch.
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    invoke_context.consume_checked(DEFAULT_COMPUTE_UNITS)?;
    let instruction_context = invoke_context.instruction_context()?;
    let instruction = limited_deserialize(instruction_context.get_instruction_data())?;
    let signers = instruction_context.get_signers()?;
    Ok(dispatch(instruction, &signers, &instruction_context)?)
}

/// One instruction, after the charge and the decoding. Mirrors the `match` of
/// `solana-system-program 4.4.0, src/system_processor.rs`, `process_instruction`.
fn dispatch(
    instruction: SystemInstruction,
    signers: &HashSet<Pubkey>,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    let key = |position| instruction_context.get_key_of_instruction_account(position);
    let borrow = |position| instruction_context.try_borrow_instruction_account(position);
    match instruction {
        SystemInstruction::CreateAccount {
            lamports,
            space,
            owner,
        } => {
            instruction_context.check_number_of_instruction_accounts(2)?;
            let to_address = Address::create(key(1)?, None, instruction_context)?;
            create_account(
                0,
                1,
                &to_address,
                lamports,
                space,
                &owner,
                signers,
                instruction_context,
            )
        }
        SystemInstruction::CreateAccountWithSeed {
            base,
            seed,
            lamports,
            space,
            owner,
        } => {
            instruction_context.check_number_of_instruction_accounts(2)?;
            let with_seed = Some((&base, seed.as_str(), &owner));
            let to_address = Address::create(key(1)?, with_seed, instruction_context)?;
            create_account(
                0,
                1,
                &to_address,
                lamports,
                space,
                &owner,
                signers,
                instruction_context,
            )
        }
        SystemInstruction::Assign { owner } => {
            instruction_context.check_number_of_instruction_accounts(1)?;
            let mut account = borrow(0)?;
            let address = Address::create(key(0)?, None, instruction_context)?;
            assign(&mut account, &address, &owner, signers, instruction_context)
        }
        SystemInstruction::Transfer { lamports } => {
            instruction_context.check_number_of_instruction_accounts(2)?;
            transfer(0, 1, lamports, instruction_context)
        }
        SystemInstruction::TransferWithSeed {
            lamports,
            from_seed,
            from_owner,
        } => {
            instruction_context.check_number_of_instruction_accounts(3)?;
            transfer_with_seed(
                0,
                1,
                &from_seed,
                &from_owner,
                2,
                lamports,
                instruction_context,
            )
        }
        SystemInstruction::AdvanceNonceAccount => advance_nonce(signers, instruction_context),
        SystemInstruction::WithdrawNonceAccount(lamports) => {
            instruction_context.check_number_of_instruction_accounts(2)?;
            let _recent_blockhashes_is_empty = recent_blockhashes_is_empty(instruction_context, 2)?;
            let rent = instruction_context.rent_with_account_check(3)?;
            withdraw_nonce_account(0, lamports, 1, &rent, signers, instruction_context)
        }
        SystemInstruction::InitializeNonceAccount(authorized) => {
            initialize_nonce(&authorized, instruction_context)
        }
        SystemInstruction::AuthorizeNonceAccount(nonce_authority) => {
            instruction_context.check_number_of_instruction_accounts(1)?;
            let mut me = borrow(0)?;
            authorize_nonce_account(&mut me, &nonce_authority, signers, instruction_context)
        }
        SystemInstruction::UpgradeNonceAccount => upgrade_nonce(instruction_context),
        SystemInstruction::Allocate { space } => {
            instruction_context.check_number_of_instruction_accounts(1)?;
            let mut account = borrow(0)?;
            let address = Address::create(key(0)?, None, instruction_context)?;
            allocate(&mut account, &address, space, signers, instruction_context)
        }
        SystemInstruction::AllocateWithSeed {
            base,
            seed,
            space,
            owner,
        } => {
            instruction_context.check_number_of_instruction_accounts(1)?;
            let mut account = borrow(0)?;
            let with_seed = Some((&base, seed.as_str(), &owner));
            let address = Address::create(key(0)?, with_seed, instruction_context)?;
            allocate_and_assign(
                &mut account,
                &address,
                space,
                &owner,
                signers,
                instruction_context,
            )
        }
        SystemInstruction::AssignWithSeed { base, seed, owner } => {
            instruction_context.check_number_of_instruction_accounts(1)?;
            let mut account = borrow(0)?;
            let with_seed = Some((&base, seed.as_str(), &owner));
            let address = Address::create(key(0)?, with_seed, instruction_context)?;
            assign(&mut account, &address, &owner, signers, instruction_context)
        }
        SystemInstruction::CreateAccountAllowPrefund {
            lamports,
            space,
            owner,
        } => create_account_allow_prefund_instruction(
            lamports,
            space,
            &owner,
            signers,
            instruction_context,
        ),
    }
}

/// `AdvanceNonceAccount`.
fn advance_nonce(
    signers: &HashSet<Pubkey>,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    instruction_context.check_number_of_instruction_accounts(1)?;
    let mut me = instruction_context.try_borrow_instruction_account(0)?;
    if recent_blockhashes_is_empty(instruction_context, 1)? {
        return instruction_context.log_and_fail(
            "Advance nonce account: recent blockhash list is empty",
            system_error(SystemError::NonceNoRecentBlockhashes),
        );
    }
    advance_nonce_account(&mut me, signers, instruction_context)
}

/// `InitializeNonceAccount`.
fn initialize_nonce(
    authorized: &Pubkey,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    instruction_context.check_number_of_instruction_accounts(1)?;
    let mut me = instruction_context.try_borrow_instruction_account(0)?;
    if recent_blockhashes_is_empty(instruction_context, 1)? {
        return instruction_context.log_and_fail(
            "Initialize nonce account: recent blockhash list is empty",
            system_error(SystemError::NonceNoRecentBlockhashes),
        );
    }
    let rent = instruction_context.rent_with_account_check(2)?;
    initialize_nonce_account(&mut me, authorized, &rent, instruction_context)
}

/// `UpgradeNonceAccount`: a legacy nonce account becomes the current version.
fn upgrade_nonce(instruction_context: &InstructionContext) -> Result<(), InstructionError> {
    instruction_context.check_number_of_instruction_accounts(1)?;
    let mut nonce_account = instruction_context.try_borrow_instruction_account(0)?;
    if *nonce_account.owner() != system_program::id() {
        return Err(InstructionError::InvalidAccountOwner);
    }
    if !nonce_account.is_writable() {
        return Err(InstructionError::InvalidArgument);
    }
    let nonce_versions = get_state(&nonce_account)?;
    match nonce_versions.upgrade() {
        None => Err(InstructionError::InvalidArgument),
        Some(nonce_versions) => nonce_account.set_state(&nonce_versions),
    }
}

/// `CreateAccountAllowPrefund` (SIMD-0312): `InvalidInstructionData` while
/// `create_account_allow_prefund` is inactive, as for an unknown instruction.
fn create_account_allow_prefund_instruction(
    lamports: u64,
    space: u64,
    owner: &Pubkey,
    signers: &HashSet<Pubkey>,
    instruction_context: &InstructionContext,
) -> Result<(), InstructionError> {
    if !instruction_context
        .features()
        .create_account_allow_prefund()
    {
        return Err(InstructionError::InvalidInstructionData);
    }
    let from_and_lamports = if lamports > 0 {
        instruction_context.check_number_of_instruction_accounts(2)?;
        Some((1, lamports))
    } else {
        instruction_context.check_number_of_instruction_accounts(1)?;
        None
    };
    let to_address = Address::create(
        instruction_context.get_key_of_instruction_account(0)?,
        None,
        instruction_context,
    )?;
    create_account_allow_prefund(
        0,
        &to_address,
        from_and_lamports,
        space,
        owner,
        signers,
        instruction_context,
    )
}
