//! What the Python and the Node binding share: reading keys, loaders, options and
//! transactions from the plain values each language hands over, building `Check`s from an
//! expectation, and the invoke tree in a language-neutral form. Everything here converts;
//! the work is done by the `sbfvm` crate. Errors are the message the binding raises.

use sbfvm::runner::{apply_sysvar_overrides, feature_set};
use sbfvm::scenario::SysvarsSpec;
use sbfvm::{
    Check, Config, Instruction, Invocation, Loader, Outcome, Pubkey, VersionedTransaction,
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

/// The options of a binding's `Sbfvm` constructor: a transaction compute-unit limit,
/// feature gates to enable or disable (by name or base58 id) on top of mainnet's set, and
/// sysvar fields to replace, named as a scenario file's `settings.sysvars` names them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Per transaction; `None` is Agave's default.
    pub compute_unit_limit: Option<u64>,
    /// Gates to activate.
    pub enable: Vec<String>,
    /// Gates to deactivate (applied after `enable`).
    pub disable: Vec<String>,
    /// Sysvar fields to replace.
    pub sysvars: SysvarsSpec,
}

/// A number or flag as a language hands an option's value over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    /// `True`/`false`.
    Bool(bool),
    /// A Python `int` or a JavaScript `bigint`.
    Int(i128),
    /// A Python `float` or a JavaScript `number`.
    Float(f64),
}

/// The sysvar fields the `sysvars` option sets, each once: its section of the spec, its
/// field and how its value is read (the one top-level field first, listed last). Gives
/// [`SYSVAR_FIELDS`] and [`Options::set_sysvar`].
macro_rules! sysvar_fields {
    (
        $top:ident => $top_read:ident;
        $($section:ident . $field:ident => $read:ident,)*
    ) => {
        /// The sysvar fields the `sysvars` option sets, by their dotted path.
        pub const SYSVAR_FIELDS: &str = concat!(
            $(stringify!($section), ".", stringify!($field), ", ",)*
            stringify!($top)
        );

        impl Options {
            /// Sets the sysvar field at `path` (`clock.slot`, `rent.burn_percent`,
            /// `last_restart_slot`, … — [`SYSVAR_FIELDS`]).
            pub fn set_sysvar(&mut self, path: &str, value: OptionValue) -> Result<(), String> {
                let what = format!("sysvars.{path}");
                $(
                    if path == concat!(stringify!($section), ".", stringify!($field)) {
                        let value = value.$read(&what)?;
                        let section = self.sysvars.$section.get_or_insert_with(Default::default);
                        section.$field = Some(value);
                        return Ok(());
                    }
                )*
                if path == stringify!($top) {
                    self.sysvars.$top = Some(value.$top_read(&what)?);
                    return Ok(());
                }
                Err(unknown_sysvar(path))
            }
        }
    };
}

sysvar_fields! {
    last_restart_slot => unsigned;
    clock.slot => unsigned,
    clock.epoch_start_timestamp => signed,
    clock.epoch => unsigned,
    clock.leader_schedule_epoch => unsigned,
    clock.unix_timestamp => signed,
    rent.lamports_per_byte_year => unsigned,
    rent.exemption_threshold => float,
    rent.burn_percent => percent,
    epoch_schedule.slots_per_epoch => unsigned,
    epoch_schedule.leader_schedule_slot_offset => unsigned,
    epoch_schedule.warmup => flag,
    epoch_schedule.first_normal_epoch => unsigned,
    epoch_schedule.first_normal_slot => unsigned,
}

impl OptionValue {
    /// An integer in `min..=max`; a float counts when it is a whole number (a JavaScript
    /// `number` is one).
    fn integer(self, min: i128, max: i128, range: &str, what: &str) -> Result<i128, String> {
        let number = match self {
            OptionValue::Int(number) => Some(number),
            // `as` saturates: a float beyond i128 lands outside every range.
            OptionValue::Float(number) if number.fract() == 0.0 => Some(number as i128),
            _ => None,
        };
        number
            .filter(|number| (min..=max).contains(number))
            .ok_or_else(|| format!("{what}: expected an integer from {range}, got {self}"))
    }

    fn unsigned(self, what: &str) -> Result<u64, String> {
        Ok(self.integer(0, u64::MAX.into(), "0 to 2^64 - 1", what)? as u64)
    }

