//! `sbfvm inspect PROGRAM.so`: what a program is made of and whether it would deploy.

use std::fmt::Write as _;

use sbfvm_runtime::{ComputeBudget, FeatureSet};
use sbfvm_vm::inspect::{check_load, summarize, ElfSummary, LoadCheck};
use sbfvm_vm::{EnvironmentOptions, ProgramEnvironment, SbpfVersion, SyscallSupport};
use serde::Serialize;

use crate::error::Error;

/// Everything `inspect` reports.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// Size of the ELF file in bytes.
    pub size: usize,
    /// The ELF headers, sections and imported syscalls, parsed without loading.
    pub summary: ElfSummary,
    /// Loaded with the execution rules (how mainnet runs deployed programs).
    pub execution: LoadCheck,
    /// Loaded with the strict deployment rules (broken ELFs rejected, deployable versions).
    pub deployment: LoadCheck,
    /// Each imported syscall with how sbfvm provides it.
    pub imports: Vec<(String, Option<SyscallSupport>)>,
    /// The imported syscalls the embedder provides ([`crate::Config::with_syscall`]).
    pub embedder_syscalls: Vec<String>,
}

fn deployment_environment(
    features: &FeatureSet,
    budget: &ComputeBudget,
) -> Result<ProgramEnvironment, Error> {
    let mut options = EnvironmentOptions::for_execution(features, budget);
    let (min, max) = features.sbpf_deployment_version_range();
    options.min_sbpf_version = SbpfVersion::from_index(min).unwrap_or(SbpfVersion::V0);
    options.max_sbpf_version = SbpfVersion::from_index(max).unwrap_or(SbpfVersion::V3);
    options.reject_broken_elfs = true;
    Ok(ProgramEnvironment::new(options, |registry| {
        sbfvm_syscalls::register_syscalls(registry, features)
    })?)
}

/// Inspects an ELF under a feature set (mainnet by default).
pub fn inspect(elf: &[u8], features: &FeatureSet) -> Result<Inspection, Error> {
    let budget = ComputeBudget::default();
    let execution_environment = sbfvm_syscalls::create_environment(features, &budget)?;
    inspect_in(
        elf,
        &execution_environment,
        &deployment_environment(features, &budget)?,
    )
}

/// Inspects an ELF with given execution and deployment environments (those of an
/// [`crate::Sbfvm`], with the embedder's syscalls: [`crate::Sbfvm::inspect`]).
pub fn inspect_in(
    elf: &[u8],
    execution_environment: &ProgramEnvironment,
    deployment_environment: &ProgramEnvironment,
) -> Result<Inspection, Error> {
    let summary = summarize(elf).map_err(Error::Elf)?;
    let execution = check_load(execution_environment, elf);
    let deployment = check_load(deployment_environment, elf);
    let imports = summary
        .imported_syscalls
        .iter()
        .map(|name| (name.clone(), execution_environment.syscall_support(name)))
        .collect();
    let embedder_syscalls = summary
        .imported_syscalls
        .iter()
        .filter(|name| execution_environment.is_embedder_syscall(name))
        .cloned()
        .collect();
    Ok(Inspection {
        size: elf.len(),
        summary,
        execution,
        deployment,
        imports,
        embedder_syscalls,
    })
}

fn import_text(
    inspection: &Inspection,
    name: &str,
    support: Option<SyscallSupport>,
) -> &'static str {
    if inspection
        .embedder_syscalls
        .iter()
        .any(|custom| custom == name)
    {
        return "provided by the embedder";
    }
    support_text(support)
}

fn support_text(support: Option<SyscallSupport>) -> &'static str {
    match support {
        Some(SyscallSupport::Implemented) => "provided",
        Some(SyscallSupport::NotImplemented) => "NOT IMPLEMENTED by sbfvm (calling it fails)",
        Some(SyscallSupport::NotEnabled) => "not enabled by the feature set",
        None => "NOT REGISTERED in this feature set (calling it fails)",
    }
}

