//! `sbfvm inspect` and compute-unit snapshots, run as a user would run them.

use std::path::Path;
use std::process::Output;

use crate::common::{assert_success, fixture, sbfvm, temp_path};

#[test]
fn inspect_reports_imports_and_deployment_checks() {
    let output = sbfvm(&[
        "inspect",
        fixture("hash_pda.so").to_str().unwrap(),
        "--json",
    ]);
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["sbpf_version"], 0);
    assert_eq!(report["execution"]["ok"], true);
    // sol_blake3 is feature-gated off on mainnet: deployment rejects the unresolved import.
    assert_eq!(report["deployment"]["ok"], false);
    let imports = report["imported_syscalls"].as_array().unwrap();
    let blake3 = imports.iter().find(|i| i["name"] == "sol_blake3").unwrap();
    assert_eq!(blake3["provided"], false);
    let sha256 = imports.iter().find(|i| i["name"] == "sol_sha256").unwrap();
    assert_eq!(sha256["provided"], true);
    assert!(report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == ".text"));

    let human = sbfvm(&["inspect", fixture("log.so").to_str().unwrap()]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("sbpf version:  v0"), "{text}");
    assert!(
        text.contains("strict deployment checks:   passes"),
        "{text}"
    );
}

#[test]
fn inspect_rejects_a_broken_elf_with_one_line() {
    let path = temp_path("broken.so");
    std::fs::write(&path, b"\x7fELF not really").unwrap();
    let output = sbfvm(&["inspect", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn snapshots_record_every_frame_and_detect_changes() {
    let scenario = fixture("cpi_chain.toml");
    let snapshot = temp_path("snapshot.json");
    let output = sbfvm(&[
        "run",
        scenario.to_str().unwrap(),
        "--snapshot",
        snapshot.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let first = &recorded["instructions"][0];
    let frames = first["frames"].as_object().unwrap();
    // A -> B -> C -> D -> E: five frames, nested paths.
    assert_eq!(frames.len(), 5);
    assert!(frames.contains_key("0.0.0.0.0"));
    assert_eq!(
        first["compute_units_consumed"],
        frames["0"]["compute_units_consumed"]
    );

    let check = sbfvm(&[
        "run",
        scenario.to_str().unwrap(),
        "--check-snapshot",
        snapshot.to_str().unwrap(),
    ]);
    assert_success(&check);

    // Change one frame's recorded units: the check fails and names the frame.
    let mut edited = recorded.clone();
    let units = edited["instructions"][0]["frames"]["0.0"]["compute_units_consumed"]
        .as_u64()
        .unwrap();
    edited["instructions"][0]["frames"]["0.0"]["compute_units_consumed"] = (units + 1).into();
    std::fs::write(&snapshot, serde_json::to_string(&edited).unwrap()).unwrap();
    let check = sbfvm(&[
        "run",
        scenario.to_str().unwrap(),
        "--check-snapshot",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert!(stderr.contains("frame 0.0"), "{stderr}");
    assert!(
        stderr.contains(&format!("{} → {units} CU", units + 1)),
        "{stderr}"
    );
}

/// `sbfvm run SCENARIO --trace DIR EXTRA...` into an empty `dir`.
fn run_traced(scenario: &Path, dir: &Path, extra: &[&str]) -> Output {
    let _ = std::fs::remove_dir_all(dir);
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--trace",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sbfvm(&args)
}

/// `--trace DIR` writes one file per frame, CPIs included, whose step count equals the
/// frame's executed-instruction count; `--trace-program` keeps only one program's frames.
#[test]
fn traces_follow_cpi_and_match_instruction_counts() {
    let scenario = fixture("cpi_chain.toml");
    let dir = temp_path("traces");
    let output = run_traced(&scenario, &dir, &["--json"]);
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Instruction 0 is A -> B -> C -> D -> E: five frames, five files.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("ix000-"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    let mut frame = &report["instructions"][0]["invocations"][0];
    for (height, file) in files.iter().enumerate() {
        assert!(file.contains(&format!("-h{}-", height + 1)), "{file}");
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let steps = text.lines().filter(|line| !line.starts_with('#')).count() as u64;
        assert_eq!(
            steps,
            frame["cost"]["instructions"].as_u64().unwrap(),
            "{file}"
        );
        assert!(text.lines().nth(2).unwrap().contains("pc"), "{text}");
        if height < 4 {
            frame = &frame["invocations"][0];
        }
    }

    let only = temp_path("traces-one");
    let program = "9Ndfx3dqcCCQtNcMAXhpv7df6C2HDAf5xiezZsysEZbr";
    let output = run_traced(&scenario, &only, &["--trace-program", program]);
    assert!(output.status.success());
    let names: Vec<String> = std::fs::read_dir(&only)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.is_empty());
    assert!(
        names
            .iter()
            .all(|name| name.ends_with(&format!("{program}.trace"))),
        "{names:?}"
    );
}
