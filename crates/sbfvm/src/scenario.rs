//! Scenario files: TOML or JSON, chosen by extension, with the fields of [`ScenarioFile`]
//! (settings, programs, accounts, and instructions with optional `expect` blocks). Data is
//! written `hex:…` or `base64:…`, keys in base58. Parsing rejects unknown fields, so a
//! misspelt key is an error, not a silent default.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;
use solana_pubkey::Pubkey;

use crate::error::Error;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    #[serde(default)]
    pub settings: SettingsSpec,
    #[serde(default)]
    pub programs: Vec<ProgramSpec>,
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    #[serde(default)]
    pub instructions: Vec<InstructionSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsSpec {
    pub compute_unit_limit: Option<u64>,
    pub mode: Option<String>,
    pub heap_size: Option<u32>,
    #[serde(default)]
    pub features: FeaturesSpec,
    #[serde(default)]
    pub sysvars: SysvarsSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSpec {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub enable: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SysvarsSpec {
    pub clock: Option<ClockSpec>,
    pub rent: Option<RentSpec>,
    pub epoch_schedule: Option<EpochScheduleSpec>,
    pub last_restart_slot: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSpec {
    pub slot: Option<u64>,
    pub epoch_start_timestamp: Option<i64>,
    pub epoch: Option<u64>,
    pub leader_schedule_epoch: Option<u64>,
    pub unix_timestamp: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RentSpec {
    pub lamports_per_byte_year: Option<u64>,
    pub exemption_threshold: Option<f64>,
    pub burn_percent: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpochScheduleSpec {
    pub slots_per_epoch: Option<u64>,
    pub leader_schedule_slot_offset: Option<u64>,
    pub warmup: Option<bool>,
    pub first_normal_epoch: Option<u64>,
    pub first_normal_slot: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramSpec {
    pub program_id: String,
    pub elf: String,
    pub loader: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub pubkey: String,
    #[serde(default)]
    pub lamports: u64,
    pub owner: Option<String>,
    pub data: Option<String>,
    pub space: Option<u64>,
    #[serde(default)]
    pub executable: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaSpec {
    pub pubkey: String,
    #[serde(default)]
    pub is_signer: bool,
    #[serde(default)]
    pub is_writable: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstructionSpec {
    /// Optional label shown in reports.
    pub name: Option<String>,
    pub program_id: String,
    #[serde(default)]
    pub accounts: Vec<MetaSpec>,
    pub data: Option<String>,
    /// Overrides `settings.compute_unit_limit` for this instruction.
    pub compute_unit_limit: Option<u64>,
    pub expect: Option<ExpectSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    pub result: Option<String>,
    pub compute_units_consumed: Option<u64>,
    #[serde(default)]
    pub logs_contain: Vec<String>,
    /// Expected return data ("hex:…"/"base64:…"); "" or "none" expects none.
    pub return_data: Option<String>,
    #[serde(default)]
    pub accounts: Vec<ExpectAccountSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectAccountSpec {
    pub pubkey: String,
    pub lamports: Option<u64>,
    pub owner: Option<String>,
    pub data: Option<String>,
    pub data_len: Option<u64>,
    pub executable: Option<bool>,
}

/// A scenario loaded from disk, with the directory its relative paths start from.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: ScenarioFile,
    pub base_dir: PathBuf,
    pub path: PathBuf,
}

impl Scenario {
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

    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.base_dir.join(relative)
    }
}

/// Parses a base58 pubkey, naming the field in the error.
pub fn parse_pubkey(text: &str, what: &str) -> Result<Pubkey, Error> {
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
