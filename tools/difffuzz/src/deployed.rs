//! Seeds from more deployed programs: SPL Token 3.5, Token-2022, p-token, SPL Memo v1 and v4, and the
//! Address Lookup Table and Stake Core BPF programs, as the LiteSVM crate ships their
//! mainnet binaries. LiteSVM cannot be linked here (it pins other SDK crate versions than
//! sbfvm's), so `programs/Cargo.toml` only names it: `cargo metadata` on that manifest fetches
//! its source and says where it is, and the ELF files are read from there. Nothing is
//! committed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use sbfvm::{Account, Instruction, Loader, Pubkey};
use solana_instruction::AccountMeta;
use solana_sdk_ids::{address_lookup_table, stake, system_program, sysvar};

use crate::case::{Case, Program, DEFAULT_COMPUTE_UNIT_LIMIT};
use crate::spl::{token_seeds, with_metas};

const LITESVM: &str = "litesvm 0.18.1";

/// The directory of LiteSVM's program binaries, from `cargo metadata` on
/// `programs/Cargo.toml` (which fetches the crate when it is not in cargo's cache yet).
pub fn litesvm_elf_dir() -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/Cargo.toml");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|error| format!("cargo metadata: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata --manifest-path {}: {}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("cargo metadata output: {error}"))?;
    let manifest_path = metadata["packages"]
        .as_array()
        .and_then(|packages| {
            packages
                .iter()
                .find(|package| package["name"] == "litesvm")
                .and_then(|package| package["manifest_path"].as_str())
        })
        .ok_or("cargo metadata names no litesvm package")?;
    let dir = Path::new(manifest_path)
        .parent()
        .ok_or("litesvm's manifest has no directory")?
        .join("src/programs/elf");
    Ok(dir)
}

fn litesvm_program(dir: &Path, file: &str, id: Pubkey, loader: Loader) -> Result<Program, String> {
    let path = dir.join(file);
    let elf = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(Program {
        id,
        loader,
        path: format!("{} ({LITESVM})", path.display()),
        elf: Arc::new(elf),
    })
}

/// Every seed of this module; `Err` when LiteSVM's binaries cannot be found.
pub fn seeds() -> Result<Vec<Case>, String> {
    let dir = litesvm_elf_dir()?;
    let token_2022_id: Pubkey = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"
        .parse()
        .unwrap();
    let token_id: Pubkey = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        .parse()
        .unwrap();
    let memo_v1_id: Pubkey = "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo"
        .parse()
        .unwrap();
    let memo_id: Pubkey = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"
        .parse()
        .unwrap();
    let mut cases = Vec::new();
    // Token-2022 and p-token deployed through the upgradeable loader, as on mainnet (p-token
    // at SPL Token's address, as SIMD-0266 replaces it).
    cases.extend(token_seeds(
        "Token-2022",
        litesvm_program(
            &dir,
            "spl_token_2022-11.0.0.so",
            token_2022_id,
            Loader::Upgradeable,
        )?,
    ));
    // SPL Token 3.5, as mainnet ran it under `bpf_loader` before p-token replaced it.
    cases.extend(token_seeds(
        "SPL Token 3.5",
        litesvm_program(&dir, "spl_token-3.5.0.so", token_id, Loader::V2)?,
    ));
    cases.extend(token_seeds(
        "p-token",
        litesvm_program(
            &dir,
            "pinocchio_token_program.so",
            token_id,
            Loader::Upgradeable,
        )?,
    ));
    cases.extend(memo_seeds(
        "Memo v1",
        litesvm_program(&dir, "spl_memo-1.0.0.so", memo_v1_id, Loader::Deprecated)?,
    ));
    cases.extend(memo_seeds(
        "Memo v4",
        litesvm_program(&dir, "spl_memo-4.0.0.so", memo_id, Loader::V2)?,
    ));
    cases.extend(lookup_table_seeds(litesvm_program(
        &dir,
        "address_lookup_table.so",
        address_lookup_table::id(),
        Loader::Upgradeable,
    )?));
    cases.extend(stake_seeds(litesvm_program(
        &dir,
        "core_bpf_stake-5.0.0.so",
        stake::id(),
        Loader::Upgradeable,
    )?));
    Ok(cases)
}

