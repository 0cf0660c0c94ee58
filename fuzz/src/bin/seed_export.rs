//! Writes the seed corpora of every target into `fuzz/corpus/<target>/` (or the directory
//! given as the first argument):
//!
//! - `elf_load`: fixtures/*.so and the ELFs of the elf_loader vectors;
//! - `scenario`: fixtures/*.toml and fixtures/*.json;
//! - `syscall`: syscall and cpi vectors (memory, registers, function name), and every
//!   vector of the crypto syscall families of `../shared/conformance-surface` (`.fix.zst`),
//!   and the syscall calls of `fixtures/crypto.toml`'s instructions;
//! - `cpi`: SDK-shaped CPIs (both ABIs, the stub and the System program as callees);
//! - `precompile`: valid and corrupted ed25519, secp256k1 and secp256r1 instructions;
//! - `vm_exec` and `jit_diff`: vm_interp vectors (text, entry, registers, memory), and the
//!   text of every fixture program with serialized accounts and real syscalls.
//!
//! `../shared/conformance` and `../shared/conformance-surface` are read when present (the vectors live outside the repository).
//! Run with `cargo run --manifest-path fuzz/Cargo.toml --bin seed-export`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use prost::Message;
use sbfvm::scenario::{parse_data, Scenario};
use sbfvm_conformance::proto;
use sbfvm_fuzz::program::ProgramInput;
use sbfvm_fuzz::syscall::SyscallInput;
use sbfvm_fuzz::Writer;

fn sorted_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

struct Corpus {
    root: PathBuf,
    counts: BTreeMap<&'static str, usize>,
}

impl Corpus {
    fn add(&mut self, target: &'static str, bytes: &[u8]) {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).expect("create the corpus directory");
        let count = self.counts.entry(target).or_default();
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
        std::fs::write(dir.join(format!("seed-{hash:016x}")), bytes).expect("write a seed");
        *count += 1;
    }
}

fn registers_of(vm: &proto::VmContext) -> [(u8, u64); 5] {
    [vm.r1, vm.r2, vm.r3, vm.r4, vm.r5].map(|value| (0u8, value))
}

fn syscall_seed(fixture: &proto::SyscallFixture) -> Option<Vec<u8>> {
    let input = fixture.input.as_ref()?;
    let vm = input.vm_ctx.as_ref()?;
    let invocation = input.syscall_invocation.as_ref()?;
    let instr = input.instr_ctx.clone().unwrap_or_default();
    Some(
        SyscallInput {
            name: invocation.function_name.clone(),
            toggles: 0,
            flags: 0,
            cu: instr.cu_avail.min(u64::from(u32::MAX)) as u32,
            registers: registers_of(vm),
            rodata: vm.rodata.clone(),
            stack_prefix: invocation.stack_prefix.clone(),
            heap_len: vm.heap_max.min(u64::from(u16::MAX)) as u16,
            heap_prefix: invocation.heap_prefix.clone(),
            regions: vm
                .input_data_regions
                .iter()
                .map(|r| (r.is_writable, r.content.clone()))
                .collect(),
            return_data: vm
                .return_data
                .as_ref()
                .map(|r| r.data.clone())
                .unwrap_or_default(),
        }
        .encode(),
    )
}

/// The families of `../shared/conformance-surface/syscall/fixtures` the `syscall` target
/// takes every vector of.
const SURFACE_SYSCALL_FAMILIES: [&str; 4] = ["alt_bn128", "curve25519", "poseidon", "secp256k1"];

/// Adds a `syscall` seed for each syscall vector (`.fix` or `.fix.zst`) under `dir`, at most
/// `per_name_limit` per syscall name (counted in `per_name`). A missing directory adds none.
fn add_syscall_seeds(
    corpus: &mut Corpus,
    dir: &Path,
    per_name: &mut BTreeMap<String, usize>,
    per_name_limit: usize,
) {
    let Ok(paths) = sbfvm_conformance::discover(&[dir.to_path_buf()]) else {
        return;
    };
    for path in paths {
        let bytes = sbfvm_conformance::read_fixture(&path).expect("read a vector");
        let Ok(fixture) = proto::SyscallFixture::decode(bytes.as_slice()) else {
            continue;
        };
        let name = fixture
            .input
            .as_ref()
            .and_then(|i| i.syscall_invocation.as_ref())
            .map(|s| String::from_utf8_lossy(&s.function_name).into_owned())
            .unwrap_or_default();
        let seen = per_name.entry(name).or_default();
        if *seen >= per_name_limit {
            continue;
        }
        if let Some(seed) = syscall_seed(&fixture) {
            if seed.len() <= 128 * 1024 {
                *seen += 1;
                corpus.add("syscall", &seed);
            }
        }
    }
}

