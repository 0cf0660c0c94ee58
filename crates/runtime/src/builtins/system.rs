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
//!    [`PACKET_DATA_SIZE`](crate::instruction_context::PACKET_DATA_SIZE) bytes read, trailing bytes allowed); failure →
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

use solana_instruction_error::InstructionError;
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::{AuthorizeNonceError, Versions as NonceVersions};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{system_program, sysvar};
use solana_system_interface::error::SystemError;
use solana_system_interface::instruction::SystemInstruction;
use solana_system_interface::MAX_PERMITTED_DATA_LENGTH;

use crate::instruction_context::limited_deserialize;
use crate::instruction_context::InstructionContext;
use crate::invoke_context::{ExecutionFailure, InvokeContext};
use crate::sysvars::{RecentBlockhashes, RentParams};
use crate::transaction_context::BorrowedAccount;

/// Compute units charged by every System program instruction before anything else.
pub(crate) const DEFAULT_COMPUTE_UNITS: u64 = 150;

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

/// One System instruction being processed: its instruction context and the keys that signed
/// it, which Agave passes to every helper as `invoke_context` and `signers`. The helpers
/// below are Agave's, as methods.
struct Processor<'a> {
    instruction_context: InstructionContext<'a>,
    signers: HashSet<Pubkey>,
}

