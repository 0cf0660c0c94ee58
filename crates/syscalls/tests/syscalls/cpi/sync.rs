//! Property test: the CPI sync round against deserialization.

use sbfvm_runtime::{AccountSharedData, ComputeBudget};
use sbfvm_syscalls::cpi::update_callee_account;
use sbfvm_vm::serialization::deserialize_parameters;

use super::*;

/// SplitMix64: a small deterministic PRNG.
struct Rng(u64);

/// SplitMix64's output function.
fn mix(state: u64) -> u64 {
    let mut z = state;
    for (shift, multiplier) in [(30, 0xbf58_476d_1ce4_e5b9), (27, 0x94d0_49bb_1331_11eb)] {
        z = (z ^ (z >> shift)).wrapping_mul(multiplier);
    }
    z ^ (z >> 31)
}

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A random caller: its accounts, its instruction accounts (with duplicates), and the
/// stub and the caller program at the end of the transaction.
struct Case {
    accounts: Vec<(Pubkey, Account)>,
    /// Caller positions → transaction index (duplicates repeat an earlier index).
    positions: Vec<usize>,
    signer: Vec<bool>,
    writable: Vec<bool>,
    loader: Pubkey,
}

impl Case {
    fn random(rng: &mut Rng, loader: Pubkey) -> Self {
        let owners = [caller_id(), other(), stub_id()];
        let count = 1 + rng.below(6) as usize;
        let mut accounts = Vec::new();
        for i in 0..count {
            let len = match rng.below(10) {
                0 => 0,
                1 => 200 + rng.below(300) as usize,
                _ => rng.below(40) as usize,
            };
            let data = if rng.chance(20) {
                vec![0; len]
            } else {
                rng.bytes(len)
            };
            // Mostly the caller's, so that many edits are allowed.
            let owner = owners[[0, 0, 0, 1, 2][rng.below(5) as usize]];
            accounts.push((
                key(0x10 + i as u8),
                account(rng.below(1 << 40), data, owner, false),
            ));
        }
        let signer = (0..count).map(|_| rng.chance(30)).collect();
        let writable = (0..count).map(|_| rng.chance(75)).collect();
        // Duplicates always come after their first occurrence, so first occurrences stay
        // in account order.
        let mut positions: Vec<usize> = (0..count).collect();
        for _ in 0..rng.below(3) {
            let dup = rng.below(count as u64) as usize;
            let first = positions.iter().position(|&p| p == dup).unwrap();
            let at = first + 1 + rng.below((positions.len() - first) as u64) as usize;
            positions.insert(at, dup);
        }
        Self {
            accounts,
            positions,
            signer,
            writable,
            loader,
        }
    }

    fn stub_index(&self) -> usize {
        self.accounts.len()
    }

    /// Builds the context with the caller running (the stub is its last account).
    fn invoke_context(&self) -> InvokeContext {
        let mut accounts = self.accounts.clone();
        accounts.push((stub_id(), account(1, vec![], native_loader::id(), true)));
        accounts.push((caller_id(), account(1, vec![], self.loader, true)));
        let mut instruction_accounts: Vec<InstructionAccount> = self
            .positions
            .iter()
            .map(|&index| InstructionAccount {
                index_in_transaction: index as u16,
                is_signer: self.signer[index],
                is_writable: self.writable[index],
            })
            .collect();
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: self.stub_index() as u16,
            is_signer: false,
            is_writable: false,
        });
        let mut ic = invoke_context(
            accounts,
            vec![InstructionFrame::new(
                self.stub_index() as u16 + 1,
                instruction_accounts,
                vec![1, 2, 3],
            )],
            ComputeBudget::default(),
            FeatureSet::mainnet(),
            vec![Builtin::new(stub_id(), "stub", |ic| Ok(stub_entry(ic)?))],
        );
        ic.push(None).unwrap();
        ic
    }

    /// The first caller position of each distinct account, in caller order.
    fn first_positions(&self) -> Vec<usize> {
        let mut firsts = Vec::new();
        let mut seen = Vec::new();
        for (position, &index) in self.positions.iter().enumerate() {
            if !seen.contains(&index) {
                seen.push(index);
                firsts.push(position);
            }
        }
        firsts
    }
}

/// One random caller-side edit of one account.
struct Edit {
    lamports: Option<u64>,
    len: Option<usize>,
    bytes: Vec<(usize, u8)>,
    owner: Option<Pubkey>,
}

