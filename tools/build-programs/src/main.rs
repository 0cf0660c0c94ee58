//! Builds the C fixture programs under `programs/` into SBPF v0 ELF files under `fixtures/`.
//!
//! Pipeline per program: `clang-19 -target bpf` compiles `programs/<name>.c` into a relocatable
//! BPF object (`programs/build/<name>.o`), then `sbpf_linker::link_program` turns that object
//! into a loadable SBPF v0 shared object (`fixtures/<name>.so`). No LLVM library is involved in
//! the link step: sbpf-linker's library path only parses the object and re-assembles it.
//!
//! Usage (from the repository root):
//!   cargo run --release --manifest-path tools/build-programs/Cargo.toml -- [--check] [names...]
//!
//! `--check` builds into a temporary directory and fails, naming the file, if a committed
//! `fixtures/<name>.so` is missing or differs byte for byte from a fresh build.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod debug_info;

use sbpf_linker::{link_program, OptimizationConfig, ProgramOptions, SbpfArch, SbpfLinkerError};

/// SBPF v0 call frames are 4096 bytes. sbpf-linker needs the size for its stack-argument
/// analysis; clang gets the same number through `-bpf-stack-size` (its default limit is 512).
const STACK_FRAME_SIZE: i32 = 4096;

/// The compiler, overridable with `CLANG=/path/to/clang` (it must be LLVM 19 for the committed
/// fixtures to stay byte-identical).
const DEFAULT_CLANG: &str = "clang-19";

/// The compiler that produced the committed fixtures (Debian 12's clang-19 package). Another
/// release may emit different code; the build then warns, since --check may fail.
const EXPECTED_CLANG_VERSION: &str = "clang version 19.1.7";

/// A program whose source contains this line is compiled with DWARF ([`debug_info`]).
const DEBUG_INFO_MARKER: &str = "build-programs: debug-info";

/// Flags passed to clang for every program, in order. Kept free of anything that depends on
/// the machine, the time or the checkout path. No `-g` but for the programs that carry
/// [`DEBUG_INFO_MARKER`] ([`debug_flags`]).
const CLANG_FLAGS: &[&str] = &[
    "-target",
    "bpf",
    // v2 = v1 + the "less than" jumps, all of which SBPF v0 executes. v3 would add JMP32 and
    // ALU32 sub-register code, which SBPF v0 lacks or executes differently (add32 sign-extends).
    "-mcpu=v2",
    "-O2",
    "-mllvm",
    "-bpf-stack-size=4096",
    // No libc: the programs only see sbfvm.h. -fno-builtin also stops clang from turning our
    // own byte loops into calls to memcpy/memset.
    "-fno-builtin",
    "-ffreestanding",
    "-nostdlib",
    "-fno-stack-protector",
    "-fno-unwind-tables",
    "-fno-asynchronous-unwind-tables",
    // No .llvm_addrsig section, no "clang version" .comment: keep the object minimal.
    "-fno-addrsig",
    "-fno-ident",
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-I",
    "programs/include",
];

struct Args {
    check: bool,
    names: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        check: false,
        names: Vec::new(),
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => args.check = true,
            "-h" | "--help" => {
                println!(
                    "usage: build-programs [--check] [names...]\n\
                     \n\
                     Builds programs/<name>.c into fixtures/<name>.so (all programs when no\n\
                     name is given). --check rebuilds into a temporary directory and fails if\n\
                     any fixtures/<name>.so differs from the fresh build.\n\
                     Environment: CLANG (default clang-19), SBFVM_ROOT (default: the repo root)."
                );
                std::process::exit(0);
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            name => args.names.push(name.trim_end_matches(".c").to_owned()),
        }
    }
    Ok(args)
}

