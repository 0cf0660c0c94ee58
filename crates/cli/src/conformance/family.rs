//! The conformance families: one row of [`FAMILIES`] per family, saying how its fixtures are
//! recognised and which harness runs them, and what a harness returns.
//!
//! # Adding a family
//!
//! 1. Write its harness as one module, `crates/cli/src/conformance/<family>.rs`, declared in
//!    `mod.rs` (`mod <family>;`). Its entry point has the type [`RunFixture`]: it decodes the
//!    file's bytes (usually with [`decode_fixture`]), sets up sbfvm as the reference harness
//!    does, runs it, collects the effects and returns the expected and produced effects as
//!    [`Row`]s, field by field, in the order they are compared. An input the reference
//!    rejects is [`NoEffects::NoOutput`]; one sbfvm does not run is [`NoEffects::Skipped`].
//!    The shared setup (features, sysvars, accounts, invoke context, guest memory, the
//!    `SyscallEffects` rows) is in `setup.rs`, the error numbering in `errors.rs`.
//! 2. Add its row to [`FAMILIES`], where the row's position is its place in reports.
//! 3. If its fixtures use a message the schema lacks, add the message to the `.proto` file
//!    protosol keeps it in under `crates/cli/proto/` (a new file there is compiled as is).

use std::path::Path;

use prost::Message;

use super::compare::{Row, Value};
use super::setup::EnvironmentCache;
use super::{elf_loader, instr, proto, syscall, vm_interp, Options};

/// A family's harness: runs one fixture, given as its file's bytes.
pub(crate) type RunFixture = fn(&[u8], &Options, &mut EnvironmentCache) -> HarnessResult;

/// What a harness returns: the expected and produced effects, field by field in comparison
/// order, or why there are none.
pub(crate) type HarnessResult = Result<Vec<Row>, NoEffects>;

/// One conformance family: its name, how its fixtures are recognised, and its harness.
pub(crate) struct FamilyHarness {
    /// The family's name in reports.
    pub(crate) name: &'static str,
    /// The `metadata.fn_entrypoint` of its fixtures.
    pub(crate) entrypoint: &'static str,
    /// When set, only fixtures under a directory of this name belong to the family (for
    /// families that share an entry point); rows are tried in order, so such a row comes
    /// before the row of the whole entry point.
    pub(crate) directory: Option<&'static str>,
    /// Runs one fixture.
    pub(crate) run: RunFixture,
}

/// Every family, in the order they are reported.
pub(crate) const FAMILIES: &[FamilyHarness] = &[
    FamilyHarness {
        name: "elf_loader",
        entrypoint: "sol_compat_elf_loader_v1",
        directory: None,
        run: elf_loader::run,
    },
    FamilyHarness {
        name: "vm_interp",
        entrypoint: "sol_compat_vm_interp_v1",
        directory: None,
        run: vm_interp::run,
    },
    FamilyHarness {
        name: "syscall",
        entrypoint: "sol_compat_vm_syscall_execute_v1",
        directory: None,
        run: syscall::run_syscall,
    },
    FamilyHarness {
        name: "cpi",
        entrypoint: "sol_compat_vm_cpi_syscall_v1",
        directory: None,
        run: syscall::run_cpi,
    },
    FamilyHarness {
        name: "instr",
        entrypoint: "sol_compat_instr_execute_v1",
        directory: None,
        run: instr::run,
    },
];

/// A fixture family: a row of the family table, or [`Family::UNKNOWN`] for a file that no
/// row recognises. Families order as they are reported.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Family(usize);

impl Family {
    /// A file whose entry point is missing or unknown, or that is not a fixture message.
    pub const UNKNOWN: Family = Family(FAMILIES.len());

    /// Every family, in report order, [`Family::UNKNOWN`] last.
    pub fn all() -> impl Iterator<Item = Family> {
        (0..=FAMILIES.len()).map(Family)
    }

    /// The family of this name (`vm_interp`, `unknown`, …).
    pub fn named(name: &str) -> Option<Family> {
        Family::all().find(|family| family.name() == name)
    }

    pub fn name(self) -> &'static str {
        self.harness().map_or("unknown", |harness| harness.name)
    }

    pub(crate) fn harness(self) -> Option<&'static FamilyHarness> {
        FAMILIES.get(self.0)
    }

    /// The family of a fixture at `path` whose metadata names `entrypoint`.
    pub(crate) fn recognise(entrypoint: &str, path: &Path) -> Family {
        let under = |directory: &str| {
            path.parent()
                .is_some_and(|parent| parent.iter().any(|part| part == directory))
        };
        FAMILIES
            .iter()
            .position(|harness| {
                harness.entrypoint == entrypoint && harness.directory.is_none_or(under)
            })
            .map_or(Family::UNKNOWN, Family)
    }
}

impl std::fmt::Debug for Family {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Why a harness has no effects to compare field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoEffects {
    /// The fixture is not run (it counts as skipped), for this reason.
    Skipped(String),
    /// The harness produced no output, as the reference does for an input it rejects; this
    /// is compared as one field, `output`, which the fixture's effects never match.
    NoOutput(String),
}

/// What a harness made of one fixture.
pub(crate) enum Comparison {
    /// Expected and produced effects, field by field, in comparison order.
    Rows(Vec<Row>),
    /// The fixture is not run, for this reason.
    Skipped(String),
}

impl From<HarnessResult> for Comparison {
    fn from(result: HarnessResult) -> Self {
        match result {
            Ok(rows) => Comparison::Rows(rows),
            Err(NoEffects::Skipped(reason)) => Comparison::Skipped(reason),
            Err(NoEffects::NoOutput(reason)) => Comparison::Rows(vec![Row::new(
                "output",
                Value::Text("effects".into()),
                Value::Text(format!("no output ({reason})")),
            )]),
        }
    }
}

/// Decodes a fixture as the message `M` (named `message` in the skip reason).
pub(crate) fn decode_fixture<M: Message + Default>(
    bytes: &[u8],
    message: &str,
) -> Result<M, NoEffects> {
    M::decode(bytes).map_err(|error| NoEffects::Skipped(format!("undecodable {message}: {error}")))
}

/// A fixture's entry point, read from field 1 of any fixture message.
pub(crate) fn entrypoint_of(bytes: &[u8]) -> Result<String, prost::DecodeError> {
    /// Only the metadata of a fixture: every `*Fixture` message has it as field 1, so this
    /// decodes any of them without decoding the rest (the other fields are skipped).
    #[derive(Clone, PartialEq, ::prost::Message)]
    struct MetadataOnly {
        #[prost(message, optional, tag = "1")]
        metadata: Option<proto::FixtureMetadata>,
    }
    let message = MetadataOnly::decode(bytes)?;
    Ok(message
        .metadata
        .map(|metadata| metadata.fn_entrypoint)
        .unwrap_or_default())
}
