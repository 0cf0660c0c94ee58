//! The `sbfvm._sbfvm` extension module: the `Sbfvm` facade, its outcomes and checks for
//! Python. Only conversions live here; `sbfvm` and `sbfvm-bindings-common` do the work.
//!
//! Keys are accepted as base58 `str`, 32 `bytes`/`bytearray`, or anything with
//! `__bytes__` (solders' `Pubkey`); instructions as anything with `program_id`, `accounts`
//! (each with `pubkey`, `is_signer`, `is_writable`) and `data` (solders' `Instruction`);
//! transactions as their wire bytes or anything with `__bytes__` (`VersionedTransaction`).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyString};
use sbfvm::{Account, Instruction, Outcome, Pubkey, ReadableAccount};
use sbfvm_bindings_common as common;

create_exception!(
    _sbfvm,
    SbfvmError,
    PyException,
    "sbfvm refused something: a file it cannot read, a program that does not load, a bad option."
);
create_exception!(
    _sbfvm,
    CheckFailed,
    pyo3::exceptions::PyAssertionError,
    "Raised by `Outcome.expect`: lists every failed expectation, expected against actual."
);

fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

fn type_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// Bytes from `bytes`, `bytearray`, anything with `__bytes__`, or a sequence of ints.
fn bytes_of(object: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = object.downcast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = object.downcast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    if object.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected bytes, got str"
        )));
    }
    if object.hasattr("__bytes__")? {
        return bytes_of(&object.call_method0("__bytes__")?, what);
    }
    object.extract::<Vec<u8>>().map_err(|_| {
        PyTypeError::new_err(format!("{what}: expected bytes, got {}", type_name(object)))
    })
}

/// A key from base58 text, 32 bytes, or a solders `Pubkey`.
fn key_of(object: &Bound<'_, PyAny>, what: &str) -> PyResult<Pubkey> {
    if let Ok(text) = object.downcast::<PyString>() {
        return common::pubkey_from_base58(&text.to_cow()?, what).map_err(value_error);
    }
    let bytes = bytes_of(object, what).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a Pubkey, a base58 str or 32 bytes, got {}",
            type_name(object)
        ))
    })?;
    common::pubkey_from_bytes(&bytes, what).map_err(value_error)
}

fn bool_attr(object: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    object.getattr(name)?.is_truthy()
}

/// An instruction from a solders `Instruction` or the same shape.
fn instruction_of(object: &Bound<'_, PyAny>) -> PyResult<Instruction> {
    let missing = |_| {
        PyTypeError::new_err(format!(
            "instruction: expected an Instruction (program_id, accounts, data), got {}",
            type_name(object)
        ))
    };
    let program_id = key_of(
        &object.getattr("program_id").map_err(missing)?,
        "program_id",
    )?;
    let mut accounts = Vec::new();
    for (index, meta) in object
        .getattr("accounts")
        .map_err(missing)?
        .try_iter()?
        .enumerate()
    {
        let meta = meta?;
        accounts.push(common::Meta {
            pubkey: key_of(
                &meta.getattr("pubkey")?,
                &format!("accounts[{index}].pubkey"),
            )?,
            is_signer: bool_attr(&meta, "is_signer")?,
            is_writable: bool_attr(&meta, "is_writable")?,
        });
    }
    let data = bytes_of(&object.getattr("data").map_err(missing)?, "data")?;
    Ok(common::instruction(program_id, accounts, data))
}

/// A transaction from its wire bytes or a solders `VersionedTransaction`.
fn transaction_of(object: &Bound<'_, PyAny>) -> PyResult<sbfvm::VersionedTransaction> {
    let bytes = bytes_of(object, "transaction")?;
    common::transaction(&bytes).map_err(value_error)
}

/// An account's state.
#[pyclass(module = "sbfvm", name = "Account", frozen)]
struct PyAccount {
    #[pyo3(get)]
    lamports: u64,
    data: Vec<u8>,
    owner: Pubkey,
    #[pyo3(get)]
    executable: bool,
}

