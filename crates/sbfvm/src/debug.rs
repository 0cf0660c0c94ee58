//! Debugging one frame with GDB: `sbfvm run SCENARIO --debug-port PORT [--debug-program ID]
//! [--debug-frame N]` runs the scenario with a GDB remote stub on 127.0.0.1:PORT that
//! attaches to one frame of a CPI chain ([`sbfvm_vm::debugger`] describes the stub: registers,
//! memory, breakpoints, single step, `monitor cu` for the remaining compute units).
//!
//! The frame is the first of the run that runs `--debug-program` (when given) at trace index
//! `--debug-frame` (when given): the frame's position in its transaction's instruction
//! trace, 0-based in invoke order (0 the top-level frame, 1 its first CPI, …; the order of
//! the `invoke [N]` log lines and the `tNN` of `--trace` files). With neither, it is the
//! first top-level frame. The debugged frame runs in the interpreter, every other frame as
//! configured; results and compute units are those of an undebugged run.
//!
//! ```no_run
//! use sbfvm::debug::{run_debugged, Debugger, FrameSelector};
//! use sbfvm::runner::RunOptions;
//! use sbfvm::scenario::Scenario;
//!
//! let scenario = Scenario::load(std::path::Path::new("fixtures/cpi_chain.toml")).unwrap();
//! // Port 0 picks a free port; the stub prints it when the frame starts.
//! let selector = FrameSelector { program: None, trace_index: Some(2) };
//! let debugger = Debugger::bind(0, selector).unwrap();
//! println!("connect GDB to port {}", debugger.port());
//! let (report, debugged) = run_debugged(&scenario, &RunOptions::default(), debugger).unwrap();
//! let session = debugged.session().unwrap();
//! println!("debugged {}", session.frame);
//! ```

use sbfvm_vm::debugger::GdbServer;
pub use sbfvm_vm::debugger::{DebugSession, DebuggedFrame, FrameSelector, SessionEnd};

use crate::error::Error;
use crate::runner::{RunOptions, RunReport};
use crate::scenario::Scenario;

/// A GDB stub bound to its port, waiting for the selected frame.
#[derive(Debug)]
pub struct Debugger(GdbServer);

impl Debugger {
    /// Listens on 127.0.0.1:`port` (0 picks a free port). A port that cannot be bound (one
    /// taken by another program, say) is an [`Error::Debug`] naming it.
    pub fn bind(port: u16, selector: FrameSelector) -> Result<Self, Error> {
        GdbServer::bind(port, selector)
            .map(Self)
            .map_err(Error::Debug)
    }

    /// The port the stub listens on.
    pub fn port(&self) -> u16 {
        self.0.address().port()
    }

    /// Sends the stub's notices (`waiting for GDB on 127.0.0.1:PORT (frame …)` when the
    /// selected frame starts, a client connecting, a session ending before its frame) to
    /// `notices`, one line each; by default they go nowhere.
    pub fn on_notice(mut self, notices: impl FnMut(&str) + 'static) -> Self {
        self.0.on_notice(notices);
        self
    }
}

/// What became of a run's debugger: the frame it was to attach to and its session.
#[derive(Debug, Clone)]
pub struct DebugOutcome {
    /// The frame the debugger was to attach to.
    pub selector: FrameSelector,
    /// The session, if a frame matched the selector.
    pub session: Option<DebugSession>,
}

impl DebugOutcome {
    /// The session; an [`Error::Debug`] saying so when no frame matched.
    pub fn session(&self) -> Result<&DebugSession, Error> {
        self.session.as_ref().ok_or_else(|| {
            Error::Debug(format!(
                "the run had no {} to debug, so it finished without a debug session (only \
                 frames that run an SBF program can be debugged)",
                self.selector
            ))
        })
    }
}

/// Runs `scenario` as [`crate::runner::run_with`] does, with the frame `debugger` selects
/// under its stub. The stub waits for a client when that frame starts, so connect GDB to
/// [`Debugger::port`] from another thread or process. Traces, profiles and coverage are
/// not recorded in the same run (an [`Error::Config`]).
pub fn run_debugged(
    scenario: &Scenario,
    options: &RunOptions,
    debugger: Debugger,
) -> Result<(RunReport, DebugOutcome), Error> {
    if options.trace.is_some() || options.profile || options.coverage {
        return Err(Error::Config(
            "a debugged run records no traces, profiles or coverage".into(),
        ));
    }
    let selector = debugger.0.selector().clone();
    let (report, server) = crate::runner::run_debugged(scenario, options, Some(debugger.0))?;
    let session = server.and_then(|server| server.session().cloned());
    Ok((report, DebugOutcome { selector, session }))
}
