//! What a run did, side-independent, and the comparison that names the first difference.

use sbfvm::Pubkey;

/// One account after the instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    /// Its address.
    pub key: Pubkey,
    /// Its balance.
    pub lamports: u64,
    /// Its data.
    pub data: Vec<u8>,
    /// Its owner.
    pub owner: Pubkey,
    /// Its executable flag.
    pub executable: bool,
}

impl AccountState {
    /// Each field's name and `{:?}` (the data as hex), in comparison order.
    fn fields(&self) -> [(&'static str, String); 5] {
        [
            ("key", format!("{:?}", self.key)),
            ("lamports", format!("{:?}", self.lamports)),
            ("owner", format!("{:?}", self.owner)),
            ("executable", format!("{:?}", self.executable)),
            ("data", format!("{:?}", hex(&self.data))),
        ]
    }
}

/// The effects of one case on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    /// `ok`, the instruction error's `{:?}`, or `rent: …` for a failed rent-state check.
    pub result: String,
    /// Compute units consumed.
    pub compute_units: u64,
    /// The return data's bytes (empty when none).
    pub return_data: Vec<u8>,
    /// The case's accounts afterwards, in the case's order.
    pub accounts: Vec<AccountState>,
    /// The transaction's log lines.
    pub logs: Vec<String>,
    /// The Instructions sysvar's bytes the program was given, when a meta names it: sbfvm's
    /// as its message builds them, the reference's as Agave's SVM builds them for a
    /// mainnet-sanitized message (Mollusk builds its own without reserved keys).
    pub instructions_sysvar: Option<Vec<u8>>,
}

/// The first field in which two sides' effects differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The field: `result`, `compute_units`, `account[i].lamports`, `return_data`, …
    pub field: String,
    /// sbfvm's value.
    pub sbfvm: String,
    /// The reference's value.
    pub reference: String,
}

impl Difference {
    fn new(
        field: impl Into<String>,
        sbfvm: impl std::fmt::Debug,
        reference: impl std::fmt::Debug,
    ) -> Self {
        Self {
            field: field.into(),
            sbfvm: short(&format!("{sbfvm:?}")),
            reference: short(&format!("{reference:?}")),
        }
    }

    /// The bucket a difference falls in: the field without indices and, for results, the
    /// two results' variant names.
    pub fn signature(&self) -> String {
        if let Some((tag, rest)) = self.field.split_once(": ") {
            let inner = Difference {
                field: rest.to_string(),
                ..self.clone()
            };
            return format!("{tag} {}", inner.signature());
        }
        let field: String = self
            .field
            .split(['[', '.'])
            .next()
            .unwrap_or_default()
            .into();
        let field = match self.field.rsplit_once('.') {
            Some((_, leaf)) if field == "account" => format!("account.{leaf}"),
            _ => field,
        };
        if self.field == "result" {
            let variant = |text: &str| -> String {
                text.trim_matches('"')
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            };
            format!(
                "result: {} vs {}",
                variant(&self.sbfvm),
                variant(&self.reference)
            )
        } else {
            field
        }
    }
}

/// At most 200 characters of `text`.
fn short(text: &str) -> String {
    if text.chars().count() <= 200 {
        text.to_string()
    } else {
        let head: String = text.chars().take(200).collect();
        format!("{head}…")
    }
}

