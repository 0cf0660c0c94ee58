//! `difffuzz`: runs the same instruction on sbfvm and on Agave's runtime (through Mollusk)
//! from the same state and compares result, compute units, every account and return data;
//! a sample also runs in sbfvm's interpreter, which must equal its JIT.
//!
//! ```text
//! difffuzz [--minutes M] [--jobs N] [--seed S] [--fixtures DIR] [--out DIR]
//! difffuzz --check-seeds [--fixtures DIR]
//! difffuzz --write-seeds DIR
//! ```
//!
//! `--check-seeds` runs every seed once, unmutated, on fresh instances (and in sbfvm's
//! interpreter too), prints one line per seed and exits 1 when any differs: it checks that
//! the fixture scenarios and the deployed programs' seeds behave as on Agave.
//! `--write-seeds DIR` writes every seed of the deployed programs as a scenario file with
//! the reference's values as expectations (`sbfvm run` / `sbfvm bench` them), the
//! programs' ELF files beside.
//!
//! The supervisor runs `N` lanes of workers (this binary with `--worker`), each lane one
//! worker after another until the time is up; a worker that aborts or stops answering is recorded with the case it was
//! running (written before every case to `OUT/current-<seed>.toml`) and a new one starts with the
//! next seed. Divergences are bucketed by signature; the first case of each bucket is
//! written to `OUT/<bucket>.toml` as a scenario file with the reference's values.

mod case;
mod deployed;
mod effects;
mod minimize;
mod mutate;
mod repro;
mod sides;
mod spl;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sbfvm::ExecutionMode;

use case::{seeds_from_fixtures, Case};
use effects::{first_difference, Difference};
use mutate::{mutate, Rng};

/// Command-line options.
struct Options {
    minutes: f64,
    seed: u64,
    fixtures: PathBuf,
    out: PathBuf,
    worker: bool,
    check_seeds: bool,
    write_seeds: Option<PathBuf>,
    seconds: u64,
    jobs: u64,
}

fn parse_options() -> Result<Options, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let mut options = Options {
        minutes: 1.0,
        seed: 1,
        fixtures: root.join("fixtures"),
        out: root.join("target/difffuzz"),
        worker: false,
        check_seeds: false,
        write_seeds: None,
        seconds: 60,
        jobs: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--minutes" => options.minutes = value()?.parse().map_err(|_| "bad --minutes")?,
            "--seed" => options.seed = value()?.parse().map_err(|_| "bad --seed")?,
            "--fixtures" => options.fixtures = value()?.into(),
            "--out" => options.out = value()?.into(),
            "--worker" => options.worker = true,
            "--check-seeds" => options.check_seeds = true,
            "--write-seeds" => options.write_seeds = Some(value()?.into()),
            "--jobs" => options.jobs = value()?.parse().map_err(|_| "bad --jobs")?,
            "--seconds" => options.seconds = value()?.parse().map_err(|_| "bad --seconds")?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    options.jobs = options.jobs.max(1);
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("difffuzz: {message}");
            std::process::exit(2);
        }
    };
    if let Err(error) = std::fs::create_dir_all(&options.out) {
        eprintln!("difffuzz: {}: {error}", options.out.display());
        std::process::exit(2);
    }
    if let Some(dir) = &options.write_seeds {
        std::process::exit(write_seeds(dir));
    } else if options.check_seeds {
        std::process::exit(check_seeds(&options));
    } else if options.worker {
        worker(&options);
    } else {
        supervisor(&options);
    }
}

// ---- the worker: cases until its time is up, one JSON-ish line per event ----

