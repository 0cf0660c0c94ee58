//! Scenario files: TOML or JSON, chosen by extension, with the fields of [`ScenarioFile`]
//! (settings, programs, accounts, and instructions with optional `expect` blocks). Data is
//! written `hex:…` or `base64:…`, keys in base58. Parsing rejects unknown fields, so a
//! misspelt key is an error, not a silent default.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;
use solana_pubkey::Pubkey;

use crate::error::Error;

/// A scenario file as written: settings, programs, accounts and instructions, each
/// section optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// `[settings]`: how the VM is configured.
    #[serde(default)]
    pub settings: SettingsSpec,
    /// `[[programs]]`: the programs deployed before the instructions run.
    #[serde(default)]
    pub programs: Vec<ProgramSpec>,
    /// `[[accounts]]`: the accounts stored before the instructions run.
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    /// `[[instructions]]`: run in order, each as a transaction of its own.
    #[serde(default)]
    pub instructions: Vec<InstructionSpec>,
    /// `[[transactions]]`: signed transactions with fees, run after the instructions.
    #[serde(default)]
    pub transactions: Vec<TransactionSpec>,
}

/// One `[[transactions]]` entry: a signed transaction sent as mainnet runs it
/// ([`crate::Sbfvm::send_transaction`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionSpec {
    /// Optional label shown in reports.
    pub name: Option<String>,
    /// The signers by name (`signer:NAME` elsewhere in the file is each one's key); the
    /// first pays the fee.
    pub signers: Vec<String>,
    /// Who actually signs, when not the `signers` (signatures by other keys fail
    /// verification): for testing a bad signature.
    pub signed_by: Option<Vec<String>>,
    /// Registers a new blockhash before the transaction (as a new slot would), e.g. so
    /// that a nonce created in the previous blockhash can advance.
    #[serde(default)]
    pub new_blockhash: bool,
    /// `latest` (the default), `expired` (the latest, then aged past 150 newer
    /// blockhashes), `nonce:<account>` (the durable nonce the account stores) or a base58
    /// hash.
    pub blockhash: Option<String>,
    /// Lookup table accounts (base58): a v0 message that loads every non-signer,
    /// non-program key it can through them. Without it the message is legacy.
    #[serde(default)]
    pub lookup_tables: Vec<String>,
    /// The instructions, in order.
    pub instructions: Vec<TransactionInstructionSpec>,
    /// What the transaction must produce.
    pub expect: Option<ExpectSpec>,
}

/// One instruction of a `[[transactions]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionInstructionSpec {
    /// The program to invoke, in base58.
    pub program_id: String,
    /// The instruction's accounts, in order.
    #[serde(default)]
    pub accounts: Vec<MetaSpec>,
    /// Instruction data, `hex:…` or `base64:…`; `None` is empty.
    pub data: Option<String>,
}

/// The `[settings]` table: the VM's configuration for the whole scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsSpec {
    /// Compute-unit limit of each transaction; `None` is Agave's default.
    pub compute_unit_limit: Option<u64>,
    /// `interpreter` or `jit`; `None` is the default (JIT). `--mode` overrides it.
    pub mode: Option<String>,
    /// Heap size of SBF frames in bytes: a multiple of 1 KiB from 32 to 256 KiB; `None` is
    /// 32 KiB.
    pub heap_size: Option<u32>,
    /// Feature gates switched from mainnet's set.
    #[serde(default)]
    pub features: FeaturesSpec,
    /// Sysvar values that replace the defaults.
    #[serde(default)]
    pub sysvars: SysvarsSpec,
    /// Whether `[[transactions]]` signatures are verified (default true); false lets a
    /// scenario fake its signers.
    pub verify_signatures: Option<bool>,
}

/// `settings.features`: gates to change, each by name or base58 id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSpec {
    /// Gates to deactivate (applied after `enable`).
    #[serde(default)]
    pub disable: Vec<String>,
    /// Gates to activate.
    #[serde(default)]
    pub enable: Vec<String>,
}

/// `settings.sysvars`: each field given replaces the default's; the rest stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SysvarsSpec {
    /// Clock fields to replace.
    pub clock: Option<ClockSpec>,
    /// Rent fields to replace.
    pub rent: Option<RentSpec>,
    /// EpochSchedule fields to replace.
    pub epoch_schedule: Option<EpochScheduleSpec>,
    /// The LastRestartSlot sysvar's slot.
    pub last_restart_slot: Option<u64>,
    /// SlotHashes entries, newest first as the sysvar holds them (empty by default; at
    /// most 512): `[{ slot = 9, hash = "<base58, 32 bytes>" }, …]`.
    pub slot_hashes: Option<Vec<SlotHashSpec>>,
    /// StakeHistory entries, newest first (empty by default; at most 512):
    /// `[{ epoch = 3, effective = 1000, activating = 0, deactivating = 0 }, …]`.
    pub stake_history: Option<Vec<StakeHistorySpec>>,
}