fn random_edit(rng: &mut Rng, account: &Account, aligned: bool) -> Edit {
    if rng.chance(50) {
        return Edit {
            lamports: None,
            len: None,
            bytes: Vec::new(),
            owner: None,
        };
    }
    let lamports = rng.chance(25).then(|| match rng.below(3) {
        0 => account.lamports.saturating_add(rng.below(1_000)),
        1 => account.lamports.saturating_sub(rng.below(1_000)),
        _ => rng.below(1 << 40),
    });
    let old_len = account.data.len();
    let len = (aligned && rng.chance(25)).then(|| match rng.below(3) {
        0 => rng.below(old_len as u64 + 1) as usize,
        1 => old_len + rng.below(64) as usize,
        _ => old_len + rng.below(MAX_PERMITTED_DATA_INCREASE + 1) as usize,
    });
    let new_len = len.unwrap_or(old_len);
    let mut bytes = Vec::new();
    if new_len > 0 && rng.chance(40) {
        for _ in 0..1 + rng.below(4) {
            bytes.push((rng.below(new_len as u64) as usize, rng.next() as u8));
        }
    }
    if rng.chance(10) && new_len > 0 {
        // Zero everything (so an owner change can be valid).
        bytes.extend((0..new_len).map(|i| (i, 0)));
    }
    let owner = (aligned && rng.chance(20))
        .then(|| [caller_id(), other(), stub_id(), key(0x77)][rng.below(4) as usize]);
    Edit {
        lamports,
        len,
        bytes,
        owner,
    }
}

/// Applies `edit` to the serialized input and to the info length at `len_field`.
fn apply_edit(
    mem: &mut HarnessMemory,
    md: &SerializedAccountMetadata,
    len_field: u64,
    edit: &Edit,
) {
    if let Some(lamports) = edit.lamports {
        mem.write(md.vm_lamports_addr, &lamports.to_le_bytes());
    }
    if let Some(len) = edit.len {
        mem.write(md.vm_data_addr - 8, &(len as u64).to_le_bytes());
        mem.write(len_field, &(len as u64).to_le_bytes());
    }
    for &(offset, byte) in &edit.bytes {
        mem.write(md.vm_data_addr + offset as u64, &[byte]);
    }
    if let Some(owner) = edit.owner {
        mem.write(md.vm_owner_addr, owner.as_ref());
    }
}

type SyncOutcome = (
    Result<(), InstructionError>,
    Vec<(Pubkey, AccountSharedData)>,
    i128,
    i64,
);

fn outcome(ic: &InvokeContext, result: Result<(), InstructionError>) -> SyncOutcome {
    let context = &ic.transaction_context;
    (
        result,
        context.accounts_snapshot(),
        context.lamports_delta(),
        context.resize_delta(),
    )
}

/// Runs phases 5–7 (frame, infos, caller → callee) for the distinct accounts of `case`
/// with infos at `info_order`, after `edit` has written into the guest memory.
fn cpi_sync(
    case: &Case,
    abi: Abi,
    input_abi: InputAbi,
    info_order: &[usize],
    meta_order: &[usize],
    edit: impl FnOnce(&mut HarnessMemory, &SerializedInput, &[u64]),
) -> (SyncOutcome, SerializedInput, Vec<u8>) {
    let mut ic = case.invoke_context();
    let mut mem = HarnessMemory::zeroed(0, 0, 64 * 1024, 0);
    let input = mem
        .serialize_input(&ic.transaction_context, input_abi)
        .unwrap();
    let firsts = case.first_positions();
    // Infos on the heap, in `info_order` (indices into `firsts`).
    let mut heap = Vec::new();
    fn put(bytes: &[u8], heap: &mut Vec<u8>) -> u64 {
        heap.resize(heap.len().next_multiple_of(8), 0);
        let addr = HEAP + heap.len() as u64;
        heap.extend_from_slice(bytes);
        addr
    }
    let mut info_bytes = Vec::new();
    let mut len_fields = vec![0u64; firsts.len()];
    let mut data_boxes = Vec::new();
    for &i in info_order {
        let md = input.accounts[firsts[i]];
        // The flags word (and the Rust ABI's unused word) are zero.
        let words: Vec<u64> = match abi {
            Abi::C => [&c_account_info_words(&md, 0)[..], &[0]].concat(),
            Abi::Rust => {
                let (lamports_box, data_box) = rust_account_info_boxes(&md);
                let lamports_box = put(&le_bytes(&lamports_box), &mut heap);
                let data_box = put(&le_bytes(&data_box), &mut heap);
                data_boxes.push((i, data_box));
                vec![
                    md.vm_key_addr,
                    lamports_box,
                    data_box,
                    md.vm_owner_addr,
                    0,
                    0,
                ]
            }
        };
        info_bytes.extend(le_bytes(&words));
    }
    let infos_addr = put(&info_bytes, &mut heap);
    for (slot, &i) in info_order.iter().enumerate() {
        len_fields[i] = match abi {
            Abi::C => infos_addr + 56 * slot as u64 + 16,
            Abi::Rust => data_boxes
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, data_box)| data_box + 32)
                .unwrap(),
        };
    }
    mem.write(HEAP, &heap);
    edit(&mut mem, &input, &len_fields);
    let input_bytes = mem.input_regions()[0].content.to_vec();

    let metas: Vec<CpiAccountMeta> = meta_order
        .iter()
        .map(|&i| {
            let index = case.positions[firsts[i]];
            CpiAccountMeta {
                pubkey: case.accounts[index].0,
                is_signer: case.signer[index],
                is_writable: case.writable[index],
            }
        })
        .collect();
    let frame = ic
        .prepare_next_cpi_instruction(&stub_id(), &metas, vec![], &[])
        .expect("privileges mirror the caller's");
    let metadata = input.accounts.clone();
    let result = with_vm_context(&mut ic, &mut mem, input_abi, metadata.clone(), |context| {
        let (memory, ic) = context.split();
        let n = info_order.len() as u64;
        let accounts = match abi {
            Abi::C => translate_accounts::<CAbi>(&memory, ic, &frame, &metadata, infos_addr, n),
            Abi::Rust => {
                translate_accounts::<RustAbi>(&memory, ic, &frame, &metadata, infos_addr, n)
            }
        }
        .expect("translation of valid infos");
        for mut account in accounts {
            match update_callee_account(&memory, ic, &mut account) {
                Ok(()) => {}
                Err(SyscallError::Instruction(error)) => return Err(error),
                Err(other) => panic!("{other:?}"),
            }
        }
        Ok(())
    });
    (outcome(&ic, result), input, input_bytes)
}