/// One line the worker prints: `case N`, or `diff <signature>\t<field>\t<sbfvm>\t<ref>\t<file>`.
fn worker(options: &Options) {
    let seeds = all_seeds(options);
    let mut rng = Rng::new(options.seed);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let current = options.out.join(format!("current-{}.toml", options.seed));
    let stdout = std::io::stdout();
    let mut cases: u64 = 0;
    while Instant::now() < deadline {
        let mut case = seeds[rng.below(seeds.len())].clone();
        if cases > 0 || rng.below(4) != 0 {
            mutate(&mut case, &mut rng);
        }
        let placeholder = Difference {
            field: "abort or hang".into(),
            sbfvm: String::new(),
            reference: String::new(),
        };
        let _ = std::fs::write(&current, repro::scenario(&case, &placeholder, None, ""));
        let compare_interpreter = rng.below(16) == 0;
        if let Some((difference, reference)) = run_case(&case, compare_interpreter) {
            let file = record(options, &case, &difference, reference.as_ref());
            let mut lock = stdout.lock();
            let _ = writeln!(
                lock,
                "diff {}\t{}\t{}\t{}\t{}",
                difference.signature(),
                difference.field,
                difference.sbfvm,
                difference.reference,
                file.display()
            );
        }
        cases += 1;
        if cases.is_multiple_of(100) {
            let _ = writeln!(stdout.lock(), "case {cases}");
        }
    }
    let _ = writeln!(stdout.lock(), "case {cases}");
    let _ = writeln!(stdout.lock(), "done");
}

/// Every seed: the fixture scenarios' instructions, SPL Token's and the other deployed
/// programs'. Exits with 2 when there are none or the reference cannot be set up.
fn all_seeds(options: &Options) -> Vec<Case> {
    let mut seeds = seeds_from_fixtures(&options.fixtures);
    if seeds.is_empty() {
        eprintln!(
            "difffuzz: no seed cases under {}",
            options.fixtures.display()
        );
        std::process::exit(2);
    }
    seeds.extend(spl::seeds());
    match deployed::seeds() {
        Ok(deployed) => seeds.extend(deployed),
        Err(message) => {
            eprintln!("difffuzz: the deployed programs' seeds: {message}");
            std::process::exit(2);
        }
    }
    // Every case builds its reference this way; a feature sbfvm does not know stops here.
    if let Err(message) = sides::mainnet_mollusk() {
        eprintln!("difffuzz: {message}");
        std::process::exit(2);
    }
    seeds
}

/// `--check-seeds`: every seed once, unmutated, on fresh instances; 1 when any differs.
fn check_seeds(options: &Options) -> i32 {
    let seeds = all_seeds(options);
    let mut differing = 0;
    for case in &seeds {
        sides::forget_instances();
        match run_case(case, true) {
            None => println!("same  {}", case.origin),
            Some((difference, _)) => {
                differing += 1;
                println!(
                    "DIFF  {}: {}: sbfvm {} reference {}",
                    case.origin, difference.field, difference.sbfvm, difference.reference
                );
            }
        }
    }
    println!("{} seeds, {differing} differ", seeds.len());
    i32::from(differing > 0)
}

/// `--write-seeds DIR`: the deployed programs' seeds as scenario files with the reference's
/// values; 1 when a seed cannot be run or written.
fn write_seeds(dir: &Path) -> i32 {
    let mut seeds = spl::seeds();
    match deployed::seeds() {
        Ok(deployed) => seeds.extend(deployed),
        Err(message) => {
            eprintln!("difffuzz: the deployed programs' seeds: {message}");
            return 2;
        }
    }
    if let Err(error) = std::fs::create_dir_all(dir) {
        eprintln!("difffuzz: {}: {error}", dir.display());
        return 2;
    }
    let mut failed = 0;
    for mut case in seeds {
        let Ok(reference) = sides::run_reference(&case) else {
            eprintln!("{}: the reference panicked", case.origin);
            failed += 1;
            continue;
        };
        // Named by the seed's program family too: p-token and SPL Token share an address.
        let family = file_stem(
            case.origin
                .split([':', '#'])
                .next()
                .unwrap_or_default()
                .trim(),
        );
        for program in &mut case.programs {
            let elf_path = dir.join(format!("{family}-{}.so", program.id));
            if std::fs::write(&elf_path, program.elf.as_slice()).is_err() {
                failed += 1;
            }
            program.path = elf_path.to_string_lossy().into_owned();
        }
        let path = dir.join(format!("{}.toml", file_stem(&case.origin)));
        let note = "a seed as written, with the reference's values";
        let heading = Difference {
            field: String::new(),
            sbfvm: String::new(),
            reference: String::new(),
        };
        match std::fs::write(
            &path,
            repro::scenario(&case, &heading, Some(&reference), note),
        ) {
            Ok(()) => println!("{}", path.display()),
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                failed += 1;
            }
        }
    }
    i32::from(failed > 0)
}