/// One `settings.sysvars.slot_hashes` entry: a slot and its bank hash.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotHashSpec {
    /// The slot.
    pub slot: u64,
    /// Its bank hash, base58 (32 bytes).
    pub hash: String,
}

/// One `settings.sysvars.stake_history` entry: an epoch and the cluster's stake in it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakeHistorySpec {
    /// The epoch.
    pub epoch: u64,
    /// Effective stake, in lamports.
    #[serde(default)]
    pub effective: u64,
    /// Stake activating.
    #[serde(default)]
    pub activating: u64,
    /// Stake deactivating.
    #[serde(default)]
    pub deactivating: u64,
}

/// `settings.sysvars.clock`: the Clock fields to replace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSpec {
    /// The current slot.
    pub slot: Option<u64>,
    /// Unix timestamp, in seconds, of the first slot of the current epoch.
    pub epoch_start_timestamp: Option<i64>,
    /// The current epoch.
    pub epoch: Option<u64>,
    /// The latest epoch whose leader schedule has been computed.
    pub leader_schedule_epoch: Option<u64>,
    /// Unix timestamp of the current slot, in seconds.
    pub unix_timestamp: Option<i64>,
}

/// `settings.sysvars.rent`: the Rent fields to replace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RentSpec {
    /// Rent per byte-year of account data, in lamports (6,960 by default: mainnet's
    /// SIMD-0194 Rent).
    pub lamports_per_byte_year: Option<u64>,
    /// Years of rent an account must hold to be exempt (1.0 by default).
    pub exemption_threshold: Option<f64>,
    /// Percentage of collected rent burned (50 by default).
    pub burn_percent: Option<u8>,
}

/// `settings.sysvars.epoch_schedule`: the EpochSchedule fields to replace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpochScheduleSpec {
    /// Slots in an epoch once warmup is over.
    pub slots_per_epoch: Option<u64>,
    /// How many slots before an epoch its leader schedule is computed.
    pub leader_schedule_slot_offset: Option<u64>,
    /// Whether epochs start short and double in length up to `slots_per_epoch`.
    pub warmup: Option<bool>,
    /// The first epoch of full length (after warmup).
    pub first_normal_epoch: Option<u64>,
    /// The first slot of `first_normal_epoch`.
    pub first_normal_slot: Option<u64>,
}

/// One `[[programs]]` entry: an ELF deployed under a program id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramSpec {
    /// The program id, in base58.
    pub program_id: String,
    /// Path of the `.so` file, relative to the scenario file's directory.
    pub elf: String,
    /// `bpf_loader_upgradeable` (the default when `None`), `bpf_loader` or
    /// `bpf_loader_deprecated` (see [`crate::Loader::parse`]).
    pub loader: Option<String>,
}

/// One `[[accounts]]` entry: an account stored before the instructions run (its
/// `rent_epoch` is `u64::MAX`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// The account's key, in base58.
    pub pubkey: String,
    /// Balance in lamports; 0 when absent.
    #[serde(default)]
    pub lamports: u64,
    /// The owner program, in base58; `None` is the System program.
    pub owner: Option<String>,
    /// The data, `hex:…` or `base64:…`; not together with `space`.
    pub data: Option<String>,
    /// Data of this many zero bytes instead of `data`: at most 10 MiB, and at most
    /// [`crate::runner::MAX_SCENARIO_SPACE_BYTES`] over all accounts.
    pub space: Option<u64>,
    /// The `executable` flag; false when absent.
    #[serde(default)]
    pub executable: bool,
}

/// One account of an instruction, as an `AccountMeta`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaSpec {
    /// The account's key, in base58.
    pub pubkey: String,
    /// Passed as a signer; taken as given (no signatures are verified).
    #[serde(default)]
    pub is_signer: bool,
    /// Passed as writable.
    #[serde(default)]
    pub is_writable: bool,
}

/// One `[[instructions]]` entry: an instruction run as a transaction of its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstructionSpec {
    /// Optional label shown in reports.
    pub name: Option<String>,
    /// The program to invoke, in base58.
    pub program_id: String,
    /// The instruction's accounts, in order.
    #[serde(default)]
    pub accounts: Vec<MetaSpec>,
    /// Instruction data, `hex:…` or `base64:…`; `None` is empty.
    pub data: Option<String>,
    /// Overrides `settings.compute_unit_limit` for this instruction.
    pub compute_unit_limit: Option<u64>,
    /// What the instruction must produce; `None` checks nothing.
    pub expect: Option<ExpectSpec>,
}