/// The repository root: `SBFVM_ROOT`, else two levels above this crate's manifest.
fn repo_root() -> PathBuf {
    if let Some(root) = std::env::var_os("SBFVM_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `programs/*.c`, sorted by name so the build order (and output) is stable.
fn all_program_names(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("programs");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|ext| ext == "c") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                names.push(stem.to_owned());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// The extra flags of a program built with DWARF. DWARF 4, because sbpf-linker does not
/// copy DWARF 5's `.debug_addr` and `.debug_str_offsets`; the prefix map turns the
/// compilation directory (the checkout, which clang records) into `.`, so the output stays
/// the same wherever the repository is. -O2 stays: the line tables describe optimized code.
fn debug_flags(root: &Path) -> Vec<String> {
    vec![
        "-g".into(),
        "-gdwarf-4".into(),
        format!("-fdebug-prefix-map={}=.", root.display()),
    ]
}

/// Whether `programs/<name>.c` asks for DWARF ([`DEBUG_INFO_MARKER`]).
fn wants_debug_info(root: &Path, name: &str) -> Result<bool, String> {
    let path = root.join(format!("programs/{name}.c"));
    let source =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(source.contains(DEBUG_INFO_MARKER))
}

/// Compiles one program with clang; returns the object and whether it carries DWARF
/// ([`wants_debug_info`]). Runs in `root` with relative paths so nothing about the checkout
/// location reaches the object file.
fn compile(root: &Path, name: &str, object_path: &Path) -> Result<(Vec<u8>, bool), String> {
    let clang: OsString = std::env::var_os("CLANG").unwrap_or_else(|| DEFAULT_CLANG.into());
    let source = format!("programs/{name}.c");
    if !root.join(&source).is_file() {
        return Err(format!("{source} does not exist"));
    }
    let debug_info = wants_debug_info(root, name)?;
    let extra_flags = if debug_info {
        debug_flags(root)
    } else {
        Vec::new()
    };
    let output = Command::new(&clang)
        .current_dir(root)
        .args(CLANG_FLAGS)
        .args(&extra_flags)
        .arg("-c")
        .arg(&source)
        .arg("-o")
        .arg(object_path)
        .output()
        .map_err(|e| {
            format!(
                "running {}: {e} (install it with `apt-get install -y clang-19`)",
                clang.to_string_lossy()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "{} failed on {source}:\n{}{}",
            clang.to_string_lossy(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let object_file = if object_path.is_absolute() {
        object_path.to_path_buf()
    } else {
        root.join(object_path)
    };
    let object = std::fs::read(&object_file)
        .map_err(|e| format!("reading {}: {e}", object_file.display()))?;
    Ok((object, debug_info))
}

/// Links a BPF object into an SBPF v0 program, or SBPF v3 for a name ending in `_v3`.
fn link(name: &str, object: &[u8]) -> Result<Vec<u8>, String> {
    let arch = if name.ends_with("_v3") {
        SbpfArch::V3
    } else {
        SbpfArch::V0
    };
    let options = ProgramOptions::new(
        // The optimizer removes unreachable functions (unused helpers from sbfvm.h) and
        // rewrites eBPF ALU32/signed-division idioms into their SBPF v0 equivalents.
        OptimizationConfig::enabled(),
        arch,
        STACK_FRAME_SIZE,
    );
    link_program(object, options).map_err(|errors| {
        format!(
            "linking {name}: {}",
            SbpfLinkerError::format_errors(&errors)
        )
    })
}

/// Warns when the compiler is not the one the fixtures were built with.
fn check_clang_version() {
    let clang: OsString = std::env::var_os("CLANG").unwrap_or_else(|| DEFAULT_CLANG.into());
    let Ok(output) = Command::new(&clang).arg("--version").output() else {
        return; // compile() reports the missing compiler
    };
    let version = String::from_utf8_lossy(&output.stdout);
    let first_line = version.lines().next().unwrap_or("");
    if !first_line.contains(EXPECTED_CLANG_VERSION) {
        eprintln!(
            "warning: {} is `{first_line}`; the committed fixtures were built with \
             {EXPECTED_CLANG_VERSION}, so the output may differ",
            clang.to_string_lossy()
        );
    }
}

fn build_one(root: &Path, build_dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    let object_path = build_dir.join(format!("{name}.o"));
    let (object, debug_info) = compile(root, name, &object_path)?;
    let mut program = link(name, &object)?;
    if debug_info {
        debug_info::relocate(name, &object, &mut program)?;
    }
    Ok(program)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let root = repo_root();
    let root = root
        .canonicalize()
        .map_err(|e| format!("repo root {}: {e}", root.display()))?;
    let names = if args.names.is_empty() {
        all_program_names(&root)?
    } else {
        args.names.clone()
    };
    if names.is_empty() {
        return Err("no programs/*.c found".into());
    }
    check_clang_version();

    if args.check {
        // A fresh directory for the objects, so --check never touches programs/build.
        let temp =
            std::env::temp_dir().join(format!("sbfvm-build-programs-check-{}", std::process::id()));
        std::fs::create_dir_all(&temp).map_err(|e| format!("creating {}: {e}", temp.display()))?;
        let result = check(&root, &temp, &names);
        let _ = std::fs::remove_dir_all(&temp);
        return result;
    }

    let build_dir = Path::new("programs/build");
    std::fs::create_dir_all(root.join(build_dir))
        .map_err(|e| format!("creating programs/build: {e}"))?;
    std::fs::create_dir_all(root.join("fixtures"))
        .map_err(|e| format!("creating fixtures: {e}"))?;
    for name in &names {
        let program = build_one(&root, build_dir, name)?;
        let out = root.join("fixtures").join(format!("{name}.so"));
        std::fs::write(&out, &program).map_err(|e| format!("writing {}: {e}", out.display()))?;
        println!("built fixtures/{name}.so ({} bytes)", program.len());
    }
    Ok(())
}

fn check(root: &Path, temp: &Path, names: &[String]) -> Result<(), String> {
    let mut failures = String::new();
    for name in names {
        let fresh = build_one(root, temp, name)?;
        let committed_path = root.join("fixtures").join(format!("{name}.so"));
        match std::fs::read(&committed_path) {
            Ok(committed) if committed == fresh => println!("ok fixtures/{name}.so"),
            Ok(committed) => {
                let first_diff = committed
                    .iter()
                    .zip(&fresh)
                    .position(|(a, b)| a != b)
                    .unwrap_or(committed.len().min(fresh.len()));
                let _ = writeln!(
                    failures,
                    "fixtures/{name}.so differs from a fresh build of programs/{name}.c \
                     (committed {} bytes, fresh {} bytes, first difference at byte {first_diff})",
                    committed.len(),
                    fresh.len()
                );
            }
            Err(e) => {
                let _ = writeln!(failures, "fixtures/{name}.so cannot be read: {e}");
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{failures}run `just programs` (or build-programs without --check) and commit the result"))
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