/// `text` as a file name: ASCII letters and digits kept, everything else `_`.
fn file_stem(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Runs `case` on both sides (and in the interpreter when asked); the first difference.
fn run_case(
    case: &Case,
    compare_interpreter: bool,
) -> Option<(Difference, Option<effects::Effects>)> {
    let ours = sides::run_sbfvm(case, ExecutionMode::Jit);
    let reference = sides::run_reference(case);
    match (&ours, &reference) {
        (Err(panic), _) => {
            return Some((panic_difference("sbfvm panicked", panic), reference.ok()));
        }
        (_, Err(panic)) => return Some((panic_difference("reference panicked", panic), None)),
        (Ok(ours), Ok(theirs)) => {
            if let Some(difference) = first_difference(ours, theirs) {
                return Some((difference, Some(theirs.clone())));
            }
        }
    }
    if compare_interpreter {
        let jit = ours.expect("checked above");
        match sides::run_sbfvm(case, ExecutionMode::Interpreter) {
            Err(panic) => {
                return Some((panic_difference("sbfvm interpreter panicked", &panic), None))
            }
            Ok(interpreted) => {
                if let Some(mut difference) = first_difference(&interpreted, &jit) {
                    difference.field = format!("interpreter_vs_jit.{}", difference.field);
                    return Some((difference, None));
                }
            }
        }
    }
    None
}

fn panic_difference(field: &str, message: &str) -> Difference {
    Difference {
        field: field.to_string(),
        sbfvm: message.to_string(),
        reference: String::new(),
    }
}

/// Writes the case as `OUT/<bucket>.toml` if the bucket has no reproducer yet.
fn record(
    options: &Options,
    case: &Case,
    difference: &Difference,
    reference: Option<&effects::Effects>,
) -> PathBuf {
    let path = options
        .out
        .join(format!("{}.toml", file_stem(&difference.signature())));
    if !path.exists() {
        let interpreter = difference.field.starts_with("interpreter_vs_jit");
        let rerun = |candidate: &Case| run_case(candidate, interpreter);
        let minimized = minimize::minimize(case, &difference.signature(), |candidate| {
            rerun(candidate).map(|(difference, _)| difference)
        });
        let (mut case, difference, reference, note) = match minimized.difference {
            Some(found) => {
                let reference = rerun(&minimized.case).and_then(|(_, reference)| reference);
                let note = format!(
                    "minimized in {} runs on fresh instances",
                    minimized.attempts
                );
                (minimized.case, found, reference, note)
            }
            None => {
                let note = "NOT reproduced on fresh instances: a kept instance's state caused it \
                            (a fuzzer defect, see sides::reusable)";
                (
                    case.clone(),
                    difference.clone(),
                    reference.cloned(),
                    note.to_string(),
                )
            }
        };
        // Programs that come from a crate, not a file, are written beside the reproducer.
        for program in &mut case.programs {
            if !Path::new(&program.path).is_file() {
                let elf_path = options.out.join(format!("{}.so", program.id));
                let _ = std::fs::write(&elf_path, program.elf.as_slice());
                program.path = elf_path.to_string_lossy().into_owned();
            }
        }
        let _ = std::fs::write(
            &path,
            repro::scenario(&case, &difference, reference.as_ref(), &note),
        );
    }
    path
}

// ---- the supervisor ----

#[derive(Default)]
struct Bucket {
    count: u64,
    example: String,
}

fn supervisor(options: &Options) {
    let started = Instant::now();
    let budget = Duration::from_secs_f64(options.minutes * 60.0);
    let state = std::sync::Mutex::new((BTreeMap::<String, Bucket>::new(), 0u64));
    std::thread::scope(|scope| {
        for lane in 0..options.jobs {
            let state = &state;
            scope.spawn(move || run_lane(options, lane, started, budget, state));
        }
    });
    let (buckets, cases) = state.into_inner().expect("no lane panicked");
    report(&buckets, cases, started.elapsed());
}

type State = std::sync::Mutex<(BTreeMap<String, Bucket>, u64)>;

/// One lane of workers, one after another until the time is up: lane `lane` of `jobs`
/// takes seeds `seed + lane`, `seed + lane + jobs`, …
fn run_lane(options: &Options, lane: u64, started: Instant, budget: Duration, state: &State) {
    let mut seed = options.seed + lane;
    while started.elapsed() < budget {
        let remaining = budget.saturating_sub(started.elapsed()).as_secs().max(1);
        let (cases, events) = run_worker(options, seed, remaining.min(300));
        let mut guard = state.lock().expect("no lane panicked");
        let (buckets, total) = &mut *guard;
        *total += cases;
        for event in events {
            match event {
                WorkerEvent::Divergence(line) => {
                    let signature = line.split('\t').next().unwrap_or_default().to_string();
                    let bucket = buckets.entry(signature).or_default();
                    bucket.count += 1;
                    if bucket.example.is_empty() {
                        bucket.example = line;
                    }
                }
                WorkerEvent::Abnormal(kind) => abnormal(options, buckets, kind, seed),
            }
        }
        seed += options.jobs;
    }
}

/// What a worker reported besides its case count.
enum WorkerEvent {
    /// A `diff` line (without the prefix).
    Divergence(String),
    /// The worker aborted (`abort`) or stopped answering (`hang`).
    Abnormal(&'static str),
}

/// Runs one worker for `seconds`; its case count and events.
fn run_worker(options: &Options, seed: u64, seconds: u64) -> (u64, Vec<WorkerEvent>) {
    let exe = std::env::current_exe().expect("the running binary's path");
    let mut child = match Command::new(&exe)
        .args([
            "--worker",
            "--seed",
            &seed.to_string(),
            "--seconds",
            &seconds.to_string(),
        ])
        .arg("--fixtures")
        .arg(&options.fixtures)
        .arg("--out")
        .arg(&options.out)
        // Mollusk sets up a debug logger; its program logs would only slow the worker.
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("difffuzz: cannot start a worker: {error}");
            std::process::exit(2);
        }
    };
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut cases = 0;
    let mut events = Vec::new();
    let mut finished = false;
    loop {
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line == "done" => finished = true,
            Ok(line) => {
                if let Some(count) = line.strip_prefix("case ") {
                    cases = count.parse().unwrap_or(cases);
                } else if let Some(rest) = line.strip_prefix("diff ") {
                    events.push(WorkerEvent::Divergence(rest.to_string()));
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                events.push(WorkerEvent::Abnormal("hang"));
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait();
    if !finished && !matches!(&status, Ok(status) if status.success()) {
        events.push(WorkerEvent::Abnormal("abort"));
    }
    (cases, events)
}

/// Records a worker that aborted or hung, keeping the case it was running.
fn abnormal(options: &Options, buckets: &mut BTreeMap<String, Bucket>, kind: &str, seed: u64) {
    let kept = options.out.join(format!("{kind}-seed{seed}.toml"));
    let _ = std::fs::copy(options.out.join(format!("current-{seed}.toml")), &kept);
    let bucket = buckets.entry(kind.to_string()).or_default();
    bucket.count += 1;
    if bucket.example.is_empty() {
        bucket.example = format!("worker seed {seed}: {}", kept.display());
    }
}

fn report(buckets: &BTreeMap<String, Bucket>, cases: u64, elapsed: Duration) {
    let rate = cases as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "{cases} cases in {:.0} s ({rate:.0} cases/s)",
        elapsed.as_secs_f64()
    );
    if buckets.is_empty() {
        println!("no divergences");
        return;
    }
    println!("divergences by signature:");
    for (signature, bucket) in buckets {
        println!("  {:>8}  {signature}", bucket.count);
        println!("            e.g. {}", bucket.example.replace('\t', " | "));
    }
}
