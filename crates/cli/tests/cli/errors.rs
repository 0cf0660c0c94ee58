//! The `sbfvm` binary on malformed input: exit code 2, exactly one clear line on stderr,
//! nothing on stdout, never a panic. An unmet expectation is exit code 1; a good run is 0;
//! `--json` prints the report object (`sbfvm::report::JsonReport`).

use serde_json::Value;

use crate::common::{assert_exit_code, fixture, sbfvm, temp_path, text, TempFile};

/// Exit code 2, stdout empty, stderr exactly one non-empty line containing every `needle`.
#[track_caller]
fn assert_input_error(args: &[&str], needles: &[&str]) -> String {
    let output = sbfvm(args);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    let context = format!("sbfvm {args:?}\n--- stdout\n{stdout}--- stderr\n{stderr}---");
    assert_eq!(output.status.code(), Some(2), "exit code\n{context}");
    assert!(!stderr.contains("panicked"), "panic\n{context}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "panic\n{context}");
    assert!(stdout.is_empty(), "stdout not empty\n{context}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "not one error line\n{context}");
    for needle in needles {
        assert!(lines[0].contains(needle), "missing `{needle}`\n{context}");
    }
    lines[0].to_string()
}

/// `sbfvm run` on a scenario file `name` holding `contents`: an input error, as
/// [`assert_input_error`] checks it.
#[track_caller]
fn assert_scenario_error(name: &str, contents: &[u8], needles: &[&str]) -> String {
    let file = TempFile::new(name, contents);
    assert_input_error(&["run", file.path()], needles)
}

/// A one-instruction scenario around `log.so` with the given pieces spliced in.
fn log_scenario(program_extra: &str, instruction_extra: &str) -> String {
    format!(
        "[[programs]]\nprogram_id = \"DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC\"\nelf = {elf:?}\n{program_extra}\n\n\
         [[instructions]]\nprogram_id = \"DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC\"\n{instruction_extra}\n",
        elf = fixture("log.so").to_str().unwrap(),
    )
}

/// Deterministic pseudo-random bytes (xorshift64), so a failure reproduces.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

// ------------------------------------------------------------------ scenario syntax

#[test]
fn unknown_field_in_toml() {
    let line = assert_scenario_error(
        "unknown.toml",
        b"[settings]\ncompute_unit_limit = 5\ncompute_limit = 5\n",
        &["unknown field `compute_limit`", "line 3"],
    );
    assert!(line.contains("unknown.toml"), "{line}");
}

#[test]
fn unknown_field_in_an_expect_block() {
    assert_scenario_error(
        "unknown_expect.toml",
        log_scenario(
            "",
            "[instructions.expect]\nresult = \"ok\"\nlog_contains = [\"x\"]\n",
        )
        .as_bytes(),
        &["unknown field `log_contains`"],
    );
}

#[test]
fn unknown_field_in_json() {
    assert_scenario_error(
        "unknown.json",
        br#"{ "programs": [], "instructions": [], "acounts": [] }"#,
        &["unknown field `acounts`"],
    );
}

#[test]
fn toml_syntax_error() {
    assert_scenario_error(
        "syntax.toml",
        b"[[instructions]\nprogram_id = \"x\"\n",
        &["syntax.toml", "line 1"],
    );
}

#[test]
fn json_syntax_error() {
    assert_scenario_error("syntax.json", b"{ \"programs\": [ }", &["syntax.json"]);
}

#[test]
fn bad_base58_pubkey() {
    assert_scenario_error(
        "bad_base58.toml",
        b"[[instructions]]\nprogram_id = \"0OIl0OIl0OIl\"\n",
        &["instructions[0].program_id", "not base58"],
    );
}

#[test]
fn bad_base58_account_owner() {
    assert_scenario_error(
        "bad_owner.toml",
        b"[[accounts]]\npubkey = \"11111111111111111111111111111112\"\nowner = \"not a key!\"\n",
        &["accounts[0].owner", "not base58"],
    );
}

#[test]
fn wrong_length_pubkey() {
    assert_scenario_error(
        "short_key.toml",
        b"[[accounts]]\npubkey = \"1111\"\nlamports = 1\n",
        &["accounts[0].pubkey", "4 bytes", "32"],
    );
    // 33 bytes: too long as well.
    let long = bs58::encode([7u8; 33]).into_string();
    assert_scenario_error(
        "long_key.toml",
        format!("[[instructions]]\nprogram_id = \"{long}\"\n").as_bytes(),
        &["33 bytes"],
    );
}

#[test]
fn bad_hex_in_instruction_data() {
    assert_scenario_error(
        "bad_hex.toml",
        log_scenario("", "data = \"hex:0g\"").as_bytes(),
        &["instructions[0].data", "invalid hex"],
    );
    assert_scenario_error(
        "odd_hex.toml",
        log_scenario("", "data = \"hex:abc\"").as_bytes(),
        &["odd number of digits"],
    );
}

#[test]
fn bad_hex_in_account_data_and_expectations() {
    assert_scenario_error(
        "bad_account_hex.toml",
        b"[[accounts]]\npubkey = \"11111111111111111111111111111112\"\ndata = \"hex:zz\"\n",
        &["accounts[0].data"],
    );
    assert_scenario_error(
        "bad_expect_hex.toml",
        log_scenario("", "[instructions.expect]\nreturn_data = \"hex:0\"\n").as_bytes(),
        &["return_data"],
    );
}

#[test]
fn data_without_an_encoding_prefix() {
    assert_scenario_error(
        "no_prefix.toml",
        log_scenario("", "data = \"0a0b\"").as_bytes(),
        &["hex:", "base64:"],
    );
}

#[test]
fn unknown_loader() {
    assert_scenario_error(
        "bad_loader.toml",
        log_scenario("loader = \"bpf_loader_v9\"", "").as_bytes(),
        &["programs[0].loader", "unknown loader `bpf_loader_v9`"],
    );
}

#[test]
fn unknown_feature() {
    assert_scenario_error(
        "bad_feature.toml",
        b"[settings]\nfeatures = { enable = [\"no_such_feature\"] }\n",
        &["no_such_feature"],
    );
}

#[test]
fn a_feature_sbfvm_does_not_implement() {
    assert_scenario_error(
        "unimplemented_feature.toml",
        b"[settings]\nfeatures = { enable = [\"account_data_direct_mapping\"] }\n",
        &["`account_data_direct_mapping`", "does not implement"],
    );
}

#[test]
fn bad_history_sysvar_settings() {
    assert_scenario_error(
        "bad_slot_hash.toml",
        b"[settings.sysvars]\nslot_hashes = [{ slot = 1, hash = \"not-base58!\" }]\n",
        &["settings.sysvars.slot_hashes[0].hash"],
    );
    let too_many: String = (0..513)
        .map(|epoch| format!("{{ epoch = {epoch} }}"))
        .collect::<Vec<_>>()
        .join(", ");
    assert_scenario_error(
        "long_stake_history.toml",
        format!("[settings.sysvars]\nstake_history = [{too_many}]\n").as_bytes(),
        &[
            "settings.sysvars.stake_history",
            "513 entries",
            "at most 512",
        ],
    );
}

// ------------------------------------------------------------------ files

#[test]
fn missing_scenario_file() {
    let path = temp_path("does-not-exist.toml");
    assert_input_error(&["run", path.to_str().unwrap()], &["does-not-exist.toml"]);
}

#[test]
fn missing_program_file() {
    let path = temp_path("does-not-exist.so");
    assert_input_error(&["run", path.to_str().unwrap()], &["does-not-exist.so"]);
}

#[test]
fn missing_elf_named_by_a_scenario() {
    assert_scenario_error("missing_elf.toml", b"[[programs]]\nprogram_id = \"11111111111111111111111111111112\"\nelf = \"sbfvm-no-such-program.so\"\n", &["sbfvm-no-such-program.so"]);
}

#[test]
fn broken_elf_files_run_directly() {
    let real = std::fs::read(fixture("log.so")).expect("fixtures/log.so");
    let cases: [(&str, Vec<u8>); 4] = [
        ("random.so", noise(4096)),
        ("truncated.so", real[..real.len() / 3].to_vec()),
        ("header_only.so", real[..64].to_vec()),
        ("empty.so", Vec::new()),
    ];
    for (name, bytes) in cases {
        let file = TempFile::new(name, &bytes);
        assert_input_error(&["run", file.path()], &["cannot load program", name]);
    }
}

#[test]
fn broken_elf_named_by_a_scenario() {
    let elf = TempFile::new("broken_for_scenario.so", &noise(1000));
    assert_scenario_error(
        "broken_elf.toml",
        format!(
            "[[programs]]\nprogram_id = \"11111111111111111111111111111112\"\nelf = {:?}\n",
            elf.path()
        )
        .as_bytes(),
        &["cannot load program"],
    );
}

// ------------------------------------------------------------------ command line

#[test]
fn unknown_mode() {
    let log = fixture("log.toml");
    assert_input_error(
        &["run", log.to_str().unwrap(), "--mode", "fast"],
        &["unknown mode `fast`"],
    );
    assert_input_error(&["run", log.to_str().unwrap(), "--mode"], &["--mode"]);
}

#[test]
fn unknown_mode_in_scenario_settings() {
    assert_scenario_error(
        "bad_mode.toml",
        b"[settings]\nmode = \"turbo\"\n",
        &["unknown mode `turbo`"],
    );
}

#[test]
fn data_with_invalid_hex() {
    let program = fixture("log.so");
    let program = program.to_str().unwrap();
    assert_input_error(
        &["run", program, "--data", "0xzz"],
        &["--data", "invalid hex"],
    );
    assert_input_error(
        &["run", program, "--data", "abc"],
        &["--data", "odd number"],
    );
    assert_input_error(&["run", program, "--data"], &["--data"]);
}

#[test]
fn data_with_a_scenario_is_refused() {
    let log = fixture("log.toml");
    assert_input_error(&["run", log.to_str().unwrap(), "--data", "00"], &["--data"]);
}

// ------------------------------------------------------------------ results

#[test]
fn an_unmet_expectation_exits_1() {
    let file = TempFile::new(
        "unmet.toml",
        log_scenario(
            "",
            "data = \"hex:0a0b\"\n[instructions.expect]\nresult = \"Custom(1)\"\n",
        )
        .as_bytes(),
    );
    let stdout = assert_exit_code(&sbfvm(&["run", file.path()]), 1);
    assert!(
        stdout.contains("expected `Custom(1)`, got `ok`"),
        "{stdout}"
    );
    assert!(stdout.contains("1 expectation(s) failed"), "{stdout}");

    let output = sbfvm(&["run", file.path(), "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["expectations_failed"], 1);
}

#[test]
fn running_a_program_directly_succeeds() {
    let program = fixture("log.so");
    let output = sbfvm(&["run", program.to_str().unwrap(), "--data", "0a0b"]);
    let stdout = assert_exit_code(&output, 0);
    assert!(stdout.contains("Program log: hello from sbfvm"), "{stdout}");
    assert!(stdout.contains("Program data: YWJj Cgs="), "{stdout}");
    assert!(stdout.contains("all expectations met"), "{stdout}");
}

#[test]
fn every_fixture_scenario_exits_0() {
    for name in ["custom_error.toml", "system.toml", "sysvars_default.json"] {
        let output = sbfvm(&["run", fixture(name).to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}\n{}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
    }
}

// ------------------------------------------------------------------ --json

fn json_report(scenario: &str, extra: &[&str]) -> Value {
    let path = fixture(scenario);
    let mut args = vec!["run", path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let output = sbfvm(&args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[track_caller]
fn check_invocation(invocation: &Value) {
    assert_eq!(
        keys(invocation),
        [
            "compute_units_consumed",
            "cost",
            "invocations",
            "program_id",
            "result",
            "stack_height",
            "wall_time_ns"
        ]
    );
    // The cost split of issue 6: instructions, syscalls by name, CPI charges, other.
    assert_eq!(
        keys(&invocation["cost"]),
        ["cpi", "instructions", "other", "syscalls"]
    );
    for usage in invocation["cost"]["syscalls"].as_object().unwrap().values() {
        assert_eq!(keys(usage), ["calls", "compute_units"]);
    }
    assert!(invocation["program_id"].is_string());
    assert!(invocation["stack_height"].as_u64().unwrap() >= 1);
    assert!(invocation["compute_units_consumed"].is_u64());
    assert!(invocation["result"].is_string());
    for child in invocation["invocations"].as_array().unwrap() {
        check_invocation(child);
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    for (scenario, mode) in [
        ("sysvars.toml", "jit"),
        ("log.toml", "interpreter"),
        ("custom_error.toml", "jit"),
        ("system.toml", "jit"),
    ] {
        let report = json_report(scenario, &["--mode", mode]);
        assert_eq!(
            keys(&report),
            ["expectations_failed", "instructions"],
            "{scenario}"
        );
        assert_eq!(report["expectations_failed"], 0, "{scenario}");
        let instructions = report["instructions"].as_array().unwrap();
        assert!(!instructions.is_empty());
        for (index, instruction) in instructions.iter().enumerate() {
            assert_eq!(
                keys(instruction),
                [
                    "accounts",
                    "compute_units_consumed",
                    "index",
                    "input",
                    "invocations",
                    "logs",
                    "program_id",
                    "result",
                    "return_data"
                ],
                "{scenario} #{index}"
            );
            assert_eq!(instruction["index"], index as u64);
            // SHA-256 of the instruction's input, in hex.
            let input = instruction["input"].as_str().unwrap();
            assert!(input.len() == 64 && input.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(instruction["program_id"].is_string());
            assert!(instruction["result"].is_string());
            assert!(instruction["compute_units_consumed"].is_u64());
            let logs = instruction["logs"].as_array().unwrap();
            assert!(logs.iter().all(Value::is_string));
            match &instruction["return_data"] {
                Value::Null => {}
                data => {
                    assert_eq!(keys(data), ["data", "program_id"]);
                    assert!(data["data"].is_string());
                }
            }
            for invocation in instruction["invocations"].as_array().unwrap() {
                check_invocation(invocation);
            }
            for account in instruction["accounts"].as_array().unwrap() {
                assert_eq!(
                    keys(account),
                    ["data", "executable", "lamports", "owner", "pubkey"]
                );
                assert!(account["lamports"].is_u64());
                assert!(account["executable"].is_boolean());
                assert!(account["data"].is_string());
            }
        }
    }
}

#[test]
fn json_report_values() {
    let report = json_report("sysvars.toml", &[]);
    let first = &report["instructions"][0];
    let program = "6vKxLYqy1gxodxtqLq6CtwX5t5wAfxGRGUopp5Hg6RGk";
    assert_eq!(first["program_id"], program);
    assert_eq!(first["result"], "ok");
    assert_eq!(first["compute_units_consumed"], 1070);
    assert_eq!(first["return_data"]["program_id"], program);
    // The Clock of the scenario's overrides, base64.
    assert_eq!(
        first["return_data"]["data"],
        "Fc1bBwAAAAAA8VNlAAAAAB0BAAAAAAAAHgEAAAAAAAB78VNlAAAAAA=="
    );
    assert_eq!(first["logs"][0], format!("Program {program} invoke [1]"));
    assert_eq!(
        first["logs"].as_array().unwrap().last().unwrap(),
        &Value::from(format!("Program {program} success"))
    );
    let frame = &first["invocations"][0];
    assert_eq!(frame["program_id"], program);
    assert_eq!(frame["stack_height"], 1);
    assert_eq!(frame["compute_units_consumed"], 1070);
    assert_eq!(frame["result"], "ok");
    assert_eq!(frame["invocations"], Value::Array(vec![]));

    let report = json_report("custom_error.toml", &[]);
    let first = &report["instructions"][0];
    assert_eq!(first["result"], "Custom(42)");
    assert_eq!(first["return_data"], Value::Null);
    assert_eq!(first["invocations"][0]["result"], "Custom(42)");

    // log.toml's second instruction bumps byte 0 of its account: state after, base64.
    let report = json_report("log.toml", &[]);
    let account = &report["instructions"][1]["accounts"][0];
    assert_eq!(
        account["pubkey"],
        "3RNzrtuvcd1Ajas21y5KUdxRT7PEKqkHUVwscn59fLpq"
    );
    assert_eq!(account["lamports"], 2_000_000);
    assert_eq!(
        account["owner"],
        "3ezmV2y4womXv8SVenGQsKWrw4DizRw97XjbV43pBqzF"
    );
    assert_eq!(account["executable"], false);
    assert_eq!(account["data"], "AgIDBAU="); // 02 02 03 04 05
}

// ------------------------------------------------------------------ bounded inputs

#[test]
fn an_elf_path_naming_a_device_is_refused_without_reading_it() {
    // /dev/zero never ends: an unbounded read would hang and exhaust memory.
    assert_scenario_error(
        "dev_zero_elf.toml",
        b"[[programs]]\nprogram_id = \"11111111111111111111111111111112\"\nelf = \"/dev/zero\"\n",
        &["/dev/zero", "not a regular file"],
    );
    assert_input_error(&["run", "/dev/zero"], &["/dev/zero", "not a regular file"]);
    assert_input_error(
        &["inspect", "/dev/zero"],
        &["/dev/zero", "not a regular file"],
    );
}

#[test]
fn a_program_file_over_10_mib_is_refused() {
    let file = TempFile::new("huge.so", b"");
    // Sparse: no 10 MiB actually written.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file.0)
        .and_then(|handle| handle.set_len(10 * 1024 * 1024 + 1))
        .expect("extend the temp file");
    assert_input_error(&["run", file.path()], &["huge.so", "at most 10485760"]);
    assert_scenario_error(
        "huge_elf.toml",
        format!(
            "[[programs]]\nprogram_id = \"11111111111111111111111111111112\"\nelf = {:?}\n",
            file.path()
        )
        .as_bytes(),
        &["huge.so", "at most 10485760"],
    );
}

#[test]
fn account_space_is_capped_in_total() {
    let account = |n: u8| {
        format!(
            "[[accounts]]\npubkey = \"{}\"\nlamports = 1\nspace = 10_485_760\n",
            bs58::encode([n; 32]).into_string()
        )
    };
    // Six accounts of 10 MiB fit (60 MiB); a seventh passes the 64 MiB total.
    let six: String = (1..=6).map(account).collect();
    let fits = TempFile::new("space_fits.toml", six.as_bytes());
    let output = sbfvm(&["run", fits.path()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let seven = six + &account(7);
    assert_scenario_error(
        "space_too_much.toml",
        seven.as_bytes(),
        &["accounts[6].space", "more than 67108864 bytes"],
    );
}