fn version_text(check: &LoadCheck) -> String {
    check
        .sbpf_version
        .map(|version| version.to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The human-readable form of `inspection`, as `sbfvm inspect` prints it: size, SBPF
/// version, sections, imported syscalls and the two load verdicts.
pub fn human(inspection: &Inspection) -> String {
    let mut out = String::new();
    let summary = &inspection.summary;
    let _ = writeln!(out, "size:          {} bytes", inspection.size);
    let _ = writeln!(
        out,
        "sbpf version:  {} (e_flags {:#x})",
        version_text(&inspection.execution),
        summary.e_flags
    );
    let _ = writeln!(out, "entrypoint:    {:#x}", summary.entrypoint);
    let _ = writeln!(
        out,
        "functions:     {}",
        inspection.execution.function_count
    );
    let _ = writeln!(
        out,
        "text:          {} bytes ({} instructions)",
        inspection.execution.text_bytes,
        inspection.execution.text_bytes / 8
    );
    let _ = writeln!(out, "sections:");
    for section in &summary.sections {
        let _ = writeln!(
            out,
            "  {:<20} addr {:#010x}  offset {:#08x}  size {}",
            section.name, section.address, section.offset, section.size
        );
    }
    let _ = writeln!(out, "imported syscalls:");
    if inspection.imports.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for (name, support) in &inspection.imports {
        let _ = writeln!(
            out,
            "  {name:<40} {}",
            import_text(inspection, name, *support)
        );
    }
    let verdict = |check: &LoadCheck| match &check.error {
        None => "passes".to_string(),
        Some(error) => format!("FAILS: {error}"),
    };
    let _ = writeln!(
        out,
        "loads for execution:        {}",
        verdict(&inspection.execution)
    );
    let _ = writeln!(
        out,
        "strict deployment checks:   {}",
        verdict(&inspection.deployment)
    );
    out
}

// The `--json` form. Each struct lists its fields in alphabetical order: the order the
// report's keys have always had (serde_json sorts the keys of a map).

/// The `--json` form of an [`Inspection`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonInspection<'a> {
    /// Loaded with the strict deployment rules.
    pub deployment: JsonLoadCheck<'a>,
    /// The ELF header's `e_flags`, which encode the SBPF version.
    pub e_flags: u32,
    /// The entrypoint address from the ELF header (`e_entry`).
    pub entrypoint: u64,
    /// Loaded with the execution rules.
    pub execution: JsonLoadCheck<'a>,
    /// Functions registered when loaded with the execution rules (0 if it does not load).
    pub function_count: usize,
    /// Each imported syscall and how it is provided.
    pub imported_syscalls: Vec<JsonImport<'a>>,
    /// SBPF version (0 for v0 … 4 for v4) under the execution rules; `None` when the ELF
    /// does not load.
    pub sbpf_version: Option<u8>,
    /// The ELF's named sections, in header order.
    pub sections: Vec<JsonSection<'a>>,
    /// Size of the ELF file in bytes.
    pub size: usize,
}

/// One load of the program ([`LoadCheck`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonLoadCheck<'a> {
    /// Why loading or verification failed; `None` when both passed.
    pub error: Option<&'a str>,
    /// Functions in the loaded program's function registry (0 if it does not load).
    pub function_count: usize,
    /// Whether loading and verification passed (`error` is `None`).
    pub ok: bool,
    /// Size of the read-only data section in bytes (0 if it does not load).
    pub rodata_bytes: usize,
    /// SBPF version (0 for v0 … 4 for v4); `None` when the ELF does not load.
    pub sbpf_version: Option<u8>,
    /// Size of the text section in bytes, 8 per instruction (0 if it does not load).
    pub text_bytes: usize,
}

/// One ELF section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonSection<'a> {
    /// Virtual address (`sh_addr`).
    pub address: u64,
    /// Section name, `?` when the string table lacks it.
    pub name: &'a str,
    /// Offset in the file (`sh_offset`).
    pub offset: u64,
    /// Size in bytes (`sh_size`).
    pub size: u64,
}

/// One imported syscall and how it is provided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonImport<'a> {
    /// The syscall's name, e.g. `sol_log_`.
    pub name: &'a str,
    /// Implemented (by sbfvm or the embedder): calling it works.
    pub provided: bool,
    /// How it is provided, in the words of the human report (`provided`, `provided by the
    /// embedder`, `NOT IMPLEMENTED by sbfvm (calling it fails)`, …).
    pub status: &'static str,
}

impl<'a> JsonLoadCheck<'a> {
    fn new(check: &'a LoadCheck) -> Self {
        Self {
            error: check.error.as_deref(),
            function_count: check.function_count,
            ok: check.error.is_none(),
            rodata_bytes: check.rodata_bytes,
            sbpf_version: check.sbpf_version.map(|version| version as u8),
            text_bytes: check.text_bytes,
        }
    }
}

/// The `--json` form of `inspection`.
pub fn json(inspection: &Inspection) -> JsonInspection<'_> {
    JsonInspection {
        deployment: JsonLoadCheck::new(&inspection.deployment),
        e_flags: inspection.summary.e_flags,
        entrypoint: inspection.summary.entrypoint,
        execution: JsonLoadCheck::new(&inspection.execution),
        function_count: inspection.execution.function_count,
        imported_syscalls: inspection
            .imports
            .iter()
            .map(|(name, support)| JsonImport {
                name,
                provided: matches!(support, Some(SyscallSupport::Implemented)),
                status: import_text(inspection, name, *support),
            })
            .collect(),
        sbpf_version: inspection
            .execution
            .sbpf_version
            .map(|version| version as u8),
        sections: inspection
            .summary
            .sections
            .iter()
            .map(|section| JsonSection {
                address: section.address,
                name: &section.name,
                offset: section.offset,
                size: section.size,
            })
            .collect(),
        size: inspection.size,
    }
}