fn shuffled(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    order
}

#[test]
fn property_cpi_sync_matches_deserialization() {
    let mut rng = Rng(0x5bf0_3635_d3a4_c0de);
    let mut applied_changes = 0;
    let mut errors: Vec<InstructionError> = Vec::new();
    for case_number in 0..800 {
        let abi = ABIS[case_number % 2];
        let (loader, input_abi) = if case_number % 4 < 2 {
            (bpf_loader_upgradeable::id(), InputAbi::Aligned)
        } else {
            (bpf_loader_deprecated::id(), InputAbi::Unaligned)
        };
        let case = Case::random(&mut rng, loader);
        let distinct = case.first_positions().len();
        let original = case
            .invoke_context()
            .transaction_context
            .accounts_snapshot();

        // 1. Unchanged memory: a sync round (any meta and info order) changes nothing.
        let info_order = shuffled(&mut rng, distinct);
        let meta_order = shuffled(&mut rng, distinct);
        let ((result, snapshot, lamports_delta, resize_delta), input, bytes) = cpi_sync(
            &case,
            abi,
            input_abi,
            &info_order,
            &meta_order,
            |_, _, _| {},
        );
        assert_eq!(result, Ok(()), "case {case_number}");
        assert_eq!(snapshot, original, "case {case_number}");
        assert_eq!((lamports_delta, resize_delta), (0, 0), "case {case_number}");

        // 2. Unchanged input: deserialization changes nothing either.
        let ic = case.invoke_context();
        let result = deserialize_parameters(&ic.transaction_context, input_abi, &bytes, &input);
        assert_eq!(result, Ok(()), "case {case_number}");
        assert_eq!(
            ic.transaction_context.accounts_snapshot(),
            original,
            "case {case_number}"
        );

        // 3. Random caller edits: the sync round and deserialization agree on the result
        // (first error included) and on every account.
        let firsts = case.first_positions();
        let edits: Vec<Edit> = firsts
            .iter()
            .map(|&p| {
                random_edit(
                    &mut rng,
                    &case.accounts[case.positions[p]].1,
                    input_abi == InputAbi::Aligned,
                )
            })
            .collect();
        let info_order = shuffled(&mut rng, distinct);
        let in_caller_order: Vec<usize> = (0..distinct).collect();
        let (cpi, input, bytes) = cpi_sync(
            &case,
            abi,
            input_abi,
            &info_order,
            &in_caller_order,
            |mem, input, len_fields| {
                for (i, edit) in edits.iter().enumerate() {
                    apply_edit(mem, &input.accounts[firsts[i]], len_fields[i], edit);
                }
            },
        );
        let ic = case.invoke_context();
        let result = deserialize_parameters(&ic.transaction_context, input_abi, &bytes, &input);
        let deserialized = outcome(&ic, result);
        assert_eq!(cpi, deserialized, "case {case_number}");
        match &cpi.0 {
            Err(error) => errors.push(error.clone()),
            Ok(()) if cpi.1 != original => applied_changes += 1,
            Ok(()) => {}
        }
    }
    // The generator exercises applied changes and every rule of update_callee_account.
    assert!(applied_changes > 100, "{applied_changes}");
    for expected in [
        InstructionError::ExternalAccountLamportSpend,
        InstructionError::ReadonlyLamportChange,
        InstructionError::ReadonlyDataModified,
        InstructionError::ExternalAccountDataModified,
        InstructionError::ModifiedProgramId,
    ] {
        let count = errors.iter().filter(|error| **error == expected).count();
        assert!(count >= 5, "{expected:?}: {count} of {errors:?}");
    }
}
