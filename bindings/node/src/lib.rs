//! The native part of the `sbfvm` npm package: the `Sbfvm` facade, outcomes and checks for
//! Node. `index.js` turns web3.js and kit shapes into the plain values taken here (keys as
//! base58 strings or 32-byte arrays); only conversions live in this crate.

// `#[napi]` generates undocumented registration functions for each class and method.
#![allow(missing_docs)]

use napi::bindgen_prelude::{BigInt, Either, Either3, Uint8Array};
use napi::{Error, Result, Status};
use napi_derive::napi;
use sbfvm::{Account, Outcome as SbfvmOutcome, Pubkey, ReadableAccount};
use sbfvm_bindings_common as common;

/// A key as `index.js` hands it over: base58 text or 32 bytes.
type KeyArg = Either<String, Uint8Array>;

/// Something sbfvm refuses, with its message. Everything this crate throws has the status
/// GenericFailure, which `index.js` turns into an `SbfvmError`; napi's own failures to
/// convert an argument of the wrong JavaScript type have other statuses and become a
/// `TypeError` there.
fn refused(message: impl ToString) -> Error {
    Error::new(Status::GenericFailure, message.to_string())
}

fn key_of(key: &KeyArg, what: &str) -> Result<Pubkey> {
    match key {
        Either::A(text) => common::pubkey_from_base58(text, what),
        Either::B(bytes) => common::pubkey_from_bytes(bytes, what),
    }
    .map_err(refused)
}

/// A u64 from a JS number or bigint.
fn u64_of(value: &Either<i64, BigInt>, what: &str) -> Result<u64> {
    match value {
        Either::A(number) => u64::try_from(*number).ok(),
        Either::B(big) => match big.get_u64() {
            (false, value, true) => Some(value),
            _ => None,
        },
    }
    .ok_or_else(|| refused(format!("{what}: expected an integer from 0 to 2^64 - 1")))
}

/// Options of `new Sbfvm()`: the transaction compute-unit limit, gates (names or ids) to
/// enable or disable on top of mainnet's feature set, and sysvar fields to replace.
#[napi(object)]
pub struct NativeOptions {
    /// Per transaction; Agave's default when absent.
    pub compute_unit_limit: Option<Either<i64, BigInt>>,
    /// Gates to activate.
    pub enable: Option<Vec<String>>,
    /// Gates to deactivate.
    pub disable: Option<Vec<String>>,
    /// Sysvar fields, flattened by `index.js` to their snake_case paths.
    pub sysvars: Option<Vec<SysvarField>>,
}

/// One sysvar field of the options: `clock.slot`, `rent.burn_percent`, ….
#[napi(object)]
pub struct SysvarField {
    /// Its dotted path, as a scenario file's `settings.sysvars` names it.
    pub path: String,
    /// A boolean, a number or a bigint.
    pub value: Either3<bool, f64, BigInt>,
}

impl NativeOptions {
    fn into_common(self) -> Result<common::Options> {
        let mut options = common::Options {
            compute_unit_limit: self
                .compute_unit_limit
                .as_ref()
                .map(|limit| u64_of(limit, "computeUnitLimit"))
                .transpose()?,
            enable: self.enable.unwrap_or_default(),
            disable: self.disable.unwrap_or_default(),
            ..common::Options::default()
        };
        for field in self.sysvars.into_iter().flatten() {
            let value = match &field.value {
                Either3::A(flag) => common::OptionValue::Bool(*flag),
                Either3::B(number) => common::OptionValue::Float(*number),
                // Out of i128's range is out of every field's.
                Either3::C(big) => common::OptionValue::Int(match big.get_i128() {
                    (value, true) => value,
                    _ => i128::MAX,
                }),
            };
            options.set_sysvar(&field.path, value).map_err(refused)?;
        }
        Ok(options)
    }
}

/// One account of an instruction.
#[napi(object)]
pub struct NativeMeta {
    /// The account's key.
    pub pubkey: KeyArg,
    /// Whether it signed.
    pub is_signer: bool,
    /// Whether it may be written.
    pub is_writable: bool,
}

/// An instruction of `processTransaction`.
#[napi(object)]
pub struct NativeInstruction {
    /// The program to run.
    pub program_id: KeyArg,
    /// Its accounts.
    pub accounts: Vec<NativeMeta>,
    /// Its data.
    pub data: Uint8Array,
}

