//! Instruction traces: `sbfvm run SCENARIO --trace DIR [--trace-program ID]` writes, per
//! frame, every executed instruction (pc, disassembly, registers after the step) to a file
//! named by instruction index, stack height and program id. Traces follow CPIs: each callee
//! frame gets its own file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sbfvm_vm::executor::{TraceFrame, Tracer};
use solana_pubkey::Pubkey;

use crate::error::Error;

/// Collects frames in memory until the runner writes them out.
#[derive(Debug, Default)]
pub struct CollectingTracer {
    /// Only this program's frames, or every frame when `None`.
    pub program: Option<Pubkey>,
    /// The frames recorded since the runner last took them, in execution order.
    pub frames: Vec<TraceFrame>,
}

impl Tracer for CollectingTracer {
    fn wants(&self, program_id: &Pubkey) -> bool {
        self.program.is_none_or(|wanted| wanted == *program_id)
    }

    fn record(&mut self, frame: TraceFrame) {
        self.frames.push(frame);
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Where traces go and which program to trace.
#[derive(Debug, Clone)]
pub struct TraceOptions {
    /// Directory the trace files are written to; created when missing.
    pub dir: PathBuf,
    /// Trace only this program's frames; `None` traces every frame.
    pub program: Option<Pubkey>,
}

/// The file a frame's trace is written to.
pub fn trace_file_name(instruction_index: usize, frame: &TraceFrame) -> String {
    format!(
        "ix{instruction_index:03}-t{:02}-h{}-{}.trace",
        frame.trace_index, frame.stack_height, frame.program_id
    )
}

/// Renders one frame's trace.
pub fn render(instruction_index: usize, frame: &TraceFrame) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# instruction {instruction_index}, trace index {}, stack height {}, program {}",
        frame.trace_index, frame.stack_height, frame.program_id
    );
    let _ = writeln!(
        out,
        "# {} instructions executed; registers r0..r10 after each step",
        frame.steps.len()
    );
    for (step, entry) in frame.steps.iter().enumerate() {
        let disassembly = frame
            .disassembly
            .get(&entry.pc)
            .map(String::as_str)
            .unwrap_or("?");
        let registers: Vec<String> = entry
            .registers
            .iter()
            .enumerate()
            .map(|(index, value)| format!("r{index}={value:#x}"))
            .collect();
        let _ = writeln!(
            out,
            "{step:>7} pc {:>6}  {disassembly:<36} {}",
            entry.pc,
            registers.join(" ")
        );
    }
    out
}

/// Writes every collected frame of one instruction.
pub fn write_frames(
    dir: &Path,
    instruction_index: usize,
    frames: &[TraceFrame],
) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|error| Error::Io {
        path: dir.to_path_buf(),
        message: error.to_string(),
    })?;
    let mut written = Vec::with_capacity(frames.len());
    for frame in frames {
        let path = dir.join(trace_file_name(instruction_index, frame));
        std::fs::write(&path, render(instruction_index, frame)).map_err(|error| Error::Io {
            path: path.clone(),
            message: error.to_string(),
        })?;
        written.push(path);
    }
    Ok(written)
}