/// The first difference, in order: the Instructions sysvar (the input, so it comes first),
/// result, compute units, each account (lamports, owner, executable, data), log lines,
/// return data.
pub fn first_difference(sbfvm: &Effects, reference: &Effects) -> Option<Difference> {
    if sbfvm.instructions_sysvar != reference.instructions_sysvar {
        let text = |bytes: &Option<Vec<u8>>| bytes.as_deref().map(hex);
        return Some(Difference::new(
            "instructions_sysvar",
            text(&sbfvm.instructions_sysvar),
            text(&reference.instructions_sysvar),
        ));
    }
    if sbfvm.result != reference.result {
        return Some(Difference::new("result", &sbfvm.result, &reference.result));
    }
    if sbfvm.compute_units != reference.compute_units {
        return Some(Difference::new(
            "compute_units",
            sbfvm.compute_units,
            reference.compute_units,
        ));
    }
    if sbfvm.accounts.len() != reference.accounts.len() {
        return Some(Difference::new(
            "accounts.len",
            sbfvm.accounts.len(),
            reference.accounts.len(),
        ));
    }
    for (index, (ours, theirs)) in sbfvm.accounts.iter().zip(&reference.accounts).enumerate() {
        if ours == theirs {
            continue;
        }
        let (ours, theirs) = (ours.fields(), theirs.fields());
        let ((name, ours), (_, theirs)) = ours
            .into_iter()
            .zip(theirs)
            .find(|((_, ours), (_, theirs))| ours != theirs)
            .expect("unequal accounts differ in a field");
        return Some(Difference {
            field: format!("account[{index}].{name}"),
            sbfvm: short(&ours),
            reference: short(&theirs),
        });
    }
    if let Some(line) = (0..sbfvm.logs.len().max(reference.logs.len()))
        .find(|&line| sbfvm.logs.get(line) != reference.logs.get(line))
    {
        return Some(Difference::new(
            format!("logs[{line}]"),
            sbfvm.logs.get(line),
            reference.logs.get(line),
        ));
    }
    if sbfvm.return_data != reference.return_data {
        return Some(Difference::new(
            "return_data",
            hex(&sbfvm.return_data),
            hex(&reference.return_data),
        ));
    }
    None
}

/// `bytes` as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects() -> Effects {
        Effects {
            result: "ok".into(),
            compute_units: 100,
            return_data: vec![],
            accounts: vec![AccountState {
                key: Pubkey::new_from_array([1; 32]),
                lamports: 5,
                data: vec![1, 2],
                owner: Pubkey::new_from_array([2; 32]),
                executable: false,
            }],
            logs: vec!["Program log: hi".into()],
            instructions_sysvar: Some(vec![1, 0]),
        }
    }

    #[test]
    fn the_first_differing_log_line_is_named() {
        let mut other = effects();
        other.logs.push("Program log: more".into());
        let difference = first_difference(&effects(), &other).unwrap();
        assert_eq!(difference.field, "logs[1]");
        assert_eq!(difference.signature(), "logs");
        assert_eq!(difference.sbfvm, "None");
    }

    #[test]
    fn equal_effects_have_no_difference() {
        assert_eq!(first_difference(&effects(), &effects()), None);
    }

    #[test]
    fn the_first_differing_field_is_named_in_order() {
        let mut other = effects();
        other.accounts[0].data = vec![9];
        other.compute_units = 101;
        let difference = first_difference(&effects(), &other).unwrap();
        assert_eq!(difference.field, "compute_units");
        assert_eq!(difference.signature(), "compute_units");
        other.compute_units = 100;
        let difference = first_difference(&effects(), &other).unwrap();
        assert_eq!(difference.field, "account[0].data");
        assert_eq!(
            (difference.sbfvm.as_str(), difference.reference.as_str()),
            ("\"0102\"", "\"09\"")
        );
        assert_eq!(difference.signature(), "account.data");
    }

    #[test]
    fn the_instructions_sysvar_is_compared_first() {
        let mut other = effects();
        other.result = "Custom(1)".into();
        other.instructions_sysvar = Some(vec![1, 2]);
        let difference = first_difference(&effects(), &other).unwrap();
        assert_eq!(difference.field, "instructions_sysvar");
        assert_eq!(difference.signature(), "instructions_sysvar");
        assert_eq!(difference.reference, "Some(\"0102\")");
    }

    #[test]
    fn result_differences_bucket_by_variant() {
        let mut ours = effects();
        let mut theirs = effects();
        ours.result = "Custom(1)".into();
        theirs.result = "InvalidArgument".into();
        let difference = first_difference(&ours, &theirs).unwrap();
        assert_eq!(difference.signature(), "result: Custom vs InvalidArgument");
    }
}
