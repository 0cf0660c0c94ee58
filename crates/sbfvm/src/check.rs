//! Declarative checks on an [`Outcome`], in the style of Mollusk's `Check`: list what a
//! transaction must have produced, run them all, and get every failure at once with the
//! expected and the actual value.
//!
//! ```
//! use sbfvm::check::Check;
//! use sbfvm::{Config, InstructionError, Loader, Pubkey, Sbfvm};
//! use solana_instruction::Instruction;
//!
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let program_id = Pubkey::new_unique();
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
//! vm.add_program_file(program_id, Loader::Upgradeable, format!("{fixtures}/custom_error.so"))
//!     .unwrap();
//!
//! // custom_error.so returns the u32 of its instruction data as Custom(n).
//! let outcome = vm.process_instruction(&Instruction::new_with_bytes(program_id, &7u32.to_le_bytes(), vec![]));
//! outcome.assert(&[Check::err(InstructionError::Custom(7))]);
//!
//! let failures = outcome
//!     .check(&[Check::success(), Check::err(InstructionError::Custom(7)), Check::return_data(b"\x01")])
//!     .unwrap_err();
//! assert_eq!(
//!     failures.to_string(),
//!     "2 of 3 checks failed:\n\
//!      \x20 result: expected `ok`, got `Custom(7)`\n\
//!      \x20 return_data: expected hex:01, got hex: (first difference at byte 0; expected 1 bytes, got 0)\n"
//! );
//! ```
//!
//! The scenario runner's `expect` blocks are evaluated with these checks too
//! ([`Check::from_expect`]), so a scenario and a test report a failure in the same words.

use std::fmt;

use crate::scenario::{parse_data, parse_pubkey, ExpectSpec};
use crate::Outcome;
use sbfvm_runtime::{InstructionError, Pubkey, TransactionError};

// The checks are methods of the outcome they judge, written here so that the outcome does
// not depend on the checks.
impl Outcome {
    /// Runs every check; `Err` lists each failure with the expected and the actual value.
    pub fn check(&self, checks: &[Check]) -> Result<(), CheckFailures> {
        run_checks(self, checks)
    }

    /// [`Outcome::check`], panicking with the list of failures (for tests).
    #[track_caller]
    pub fn assert(&self, checks: &[Check]) {
        if let Err(failures) = self.check(checks) {
            panic!("{failures}");
        }
    }
}

/// Byte strings up to this length are shown whole in a failure; longer ones as a window
/// around the first difference.
const SHOWN_WHOLE: usize = 64;
/// Bytes shown before the first difference in a window.
const WINDOW_BEFORE: usize = 8;
/// Bytes shown in a window.
const WINDOW_LEN: usize = 32;

/// One thing a transaction must have produced. Build with the constructors; run with
/// [`Outcome::check`], [`Outcome::assert`] or [`Check::evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Check(Kind);

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Success,
    Result(String),
    InstructionErr(InstructionError),
    TransactionErr(TransactionError),
    ComputeUnits(u64),
    Fee(u64),
    LogsContain(String),
    ReturnData(Vec<u8>),
    Account(AccountCheck),
}

impl Check {
    /// The transaction succeeded.
    pub fn success() -> Self {
        Check(Kind::Success)
    }

    /// An instruction of the transaction (any one) failed with `error`.
    pub fn err(error: InstructionError) -> Self {
        Check(Kind::InstructionErr(error))
    }

    /// The transaction failed with exactly `error` (for an instruction error, at that
    /// instruction index).
    pub fn transaction_err(error: TransactionError) -> Self {
        Check(Kind::TransactionErr(error))
    }

    /// The result, as the scenario format writes it ([`Outcome::result_string`]): `ok`, the
    /// `{:?}` of the instruction error (`Custom(1)`, `InvalidArgument`) or of a
    /// transaction-level error.
    pub fn result(text: impl Into<String>) -> Self {
        Check(Kind::Result(text.into()))
    }

    /// The transaction consumed exactly `units` compute units.
    pub fn compute_units(units: u64) -> Self {
        Check(Kind::ComputeUnits(units))
    }