#[pymethods]
impl PyAccount {
    /// The account data.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.data)
    }

    /// The owner program, in base58.
    #[getter]
    fn owner(&self) -> String {
        self.owner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Account(lamports={}, data=<{} bytes>, owner={}, executable={})",
            self.lamports,
            self.data.len(),
            self.owner,
            if self.executable { "True" } else { "False" }
        )
    }
}

impl From<Account> for PyAccount {
    fn from(account: Account) -> Self {
        PyAccount {
            lamports: account.lamports(),
            owner: *account.owner(),
            executable: account.executable(),
            data: account.data,
        }
    }
}

/// One frame of the invoke tree.
#[pyclass(module = "sbfvm", name = "Invocation", frozen)]
struct PyInvocation(common::Frame);

#[pymethods]
impl PyInvocation {
    /// The program the frame ran, in base58.
    #[getter]
    fn program_id(&self) -> String {
        self.0.program_id.to_string()
    }
    /// 1 for a top-level instruction, 2 for its callees, …
    #[getter]
    fn stack_height(&self) -> u64 {
        self.0.stack_height
    }
    /// Units of the frame, its callees included.
    #[getter]
    fn compute_units_consumed(&self) -> u64 {
        self.0.compute_units_consumed
    }
    /// `"ok"` or the instruction error's text.
    #[getter]
    fn result(&self) -> &str {
        &self.0.result
    }
    /// Where the frame's own units went: instructions, cpi, other, syscalls.
    #[getter]
    fn cost<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let cost = PyDict::new(py);
        cost.set_item("instructions", self.0.instructions)?;
        cost.set_item("cpi", self.0.cpi)?;
        cost.set_item("other", self.0.other)?;
        let syscalls = PyDict::new(py);
        for (name, calls, units) in &self.0.syscalls {
            syscalls.set_item(name, (calls, units))?;
        }
        cost.set_item("syscalls", syscalls)?;
        Ok(cost)
    }
    /// The frames it invoked, in order.
    #[getter]
    fn invocations(&self) -> Vec<PyInvocation> {
        self.0
            .invocations
            .iter()
            .cloned()
            .map(PyInvocation)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Invocation(program_id={}, stack_height={}, compute_units_consumed={}, result={:?}, invocations={})",
            self.0.program_id,
            self.0.stack_height,
            self.0.compute_units_consumed,
            self.0.result,
            self.0.invocations.len()
        )
    }
}

/// Builds the language-neutral expectation from the keyword arguments of `check` and
/// `expect`; a `None` value is not checked.
fn expect_of(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<common::Expect> {
    let mut expect = common::Expect::default();
    for (name, value) in kwargs.into_iter().flatten() {
        if value.is_none() {
            continue;
        }
        let name: String = name.extract()?;
        match name.as_str() {
            "result" => expect.result = Some(value.extract()?),
            "compute_units" => expect.compute_units = Some(value.extract()?),
            "fee" => expect.fee = Some(value.extract()?),
            "logs_contain" => expect.logs_contain = value.extract()?,
            "return_data" => expect.return_data = Some(bytes_of(&value, "return_data")?),
            "accounts" => {
                for (index, account) in value.try_iter()?.enumerate() {
                    expect
                        .accounts
                        .push(expect_account(&account?, &format!("accounts[{index}]"))?);
                }
            }
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unknown expectation `{other}` (result, compute_units, fee, logs_contain, return_data, accounts)"
                )))
            }
        }
    }
    Ok(expect)
}

/// One account of `accounts=[...]`: a dict with `pubkey` and any of `lamports`, `owner`,
/// `data`, `data_len`, `executable`.
fn expect_account(account: &Bound<'_, PyAny>, what: &str) -> PyResult<common::ExpectAccount> {
    let account = account
        .downcast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("{what}: expected a dict")))?;
    let field = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        Ok(account.get_item(name)?.filter(|value| !value.is_none()))
    };
    Ok(common::ExpectAccount {
        pubkey: field("pubkey")?
            .map(|key| key_of(&key, &format!("{what}.pubkey")))
            .transpose()?,
        lamports: field("lamports")?.map(|v| v.extract()).transpose()?,
        owner: field("owner")?
            .map(|key| key_of(&key, &format!("{what}.owner")))
            .transpose()?,
        data: field("data")?
            .map(|data| bytes_of(&data, &format!("{what}.data")))
            .transpose()?,
        data_len: field("data_len")?.map(|v| v.extract()).transpose()?,
        executable: field("executable")?.map(|v| v.extract()).transpose()?,
    })
}