/// The instructions of the crypto fixture program's scenario (`fixtures/crypto.toml`; data
/// `[family, op, out_len, input…]`, see `programs/crypto.c`) as the syscall calls the
/// program makes: the input at the start of the read-only region, the output at the start
/// of the heap.
fn crypto_scenario_seeds(path: &Path) -> Vec<Vec<u8>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let file = Scenario::parse(&text, path).expect("fixtures/crypto.toml parses");
    let raw = |value: u64| (0u8, value);
    let rodata = |offset: u64| (1u8, offset);
    let heap = (3u8, 0u64);
    let mut seeds = Vec::new();
    for instruction in &file.instructions {
        let Some(data) = instruction.data.as_deref() else {
            continue;
        };
        let data = parse_data(data, "data").expect("the scenario's data parses");
        let Some((&[family, op, _out_len], input)) = data.split_first_chunk::<3>() else {
            continue;
        };
        let (op, n) = (u64::from(op), input.len() as u64);
        let pairs = n / 288;
        let (name, registers) = match family {
            0 => (
                "sol_alt_bn128_group_op",
                [raw(op), rodata(0), raw(n), heap, raw(0)],
            ),
            1 => (
                "sol_alt_bn128_compression",
                [raw(op), rodata(0), raw(n), heap, raw(0)],
            ),
            2 => (
                "sol_curve_decompress",
                [raw(op), rodata(0), heap, raw(0), raw(0)],
            ),
            3 => (
                "sol_curve_pairing_map",
                [raw(op), raw(pairs), rodata(0), rodata(96 * pairs), heap],
            ),
            _ => continue,
        };
        let seed = SyscallInput {
            name: name.as_bytes().to_vec(),
            cu: 1_400_000,
            registers,
            rodata: input.to_vec(),
            heap_len: 4096,
            ..SyscallInput::default()
        };
        seeds.push(seed.encode());
    }
    seeds
}

fn vm_interp_seed(fixture: &proto::SyscallFixture) -> Option<Vec<u8>> {
    let input = fixture.input.as_ref()?;
    let vm = input.vm_ctx.as_ref()?;
    let instr = input.instr_ctx.clone().unwrap_or_default();
    let invocation = input.syscall_invocation.clone().unwrap_or_default();
    let mut functions = Vec::new();
    for (byte_index, byte) in vm.call_whitelist.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 && functions.len() < 15 {
                functions.push((byte_index * 8 + bit) as u16);
            }
        }
    }
    Some(
        ProgramInput {
            flags: 0,
            toggles: 0,
            cu: instr.cu_avail.min(u64::from(u32::MAX)) as u32,
            entry_pc: vm.entry_pc as u16,
            registers: [
                vm.r0, vm.r2, vm.r3, vm.r4, vm.r5, vm.r6, vm.r7, vm.r8, vm.r9,
            ],
            heap_len: vm.heap_max.min(u64::from(u16::MAX)) as u16,
            heap_prefix: invocation.heap_prefix,
            stack_prefix: invocation.stack_prefix,
            accounts: Vec::new(),
            regions: vm
                .input_data_regions
                .iter()
                .map(|r| (r.is_writable, r.content.clone()))
                .collect(),
            functions,
            text: vm.rodata.clone(),
        }
        .encode(),
    )
}

/// The text of a fixture program, run with serialized accounts and the real syscalls.
fn program_seeds(elf: &[u8]) -> Vec<Vec<u8>> {
    let environment = sbfvm_fuzz::environment(0, false);
    let Ok(image) = sbfvm_test_support::load_elf(&environment, elf) else {
        return Vec::new();
    };
    // Under SBPF v3 the text is not inside the read-only region; such programs give no seed.
    let start = image.text_offset as usize;
    let Some(text) = image
        .rodata
        .get(start..start + image.text_count as usize * 8)
    else {
        return Vec::new();
    };
    let text = text.to_vec();
    let functions: Vec<u16> = image
        .function_pcs
        .iter()
        .filter(|&&pc| pc != image.entry_pc)
        .take(15)
        .map(|&pc| pc as u16)
        .collect();
    [0x09u8, 0x0b]
        .iter()
        .map(|&flags| {
            ProgramInput {
                flags,
                toggles: 0,
                cu: 50_000,
                entry_pc: image.entry_pc as u16,
                registers: [0; 9],
                heap_len: 32 * 1024,
                heap_prefix: Vec::new(),
                stack_prefix: Vec::new(),
                accounts: vec![(1_000_000, 16, 0, 3), (5_000, 4, 2, 2)],
                regions: Vec::new(),
                functions: functions.clone(),
                text: text.clone(),
            }
            .encode()
        })
        .collect()
}