    /// The transaction paid exactly `lamports` in fees (signatures and prioritization
    /// together); a transaction that paid none (an instruction list, or one rejected before
    /// its fee) paid 0.
    pub fn fee(lamports: u64) -> Self {
        Check(Kind::Fee(lamports))
    }

    /// Some log line contains `text`.
    pub fn logs_contain(text: impl Into<String>) -> Self {
        Check(Kind::LogsContain(text.into()))
    }

    /// The return data is exactly `data`, whichever program set it; empty `data` also
    /// matches no return data.
    pub fn return_data(data: &[u8]) -> Self {
        Check(Kind::ReturnData(data.to_vec()))
    }

    /// The state of `key` after the transaction; add the fields to compare, then
    /// [`AccountCheck::build`]. The account must be one the transaction referenced.
    pub fn account(key: &Pubkey) -> AccountCheck {
        AccountCheck {
            key: *key,
            lamports: None,
            owner: None,
            data: None,
            data_len: None,
            executable: None,
        }
    }

    /// The checks of a scenario `expect` block, in the order the runner reports them.
    /// Fails on malformed base58 or data, naming the field (`what` prefixes the name, e.g.
    /// `instructions[2].expect`).
    pub fn from_expect(expect: &ExpectSpec, what: &str) -> Result<Vec<Check>, crate::Error> {
        let mut checks = Vec::new();
        if let Some(result) = &expect.result {
            checks.push(Check::result(result.clone()));
        }
        if let Some(units) = expect.compute_units_consumed {
            checks.push(Check::compute_units(units));
        }
        if let Some(fee) = expect.fee {
            checks.push(Check::fee(fee));
        }
        for line in &expect.logs_contain {
            checks.push(Check::logs_contain(line.clone()));
        }
        if let Some(data) = &expect.return_data {
            let data = if data.is_empty() || data == "none" {
                Vec::new()
            } else {
                parse_data(data, &format!("{what}.return_data"))?
            };
            checks.push(Check(Kind::ReturnData(data)));
        }
        for (position, spec) in expect.accounts.iter().enumerate() {
            let what = format!("{what}.accounts[{position}]");
            let key = parse_pubkey(&spec.pubkey, &format!("{what}.pubkey"))?;
            let mut account = Check::account(&key);
            account.lamports = spec.lamports;
            if let Some(owner) = &spec.owner {
                account.owner = Some(parse_pubkey(owner, &format!("{what}.owner"))?);
            }
            if let Some(data) = &spec.data {
                account.data = Some(parse_data(data, &format!("{what}.data"))?);
            }
            account.data_len = spec.data_len;
            account.executable = spec.executable;
            checks.push(account.build());
        }
        Ok(checks)
    }

    /// Runs this check: empty when it holds, else one failure per differing field.
    pub fn evaluate(&self, outcome: &Outcome) -> Vec<CheckFailure> {
        let mut failures = Vec::new();
        match &self.0 {
            Kind::Success => {
                if !outcome.is_ok() {
                    failures.push(result_failure("ok", outcome.result_string()));
                }
            }
            Kind::Result(expected) => {
                let got = outcome.result_string();
                if &got != expected {
                    failures.push(result_failure(expected, got));
                }
            }
            Kind::InstructionErr(expected) => {
                let matches = matches!(
                    outcome.result(),
                    Err(TransactionError::InstructionError(_, got)) if got == expected
                );
                if !matches {
                    failures.push(result_failure(
                        &format!("{expected:?}"),
                        outcome.result_string(),
                    ));
                }
            }
            Kind::TransactionErr(expected) => {
                if outcome.result().as_ref().err() != Some(expected) {
                    let got = match outcome.result() {
                        Ok(()) => "ok".to_string(),
                        Err(error) => format!("{error:?}"),
                    };
                    failures.push(result_failure(&format!("{expected:?}"), got));
                }
            }
            Kind::ComputeUnits(expected) => {
                let got = outcome.compute_units_consumed();
                if got != *expected {
                    let difference = if got > *expected {
                        format!("+{}", got - expected)
                    } else {
                        format!("-{}", expected - got)
                    };
                    failures.push(CheckFailure::new(
                        Subject::ComputeUnits,
                        format!("expected {expected}, got {got} ({difference})"),
                    ));
                }
            }
            Kind::Fee(expected) => {
                let got = outcome.fee().map_or(0, |fee| fee.total());
                if got != *expected {
                    failures.push(CheckFailure::new(
                        Subject::Fee,
                        format!("expected {expected}, got {got}"),
                    ));
                }
            }
            Kind::LogsContain(text) => {
                if !outcome
                    .logs()
                    .iter()
                    .any(|line| line.contains(text.as_str()))
                {
                    failures.push(CheckFailure::new(
                        Subject::Logs,
                        format!("no log line contains `{text}`"),
                    ));
                }
            }
            Kind::ReturnData(expected) => {
                let got = outcome.return_data().map(|(_, data)| data).unwrap_or(&[]);
                if got != expected.as_slice() {
                    failures.push(CheckFailure::new(
                        Subject::ReturnData,
                        bytes_difference(expected, got),
                    ));
                }
            }
            Kind::Account(check) => check.evaluate(outcome, &mut failures),
        }
        failures
    }
}