fn key(byte: u8) -> Pubkey {
    Pubkey::new_from_array([byte; 32])
}

fn wallet(lamports: u64) -> Account {
    Account {
        lamports,
        ..Account::default()
    }
}

fn rent_exempt(owner: Pubkey, data: Vec<u8>) -> Account {
    Account {
        lamports: sbfvm::RentParams::default().minimum_balance(data.len()),
        data,
        owner,
        executable: false,
        rent_epoch: 0,
    }
}

/// One case per instruction (`label #index`), each with the `known` accounts it names.
fn cases(
    label: &str,
    program: &Program,
    known: &[(Pubkey, Account)],
    instructions: impl IntoIterator<Item = Instruction>,
) -> Vec<Case> {
    let programs = vec![program.clone()];
    instructions
        .into_iter()
        .enumerate()
        .map(|(index, instruction)| Case {
            origin: format!("{label} #{index}"),
            accounts: with_metas(known, &instruction, &programs),
            programs: programs.clone(),
            instruction,
            compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
        })
        .collect()
}

/// The little-endian `u32` variant tag that starts a bincode instruction enum.
fn tag(variant: u32) -> Vec<u8> {
    variant.to_le_bytes().to_vec()
}

/// A memo with one signer, with two, and with none.
fn memo_seeds(label: &str, program: Program) -> Vec<Case> {
    let (alice, bob) = (key(21), key(22));
    let known = [(alice, wallet(1_000_000_000)), (bob, wallet(1_000_000_000))];
    let memo = |signers: &[Pubkey], text: &str| Instruction {
        program_id: program.id,
        accounts: signers
            .iter()
            .map(|signer| AccountMeta::new_readonly(*signer, true))
            .collect(),
        data: text.as_bytes().to_vec(),
    };
    let instructions = [
        memo(&[alice], "hello from sbfvm's fuzzer"),
        memo(&[alice, bob], "two signers ✓"),
        memo(&[], "no signers"),
    ];
    cases(label, &program, &known, instructions)
}

/// An active lookup table (`LookupTableMeta`, bincode, 56 bytes, then the addresses).
fn lookup_table(
    authority: Option<Pubkey>,
    deactivation_slot: u64,
    addresses: &[Pubkey],
) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&1u32.to_le_bytes()); // ProgramState::LookupTable
    data.extend_from_slice(&deactivation_slot.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes()); // last_extended_slot
    data.push(0); // last_extended_slot_start_index
    match authority {
        Some(authority) => {
            data.push(1);
            data.extend_from_slice(authority.as_ref());
        }
        None => data.extend_from_slice(&[0; 33]),
    }
    data.extend_from_slice(&[0; 2]); // padding
    for address in addresses {
        data.extend_from_slice(address.as_ref());
    }
    data
}