/// CPIs the builder turns into well-formed calls (see `sbfvm_fuzz::cpi` for the layout).
fn cpi_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for abi in 0..2u8 {
        for (callee, system_kind) in [
            (0u8, None),
            (4, Some(2u8)),
            (4, Some(0)),
            (5, None),
            (6, None),
        ] {
            for toggles in [0u8, 0x01, 0x02 | 0x04] {
                let mut w = Writer::default();
                w.u8(toggles).u8(abi | 4).u16(u16::MAX);
                // Accounts: a signer+writable owned by the caller, a writable one owned by
                // the stub, a read-only foreign one.
                w.u8(2);
                w.u32(1_000_000).u16(10).u8(0).u8(2 | 4).u8(0);
                w.u32(2_000_000).u16(300).u8(1).u8(4).u8(0);
                w.u32(3_000).u16(5).u8(2).u8(0).u8(0);
                w.u8(callee);
                // metas: accounts 0, 1, 2 with their privileges.
                w.u8(3).u8(0).u8(3).u8(1).u8(2).u8(2).u8(0);
                match system_kind {
                    Some(kind) => {
                        w.u8(1).u32(500).u16(64).u8(1).u8(kind);
                    }
                    None => {
                        w.bytes8(&[1, 2, 3]);
                    }
                }
                // infos: 0, 1, 2 and the stub.
                w.u8(4).u8(0).u8(1).u8(2).u8(4);
                // one PDA signer, placements (heap), no mutations, stub ops.
                w.u8(1).u8(1);
                w.raw(&[3; 6]);
                w.u8(0);
                w.bytes8(&[0, 1, 2, 5, 1, 1, 2, 16]);
                w.u8(2).u16(100).u8(1).u16(3000).u8(0).u8(1);
                seeds.push(w.out);
            }
        }
    }
    seeds
}

fn main() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| fuzz_dir.join("corpus"));
    let repo = fuzz_dir.join("..");
    let shared = repo.join("../shared/conformance");
    let mut corpus = Corpus {
        root,
        counts: BTreeMap::new(),
    };

    for path in sorted_files(&repo.join("fixtures"), "so") {
        let elf = std::fs::read(&path).expect("read a fixture program");
        corpus.add("elf_load", &elf);
        for seed in program_seeds(&elf) {
            corpus.add("vm_exec", &seed);
            corpus.add("jit_diff", &seed);
        }
    }
    for extension in ["toml", "json"] {
        for path in sorted_files(&repo.join("fixtures"), extension) {
            corpus.add("scenario", &std::fs::read(&path).expect("read a scenario"));
        }
    }
    for seed in cpi_seeds() {
        corpus.add("cpi", &seed);
    }
    for seed in sbfvm_fuzz::precompile::seeds() {
        corpus.add("precompile", &seed);
    }
    for seed in sbfvm_fuzz::transaction::seeds() {
        corpus.add("transaction", &seed);
    }

    for path in sorted_files(&shared.join("elf_loader"), "fix") {
        let bytes = std::fs::read(&path).expect("read a vector");
        if let Ok(fixture) = proto::ElfLoaderFixture::decode(bytes.as_slice()) {
            if let Some(elf) = fixture.input.and_then(|i| i.elf) {
                if elf.data.len() <= 64 * 1024 {
                    corpus.add("elf_load", &elf.data);
                }
            }
        }
    }
    // A handful of each syscall directory and every CPI vector.
    let mut per_name: BTreeMap<String, usize> = BTreeMap::new();
    for family in ["syscall", "cpi"] {
        add_syscall_seeds(&mut corpus, &shared.join(family), &mut per_name, 12);
    }
    // Every vector of the crypto syscall families (zstd-compressed, ~320 in all).
    let surface = repo.join("../shared/conformance-surface/syscall/fixtures");
    for family in SURFACE_SYSCALL_FAMILIES {
        add_syscall_seeds(
            &mut corpus,
            &surface.join(family),
            &mut BTreeMap::new(),
            usize::MAX,
        );
    }
    for seed in crypto_scenario_seeds(&repo.join("fixtures/crypto.toml")) {
        corpus.add("syscall", &seed);
    }
    // Every 40th vm_interp vector (the directory holds ~22,000).
    for (index, path) in sorted_files(&shared.join("vm_interp"), "fix")
        .iter()
        .enumerate()
    {
        if index % 40 != 0 {
            continue;
        }
        let bytes = std::fs::read(path).expect("read a vector");
        if let Ok(fixture) = proto::SyscallFixture::decode(bytes.as_slice()) {
            if let Some(seed) = vm_interp_seed(&fixture) {
                corpus.add("vm_exec", &seed);
                corpus.add("jit_diff", &seed);
            }
        }
    }
    for (target, count) in &corpus.counts {
        println!("{target}: {count} seeds");
    }
}