fn result_failure(expected: &str, got: String) -> CheckFailure {
    CheckFailure::new(
        Subject::Result,
        format!("expected `{expected}`, got `{got}`"),
    )
}

impl From<AccountCheck> for Check {
    fn from(check: AccountCheck) -> Self {
        check.build()
    }
}

/// The fields of one account to compare; from [`Check::account`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an account check does nothing until it is built into a Check"]
pub struct AccountCheck {
    key: Pubkey,
    lamports: Option<u64>,
    owner: Option<Pubkey>,
    data: Option<Vec<u8>>,
    data_len: Option<u64>,
    executable: Option<bool>,
}

impl AccountCheck {
    /// The lamport balance after the transaction.
    pub fn lamports(mut self, lamports: u64) -> Self {
        self.lamports = Some(lamports);
        self
    }

    /// The owner program after the transaction.
    pub fn owner(mut self, owner: &Pubkey) -> Self {
        self.owner = Some(*owner);
        self
    }

    /// The whole data, byte for byte.
    pub fn data(mut self, data: &[u8]) -> Self {
        self.data = Some(data.to_vec());
        self
    }

    /// The data length in bytes, whatever the bytes are.
    pub fn data_len(mut self, len: usize) -> Self {
        self.data_len = Some(len as u64);
        self
    }

    /// The `executable` flag after the transaction.
    pub fn executable(mut self, executable: bool) -> Self {
        self.executable = Some(executable);
        self
    }

    /// The [`Check`] comparing the fields given so far (none: only that the account was
    /// referenced).
    pub fn build(self) -> Check {
        Check(Kind::Account(self))
    }

    fn evaluate(&self, outcome: &Outcome, failures: &mut Vec<CheckFailure>) {
        let key = self.key;
        let Some(after) = outcome.account(&key) else {
            failures.push(CheckFailure::new(
                Subject::Account(key, None),
                "not referenced by the transaction".to_string(),
            ));
            return;
        };
        let mut differ = |field: &'static str, detail: String| {
            failures.push(CheckFailure::new(
                Subject::Account(key, Some(field)),
                detail,
            ));
        };
        if let Some(lamports) = self.lamports {
            if after.lamports != lamports {
                differ(
                    "lamports",
                    format!("expected {lamports}, got {}", after.lamports),
                );
            }
        }
        if let Some(owner) = &self.owner {
            if after.owner != *owner {
                differ("owner", format!("expected {owner}, got {}", after.owner));
            }
        }
        if let Some(data) = &self.data {
            if after.data != *data {
                differ("data", bytes_difference(data, &after.data));
            }
        }
        if let Some(len) = self.data_len {
            if after.data.len() as u64 != len {
                differ(
                    "data length",
                    format!("expected {len}, got {}", after.data.len()),
                );
            }
        }
        if let Some(executable) = self.executable {
            if after.executable != executable {
                differ(
                    "executable",
                    format!("expected {executable}, got {}", after.executable),
                );
            }
        }
    }
}

