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
//! A program with DWARF ([`crate::source`]) also gets line coverage: each instruction is
//! attributed to the file:line its line table gives, a line with code is hit when any of
//! its instructions ran, and the lcov file has one record per source file (`DA:<line>,<the
//! most executions of any of the line's instructions>`). A program without DWARF is keyed
//! by instruction: it gets a listing file with one line per instruction slot, line
//! `pc + 1` being the instruction at `pc`, and the lcov `DA` lines count the executions of
//! each instruction on its line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sbfvm_vm::executor::TraceFrame;
use sbfvm_vm::profile::CodeLayout;
use serde::Serialize;
use solana_pubkey::Pubkey;

use crate::error::Error;
use crate::profile::ProgramNames;
use crate::source::SourceLine;
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
            let names = ProgramNames::from_elf(loaded.elf()).map_err(context)?;
            programs
                .push(ProgramCoverage::new(program_id, &layout, &names, hits).map_err(context)?);
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

/// What a program's coverage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageKind {
    /// SBF instructions only: the program has no DWARF.
    Instructions,
    /// SBF instructions and, from DWARF, source lines ([`ProgramCoverage::files`]).
    SourceLines,
}

/// Instruction coverage of one program, and line coverage when it has DWARF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramCoverage {
    // Fields in alphabetical order, as every struct of the `--json` report.
    /// Line coverage per source file, by path (empty without DWARF).
    pub files: Vec<FileCoverage>,
    /// Its functions, in text order.
    pub functions: Vec<FunctionCoverage>,
    /// Instructions executed at least once.
    pub hit: u64,
    /// Every instruction with its executions and disassembly, in text order (not in the
    /// JSON report: the lcov file carries them).
    #[serde(skip)]
    pub instructions: Vec<InstructionCoverage>,
    /// `instructions`, or `source_lines` when the program has DWARF.
    pub kind: CoverageKind,
    /// The program id, in base58.
    pub program_id: String,
    /// Instructions of the text (an `lddw` counts once).
    pub total: u64,
}