    fn signed(self, what: &str) -> Result<i64, String> {
        Ok(self.integer(i64::MIN.into(), i64::MAX.into(), "-2^63 to 2^63 - 1", what)? as i64)
    }

    fn percent(self, what: &str) -> Result<u8, String> {
        Ok(self.integer(0, 100, "0 to 100", what)? as u8)
    }

    fn float(self, what: &str) -> Result<f64, String> {
        match self {
            OptionValue::Int(number) => Ok(number as f64),
            OptionValue::Float(number) => Ok(number),
            OptionValue::Bool(_) => Err(format!("{what}: expected a number, got {self}")),
        }
    }

    fn flag(self, what: &str) -> Result<bool, String> {
        match self {
            OptionValue::Bool(flag) => Ok(flag),
            _ => Err(format!("{what}: expected a boolean, got {self}")),
        }
    }
}

impl std::fmt::Display for OptionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Bool(flag) => write!(f, "{flag}"),
            OptionValue::Int(number) => write!(f, "{number}"),
            OptionValue::Float(number) => write!(f, "{number}"),
        }
    }
}

impl Options {
    /// The facade's configuration: mainnet's feature set changed by the gates, Agave's
    /// default sysvars with the given fields replaced.
    pub fn config(&self) -> Result<Config, String> {
        let features = feature_set(&self.enable, &self.disable)
            .map_err(|name| format!("unknown feature `{name}`"))?;
        let mut config = Config {
            features,
            compute_unit_limit: self.compute_unit_limit,
            ..Config::default()
        };
        apply_sysvar_overrides(&mut config.sysvars, &self.sysvars)
            .map_err(|error| error.to_string())?;
        Ok(config)
    }
}

fn unknown_sysvar(path: &str) -> String {
    format!("unknown sysvar field `{path}` (sysvars: {SYSVAR_FIELDS})")
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
            result: invocation.result_string(),
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
        let gate = Options {
            enable: vec!["no_such_gate".to_owned()],
            ..Options::default()
        };
        assert_eq!(gate.config().unwrap_err(), "unknown feature `no_such_gate`");
        let limit = Options {
            compute_unit_limit: Some(5),
            ..Options::default()
        };
        assert_eq!(limit.config().unwrap().compute_unit_limit, Some(5));
    }

    #[test]
    fn sysvars() {
        let mut options = Options::default();
        options
            .set_sysvar("clock.slot", OptionValue::Float(9.0))
            .unwrap();
        options
            .set_sysvar("clock.unix_timestamp", OptionValue::Int(-5))
            .unwrap();
        options
            .set_sysvar("rent.exemption_threshold", OptionValue::Int(2))
            .unwrap();
        options
            .set_sysvar("epoch_schedule.warmup", OptionValue::Bool(true))
            .unwrap();
        options
            .set_sysvar("last_restart_slot", OptionValue::Int(7))
            .unwrap();
        let sysvars = options.config().unwrap().sysvars;
        assert_eq!(sysvars.clock.slot, 9);
        assert_eq!(sysvars.clock.unix_timestamp, -5);
        assert_eq!(
            sysvars.clock.epoch, 0,
            "fields not given keep their default"
        );
        assert_eq!(sysvars.rent.exemption_threshold, 2.0);
        assert!(sysvars.epoch_schedule.warmup);
        assert_eq!(sysvars.last_restart_slot, 7);

        let error = |path, value| options.clone().set_sysvar(path, value).unwrap_err();
        assert_eq!(
            error("clock.slot", OptionValue::Int(-1)),
            "sysvars.clock.slot: expected an integer from 0 to 2^64 - 1, got -1"
        );
        assert_eq!(
            error("clock.slot", OptionValue::Float(1.5)),
            "sysvars.clock.slot: expected an integer from 0 to 2^64 - 1, got 1.5"
        );
        assert_eq!(
            error("rent.burn_percent", OptionValue::Int(101)),
            "sysvars.rent.burn_percent: expected an integer from 0 to 100, got 101"
        );
        assert_eq!(
            error("epoch_schedule.warmup", OptionValue::Int(1)),
            "sysvars.epoch_schedule.warmup: expected a boolean, got 1"
        );
        assert!(error("clock.slott", OptionValue::Int(1))
            .starts_with("unknown sysvar field `clock.slott` (sysvars: clock.slot, "));
        assert!(error("last_restart_slot.x", OptionValue::Int(1))
            .starts_with("unknown sysvar field `last_restart_slot.x`"));
    }
}