/// Create, Extend, Freeze, Deactivate and Close of the Address Lookup Table program
/// (instruction data in its bincode enum).
fn lookup_table_seeds(program: Program) -> Vec<Case> {
    let (authority, payer, recipient, table, deactivated) =
        (key(31), key(32), key(33), key(34), key(35));
    // Create derives the table from the authority and a recent slot: one before the Clock's
    // (the current slot is not "recent"), which the reference's SlotHashes holds.
    let recent_slot = crate::sides::aligned_sysvars().clock.slot.saturating_sub(1);
    let (created, bump) = Pubkey::find_program_address(
        &[authority.as_ref(), &recent_slot.to_le_bytes()],
        &program.id,
    );
    let known = [
        (authority, wallet(1_000_000_000)),
        (payer, wallet(10_000_000_000)),
        (recipient, wallet(1_000_000)),
        (
            table,
            rent_exempt(
                program.id,
                lookup_table(Some(authority), u64::MAX, &[key(40)]),
            ),
        ),
        (
            deactivated,
            rent_exempt(program.id, lookup_table(Some(authority), 0, &[key(40)])),
        ),
        (created, Account::default()),
    ];
    let instruction = |data: Vec<u8>, accounts: Vec<AccountMeta>| Instruction {
        program_id: program.id,
        accounts,
        data,
    };
    let mut create = tag(0);
    create.extend_from_slice(&recent_slot.to_le_bytes());
    create.push(bump);
    let mut extend = tag(2);
    extend.extend_from_slice(&2u64.to_le_bytes());
    extend.extend_from_slice(key(41).as_ref());
    extend.extend_from_slice(key(42).as_ref());
    let instructions = [
        instruction(
            create,
            vec![
                AccountMeta::new(created, false),
                AccountMeta::new_readonly(authority, false),
                AccountMeta::new(payer, true),
                AccountMeta::new_readonly(system_program::id(), false),
            ],
        ),
        instruction(
            extend,
            vec![
                AccountMeta::new(table, false),
                AccountMeta::new_readonly(authority, true),
                AccountMeta::new(payer, true),
                AccountMeta::new_readonly(system_program::id(), false),
            ],
        ),
        instruction(
            tag(1),
            vec![
                AccountMeta::new(table, false),
                AccountMeta::new_readonly(authority, true),
            ],
        ),
        instruction(
            tag(3),
            vec![
                AccountMeta::new(table, false),
                AccountMeta::new_readonly(authority, true),
            ],
        ),
        instruction(
            tag(4),
            vec![
                AccountMeta::new(deactivated, false),
                AccountMeta::new_readonly(authority, true),
                AccountMeta::new(recipient, false),
            ],
        ),
    ];
    cases("Address Lookup Table", &program, &known, instructions)
}

/// `StakeStateV2` (bincode, in a 200-byte account): uninitialized, or initialized with
/// `staker` and `withdrawer` and no lockup.
fn stake_state(initialized: Option<(Pubkey, Pubkey)>) -> Vec<u8> {
    let mut data = vec![0; 200];
    if let Some((staker, withdrawer)) = initialized {
        data[0..4].copy_from_slice(&1u32.to_le_bytes());
        let reserve = sbfvm::RentParams::default().minimum_balance(200);
        data[4..12].copy_from_slice(&reserve.to_le_bytes());
        data[12..44].copy_from_slice(staker.as_ref());
        data[44..76].copy_from_slice(withdrawer.as_ref());
        // Lockup: unix_timestamp, epoch, custodian all zero.
    }
    data
}

/// Initialize, Authorize, SetLockup and Withdraw of the Stake program (bincode
/// `StakeInstruction`), on a fresh and on an initialized stake account.
fn stake_seeds(program: Program) -> Vec<Case> {
    let (fresh, initialized, staker, withdrawer, recipient) =
        (key(51), key(52), key(53), key(54), key(55));
    let mut funded = rent_exempt(program.id, stake_state(Some((staker, withdrawer))));
    funded.lamports += 5_000_000;
    let known = [
        (fresh, rent_exempt(program.id, stake_state(None))),
        (initialized, funded),
        (staker, wallet(1_000_000_000)),
        (withdrawer, wallet(1_000_000_000)),
        (recipient, wallet(1_000_000)),
    ];
    let mut initialize = tag(0);
    initialize.extend_from_slice(staker.as_ref());
    initialize.extend_from_slice(withdrawer.as_ref());
    initialize.extend_from_slice(&[0; 48]); // Lockup::default()
    let mut authorize = tag(1);
    authorize.extend_from_slice(key(56).as_ref());
    authorize.extend_from_slice(&0u32.to_le_bytes()); // StakeAuthorize::Staker
    let mut set_lockup = tag(6);
    set_lockup.extend_from_slice(&[1]);
    set_lockup.extend_from_slice(&1_000i64.to_le_bytes());
    set_lockup.extend_from_slice(&[0, 0]); // no epoch, no custodian
    let mut withdraw = tag(4);
    withdraw.extend_from_slice(&1_000_000u64.to_le_bytes());
    let instruction = |data: Vec<u8>, accounts: Vec<AccountMeta>| Instruction {
        program_id: program.id,
        accounts,
        data,
    };
    let instructions = [
        instruction(
            initialize,
            vec![
                AccountMeta::new(fresh, false),
                AccountMeta::new_readonly(sysvar::rent::id(), false),
            ],
        ),
        instruction(
            authorize,
            vec![
                AccountMeta::new(initialized, false),
                AccountMeta::new_readonly(sysvar::clock::id(), false),
                AccountMeta::new_readonly(staker, true),
            ],
        ),
        instruction(
            set_lockup,
            vec![
                AccountMeta::new(initialized, false),
                AccountMeta::new_readonly(withdrawer, true),
            ],
        ),
        instruction(
            withdraw,
            vec![
                AccountMeta::new(initialized, false),
                AccountMeta::new(recipient, false),
                AccountMeta::new_readonly(sysvar::clock::id(), false),
                AccountMeta::new_readonly(sysvar::stake_history::id(), false),
                AccountMeta::new_readonly(withdrawer, true),
            ],
        ),
    ];
    cases("Stake", &program, &known, instructions)
}

