//! What the Python and the Node binding share: reading keys, loaders, options and
//! transactions from the plain values each language hands over, building `Check`s from an
//! expectation, and the invoke tree in a language-neutral form. Everything here converts;
//! the work is done by the `sbfvm` crate. Errors are the message the binding raises.

use sbfvm::runtime::features::parse_feature_id;
use sbfvm::{
    Check, Config, FeatureSet, Instruction, Invocation, Loader, Outcome, Pubkey,
    VersionedTransaction,
};

/// A key given as its 32 bytes.
pub fn pubkey_from_bytes(bytes: &[u8], what: &str) -> Result<Pubkey, String> {
    <[u8; 32]>::try_from(bytes)
        .map(Pubkey::new_from_array)
        .map_err(|_| format!("{what}: a public key has 32 bytes, got {}", bytes.len()))
}

/// A key given in base58.
pub fn pubkey_from_base58(text: &str, what: &str) -> Result<Pubkey, String> {
    let bytes = bs58::decode(text)
        .into_vec()
        .map_err(|error| format!("{what}: `{text}` is not base58 ({error})"))?;
    pubkey_from_bytes(&bytes, what).map_err(|_| {
        format!(
            "{what}: `{text}` decodes to {} bytes, a public key has 32",
            bytes.len()
        )
    })
}

/// The loader a binding names: the names scenario files use (`upgradeable`,
/// `bpf_loader`, `deprecated`, …).
pub fn loader(name: &str) -> Result<Loader, String> {
    Loader::parse(name).ok_or_else(|| {
        format!(
            "unknown loader `{name}` (upgradeable, bpf_loader_upgradeable, bpf_loader, bpf_loader_2, deprecated, bpf_loader_deprecated)"
        )
    })
}

/// The options of a binding's `Sbfvm` constructor: a transaction compute-unit limit and
/// feature gates to enable or disable, by name or base58 id, on top of mainnet's set.
pub fn config(
    compute_unit_limit: Option<u64>,
    enable: &[String],
    disable: &[String],
) -> Result<Config, String> {
    let mut features = FeatureSet::mainnet();
    for (names, active) in [(enable, true), (disable, false)] {
        for name in names {
            let id = parse_feature_id(name).ok_or_else(|| format!("unknown feature `{name}`"))?;
            if active {
                features.activate(id);
            } else {
                features.deactivate(&id);
            }
        }
    }
    Ok(Config {
        features,
        compute_unit_limit,
        ..Config::default()
    })
}

/// One account of an instruction, as the bindings collect it.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The account's key.
    pub pubkey: Pubkey,
    /// Whether the instruction says it signed.
    pub is_signer: bool,
    /// Whether the instruction may write it.
    pub is_writable: bool,
}

/// An instruction from its parts.
pub fn instruction(program_id: Pubkey, accounts: Vec<Meta>, data: Vec<u8>) -> Instruction {
    let accounts = accounts
        .into_iter()
        .map(|meta| sbfvm::runtime::AccountMeta {
            pubkey: meta.pubkey,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        })
        .collect();
    Instruction {
        program_id,
        accounts,
        data,
    }
}

/// A transaction from its wire bytes (what `bytes(tx)` in solders and `tx.serialize()` in
/// web3.js give).
pub fn transaction(bytes: &[u8]) -> Result<VersionedTransaction, String> {
    bincode::deserialize(bytes).map_err(|error| format!("not a serialized transaction: {error}"))
}

/// Expected state of one account after a transaction; `None` fields are not checked.
#[derive(Debug, Clone, Default)]
pub struct ExpectAccount {
    /// The account.
    pub pubkey: Option<Pubkey>,
    /// Balance.
    pub lamports: Option<u64>,
    /// Owner program.
    pub owner: Option<Pubkey>,
    /// The whole data.
    pub data: Option<Vec<u8>>,
    /// The data length.
    pub data_len: Option<u64>,
    /// The executable flag.
    pub executable: Option<bool>,
}

/// What a transaction must have produced; `None` and empty fields are not checked.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// `ok` or the error text ([`Outcome::result_string`]).
    pub result: Option<String>,
    /// Compute units of the whole transaction.
    pub compute_units: Option<u64>,
    /// Fee paid, in lamports.
    pub fee: Option<u64>,
    /// Texts that must each appear within some log line.
    pub logs_contain: Vec<String>,
    /// The return data (empty also matches none).
    pub return_data: Option<Vec<u8>>,
    /// Account states.
    pub accounts: Vec<ExpectAccount>,
}