impl<'a> Processor<'a> {
    /// Borrows the instruction account at `position`.
    fn borrow(&self, position: usize) -> Result<BorrowedAccount<'a>, InstructionError> {
        self.instruction_context
            .try_borrow_instruction_account(position)
    }

    fn allocate(
        &self,
        account: &mut BorrowedAccount,
        address: &Address,
        space: u64,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        if !address.is_signer(&self.signers) {
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
        &self,
        account: &mut BorrowedAccount,
        address: &Address,
        owner: &Pubkey,
    ) -> Result<(), InstructionError> {
        // Nothing to do, and no signature needed.
        if account.owner() == owner {
            return Ok(());
        }
        if !address.is_signer(&self.signers) {
            self.instruction_context
                .log(format!("Assign: account {address:?} must sign"));
            return Err(InstructionError::MissingRequiredSignature);
        }
        account.set_owner(owner)
    }

    fn allocate_and_assign(
        &self,
        to: &mut BorrowedAccount,
        to_address: &Address,
        space: u64,
        owner: &Pubkey,
    ) -> Result<(), InstructionError> {
        self.allocate(to, to_address, space)?;
        self.assign(to, to_address, owner)
    }

    fn create_account(
        &self,
        from_position: usize,
        to_position: usize,
        to_address: &Address,
        lamports: u64,
        space: u64,
        owner: &Pubkey,
    ) -> Result<(), InstructionError> {
        {
            let mut to = self.borrow(to_position)?;
            if to.lamports() > 0 {
                self.instruction_context.log(format!(
                    "Create Account: account {to_address:?} already in use"
                ));
                return Err(system_error(SystemError::AccountAlreadyInUse));
            }
            self.allocate_and_assign(&mut to, to_address, space, owner)?;
        }
        self.transfer(from_position, to_position, lamports)
    }

    /// Creates an account without requiring it to hold zero lamports (SIMD-0312); every other
    /// check of `create_account` remains. The transfer happens only when `lamports > 0`.
    fn create_account_allow_prefund(
        &self,
        to_position: usize,
        to_address: &Address,
        from_and_lamports: Option<(usize, u64)>,
        space: u64,
        owner: &Pubkey,
    ) -> Result<(), InstructionError> {
        {
            let mut to = self.borrow(to_position)?;
            self.allocate_and_assign(&mut to, to_address, space, owner)?;
        }
        if let Some((from_position, lamports)) = from_and_lamports {
            if lamports > 0 {
                self.transfer(from_position, to_position, lamports)?;
            }
        }
        Ok(())
    }

    fn transfer_verified(
        &self,
        from_position: usize,
        to_position: usize,
        lamports: u64,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        let from = self.borrow(from_position)?;
        if !from.data().is_empty() {
            instruction_context.log("Transfer: `from` must not carry data");
            return Err(InstructionError::InvalidArgument);
        }
        if lamports > from.lamports() {
            instruction_context.log(format!(
                "Transfer: insufficient lamports {}, need {lamports}",
                from.lamports()
            ));
            return Err(system_error(SystemError::ResultWithNegativeLamports));
        }
        self.move_lamports(from, to_position, lamports)
    }

    /// The end of `transfer_verified` and `withdraw_nonce_account`: debits `lamports` from
    /// `from`, releases it, then credits the instruction account at `to_position` (which may
    /// be the same account).
    fn move_lamports(
        &self,
        mut from: BorrowedAccount,
        to_position: usize,
        lamports: u64,
    ) -> Result<(), InstructionError> {
        from.checked_sub_lamports(lamports)?;
        drop(from);
        let mut to = self.borrow(to_position)?;
        to.checked_add_lamports(lamports)
    }

    /// Fails with `MissingRequiredSignature`, logging `message` of the account's key, unless
    /// the instruction account at `position` signed.
    fn check_account_signed(
        &self,
        position: usize,
        message: impl FnOnce(&Pubkey) -> String,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        if !instruction_context.is_instruction_account_signer(position)? {
            let key = instruction_context.get_key_of_instruction_account(position)?;
            return instruction_context
                .log_and_fail(message(key), InstructionError::MissingRequiredSignature);
        }
        Ok(())
    }

    fn transfer(
        &self,
        from_position: usize,
        to_position: usize,
        lamports: u64,
    ) -> Result<(), InstructionError> {
        self.check_account_signed(from_position, |from| {
            format!("Transfer: `from` account {from} must sign")
        })?;
        self.transfer_verified(from_position, to_position, lamports)
    }

    fn transfer_with_seed(
        &self,
        from_position: usize,
        from_base_position: usize,
        from_seed: &str,
        from_owner: &Pubkey,
        to_position: usize,
        lamports: u64,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        self.check_account_signed(from_base_position, |from_base| {
            format!("Transfer: 'from' account {from_base:?} must sign")
        })?;
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
        self.transfer_verified(from_position, to_position, lamports)
    }

    // ----- nonce accounts (Agave's `system_instruction.rs`) -----

    /// A nonce instruction's first check: `InvalidArgument`, logged as
    /// `"{instruction}: Account {key} must be writeable"`, unless `account` is writable.
    fn check_nonce_account_writable(
        &self,
        account: &BorrowedAccount,
        instruction: &str,
    ) -> Result<(), InstructionError> {
        if !account.is_writable() {
            return self.instruction_context.log_and_fail(
                format!("{instruction}: Account {} must be writeable", account.key()),
                InstructionError::InvalidArgument,
            );
        }
        Ok(())
    }

    /// A nonce account in the wrong state for `instruction`: `InvalidAccountData`, logged as
    /// `"{instruction}: Account {key} state is invalid"`.
    fn invalid_nonce_state(
        &self,
        account: &BorrowedAccount,
        instruction: &str,
    ) -> Result<(), InstructionError> {
        self.instruction_context.log_and_fail(
            format!("{instruction}: Account {} state is invalid", account.key()),
            InstructionError::InvalidAccountData,
        )
    }

    fn advance_nonce_account(&self, account: &mut BorrowedAccount) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        self.check_nonce_account_writable(account, "Advance nonce account")?;
        let state = get_state(account)?;
        match state.state() {
            NonceState::Initialized(data) => {
                if !self.signers.contains(&data.authority) {
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
                        .log("Advance nonce account: nonce can only advance once per slot");
                    return Err(system_error(SystemError::NonceBlockhashNotExpired));
                }
                let new_data = NonceData::new(
                    data.authority,
                    next_durable_nonce,
                    environment.lamports_per_signature,
                );
                account.set_state(&NonceVersions::new(NonceState::Initialized(new_data)))
            }
            NonceState::Uninitialized => self.invalid_nonce_state(account, "Advance nonce account"),
        }
    }

    fn withdraw_nonce_account(
        &self,
        from_position: usize,
        lamports: u64,
        to_position: usize,
        rent: &RentParams,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        let mut from = self.borrow(from_position)?;
        self.check_nonce_account_writable(&from, "Withdraw nonce account")?;
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
                        instruction_context
                            .log("Withdraw nonce account: nonce can only advance once per slot");
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
        if !self.signers.contains(&signer) {
            instruction_context.log(format!(
                "Withdraw nonce account: Account {signer} must sign"
            ));
            return Err(InstructionError::MissingRequiredSignature);
        }
        self.move_lamports(from, to_position, lamports)
    }

    fn initialize_nonce_account(
        &self,
        account: &mut BorrowedAccount,
        nonce_authority: &Pubkey,
        rent: &RentParams,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        self.check_nonce_account_writable(account, "Initialize nonce account")?;
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
                self.invalid_nonce_state(account, "Initialize nonce account")
            }
        }
    }

    fn authorize_nonce_account(
        &self,
        account: &mut BorrowedAccount,
        nonce_authority: &Pubkey,
    ) -> Result<(), InstructionError> {
        self.check_nonce_account_writable(account, "Authorize nonce account")?;
        match get_state(account)?.authorize(&self.signers, *nonce_authority) {
            Ok(versions) => account.set_state(&versions),
            Err(AuthorizeNonceError::Uninitialized) => {
                self.invalid_nonce_state(account, "Authorize nonce account")
            }
            Err(AuthorizeNonceError::MissingRequiredSignature(account_authority)) => {
                self.instruction_context.log(format!(
                    "Authorize nonce account: Account {account_authority} must sign"
                ));
                Err(InstructionError::MissingRequiredSignature)
            }
        }
    }

    /// The start of `AdvanceNonceAccount` and `InitializeNonceAccount`: borrows the nonce
    /// account (position 0), then checks the RecentBlockhashes account (position 1) and fails
    /// with `NonceNoRecentBlockhashes`, logged as `"{instruction}: recent blockhash list is
    /// empty"`, when its list is empty.
    fn borrow_nonce_account_with_recent_blockhashes(
        &self,
        instruction: &str,
    ) -> Result<BorrowedAccount<'a>, InstructionError> {
        let instruction_context = &self.instruction_context;
        instruction_context.check_number_of_instruction_accounts(1)?;
        let account = self.borrow(0)?;
        if recent_blockhashes_is_empty(instruction_context, 1)? {
            return instruction_context.log_and_fail(
                format!("{instruction}: recent blockhash list is empty"),
                system_error(SystemError::NonceNoRecentBlockhashes),
            );
        }
        Ok(account)
    }

    // ----- dispatch -----

    /// One instruction, after the charge and the decoding. Mirrors the `match` of
    /// `solana-system-program 4.4.0, src/system_processor.rs`, `process_instruction`.
    fn dispatch(&self, instruction: SystemInstruction) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        let key = |position| instruction_context.get_key_of_instruction_account(position);
        match instruction {
            SystemInstruction::CreateAccount {
                lamports,
                space,
                owner,
            } => {
                instruction_context.check_number_of_instruction_accounts(2)?;
                let to_address = Address::create(key(1)?, None, instruction_context)?;
                self.create_account(0, 1, &to_address, lamports, space, &owner)
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
                self.create_account(0, 1, &to_address, lamports, space, &owner)
            }
            SystemInstruction::Assign { owner } => {
                instruction_context.check_number_of_instruction_accounts(1)?;
                let mut account = self.borrow(0)?;
                let address = Address::create(key(0)?, None, instruction_context)?;
                self.assign(&mut account, &address, &owner)
            }
            SystemInstruction::Transfer { lamports } => {
                instruction_context.check_number_of_instruction_accounts(2)?;
                self.transfer(0, 1, lamports)
            }
            SystemInstruction::TransferWithSeed {
                lamports,
                from_seed,
                from_owner,
            } => {
                instruction_context.check_number_of_instruction_accounts(3)?;
                self.transfer_with_seed(0, 1, &from_seed, &from_owner, 2, lamports)
            }
            SystemInstruction::AdvanceNonceAccount => {
                let mut me =
                    self.borrow_nonce_account_with_recent_blockhashes("Advance nonce account")?;
                self.advance_nonce_account(&mut me)
            }
            SystemInstruction::WithdrawNonceAccount(lamports) => {
                instruction_context.check_number_of_instruction_accounts(2)?;
                let _recent_blockhashes_is_empty =
                    recent_blockhashes_is_empty(instruction_context, 2)?;
                let rent = instruction_context.rent_with_account_check(3)?;
                self.withdraw_nonce_account(0, lamports, 1, &rent)
            }
            SystemInstruction::InitializeNonceAccount(authorized) => {
                let mut me =
                    self.borrow_nonce_account_with_recent_blockhashes("Initialize nonce account")?;
                let rent = instruction_context.rent_with_account_check(2)?;
                self.initialize_nonce_account(&mut me, &authorized, &rent)
            }
            SystemInstruction::AuthorizeNonceAccount(nonce_authority) => {
                instruction_context.check_number_of_instruction_accounts(1)?;
                let mut me = self.borrow(0)?;
                self.authorize_nonce_account(&mut me, &nonce_authority)
            }
            SystemInstruction::UpgradeNonceAccount => self.upgrade_nonce(),
            SystemInstruction::Allocate { space } => {
                instruction_context.check_number_of_instruction_accounts(1)?;
                let mut account = self.borrow(0)?;
                let address = Address::create(key(0)?, None, instruction_context)?;
                self.allocate(&mut account, &address, space)
            }
            SystemInstruction::AllocateWithSeed {
                base,
                seed,
                space,
                owner,
            } => {
                instruction_context.check_number_of_instruction_accounts(1)?;
                let mut account = self.borrow(0)?;
                let with_seed = Some((&base, seed.as_str(), &owner));
                let address = Address::create(key(0)?, with_seed, instruction_context)?;
                self.allocate_and_assign(&mut account, &address, space, &owner)
            }
            SystemInstruction::AssignWithSeed { base, seed, owner } => {
                instruction_context.check_number_of_instruction_accounts(1)?;
                let mut account = self.borrow(0)?;
                let with_seed = Some((&base, seed.as_str(), &owner));
                let address = Address::create(key(0)?, with_seed, instruction_context)?;
                self.assign(&mut account, &address, &owner)
            }
            SystemInstruction::CreateAccountAllowPrefund {
                lamports,
                space,
                owner,
            } => self.create_account_allow_prefund_instruction(lamports, space, &owner),
        }
    }

    /// `UpgradeNonceAccount`: a legacy nonce account becomes the current version.
    fn upgrade_nonce(&self) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
        instruction_context.check_number_of_instruction_accounts(1)?;
        let mut nonce_account = self.borrow(0)?;
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
        &self,
        lamports: u64,
        space: u64,
        owner: &Pubkey,
    ) -> Result<(), InstructionError> {
        let instruction_context = &self.instruction_context;
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
        self.create_account_allow_prefund(0, &to_address, from_and_lamports, space, owner)
    }
}

/// The account's state ([`BorrowedAccount::get_state`], typed).
fn get_state(account: &BorrowedAccount) -> Result<NonceVersions, InstructionError> {
    account.get_state()
}

/// The builtin entrypoint: charge, decode, dispatch.
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    invoke_context.consume_checked(DEFAULT_COMPUTE_UNITS)?;
    let instruction_context = invoke_context.instruction_context()?;
    let instruction: SystemInstruction =
        limited_deserialize(instruction_context.get_instruction_data())?;
    let signers = instruction_context.get_signers()?;
    let processor = Processor {
        instruction_context,
        signers,
    };
    Ok(processor.dispatch(instruction)?)
}
