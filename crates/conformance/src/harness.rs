//! What every harness shares: how fixtures are run ([`Options`]), what a harness returns
//! ([`HarnessResult`]) and decoding a fixture message.

use prost::Message;

use super::compare::Row;
use sbfvm_vm::ExecutionMode;

/// How fixtures are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How vm_interp programs (and instr BPF programs) execute. In JIT mode, vm_interp's
    /// final r1..r10 are read from an interpreter run of the same fixture, since compiled
    /// code does not hand registers back; any other disagreement between the two runs is
    /// reported as a failure of the `jit_vs_interpreter` field.
    pub mode: ExecutionMode,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: ExecutionMode::Interpreter,
        }
    }
}

/// What a harness returns: the expected and produced effects, field by field in comparison
/// order, or why there are none.
pub(crate) type HarnessResult = Result<Vec<Row>, NoEffects>;

/// Why a harness has no effects to compare field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoEffects {
    /// The fixture is not run (it counts as skipped), for this reason.
    Skipped(String),
    /// The harness produced no output, as the reference does for an input it rejects; this
    /// is compared as one field, `output`, which the fixture's effects never match.
    NoOutput(String),
}

/// Decodes a fixture as the message `M` (named `message` in the skip reason).
pub(crate) fn decode_fixture<M: Message + Default>(
    bytes: &[u8],
    message: &str,
) -> Result<M, NoEffects> {
    M::decode(bytes).map_err(|error| NoEffects::Skipped(format!("undecodable {message}: {error}")))
}