impl Expect {
    /// The `Check`s it stands for.
    pub fn checks(&self) -> Result<Vec<Check>, String> {
        let mut checks = Vec::new();
        checks.extend(self.result.clone().map(Check::result));
        checks.extend(self.compute_units.map(Check::compute_units));
        checks.extend(self.fee.map(Check::fee));
        checks.extend(self.logs_contain.iter().cloned().map(Check::logs_contain));
        checks.extend(self.return_data.as_deref().map(Check::return_data));
        for account in &self.accounts {
            let key = account
                .pubkey
                .ok_or("an account expectation needs its pubkey")?;
            let mut check = Check::account(&key);
            if let Some(lamports) = account.lamports {
                check = check.lamports(lamports);
            }
            if let Some(owner) = &account.owner {
                check = check.owner(owner);
            }
            if let Some(data) = &account.data {
                check = check.data(data);
            }
            if let Some(len) = account.data_len {
                check = check.data_len(len as usize);
            }
            if let Some(executable) = account.executable {
                check = check.executable(executable);
            }
            checks.push(check.build());
        }
        Ok(checks)
    }

    /// Every failed expectation, expected against actual, as `Outcome::check` words it;
    /// `None` when all hold.
    pub fn failures(&self, outcome: &Outcome) -> Result<Option<String>, String> {
        Ok(outcome
            .check(&self.checks()?)
            .err()
            .map(|failures| failures.to_string()))
    }
}

/// One frame of the invoke tree with everything as plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The program the frame ran.
    pub program_id: Pubkey,
    /// 1 for a top-level instruction, 2 for its callees, …
    pub stack_height: u64,
    /// Units of the frame, its callees included.
    pub compute_units_consumed: u64,
    /// `ok` or the instruction error's text.
    pub result: String,
    /// Units of SBF instructions executed by the frame itself.
    pub instructions: u64,
    /// Units the CPI syscalls charged themselves.
    pub cpi: u64,
    /// Other charges (heap, a builtin's own charge, a fault's drain).
    pub other: u64,
    /// Syscalls by name: (name, calls, units), CPI syscalls excluded.
    pub syscalls: Vec<(String, u64, u64)>,
    /// The frames it invoked.
    pub invocations: Vec<Frame>,
}

impl From<&Invocation> for Frame {
    fn from(invocation: &Invocation) -> Self {
        let cost = &invocation.cost;
        Frame {
            program_id: invocation.program_id,
            stack_height: invocation.stack_height as u64,
            compute_units_consumed: invocation.compute_units_consumed,
            result: match &invocation.result {
                Ok(()) => "ok".to_owned(),
                Err(error) => format!("{error:?}"),
            },
            instructions: cost.instructions,
            cpi: cost.cpi,
            other: cost.other,
            syscalls: cost
                .syscalls
                .iter()
                .map(|&(name, calls, units)| (name.to_owned(), calls, units))
                .collect(),
            invocations: invocation.invocations.iter().map(Frame::from).collect(),
        }
    }
}

/// The outcome's invoke tree.
pub fn frames(outcome: &Outcome) -> Vec<Frame> {
    outcome.invocations.iter().map(Frame::from).collect()
}

/// Mean wall time in nanoseconds of `iterations` calls of `run` (at least one), each
/// result dropped inside the timed span as a binding drops an unused outcome.
pub fn time_per_call<T>(iterations: u32, mut run: impl FnMut() -> T) -> f64 {
    let iterations = iterations.max(1);
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        drop(std::hint::black_box(run()));
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let key = Pubkey::new_from_array([7; 32]);
        assert_eq!(pubkey_from_bytes(&[7; 32], "k"), Ok(key));
        assert_eq!(pubkey_from_base58(&key.to_string(), "k"), Ok(key));
        assert_eq!(
            pubkey_from_bytes(&[1; 31], "owner"),
            Err("owner: a public key has 32 bytes, got 31".to_owned())
        );
        assert!(pubkey_from_base58("0OIl", "k")
            .unwrap_err()
            .contains("is not base58"));
        assert_eq!(
            pubkey_from_base58("abc", "k"),
            Err("k: `abc` decodes to 3 bytes, a public key has 32".to_owned())
        );
    }

    #[test]
    fn options() {
        assert!(loader("upgradeable").is_ok());
        assert!(loader("bpf_loader").is_ok());
        assert!(loader("v4").unwrap_err().contains("unknown loader `v4`"));
        assert_eq!(
            config(None, &["no_such_gate".to_owned()], &[]).unwrap_err(),
            "unknown feature `no_such_gate`"
        );
        assert_eq!(
            config(Some(5), &[], &[]).unwrap().compute_unit_limit,
            Some(5)
        );
    }
}
