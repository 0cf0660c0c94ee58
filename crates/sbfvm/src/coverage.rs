//! Instruction-level coverage: which SBF instructions of every program that ran (CPI
//! callees included) executed at least once, per function and per program.
//! `sbfvm run SCENARIO --coverage OUT` prints it, puts it in the `--json` report and
//! writes it as lcov.
//!
//! The frames run in the profile's step-by-step interpreter ([`crate::profile`]), which
//! counts the executions of every pc when its tracer asks for coverage
//! ([`ProfileTracer::coverage`](crate::profile::ProfileTracer)). Functions are those of
//! the profiles: one starts at each function solana-sbpf knows (its function registry,
//! the entrypoint, internal call targets) and runs to the next, named from the ELF's
//! symbols or `function_<address>`.
//!
//! Source lines (DWARF) are not read: with the fixtures' toolchain the line tables are
//! unusable (see the README), so the lcov file is keyed by instruction. Each program gets a
//! listing file with one line per instruction slot, line `pc + 1` being the instruction
//! at `pc`; the lcov `DA` lines count the executions of each instruction on its line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sbfvm_vm::executor::TraceFrame;
use sbfvm_vm::profile::CodeLayout;
use serde::Serialize;
use solana_pubkey::Pubkey;

use crate::error::Error;
use crate::profile::Symbols;
use crate::Sbfvm;

/// Executions of every pc of every program, summed over the frames of a run.
#[derive(Debug, Default, Clone)]
pub struct CoverageCollector {
    hits: BTreeMap<Pubkey, Vec<u64>>,
}

impl CoverageCollector {
    /// Adds the executions the frames' profiles counted (frames profiled without coverage
    /// add nothing).
    pub fn add(&mut self, frames: &[TraceFrame]) {
        for frame in frames {
            let Some(profile) = &frame.profile else {
                continue;
            };
            if profile.pc_hits.is_empty() {
                continue;
            }
            let hits = self.hits.entry(frame.program_id).or_default();
            if hits.len() < profile.pc_hits.len() {
                hits.resize(profile.pc_hits.len(), 0);
            }
            for (total, count) in hits.iter_mut().zip(&profile.pc_hits) {
                *total += count;
            }
        }
    }

    /// The coverage of each program that ran, with the functions and instructions of the
    /// program as loaded in `vm` now.
    pub fn finish(&self, vm: &Sbfvm) -> Result<Coverage, Error> {
        let mut programs = Vec::with_capacity(self.hits.len());
        for (program_id, hits) in &self.hits {
            let context =
                |message: String| Error::Coverage(format!("program {program_id}: {message}"));
            let loaded = vm.executor().loaded_program(program_id).ok_or_else(|| {
                context("ran, but is no longer loaded to read its instructions".into())
            })?;
            let layout = loaded.code_layout().map_err(context)?;
            let symbols = Symbols::from_elf(loaded.elf()).map_err(context)?;
            programs.push(ProgramCoverage::new(program_id, &layout, &symbols, hits));
        }
        Ok(Coverage { programs })
    }
}

/// Instruction coverage of every program that ran, by program id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// One entry per program, by program id.
    pub programs: Vec<ProgramCoverage>,
}

/// Instruction coverage of one program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramCoverage {
    // Fields in alphabetical order, as every struct of the `--json` report.
    /// Its functions, in text order.
    pub functions: Vec<FunctionCoverage>,
    /// Instructions executed at least once.
    pub hit: u64,
    /// Every instruction with its executions and disassembly, in text order (not in the
    /// JSON report: the lcov file carries them).
    #[serde(skip)]
    pub instructions: Vec<InstructionCoverage>,
    /// The program id, in base58.
    pub program_id: String,
    /// Instructions of the text (an `lddw` counts once).
    pub total: u64,
}

/// Instruction coverage of one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionCoverage {
    /// Its first instruction's pc (instruction index in the text).
    pub entry_pc: u64,
    /// Times its first instruction executed (its calls, unless it loops back there).
    pub executions: u64,
    /// Instructions executed at least once.
    pub hit: u64,
    /// The name the profiles give it.
    pub name: String,
    /// Its instructions: from its entry to the next function's.
    pub total: u64,
}

/// One instruction of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionCoverage {
    /// Instruction index in the text (in 8-byte slots).
    pub pc: u64,
    /// Times it executed.
    pub hits: u64,
    /// Its disassembly.
    pub disassembly: String,
}

