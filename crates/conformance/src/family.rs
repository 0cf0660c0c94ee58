//! The conformance families: one row of [`FAMILIES`] per family, saying how its fixtures are
//! recognised and which harness runs them, and what a harness returns.
//!
//! # Adding a family
//!
//! 1. Write its harness as one module, `crates/conformance/src/<family>.rs`, declared in
//!    `lib.rs` (`mod <family>;`). Its entry point is a [`RunFixture`]: it decodes the file's
//!    bytes (with [`decode_fixture`]), sets sbfvm up as the reference harness does, runs
//!    it, collects the effects and returns the expected and produced effects as [`Row`]s,
//!    field by field, the most fundamental first (the first differing row is the verdict).
//!    An input the reference rejects is [`NoEffects::NoOutput`]; one sbfvm does not run is
//!    [`NoEffects::Skipped`], with the reason. The shared setup (features, sysvars,
//!    accounts, invoke context, guest memory, the `SyscallEffects` rows) is in `setup.rs`,
//!    the error numbering in `errors.rs`. Name its phases (decode, set up, run, collect
//!    effects, compare) as `vm_interp.rs` and `instr.rs` do.
//! 2. Add its row to [`FAMILIES`]: the name it is reported under, the `fn_entrypoint` its
//!    fixtures carry, `directory: None` (or, for a family that shares an entry point with
//!    another, the corpus directory that tells them apart, its row before the other's), and
//!    the harness. The row's position is the family's place in the human summary.
//! 3. If its fixtures use messages the schema lacks, add them to
//!    `crates/conformance/proto/sealevel.proto` under the protosol file that defines them, or put
//!    them in a new `.proto` file beside it in the same package (`build.rs` compiles every
//!    `.proto` file there); the generated types appear in [`proto`].
//!
//! The conformance test then runs the family's fixtures of the corpus in both modes and
//! requires every one to pass.

use std::path::Path;

use prost::Message;

use super::compare::{Row, Value};
use super::harness::{HarnessResult, NoEffects, Options};
use super::setup::EnvironmentCache;
use super::{elf_loader, instr, proto, syscall, txn, vm_interp};

/// A family's harness: runs one fixture, given as its file's bytes.
pub(crate) type RunFixture = fn(&[u8], &Options, &mut EnvironmentCache) -> HarnessResult;

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
    FamilyHarness {
        name: "txn",
        entrypoint: "sol_compat_txn_execute_v1",
        directory: None,
        run: txn::run,
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

    /// The name the family is reported under (`vm_interp`, …; `unknown` for [`Family::UNKNOWN`]).
    pub fn name(self) -> &'static str {
        self.harness().map_or("unknown", |harness| harness.name)
    }

    pub(crate) fn harness(self) -> Option<&'static FamilyHarness> {
        FAMILIES.get(self.0)
    }

    /// The family of a fixture at `path` whose metadata names `entrypoint`.
    pub(crate) fn recognise(entrypoint: &str, path: &Path) -> Family {
        recognising_row(FAMILIES, entrypoint, path).map_or(Family::UNKNOWN, Family)
    }
}

/// The first row of `table` that recognises a fixture at `path` naming `entrypoint`.
fn recognising_row(table: &[FamilyHarness], entrypoint: &str, path: &Path) -> Option<usize> {
    let under = |directory: &str| {
        path.parent()
            .is_some_and(|parent| parent.iter().any(|part| part == directory))
    };
    table
        .iter()
        .position(|harness| harness.entrypoint == entrypoint && harness.directory.is_none_or(under))
}

impl std::fmt::Debug for Family {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_recognised_by_its_entry_point_and_named_once() {
        for family in Family::all().filter(|family| *family != Family::UNKNOWN) {
            let harness = family.harness().expect("a row");
            let path = Path::new("anywhere/fixture.fix");
            assert_eq!(Family::recognise(harness.entrypoint, path), family);
            assert_eq!(Family::named(harness.name), Some(family));
        }
        let path = Path::new("vm_interp/fixtures/v0/x.fix");
        assert_eq!(Family::recognise("", path), Family::UNKNOWN);
        assert_eq!(
            Family::recognise("sol_compat_other_v1", path),
            Family::UNKNOWN
        );
        assert_eq!(Family::UNKNOWN.name(), "unknown");
        assert_eq!(Family::all().last(), Some(Family::UNKNOWN));
    }

    #[test]
    fn a_directory_row_narrows_a_shared_entry_point() {
        fn no_rows(_: &[u8], _: &Options, _: &mut EnvironmentCache) -> HarnessResult {
            Ok(Vec::new())
        }
        let row = |name, directory| FamilyHarness {
            name,
            entrypoint: "sol_compat_instr_execute_v1",
            directory,
            run: no_rows,
        };
        let table = [row("precompile", Some("ed25519")), row("instr", None)];
        let entrypoint = "sol_compat_instr_execute_v1";
        let recognise = |path: &str| recognising_row(&table, entrypoint, Path::new(path));
        assert_eq!(recognise("instr/fixtures/ed25519/a.fix"), Some(0));
        assert_eq!(recognise("instr/fixtures/system/a.fix"), Some(1));
        // Only directories count, not the file's own name.
        assert_eq!(recognise("instr/fixtures/ed25519"), Some(1));
    }
}