/// An `expect` block: each field given is a check (see [`crate::Check::from_expect`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// The result as [`crate::Outcome::result_string`] writes it: `ok`, `Custom(1)`,
    /// `InvalidArgument`, …
    pub result: Option<String>,
    /// Exact compute units of the instruction's transaction.
    pub compute_units_consumed: Option<u64>,
    /// The fee the transaction paid in lamports (`[[transactions]]`; instructions pay 0).
    pub fee: Option<u64>,
    /// Texts that must each appear within some log line.
    #[serde(default)]
    pub logs_contain: Vec<String>,
    /// Expected return data ("hex:…"/"base64:…"); "" or "none" expects none.
    pub return_data: Option<String>,
    /// Account states after the instruction.
    #[serde(default)]
    pub accounts: Vec<ExpectAccountSpec>,
}

/// One account of an `expect` block: each field given must match its state after the
/// instruction. The account must be one the transaction referenced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectAccountSpec {
    /// The account's key, in base58.
    pub pubkey: String,
    /// Balance in lamports.
    pub lamports: Option<u64>,
    /// The owner program, in base58.
    pub owner: Option<String>,
    /// The whole data, `hex:…` or `base64:…`.
    pub data: Option<String>,
    /// The data length in bytes.
    pub data_len: Option<u64>,
    /// The `executable` flag.
    pub executable: Option<bool>,
}

/// A scenario loaded from disk, with the directory its relative paths start from.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The parsed file.
    pub file: ScenarioFile,
    /// The directory relative `elf` paths start from: the file's parent directory (empty
    /// for [`Scenario::single_program`]).
    pub base_dir: PathBuf,
    /// The scenario file's path (the program's, for [`Scenario::single_program`]).
    pub path: PathBuf,
}

impl Scenario {
    /// Reads and parses the scenario file at `path` (at most
    /// [`crate::MAX_INPUT_TEXT_BYTES`]), TOML or JSON by its extension.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = crate::read_input_text(path, crate::MAX_INPUT_TEXT_BYTES)?;
        let file = Self::parse(&text, path)?;
        Ok(Self {
            file,
            base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            path: path.to_path_buf(),
        })
    }

    /// Parses TOML or JSON by the file extension (`.json` is JSON, anything else TOML).
    pub fn parse(text: &str, path: &Path) -> Result<ScenarioFile, Error> {
        let is_json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        let result = if is_json {
            serde_json::from_str(text).map_err(|error| error.to_string())
        } else {
            // toml's Display adds a multi-line source excerpt; keep the error to one line.
            toml::from_str(text).map_err(|error| {
                let message = error.message().trim().replace('\n', " ");
                match error.span() {
                    Some(span) => {
                        let before = text.get(..span.start).unwrap_or(text);
                        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                        let line = before.matches('\n').count() + 1;
                        let column = before[line_start..].chars().count() + 1;
                        format!("line {line}, column {column}: {message}")
                    }
                    None => message,
                }
            })
        };
        result.map_err(|message| Error::Scenario(format!("{}: {}", path.display(), message.trim())))
    }

    /// A scenario that deploys the ELF at `program` (upgradeable loader) and runs one
    /// instruction with `data` and no accounts: what `sbfvm run PROGRAM.so` runs.
    pub fn single_program(program: &Path, data: &[u8]) -> Self {
        let program_id = Pubkey::new_from_array(*b"sbfvm-run-program-00000000000000").to_string();
        let file = ScenarioFile {
            programs: vec![ProgramSpec {
                program_id: program_id.clone(),
                elf: program.to_string_lossy().into_owned(),
                loader: None,
            }],
            instructions: vec![InstructionSpec {
                name: None,
                program_id,
                accounts: Vec::new(),
                data: Some(format!("hex:{}", hex::encode(data))),
                compute_unit_limit: None,
                expect: None,
            }],
            ..ScenarioFile::default()
        };
        Self {
            file,
            base_dir: PathBuf::new(),
            path: program.to_path_buf(),
        }
    }

    /// `relative` (a program's `elf`) joined to [`Scenario::base_dir`]; an absolute path
    /// stays as it is.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.base_dir.join(relative)
    }
}

/// Parses a base58 pubkey, naming the field in the error. `signer:NAME` is the public key
/// of the signer derived from the words `NAME` ([`crate::signer::Signer::from_seed`]), so
/// that a scenario can name its transaction signers' accounts.
pub fn parse_pubkey(text: &str, what: &str) -> Result<Pubkey, Error> {
    if let Some(name) = text.strip_prefix("signer:") {
        if name.is_empty() {
            return Err(Error::Scenario(format!("{what}: `signer:` needs a name")));
        }
        return Ok(crate::signer::Signer::from_seed(name).pubkey());
    }
    let bytes = bs58::decode(text)
        .into_vec()
        .map_err(|error| Error::Scenario(format!("{what}: `{text}` is not base58 ({error})")))?;
    let array: [u8; 32] = bytes.try_into().map_err(|bytes: Vec<u8>| {
        Error::Scenario(format!(
            "{what}: `{text}` decodes to {} bytes, a pubkey has 32",
            bytes.len()
        ))
    })?;
    Ok(Pubkey::new_from_array(array))
}