/// What a transaction did.
#[pyclass(module = "sbfvm", name = "Outcome", frozen, unsendable)]
struct PyOutcome(Outcome);

#[pymethods]
impl PyOutcome {
    /// `"ok"`, Agave's InstructionError text (`"Custom(1)"`), or a transaction error's text.
    #[getter]
    fn result(&self) -> String {
        self.0.result_string()
    }
    /// Whether the transaction succeeded.
    #[getter]
    fn is_ok(&self) -> bool {
        self.0.is_ok()
    }
    /// Compute units of the whole transaction.
    #[getter]
    fn compute_units_consumed(&self) -> u64 {
        self.0.compute_units_consumed()
    }
    /// The log lines, as Agave writes them.
    #[getter]
    fn logs(&self) -> Vec<String> {
        self.0.logs().to_vec()
    }
    /// The return data (`b""` when there is none).
    #[getter]
    fn return_data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.return_data().map_or(&[], |(_, data)| data))
    }
    /// The program that set the return data, or `None`.
    #[getter]
    fn return_data_program_id(&self) -> Option<String> {
        self.0.return_data().map(|(key, _)| key.to_string())
    }
    /// The fee paid (transaction plus prioritization fee) by a sent transaction, or `None`.
    #[getter]
    fn fee(&self) -> Option<u64> {
        self.0
            .fee()
            .map(|fee| fee.transaction_fee + fee.prioritization_fee)
    }
    /// The invoke tree: one frame per top-level instruction, its CPIs nested.
    #[getter]
    fn invocations(&self) -> Vec<PyInvocation> {
        common::frames(&self.0)
            .into_iter()
            .map(PyInvocation)
            .collect()
    }
    /// State after the transaction of an account it referenced, or `None`.
    fn account(&self, pubkey: &Bound<'_, PyAny>) -> PyResult<Option<PyAccount>> {
        Ok(self
            .0
            .account(&key_of(pubkey, "pubkey")?)
            .map(PyAccount::from))
    }

    /// Every failed expectation, one per line with expected and actual values, or `None`
    /// when all hold. Keywords: `result`, `compute_units`, `fee`, `logs_contain`,
    /// `return_data`, and `accounts`, a list of dicts with `pubkey` and any of `lamports`,
    /// `owner`, `data`, `data_len`, `executable`.
    #[pyo3(signature = (**expect))]
    fn check(&self, expect: Option<&Bound<'_, PyDict>>) -> PyResult<Option<String>> {
        expect_of(expect)?.failures(&self.0).map_err(value_error)
    }

    /// `check`, raising `CheckFailed` (an `AssertionError`) with every failure.
    #[pyo3(signature = (**expect))]
    fn expect(&self, expect: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        match self.check(expect)? {
            Some(failures) => Err(CheckFailed::new_err(failures)),
            None => Ok(()),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Outcome(result={:?}, compute_units_consumed={})",
            self.0.result_string(),
            self.0.compute_units_consumed()
        )
    }
}

/// Sets the sysvar field at `path` from a Python `bool`, `int` or `float`.
fn set_sysvar(options: &mut common::Options, path: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let value = if let Ok(flag) = value.downcast::<PyBool>() {
        common::OptionValue::Bool(flag.is_true())
    } else if let Ok(number) = value.extract::<i128>() {
        common::OptionValue::Int(number)
    } else if let Ok(number) = value.extract::<f64>() {
        common::OptionValue::Float(number)
    } else {
        return Err(PyTypeError::new_err(format!(
            "sysvars.{path}: expected a number or bool, got {}",
            type_name(value)
        )));
    };
    options.set_sysvar(path, value).map_err(value_error)
}

