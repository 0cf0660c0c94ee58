//! `sbfvm run SCENARIO --debug-port PORT [--debug-program ID] [--debug-frame N]`: the flags
//! end to end. A client attaches to the chosen frame and detaches, and the run reports what
//! an undebugged run does; a taken port, a program no frame runs and flags without
//! `--debug-port` are clear errors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{assert_exit_code, fixture, sbfvm, text};

/// Each instruction's result, units and logs from a `--json` report.
fn results(stdout: &[u8]) -> Vec<(Value, Value, Value)> {
    let report: Value = serde_json::from_slice(stdout).unwrap();
    report["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["result"].clone(),
                entry["compute_units_consumed"].clone(),
                entry["logs"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_client_attaches_to_the_chosen_frame_and_detaches() {
    let scenario = fixture("cpi_chain.toml");
    let scenario = scenario.to_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sbfvm"))
        .args([
            "run",
            scenario,
            "--json",
            "--debug-port",
            "0",
            "--debug-frame",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut waiting = String::new();
    stderr.read_line(&mut waiting).unwrap();
    let port: u16 = waiting
        .strip_prefix("waiting for GDB on 127.0.0.1:")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{waiting}"))
        .parse()
        .unwrap();
    assert!(
        waiting.contains("trace index 1, stack height 2"),
        "{waiting}"
    );
    // Detach (`$D#44`): acknowledged (`+`), answered `$OK#9a`.
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    client.write_all(b"$D#44").unwrap();
    let mut reply = [0u8; 7];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"+$OK#9a");
    client.write_all(b"+").unwrap();
    let output = child.wait_with_output().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(output.status.success(), "{waiting}{rest}");
    assert!(rest.contains("Detached"), "{rest}");

    let undebugged = sbfvm(&["run", scenario, "--json"]);
    assert_exit_code(&undebugged, 0);
    assert_eq!(results(&output.stdout), results(&undebugged.stdout));
}

#[test]
fn a_port_in_use_is_an_error() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = sbfvm(&[
        "run",
        fixture("cpi_chain.toml").to_str().unwrap(),
        "--debug-port",
        &port,
    ]);
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: debugger: cannot listen for GDB on 127.0.0.1:{port}"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_program_no_frame_runs_is_an_error_after_the_report() {
    let absent = bs58::encode([7u8; 32]).into_string();
    let output = sbfvm(&[
        "run",
        fixture("cpi_chain.toml").to_str().unwrap(),
        "--debug-port",
        "0",
        "--debug-program",
        &absent,
    ]);
    let stdout = assert_exit_code(&output, 2);
    assert!(stdout.contains("instruction #0"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "error: debugger: the run had no frame of program {absent} to debug"
        )),
        "{stderr}"
    );
}

#[test]
fn the_debug_flags_need_a_port_and_exclude_profiles() {
    let scenario = fixture("cpi_chain.toml");
    let scenario = scenario.to_str().unwrap();
    for args in [
        vec!["run", scenario, "--debug-frame", "1"],
        vec![
            "run",
            scenario,
            "--debug-program",
            "11111111111111111111111111111111",
        ],
        vec![
            "run",
            scenario,
            "--debug-port",
            "0",
            "--profile",
            "/tmp/unused",
        ],
        vec![
            "run",
            scenario,
            "--debug-port",
            "0",
            "--debug-frame",
            "first",
        ],
        vec!["run", scenario, "--debug-port", "65536"],
    ] {
        let output = sbfvm(&args);
        assert_exit_code(&output, 2);
        let stderr = text(&output.stderr);
        assert!(stderr.contains("--debug-"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    let output = sbfvm(&[
        "run",
        scenario,
        "--debug-port",
        "0",
        "--debug-program",
        "nope",
    ]);
    assert_exit_code(&output, 2);
    assert!(
        text(&output.stderr).contains("--debug-program"),
        "{}",
        text(&output.stderr)
    );
}