fn instruction_of(
    program_id: &KeyArg,
    accounts: &[NativeMeta],
    data: &[u8],
) -> Result<sbfvm::Instruction> {
    let program_id = key_of(program_id, "programId")?;
    let accounts = accounts
        .iter()
        .enumerate()
        .map(|(index, meta)| {
            Ok(common::Meta {
                pubkey: key_of(&meta.pubkey, &format!("accounts[{index}].pubkey"))?,
                is_signer: meta.is_signer,
                is_writable: meta.is_writable,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(common::instruction(program_id, accounts, data.to_vec()))
}

/// An account's state.
#[napi(object)]
pub struct AccountState {
    /// Balance.
    pub lamports: BigInt,
    /// The data.
    pub data: Uint8Array,
    /// The owner program, in base58.
    pub owner: String,
    /// The executable flag.
    pub executable: bool,
}

impl From<Account> for AccountState {
    fn from(account: Account) -> Self {
        AccountState {
            lamports: BigInt::from(account.lamports()),
            owner: account.owner().to_string(),
            executable: account.executable(),
            data: Uint8Array::new(account.data),
        }
    }
}

/// Where a frame's own units went.
#[napi(object)]
pub struct FrameCost {
    /// SBF instructions executed.
    pub instructions: BigInt,
    /// What CPI syscalls charged themselves.
    pub cpi: BigInt,
    /// Heap, a builtin's own charge, a fault's drain.
    pub other: BigInt,
    /// Syscalls by name (CPI syscalls excluded).
    pub syscalls: Vec<SyscallCost>,
}

/// One syscall's calls and units in a frame.
#[napi(object)]
pub struct SyscallCost {
    /// Its name.
    pub name: String,
    /// How often the frame called it.
    pub calls: BigInt,
    /// The units those calls charged.
    pub compute_units: BigInt,
}

/// One frame of the invoke tree.
#[napi(object)]
pub struct Invocation {
    /// The program the frame ran, in base58.
    pub program_id: String,
    /// 1 for a top-level instruction, 2 for its callees, …
    pub stack_height: u32,
    /// Units of the frame, its callees included.
    pub compute_units_consumed: BigInt,
    /// `ok` or the instruction error's text.
    pub result: String,
    /// Where the frame's own units went.
    pub cost: FrameCost,
    /// The frames it invoked, in order.
    pub invocations: Vec<Invocation>,
}

impl From<common::Frame> for Invocation {
    fn from(frame: common::Frame) -> Self {
        Invocation {
            program_id: frame.program_id.to_string(),
            stack_height: frame.stack_height as u32,
            compute_units_consumed: BigInt::from(frame.compute_units_consumed),
            result: frame.result,
            cost: FrameCost {
                instructions: BigInt::from(frame.instructions),
                cpi: BigInt::from(frame.cpi),
                other: BigInt::from(frame.other),
                syscalls: frame
                    .syscalls
                    .into_iter()
                    .map(|(name, calls, units)| SyscallCost {
                        name,
                        calls: BigInt::from(calls),
                        compute_units: BigInt::from(units),
                    })
                    .collect(),
            },
            invocations: frame
                .invocations
                .into_iter()
                .map(Invocation::from)
                .collect(),
        }
    }
}

/// Expected state of an account.
#[napi(object)]
pub struct ExpectAccount {
    /// The account.
    pub pubkey: KeyArg,
    /// Balance.
    pub lamports: Option<Either<i64, BigInt>>,
    /// Owner program.
    pub owner: Option<KeyArg>,
    /// The whole data.
    pub data: Option<Uint8Array>,
    /// The data length.
    pub data_len: Option<u32>,
    /// The executable flag.
    pub executable: Option<bool>,
}

/// What a transaction must have produced; absent fields are not checked.
#[napi(object)]
pub struct Expect {
    /// `ok` or the error text, e.g. `Custom(1)`.
    pub result: Option<String>,
    /// Compute units of the whole transaction.
    pub compute_units: Option<Either<i64, BigInt>>,
    /// Fee paid.
    pub fee: Option<Either<i64, BigInt>>,
    /// Texts that must each appear within a log line.
    pub logs_contain: Option<Vec<String>>,
    /// The return data (empty also matches none).
    pub return_data: Option<Uint8Array>,
    /// Account states.
    pub accounts: Option<Vec<ExpectAccount>>,
}

impl Expect {
    fn to_common(&self) -> Result<common::Expect> {
        let optional = |value: &Option<Either<i64, BigInt>>, what: &str| {
            value.as_ref().map(|value| u64_of(value, what)).transpose()
        };
        let mut accounts = Vec::new();
        for (index, account) in self.accounts.iter().flatten().enumerate() {
            let what = format!("accounts[{index}]");
            accounts.push(common::ExpectAccount {
                pubkey: Some(key_of(&account.pubkey, &format!("{what}.pubkey"))?),
                lamports: optional(&account.lamports, &format!("{what}.lamports"))?,
                owner: account
                    .owner
                    .as_ref()
                    .map(|owner| key_of(owner, &format!("{what}.owner")))
                    .transpose()?,
                data: account.data.as_ref().map(|data| data.to_vec()),
                data_len: account.data_len.map(u64::from),
                executable: account.executable,
            });
        }
        Ok(common::Expect {
            result: self.result.clone(),
            compute_units: optional(&self.compute_units, "computeUnits")?,
            fee: optional(&self.fee, "fee")?,
            logs_contain: self.logs_contain.clone().unwrap_or_default(),
            return_data: self.return_data.as_ref().map(|data| data.to_vec()),
            accounts,
        })
    }
}

/// What a transaction did. `index.js` returns it as is (a wrapper object would cost about
/// a microsecond per call) and adds `account`, `check` and `expect` to its prototype.
// Named as JavaScript sees it: napi-rs looks the class up by its Rust name when it returns
// one, so a `js_name` different from it fails at run time.
#[napi]
pub struct Outcome {
    outcome: SbfvmOutcome,
}

#[napi]
impl Outcome {
    /// `ok`, Agave's InstructionError text (`Custom(1)`), or a transaction error's text.
    #[napi(getter)]
    pub fn result(&self) -> String {
        self.outcome.result_string()
    }

    /// Whether the transaction succeeded.
    #[napi(getter)]
    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    /// Compute units of the whole transaction.
    #[napi(getter)]
    pub fn compute_units_consumed(&self) -> BigInt {
        BigInt::from(self.outcome.compute_units_consumed())
    }

    /// The log lines, as Agave writes them.
    #[napi(getter)]
    pub fn logs(&self) -> Vec<String> {
        self.outcome.logs().to_vec()
    }

    /// The return data (empty when there is none).
    #[napi(getter)]
    pub fn return_data(&self) -> Uint8Array {
        Uint8Array::new(
            self.outcome
                .return_data()
                .map_or_else(Vec::new, |(_, data)| data.to_vec()),
        )
    }

    /// The program that set the return data, if any.
    #[napi(getter)]
    pub fn return_data_program_id(&self) -> Option<String> {
        self.outcome.return_data().map(|(key, _)| key.to_string())
    }

    /// The fee a sent transaction paid (transaction plus prioritization fee).
    #[napi(getter)]
    pub fn fee(&self) -> Option<BigInt> {
        self.outcome
            .fee()
            .map(|fee| BigInt::from(fee.transaction_fee + fee.prioritization_fee))
    }

    /// The invoke tree: a frame per top-level instruction, its CPIs nested.
    #[napi(getter)]
    pub fn invocations(&self) -> Vec<Invocation> {
        common::frames(&self.outcome)
            .into_iter()
            .map(Invocation::from)
            .collect()
    }

    /// State after the transaction of an account it referenced (`account` in `index.js`).
    #[napi(js_name = "nativeAccount")]
    pub fn account(&self, pubkey: KeyArg) -> Result<Option<AccountState>> {
        let key = key_of(&pubkey, "pubkey")?;
        Ok(self.outcome.account(&key).map(AccountState::from))
    }

    /// Every failed expectation with expected and actual values, or null when all hold
    /// (`check` in `index.js`, which converts the keys first).
    #[napi(js_name = "nativeCheck")]
    pub fn check(&self, expect: Expect) -> Result<Option<String>> {
        expect.to_common()?.failures(&self.outcome).map_err(refused)
    }
}

impl From<SbfvmOutcome> for Outcome {
    fn from(outcome: SbfvmOutcome) -> Self {
        Outcome { outcome }
    }
}

/// A local Solana runtime.
#[napi(js_name = "NativeSbfvm")]
pub struct NativeSbfvm {
    vm: sbfvm::Sbfvm,
}

#[napi]
impl NativeSbfvm {
    /// A VM with mainnet's feature set and the default sysvars changed by `options`.
    #[napi(constructor)]
    pub fn new(options: Option<NativeOptions>) -> Result<Self> {
        let options = match options {
            Some(options) => options.into_common()?,
            None => common::Options::default(),
        };
        let config = options.config().map_err(refused)?;
        sbfvm::Sbfvm::new(config)
            .map(|vm| NativeSbfvm { vm })
            .map_err(refused)
    }

    /// Deploys the ELF at `path`.
    #[napi]
    pub fn add_program_file(
        &mut self,
        program_id: KeyArg,
        path: String,
        loader: String,
    ) -> Result<()> {
        let program_id = key_of(&program_id, "programId")?;
        let loader = common::loader(&loader).map_err(refused)?;
        self.vm
            .add_program_file(program_id, loader, path)
            .map(drop)
            .map_err(refused)
    }

    /// Deploys the ELF `elf`.
    #[napi]
    pub fn add_program(
        &mut self,
        program_id: KeyArg,
        elf: Uint8Array,
        loader: String,
    ) -> Result<()> {
        let program_id = key_of(&program_id, "programId")?;
        let loader = common::loader(&loader).map_err(refused)?;
        self.vm
            .add_program(program_id, loader, &elf)
            .map(drop)
            .map_err(refused)
    }

    /// Sets an account's whole state.
    #[napi]
    pub fn set_account(
        &mut self,
        pubkey: KeyArg,
        lamports: Either<i64, BigInt>,
        data: Uint8Array,
        owner: KeyArg,
        executable: bool,
    ) -> Result<()> {
        let pubkey = key_of(&pubkey, "pubkey")?;
        let account = Account {
            lamports: u64_of(&lamports, "lamports")?,
            data: data.to_vec(),
            owner: key_of(&owner, "owner")?,
            executable,
            rent_epoch: u64::MAX,
        };
        self.vm.set_account(pubkey, account);
        Ok(())
    }

    /// An account's state, or null.
    #[napi]
    pub fn get_account(&self, pubkey: KeyArg) -> Result<Option<AccountState>> {
        let key = key_of(&pubkey, "pubkey")?;
        Ok(self.vm.account(&key).map(AccountState::from))
    }

    /// Runs one instruction as a transaction of its own.
    #[napi]
    pub fn process_instruction(
        &mut self,
        program_id: KeyArg,
        accounts: Vec<NativeMeta>,
        data: Uint8Array,
    ) -> Result<Outcome> {
        let instruction = instruction_of(&program_id, &accounts, &data)?;
        Ok(Outcome::from(self.vm.process_instruction(&instruction)))
    }

    /// Runs the instruction `iterations` times inside Rust (converted once, no JavaScript
    /// per call, outcomes dropped) and returns the mean nanoseconds per call: the engine's
    /// own cost, against which a JavaScript loop over `processInstruction` shows the
    /// binding's.
    #[napi]
    pub fn time_process_instruction(
        &mut self,
        program_id: KeyArg,
        accounts: Vec<NativeMeta>,
        data: Uint8Array,
        iterations: u32,
    ) -> Result<f64> {
        let instruction = instruction_of(&program_id, &accounts, &data)?;
        Ok(common::time_per_call(iterations, || {
            self.vm.process_instruction(&instruction)
        }))
    }

    /// Runs instructions as one atomic transaction, under `computeUnitLimit` when given.
    #[napi]
    pub fn process_transaction(
        &mut self,
        instructions: Vec<NativeInstruction>,
        compute_unit_limit: Option<Either<i64, BigInt>>,
    ) -> Result<Outcome> {
        let instructions = instructions
            .iter()
            .map(|ix| instruction_of(&ix.program_id, &ix.accounts, &ix.data))
            .collect::<Result<Vec<_>>>()?;
        let limit = match &compute_unit_limit {
            Some(limit) => Some(u64_of(limit, "computeUnitLimit")?),
            None => self.vm.config().compute_unit_limit,
        };
        Ok(Outcome::from(
            self.vm.process_transaction(&instructions, limit),
        ))
    }

    /// Sends a signed, serialized transaction as mainnet runs it.
    #[napi]
    pub fn send_transaction(&mut self, transaction: Uint8Array) -> Result<Outcome> {
        let transaction = common::transaction(&transaction).map_err(refused)?;
        Ok(Outcome::from(self.vm.send_transaction(&transaction)))
    }

    /// What `sendTransaction` would give, committing nothing.
    #[napi]
    pub fn simulate_transaction(&mut self, transaction: Uint8Array) -> Result<Outcome> {
        let transaction = common::transaction(&transaction).map_err(refused)?;
        Ok(Outcome::from(self.vm.simulate_transaction(&transaction)))
    }

    /// Whether `sendTransaction` verifies signatures (on by default).
    #[napi]
    pub fn set_signature_verification(&mut self, enabled: bool) {
        self.vm.set_signature_verification(enabled);
    }

    /// The newest blockhash, in base58.
    #[napi]
    pub fn latest_blockhash(&self) -> String {
        self.vm.latest_blockhash().to_string()
    }

    /// Registers a new blockhash and returns it.
    #[napi]
    pub fn expire_blockhash(&mut self) -> String {
        self.vm.expire_blockhash().to_string()
    }

    /// Moves the Clock to `slot` (its epoch from the EpochSchedule) and registers a new
    /// blockhash.
    #[napi]
    pub fn warp_to_slot(&mut self, slot: Either<i64, BigInt>) -> Result<()> {
        self.vm.warp_to_slot(u64_of(&slot, "slot")?);
        Ok(())
    }

    /// Adds lamports to an account.
    #[napi]
    pub fn airdrop(&mut self, pubkey: KeyArg, lamports: Either<i64, BigInt>) -> Result<()> {
        let pubkey = key_of(&pubkey, "pubkey")?;
        self.vm.airdrop(&pubkey, u64_of(&lamports, "lamports")?);
        Ok(())
    }
}