/// What a failed check was about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// `success`, `err`, `transaction_err` and `result` checks.
    Result,
    /// The `compute_units` check.
    ComputeUnits,
    /// The `fee` check.
    Fee,
    /// A `logs_contain` check.
    Logs,
    /// The `return_data` check.
    ReturnData,
    /// An account, and the field that differs (`None`: the account is missing).
    Account(Pubkey, Option<&'static str>),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Result => f.write_str("result"),
            Subject::ComputeUnits => f.write_str("compute_units_consumed"),
            Subject::Fee => f.write_str("fee"),
            Subject::Logs => f.write_str("logs_contain"),
            Subject::ReturnData => f.write_str("return_data"),
            Subject::Account(key, None) => write!(f, "account {key}"),
            Subject::Account(key, Some(field)) => write!(f, "account {key} {field}"),
        }
    }
}

/// One failed check: `{subject}: {detail}`, e.g. ``result: expected `ok`, got `Custom(1)` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    /// What the check was about; shown before the colon.
    pub subject: Subject,
    /// The expected and the actual value (or what is missing).
    pub detail: String,
}

impl CheckFailure {
    fn new(subject: Subject, detail: String) -> Self {
        Self { subject, detail }
    }
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

/// Every failed check of one [`Outcome::check`] call. Its `Display` is one line per
/// failure, under a count, followed by the transaction's logs when a log check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailures {
    /// Each failure, in the order of the checks (an account check may fail on several
    /// fields).
    pub failures: Vec<CheckFailure>,
    /// How many checks ran.
    pub checks: usize,
    /// The transaction's logs, kept when a `logs_contain` check failed.
    pub logs: Option<Vec<String>>,
}

impl fmt::Display for CheckFailures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures.len();
        let noun = if self.checks == 1 { "check" } else { "checks" };
        writeln!(f, "{failed} of {} {noun} failed:", self.checks)?;
        for failure in &self.failures {
            writeln!(f, "  {failure}")?;
        }
        if let Some(logs) = &self.logs {
            writeln!(f, "logs:")?;
            for line in logs {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for CheckFailures {}

/// Runs `checks`; `Err` lists every failure.
pub fn run_checks(outcome: &Outcome, checks: &[Check]) -> Result<(), CheckFailures> {
    let failures: Vec<CheckFailure> = checks
        .iter()
        .flat_map(|check| check.evaluate(outcome))
        .collect();
    if failures.is_empty() {
        return Ok(());
    }
    let logs = failures
        .iter()
        .any(|failure| failure.subject == Subject::Logs)
        .then(|| outcome.logs().to_vec());
    Err(CheckFailures {
        failures,
        checks: checks.len(),
        logs,
    })
}

/// `expected hex:…, got hex:… (first difference at byte N…)`: whole when both are short, a
/// window around the first difference otherwise.
pub fn bytes_difference(expected: &[u8], got: &[u8]) -> String {
    let first = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    let lengths = if expected.len() == got.len() {
        String::new()
    } else {
        format!("; expected {} bytes, got {}", expected.len(), got.len())
    };
    if expected.len() <= SHOWN_WHOLE && got.len() <= SHOWN_WHOLE {
        return format!(
            "expected hex:{}, got hex:{} (first difference at byte {first}{lengths})",
            hex::encode(expected),
            hex::encode(got)
        );
    }
    let start = first.saturating_sub(WINDOW_BEFORE);
    let end = (start + WINDOW_LEN).min(expected.len().max(got.len()));
    let window = |bytes: &[u8]| {
        let from = start.min(bytes.len());
        let to = end.min(bytes.len());
        format!(
            "{}{}{}",
            if from > 0 { "…" } else { "" },
            hex::encode(&bytes[from..to]),
            if to < bytes.len() { "…" } else { "" }
        )
    };
    let of = if expected.len() == got.len() {
        format!(" of {}", got.len())
    } else {
        String::new()
    };
    format!(
        "expected hex:{}, got hex:{} (first difference at byte {first}; bytes {start}..{end}{of} shown{lengths})",
        window(expected),
        window(got)
    )
}