impl ProgramCoverage {
    fn new(program_id: &Pubkey, layout: &CodeLayout, symbols: &Symbols, hits: &[u64]) -> Self {
        let instructions: Vec<InstructionCoverage> = layout
            .instructions
            .iter()
            .map(|(pc, disassembly)| InstructionCoverage {
                pc: *pc,
                hits: usize::try_from(*pc)
                    .ok()
                    .and_then(|pc| hits.get(pc))
                    .copied()
                    .unwrap_or(0),
                disassembly: disassembly.clone(),
            })
            .collect();
        let mut functions: Vec<FunctionCoverage> = Vec::new();
        let mut starts = layout.function_starts.iter().peekable();
        for instruction in &instructions {
            // A new function at each start at or before this pc (a start that falls on an
            // lddw's second slot belongs to the next instruction).
            let mut entered = false;
            while starts.next_if(|&&start| start <= instruction.pc).is_some() {
                entered = true;
            }
            if entered || functions.is_empty() {
                functions.push(FunctionCoverage {
                    entry_pc: instruction.pc,
                    executions: instruction.hits,
                    hit: 0,
                    name: symbols.function_name(instruction.pc),
                    total: 0,
                });
            }
            if let Some(function) = functions.last_mut() {
                function.total += 1;
                function.hit += u64::from(instruction.hits > 0);
            }
        }
        ProgramCoverage {
            hit: functions.iter().map(|function| function.hit).sum(),
            total: instructions.len() as u64,
            functions,
            instructions,
            program_id: program_id.to_string(),
        }
    }
}

fn percent(hit: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        hit as f64 * 100.0 / total as f64
    }
}

impl Coverage {
    /// The terminal table: per program, then per function, executed / total instructions.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "coverage (SBF instructions executed at least once / instructions):"
        );
        // One row: executed/total, the share, and what it counts.
        let mut row = |indent: &str, hit: u64, total: u64, label: &str| {
            let share = percent(hit, total);
            let _ = writeln!(out, "{indent}{hit:>6}/{total:<6} {share:>5.1}%  {label}");
        };
        for program in &self.programs {
            let label = format!("program {}", program.program_id);
            row("  ", program.hit, program.total, &label);
            for function in &program.functions {
                row("    ", function.hit, function.total, &function.name);
            }
        }
        out
    }

    /// Writes the lcov file `path` and, for each program, the listing its `SF` line names:
    /// `<path>.listings/<program id>.s`, line `pc + 1` showing the instruction at `pc`.
    pub fn write_lcov(&self, path: &Path) -> Result<(), Error> {
        let io_error = |path: &Path, error: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            message: error.to_string(),
        };
        let mut listings = path.as_os_str().to_owned();
        listings.push(".listings");
        let listings = PathBuf::from(listings);
        let mut lcov = String::new();
        for program in &self.programs {
            let listing = listings.join(format!("{}.s", program.program_id));
            lcov.push_str(&program.lcov_record(&listing));
            std::fs::create_dir_all(&listings).map_err(|error| io_error(&listings, error))?;
            std::fs::write(&listing, program.listing())
                .map_err(|error| io_error(&listing, error))?;
        }
        std::fs::write(path, lcov).map_err(|error| io_error(path, error))
    }
}

impl ProgramCoverage {
    /// The program's lcov record, its `SF` naming `listing`: lcov lines are 1-based, so
    /// the instruction at `pc` is line `pc + 1`.
    pub fn lcov_record(&self, listing: &Path) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "TN:");
        let _ = writeln!(out, "SF:{}", listing.display());
        for function in &self.functions {
            let _ = writeln!(out, "FN:{},{}", function.entry_pc + 1, function.name);
        }
        for function in &self.functions {
            let _ = writeln!(out, "FNDA:{},{}", function.executions, function.name);
        }
        let _ = writeln!(out, "FNF:{}", self.functions.len());
        let functions_hit = self
            .functions
            .iter()
            .filter(|function| function.executions > 0)
            .count();
        let _ = writeln!(out, "FNH:{functions_hit}");
        for instruction in &self.instructions {
            let _ = writeln!(out, "DA:{},{}", instruction.pc + 1, instruction.hits);
        }
        let _ = writeln!(out, "LF:{}", self.total);
        let _ = writeln!(out, "LH:{}", self.hit);
        let _ = writeln!(out, "end_of_record");
        out
    }

    /// One line per instruction slot: the pc, the disassembly and, at a function's entry,
    /// its name; an `lddw`'s second slot gets a line of its own so that line numbers stay
    /// `pc + 1`.
    pub fn listing(&self) -> String {
        let names: BTreeMap<u64, &str> = self
            .functions
            .iter()
            .map(|function| (function.entry_pc, function.name.as_str()))
            .collect();
        let mut out = String::new();
        let mut next_pc = 0;
        for instruction in &self.instructions {
            while next_pc < instruction.pc {
                let _ = writeln!(out, "{next_pc:>7}  ; second slot of the lddw above");
                next_pc += 1;
            }
            let _ = write!(out, "{:>7}  {}", instruction.pc, instruction.disassembly);
            if let Some(name) = names.get(&instruction.pc) {
                let _ = write!(out, "    ; {name}");
            }
            out.push('\n');
            next_pc = instruction.pc + 1;
        }
        out
    }
}