/// A local Solana runtime: programs, accounts, and the instructions and transactions run
/// on them, with Agave's results.
#[pyclass(module = "sbfvm", name = "Sbfvm", unsendable)]
struct PySbfvm(sbfvm::Sbfvm);

fn sbfvm_error(error: sbfvm::Error) -> PyErr {
    SbfvmError::new_err(error.to_string())
}

#[pymethods]
impl PySbfvm {
    /// `compute_unit_limit` per transaction (Agave's default when `None`); `features` maps
    /// gate names or base58 ids to `True` (enable) or `False` (disable) on top of mainnet's;
    /// `sysvars` replaces sysvar fields, named as a scenario file's `settings.sysvars`:
    /// `{"clock": {"slot": 5}, "rent": {...}, "epoch_schedule": {...}, "last_restart_slot": 7}`.
    #[new]
    #[pyo3(signature = (*, compute_unit_limit=None, features=None, sysvars=None))]
    fn new(
        compute_unit_limit: Option<u64>,
        features: Option<&Bound<'_, PyDict>>,
        sysvars: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut options = common::Options {
            compute_unit_limit,
            ..common::Options::default()
        };
        for (name, active) in features.into_iter().flatten() {
            let name: String = name
                .extract()
                .map_err(|_| PyTypeError::new_err("features: keys are gate names or ids"))?;
            if active.extract::<bool>()? {
                options.enable.push(name);
            } else {
                options.disable.push(name);
            }
        }
        for (name, value) in sysvars.into_iter().flatten() {
            let name: String = name
                .extract()
                .map_err(|_| PyTypeError::new_err("sysvars: keys are sysvar names"))?;
            match value.downcast::<PyDict>() {
                Ok(fields) => {
                    for (field, value) in fields {
                        let field: String = field.extract().map_err(|_| {
                            PyTypeError::new_err(format!("sysvars.{name}: keys are field names"))
                        })?;
                        set_sysvar(&mut options, &format!("{name}.{field}"), &value)?;
                    }
                }
                Err(_) => set_sysvar(&mut options, &name, &value)?,
            }
        }
        let config = options.config().map_err(value_error)?;
        sbfvm::Sbfvm::new(config).map(PySbfvm).map_err(sbfvm_error)
    }

    /// Deploys the ELF at `path` under `program_id` with `loader` (`"upgradeable"`,
    /// `"bpf_loader"` or `"deprecated"`).
    #[pyo3(signature = (program_id, path, loader="upgradeable"))]
    fn add_program_file(
        &mut self,
        program_id: &Bound<'_, PyAny>,
        path: std::path::PathBuf,
        loader: &str,
    ) -> PyResult<()> {
        let program_id = key_of(program_id, "program_id")?;
        let loader = common::loader(loader).map_err(value_error)?;
        self.0
            .add_program_file(program_id, loader, path)
            .map(drop)
            .map_err(sbfvm_error)
    }

    /// Deploys the ELF `elf` (bytes) under `program_id`.
    #[pyo3(signature = (program_id, elf, loader="upgradeable"))]
    fn add_program(
        &mut self,
        program_id: &Bound<'_, PyAny>,
        elf: &Bound<'_, PyAny>,
        loader: &str,
    ) -> PyResult<()> {
        let program_id = key_of(program_id, "program_id")?;
        let loader = common::loader(loader).map_err(value_error)?;
        let elf = bytes_of(elf, "elf")?;
        self.0
            .add_program(program_id, loader, &elf)
            .map(drop)
            .map_err(sbfvm_error)
    }