/// Line coverage of one source file of a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCoverage {
    /// Lines with code that ran.
    pub hit: u64,
    /// Each line with code and the most executions of any instruction attributed to it,
    /// by line number (not in the JSON report: the lcov file carries them).
    #[serde(skip)]
    pub lines: Vec<(u32, u64)>,
    /// The path, as the line table names it.
    pub path: String,
    /// Lines with code (those some instruction is attributed to).
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
    /// `file:line` of its first instruction (DWARF only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The name the profiles give it.
    pub name: String,
    /// Where its first instruction is, for lcov's `FN` (DWARF only).
    #[serde(skip)]
    pub source: Option<SourceLine>,
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
    fn new(
        program_id: &Pubkey,
        layout: &CodeLayout,
        names: &ProgramNames,
        hits: &[u64],
    ) -> Result<Self, String> {
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
                let (name, source) = names.function_source(instruction.pc)?;
                functions.push(FunctionCoverage {
                    entry_pc: instruction.pc,
                    executions: instruction.hits,
                    hit: 0,
                    location: source.as_ref().map(ToString::to_string),
                    name,
                    source,
                    total: 0,
                });
            }
            if let Some(function) = functions.last_mut() {
                function.total += 1;
                function.hit += u64::from(instruction.hits > 0);
            }
        }
        let (kind, files) = match &names.source {
            Some(source) => {
                // Per file and line, the most executions of any of its instructions.
                let mut lines: BTreeMap<String, BTreeMap<u32, u64>> = BTreeMap::new();
                for instruction in &instructions {
                    if let Some(line) = source.line(instruction.pc)? {
                        let count = lines.entry(line.file).or_default().entry(line.line);
                        let count = count.or_default();
                        *count = (*count).max(instruction.hits);
                    }
                }
                let files = lines
                    .into_iter()
                    .map(|(path, lines)| FileCoverage {
                        hit: lines.values().filter(|&&hits| hits > 0).count() as u64,
                        total: lines.len() as u64,
                        lines: lines.into_iter().collect(),
                        path,
                    })
                    .collect();
                (CoverageKind::SourceLines, files)
            }
            None => (CoverageKind::Instructions, Vec::new()),
        };
        Ok(ProgramCoverage {
            files,
            hit: functions.iter().map(|function| function.hit).sum(),
            total: instructions.len() as u64,
            functions,
            instructions,
            kind,
            program_id: program_id.to_string(),
        })
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
    /// The terminal table: per program, then per function, executed / total instructions;
    /// for a program with DWARF also per source file, lines run / lines with code.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "coverage (SBF instructions executed at least once / instructions; with DWARF, \
             source lines run / lines with code):"
        );
        // One row: executed/total, the share, and what it counts.
        let mut row = |indent: &str, hit: u64, total: u64, label: &str| {
            let share = percent(hit, total);
            let _ = writeln!(out, "{indent}{hit:>6}/{total:<6} {share:>5.1}%  {label}");
        };
        for program in &self.programs {
            let kind = match program.kind {
                CoverageKind::Instructions => "instructions; no DWARF",
                CoverageKind::SourceLines => "instructions; source lines from DWARF",
            };
            let label = format!("program {} ({kind})", program.program_id);
            row("  ", program.hit, program.total, &label);
            for file in &program.files {
                row(
                    "    ",
                    file.hit,
                    file.total,
                    &format!("{} (lines)", file.path),
                );
            }
            for function in &program.functions {
                let label = match &function.location {
                    Some(location) => format!("{} ({location})", function.name),
                    None => function.name.clone(),
                };
                row("    ", function.hit, function.total, &label);
            }
        }
        out
    }

    /// What [`Self::write_lcov`] writes to `path`, for a message: the lcov file, what its
    /// records are keyed by, and where the listings are if any program needs one.
    pub fn lcov_description(&self, path: &Path) -> String {
        let with_dwarf = self
            .programs
            .iter()
            .filter(|program| program.kind == CoverageKind::SourceLines)
            .count();
        let without = self.programs.len() - with_dwarf;
        let mut parts = Vec::new();
        if with_dwarf > 0 {
            parts.push(format!(
                "source lines from DWARF for {with_dwarf} program{}",
                if with_dwarf == 1 { "" } else { "s" }
            ));
        }
        if without > 0 {
            parts.push(format!(
                "line pc + 1 = the instruction at pc for {without} program{} without DWARF, \
                 listings in {}.listings/",
                if without == 1 { "" } else { "s" },
                path.display()
            ));
        }
        format!("{} (lcov: {})", path.display(), parts.join("; "))
    }

    /// Writes the lcov file `path`: for a program with DWARF a record per source file; for
    /// one without, a record naming its listing, `<path>.listings/<program id>.s`, line
    /// `pc + 1` showing the instruction at `pc`, written beside it.
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
            if program.kind == CoverageKind::SourceLines {
                lcov.push_str(&program.source_lcov_records());
                continue;
            }
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

    /// The program's lcov records from DWARF: one per source file, with the functions
    /// whose first instruction is in that file (`FN:<line>,<name>`, `FNDA` the executions
    /// of that instruction) and every line with code (`DA:<line>,<most executions of its
    /// instructions>`).
    pub fn source_lcov_records(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let functions: Vec<&FunctionCoverage> = self
                .functions
                .iter()
                .filter(|function| {
                    function
                        .source
                        .as_ref()
                        .is_some_and(|source| source.file == file.path)
                })
                .collect();
            let _ = writeln!(out, "TN:");
            let _ = writeln!(out, "SF:{}", file.path);
            for function in &functions {
                let line = function.source.as_ref().map_or(0, |source| source.line);
                let _ = writeln!(out, "FN:{line},{}", function.name);
            }
            for function in &functions {
                let _ = writeln!(out, "FNDA:{},{}", function.executions, function.name);
            }
            let _ = writeln!(out, "FNF:{}", functions.len());
            let entered = functions.iter().filter(|function| function.executions > 0);
            let _ = writeln!(out, "FNH:{}", entered.count());
            for (line, hits) in &file.lines {
                let _ = writeln!(out, "DA:{line},{hits}");
            }
            let _ = writeln!(out, "LF:{}", file.total);
            let _ = writeln!(out, "LH:{}", file.hit);
            let _ = writeln!(out, "end_of_record");
        }
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