/// Parses an instruction written as a program id, account metas and optional data; `what`
/// names it in errors (e.g. `instructions[2]`).
pub fn parse_instruction(
    program_id: &str,
    accounts: &[MetaSpec],
    data: Option<&str>,
    what: &str,
) -> Result<solana_instruction::Instruction, Error> {
    let accounts = accounts
        .iter()
        .enumerate()
        .map(|(position, meta)| {
            Ok(solana_instruction::AccountMeta {
                pubkey: parse_pubkey(&meta.pubkey, &format!("{what}.accounts[{position}].pubkey"))?,
                is_signer: meta.is_signer,
                is_writable: meta.is_writable,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(solana_instruction::Instruction {
        program_id: parse_pubkey(program_id, &format!("{what}.program_id"))?,
        accounts,
        data: match data {
            Some(data) => parse_data(data, &format!("{what}.data"))?,
            None => Vec::new(),
        },
    })
}

/// Parses `hex:…` or `base64:…` data.
pub fn parse_data(text: &str, what: &str) -> Result<Vec<u8>, Error> {
    if let Some(hex) = text.strip_prefix("hex:") {
        decode_hex(hex).map_err(|message| Error::Scenario(format!("{what}: {message}")))
    } else if let Some(b64) = text.strip_prefix("base64:") {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|error| Error::Scenario(format!("{what}: invalid base64 ({error})")))
    } else {
        Err(Error::Scenario(format!(
            "{what}: `{text}` must start with `hex:` or `base64:`"
        )))
    }
}

/// Decodes hex digits, ignoring white space and `_` separators (`"dead_beef"`). The error
/// names the digits that are not hex, or says that their number is odd.
pub fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'_')
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("hex `{text}` has an odd number of digits"));
    }
    hex::decode(&digits).map_err(|error| match error {
        hex::FromHexError::InvalidHexCharacter { index, .. } => {
            let pair = &digits[index - index % 2..][..2];
            match std::str::from_utf8(pair) {
                Ok(pair) => format!("invalid hex digits `{pair}` in `{text}`"),
                Err(_) => format!("invalid hex `{text}`"),
            }
        }
        other => format!("invalid hex `{text}` ({other})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
[settings]
compute_unit_limit = 1_400_000
mode = "jit"
features = { disable = [], enable = [] }
sysvars = { clock = { slot = 100, unix_timestamp = 1_700_000_000 } }

[[programs]]
program_id = "11111111111111111111111111111112"
elf = "caller.so"
loader = "bpf_loader_upgradeable"

[[accounts]]
pubkey = "11111111111111111111111111111113"
lamports = 1_000_000
owner = "11111111111111111111111111111111"
data = "hex:00ff"
executable = false

[[instructions]]
program_id = "11111111111111111111111111111112"
accounts = [ { pubkey = "11111111111111111111111111111113", is_signer = true, is_writable = true } ]
data = "hex:0102"

[instructions.expect]
result = "ok"
compute_units_consumed = 1234
logs_contain = ["Program log: hello"]
accounts = [ { pubkey = "11111111111111111111111111111113", lamports = 5, owner = "11111111111111111111111111111111", data = "hex:00" } ]
"#;
        let file = Scenario::parse(text, Path::new("x.toml")).unwrap();
        assert_eq!(file.settings.compute_unit_limit, Some(1_400_000));
        assert_eq!(
            file.settings.sysvars.clock.as_ref().unwrap().slot,
            Some(100)
        );
        assert_eq!(
            file.instructions[0]
                .expect
                .as_ref()
                .unwrap()
                .compute_units_consumed,
            Some(1234)
        );
    }

    #[test]
    fn unknown_fields_and_bad_values_are_errors() {
        let error =
            Scenario::parse("[settings]\ncompute_limit = 5\n", Path::new("x.toml")).unwrap_err();
        assert!(error.to_string().contains("compute_limit"), "{error}");
        let error = Scenario::parse("{\"programs\": 5}", Path::new("x.json")).unwrap_err();
        assert!(error.to_string().contains("x.json"), "{error}");
        assert!(parse_pubkey("0OIl", "pubkey").is_err());
        assert!(parse_pubkey("1111", "pubkey")
            .unwrap_err()
            .to_string()
            .contains("32"));
        assert!(parse_data("0102", "data").is_err());
        assert_eq!(parse_data("hex:0102", "data").unwrap(), vec![1, 2]);
        assert!(parse_data("hex:010", "data").is_err());
        assert_eq!(parse_data("base64:AQI=", "data").unwrap(), vec![1, 2]);
    }
}