    /// Sets an account's whole state.
    #[pyo3(signature = (pubkey, *, lamports=0, data=None, owner=None, executable=false))]
    fn set_account(
        &mut self,
        pubkey: &Bound<'_, PyAny>,
        lamports: u64,
        data: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        executable: bool,
    ) -> PyResult<()> {
        let pubkey = key_of(pubkey, "pubkey")?;
        let data = data.map(|data| bytes_of(data, "data")).transpose()?;
        let owner = owner
            .map(|owner| key_of(owner, "owner"))
            .transpose()?
            .unwrap_or_default();
        self.0.set_account(
            pubkey,
            Account {
                lamports,
                data: data.unwrap_or_default(),
                owner,
                executable,
                rent_epoch: u64::MAX,
            },
        );
        Ok(())
    }

    /// An account's state, or `None` when it does not exist.
    fn get_account(&self, pubkey: &Bound<'_, PyAny>) -> PyResult<Option<PyAccount>> {
        Ok(self
            .0
            .account(&key_of(pubkey, "pubkey")?)
            .map(PyAccount::from))
    }

    /// Runs one instruction as a transaction of its own (no fee payer, fee or signature
    /// checks); committed when it succeeds.
    fn process_instruction(&mut self, instruction: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let instruction = instruction_of(instruction)?;
        Ok(PyOutcome(self.0.process_instruction(&instruction)))
    }

    /// Runs `instruction` `iterations` times inside Rust (converted once, no Python per
    /// call, outcomes dropped) and returns the mean nanoseconds per call: the engine's own
    /// cost, against which a Python loop over `process_instruction` shows the binding's.
    fn time_process_instruction(
        &mut self,
        instruction: &Bound<'_, PyAny>,
        iterations: u32,
    ) -> PyResult<f64> {
        let instruction = instruction_of(instruction)?;
        Ok(common::time_per_call(iterations, || {
            self.0.process_instruction(&instruction)
        }))
    }

    /// Runs instructions as one atomic transaction.
    #[pyo3(signature = (instructions, *, compute_unit_limit=None))]
    fn process_transaction(
        &mut self,
        instructions: &Bound<'_, PyAny>,
        compute_unit_limit: Option<u64>,
    ) -> PyResult<PyOutcome> {
        let instructions = instructions
            .try_iter()?
            .map(|instruction| instruction_of(&instruction?))
            .collect::<PyResult<Vec<_>>>()?;
        let limit = compute_unit_limit.or(self.0.config().compute_unit_limit);
        Ok(PyOutcome(self.0.process_transaction(&instructions, limit)))
    }

    /// Sends a signed transaction as mainnet runs it (fees, signatures, blockhash).
    fn send_transaction(&mut self, transaction: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let transaction = transaction_of(transaction)?;
        Ok(PyOutcome(self.0.send_transaction(&transaction)))
    }

    /// What `send_transaction` would give, committing nothing.
    fn simulate_transaction(&mut self, transaction: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let transaction = transaction_of(transaction)?;
        Ok(PyOutcome(self.0.simulate_transaction(&transaction)))
    }

    /// Whether `send_transaction` verifies signatures (on by default).
    fn set_signature_verification(&mut self, enabled: bool) {
        self.0.set_signature_verification(enabled);
    }

    /// The newest blockhash, in base58.
    fn latest_blockhash(&self) -> String {
        self.0.latest_blockhash().to_string()
    }

    /// Registers a new blockhash and returns it (base58).
    fn expire_blockhash(&mut self) -> String {
        self.0.expire_blockhash().to_string()
    }

    /// Moves the Clock to `slot`.
    fn warp_to_slot(&mut self, slot: u64) {
        self.0.warp_to_slot(slot);
    }

    /// Adds lamports to an account (a new System account when missing).
    fn airdrop(&mut self, pubkey: &Bound<'_, PyAny>, lamports: u64) -> PyResult<()> {
        self.0.airdrop(&key_of(pubkey, "pubkey")?, lamports);
        Ok(())
    }
}

#[pymodule]
fn _sbfvm(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PySbfvm>()?;
    module.add_class::<PyOutcome>()?;
    module.add_class::<PyInvocation>()?;
    module.add_class::<PyAccount>()?;
    module.add("SbfvmError", module.py().get_type::<SbfvmError>())?;
    module.add("CheckFailed", module.py().get_type::<CheckFailed>())?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