#[cfg(test)]
mod tests {
    use sbfvm::ExecutionMode;
    use solana_instruction::AccountMeta;

    use crate::effects::first_difference;
    use crate::sides::{run_reference, run_sbfvm};

    /// The Instructions sysvar a real program is given, as sbfvm builds it and as Agave's SVM
    /// builds it for the mainnet-sanitized message: the same bytes, with the message's
    /// privileges (a duplicated key merged, the program id and a sysvar demoted).
    #[test]
    fn memo_sees_the_instructions_sysvar_agave_builds() {
        let memo = super::seeds()
            .expect("LiteSVM's programs are found")
            .into_iter()
            .find(|case| case.origin == "Memo v4 #0")
            .expect("the Memo v4 seed");
        let signer = memo.instruction.accounts[0].pubkey;
        let sysvar = solana_sdk_ids::sysvar::instructions::id();
        let clock = solana_sdk_ids::sysvar::clock::id();
        let metas_and_flags = [
            (
                vec![
                    AccountMeta::new_readonly(signer, true),
                    AccountMeta::new(signer, true),
                    AccountMeta::new_readonly(sysvar, false),
                ],
                [3, 3, 0],
            ),
            (
                vec![
                    AccountMeta::new(signer, true),
                    AccountMeta::new(memo.instruction.program_id, false),
                    AccountMeta::new(sysvar, false),
                ],
                [3, 0, 0],
            ),
            (
                vec![
                    AccountMeta::new(clock, false),
                    AccountMeta::new_readonly(signer, true),
                    AccountMeta::new_readonly(sysvar, false),
                ],
                [0, 1, 0],
            ),
        ];
        for (metas, flags) in metas_and_flags {
            let mut case = memo.clone();
            case.instruction.accounts = metas;
            case.accounts =
                crate::spl::with_metas(&memo.accounts, &case.instruction, &case.programs);
            for (key, account) in &mut case.accounts {
                if let Some(sysvar) = crate::sides::sysvar_account(key) {
                    *account = sysvar;
                }
            }
            let ours = run_sbfvm(&case, ExecutionMode::Jit).unwrap();
            let reference = run_reference(&case).unwrap();
            assert_eq!(first_difference(&ours, &reference), None, "{flags:?}");
            let data = ours.instructions_sysvar.expect("a meta names the sysvar");
            // u16 count, u16 offset, u16 account count, then (flags, key) per meta.
            let seen: Vec<u8> = (0..3).map(|index| data[6 + 33 * index]).collect();
            assert_eq!(seen, flags);
        }
    }

    /// Every seed runs alike on both sides, and the ones written to succeed do.
    #[test]
    fn every_deployed_seed_runs_alike_on_both_sides() {
        let seeds = super::seeds().expect("LiteSVM's programs are found");
        assert!(seeds.len() >= 36, "{} seeds", seeds.len());
        for case in seeds {
            let ours = run_sbfvm(&case, ExecutionMode::Jit).unwrap();
            let reference = run_reference(&case).unwrap();
            eprintln!(
                "{}: {} {} CU",
                case.origin, reference.result, reference.compute_units
            );
            assert_eq!(first_difference(&ours, &reference), None, "{}", case.origin);
        }
    }
}
