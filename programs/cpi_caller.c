/*
 * cpi_caller.c: a general driver for cross-program invocations, through both CPI
 * syscalls (sol_invoke_signed_c and sol_invoke_signed_rust).
 *
 * Instruction data byte 0 is the op; "rest" is data[1..]. ka[i] is the i-th instruction
 * account as received (at most 16 are looked at; further ones are ignored). Unless an op
 * says otherwise:
 *   - the callee is the program whose id is ka[0].key (ka[0] is the callee's program
 *     account; the runtime requires it among this instruction's accounts);
 *   - the callee's accounts ("metas") are ka[1], ka[2], ... in order, each with the
 *     is_signer / is_writable it was received with;
 *   - the account infos handed to the syscall are ka[0 .. ka_num), i.e. every received
 *     account, as sol_deserialize built them (serialized key/owner/lamports/data pointers);
 *   - no PDA signers.
 *
 *   op 0  invoke: CPI with instruction data = rest. Returns SUCCESS when the CPI returns 0.
 *   op 1  escalate writable: as op 0, but the meta of ka[1] (the first meta) is marked
 *         writable whatever ka[1] was received with (PrivilegeEscalation when read-only).
 *   op 2  escalate signer: as op 0, but the meta of ka[1] is marked signer
 *         (PrivilegeEscalation when ka[1] was not a signer).
 *   op 3  PDA create (C ABI): data = [3, bump u8, lamports u64 LE, space u64 LE] (18 bytes).
 *         Accounts [0] system program, [1] funder (signer, writable), [2] the PDA
 *         (writable), [3..] ignored but passed as infos. CPIs into ka[0] with System
 *         CreateAccount {tag u32 0, lamports, space, owner = this program id} (52 bytes),
 *         metas [funder: writable+signer, pda: writable+signer], signed with the seeds
 *         ["vault", [bump]] (one signer) via sol_invoke_signed_c. After the CPI it checks
 *         the runtime's write-back into its own view of the PDA:
 *           ka[2].data_len (the SolAccountInfo field) == space     else Custom(1001)
 *           the serialized length field (the u64 before data) == space  else Custom(1002)
 *           the serialized owner == this program id                   else Custom(1003)
 *           the serialized lamports == lamports                        else Custom(1004)
 *         and then, if space >= 2, writes 0xCA 0xFE to the PDA's data[0..2] (allowed: the
 *         caller now owns it). A wrong bump fails in the runtime (PrivilegeEscalation for
 *         the PDA's signer flag).
 *   op 4  read return data: as op 0 (data = rest), then len = sol_get_return_data(buf, 64,
 *         &setter); logs sol_log_64_(len, min(len, 64), 0, 0, 0) and, if len > 0,
 *         sol_log_pubkey(setter); sets its own return data = [0xAA] ++ buf[0 .. min(len, 64)].
 *   op 5  many CPIs: N = rest[0] | rest[1] << 8 (data[1..3], u16 LE); performs N CPIs into
 *         ka[0], each with empty instruction data (data_len 0, pointer into the input) and
 *         the usual metas; SUCCESS after the last. N = 0 performs none.
 *   op 6  bad account info pointer: as op 0, but first the account info of ka[1] gets its
 *         key pointer replaced by a stack copy of the key (same 32 bytes, different
 *         address). The runtime must reject it: CpiError::InvalidPointer (ka[1] must be a
 *         non-executable account, so the runtime looks its info up).
 *   op 7  transfer via the System program: data = [7, lamports u64 LE]. Accounts [0]
 *         system program, [1] from, [2] to. CPIs into ka[0] with System Transfer
 *         {tag u32 2, lamports} (12 bytes) and metas [ka[1], ka[2]] with their received
 *         privileges (so an unsigned `from` gives the System program's
 *         MissingRequiredSignature, not a privilege escalation); infos ka[0..3).
 *   op 8  Rust-ABI invoke: exactly op 0, through sol_invoke_signed_rust: a
 *         StableInstruction (program id inline, capacities = lengths), 34-byte AccountMetas,
 *         and one 48-byte AccountInfo per received account with its lamports and data
 *         Rc<RefCell<..>> boxes on this program's stack, as the Rust SDK lays them out.
 *   op 9  Rust-ABI PDA create: op 3 through sol_invoke_signed_rust (same data, accounts
 *         and checks, except that Custom(1001) checks the data box's length field, where
 *         the Rust path writes the new length back, instead of ka[2].data_len).
 *   op 10 no-op: returns SUCCESS without doing anything (the re-entry target of
 *         cpi_callee's op 5).
 *   op 11 invoke twice: op 0 performed twice in a row with the same data and accounts (for
 *         growth limits across two CPIs and return data being reset by the second one).
 *
 * Errors found by this program: empty data, unknown op or data too short for the op:
 * InvalidInstructionData; fewer accounts than the op needs (ops 0, 4, 5, 8, 11: 1;
 * ops 1, 2, 6: 2; ops 3, 7, 9: 3): NotEnoughAccountKeys; Custom(1001..1004) as above.
 * A failing CPI aborts this program inside the runtime (the callee's error becomes the
 * instruction's error); if the syscall ever returns non-zero, that value is returned.
 * Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 16

#define ERR_PDA_INFO_LEN TO_CUSTOM(1001)
#define ERR_PDA_SERIALIZED_LEN TO_CUSTOM(1002)
#define ERR_PDA_OWNER TO_CUSTOM(1003)
#define ERR_PDA_LAMPORTS TO_CUSTOM(1004)

/* The variants of the plain C-ABI invoke. */
#define VARIANT_PLAIN 0
#define VARIANT_ESCALATE_WRITABLE 1
#define VARIANT_ESCALATE_SIGNER 2
#define VARIANT_BAD_KEY_POINTER 6

#define SYSTEM_CREATE_ACCOUNT 0
#define SYSTEM_TRANSFER 2
#define CREATE_ACCOUNT_DATA_LEN (4 + 8 + 8 + SIZE_PUBKEY)
#define PDA_CREATE_DATA_LEN 18

static const uint8_t VAULT_SEED[5] = {'v', 'a', 'u', 'l', 't'};

/*
 * CPI into ka[0].key with metas ka[1 .. ka_num) (received privileges, adjusted by
 * `variant`) and infos ka[0 .. ka_num). noinline: the metas get their own stack frame.
 */
static __attribute__((noinline)) uint64_t invoke_c(SolAccountInfo *ka, uint64_t ka_num,
                                                   const uint8_t *data, uint64_t data_len,
                                                   uint8_t variant) {
  SolAccountMeta metas[MAX_ACCOUNTS - 1];
  uint64_t n_metas = ka_num - 1;
  for (uint64_t i = 0; i < n_metas; i++) sol_account_meta_from(&metas[i], &ka[i + 1]);
  if (variant == VARIANT_ESCALATE_WRITABLE) metas[0].is_writable = true;
  if (variant == VARIANT_ESCALATE_SIGNER) metas[0].is_signer = true;

  SolInstruction instruction = {
      .program_id = ka[0].key,
      .accounts = metas,
      .account_len = n_metas,
      .data = (uint8_t *)data,
      .data_len = data_len,
  };

  SolPubkey key_copy;
  SolPubkey *original_key = ka[1].key;
  if (variant == VARIANT_BAD_KEY_POINTER) {
    /* Same value, different address: the runtime compares the address. */
    key_copy = *ka[1].key;
    ka[1].key = &key_copy;
  }
  uint64_t result = sol_invoke(&instruction, ka, (int)ka_num);
  if (variant == VARIANT_BAD_KEY_POINTER) ka[1].key = original_key;
  return result;
}

/* System CreateAccount {lamports, space, owner} as bincode: u32 tag, u64, u64, [u8; 32]. */
static void create_account_data(uint8_t *out, const uint8_t *pda_args, const SolPubkey *owner) {
  out[0] = SYSTEM_CREATE_ACCOUNT;
  out[1] = out[2] = out[3] = 0;
  sol_memcpy(out + 4, pda_args + 1, 16); /* lamports and space, already u64 LE */
  sol_memcpy(out + 20, owner, SIZE_PUBKEY);
}

/*
 * After a PDA create: the runtime must have written the new length into the caller's view
 * (`observed_len`: SolAccountInfo.data_len or the Rust data box) and the serialized
 * length/owner/lamports. Then the program, now the owner, writes CA FE.
 */
static __attribute__((noinline)) uint64_t check_created(SolAccountInfo *pda, uint64_t observed_len,
                                                        const uint8_t *pda_args,
                                                        const SolPubkey *program_id) {
  uint64_t lamports = sol_read_u64_le(pda_args + 1);
  uint64_t space = sol_read_u64_le(pda_args + 9);
  if (observed_len != space) return ERR_PDA_INFO_LEN;
  if (*(const uint64_t *)(pda->data - sizeof(uint64_t)) != space) return ERR_PDA_SERIALIZED_LEN;
  if (!sol_pubkey_eq(pda->owner, program_id)) return ERR_PDA_OWNER;
  if (*pda->lamports != lamports) return ERR_PDA_LAMPORTS;
  if (observed_len >= 2) {
    pda->data[0] = 0xCA;
    pda->data[1] = 0xFE;
  }
  return SUCCESS;
}

/* op 3. pda_args = data[1..18]: bump, lamports, space. */
static __attribute__((noinline)) uint64_t pda_create_c(SolAccountInfo *ka, uint64_t ka_num,
                                                       const uint8_t *pda_args,
                                                       const SolPubkey *program_id) {
  uint8_t ix_data[CREATE_ACCOUNT_DATA_LEN];
  create_account_data(ix_data, pda_args, program_id);
  SolAccountMeta metas[2] = {
      {.pubkey = ka[1].key, .is_writable = true, .is_signer = true},
      {.pubkey = ka[2].key, .is_writable = true, .is_signer = true},
  };
  SolInstruction instruction = {
      .program_id = ka[0].key,
      .accounts = metas,
      .account_len = 2,
      .data = ix_data,
      .data_len = sizeof(ix_data),
  };
  SolSignerSeed seeds[2] = {
      {VAULT_SEED, sizeof(VAULT_SEED)},
      {pda_args, 1}, /* the bump, straight from the instruction data */
  };
  SolSignerSeeds signer = {seeds, 2};
  uint64_t result = sol_invoke_signed(&instruction, ka, (int)ka_num, &signer, 1);
  if (result != 0) return result;
  return check_created(&ka[2], ka[2].data_len, pda_args, program_id);
}

/* The Rust-SDK view of the received accounts: AccountInfos plus their Rc boxes. */
typedef struct {
  RustAccountInfo infos[MAX_ACCOUNTS];
  RustRcBoxLamports lamports[MAX_ACCOUNTS];
  RustRcBoxData data[MAX_ACCOUNTS];
} RustAccounts;

static void rust_accounts(const SolAccountInfo *ka, uint64_t ka_num, RustAccounts *out) {
  for (uint64_t i = 0; i < ka_num; i++) {
    sol_rust_account_info(&ka[i], &out->infos[i], &out->lamports[i], &out->data[i]);
  }
}

/* op 8: op 0 through sol_invoke_signed_rust. */
static __attribute__((noinline)) uint64_t invoke_rust(const SolAccountInfo *ka, uint64_t ka_num,
                                                      const uint8_t *data, uint64_t data_len) {
  RustAccounts accounts;
  rust_accounts(ka, ka_num, &accounts);
  RustAccountMeta metas[MAX_ACCOUNTS - 1];
  uint64_t n_metas = ka_num - 1;
  for (uint64_t i = 0; i < n_metas; i++) {
    sol_rust_account_meta(&metas[i], ka[i + 1].key, ka[i + 1].is_signer, ka[i + 1].is_writable);
  }
  RustStableInstruction instruction = {
      .accounts = metas,
      .accounts_cap = n_metas,
      .accounts_len = n_metas,
      .data = data,
      .data_cap = data_len,
      .data_len = data_len,
      .program_id = *ka[0].key,
  };
  return sol_invoke_rust(&instruction, accounts.infos, (int)ka_num);
}

/* op 9: op 3 through sol_invoke_signed_rust. */
static __attribute__((noinline)) uint64_t pda_create_rust(SolAccountInfo *ka, uint64_t ka_num,
                                                          const uint8_t *pda_args,
                                                          const SolPubkey *program_id) {
  RustAccounts accounts;
  rust_accounts(ka, ka_num, &accounts);
  uint8_t ix_data[CREATE_ACCOUNT_DATA_LEN];
  create_account_data(ix_data, pda_args, program_id);
  RustAccountMeta metas[2];
  sol_rust_account_meta(&metas[0], ka[1].key, true, true);
  sol_rust_account_meta(&metas[1], ka[2].key, true, true);
  RustStableInstruction instruction = {
      .accounts = metas,
      .accounts_cap = 2,
      .accounts_len = 2,
      .data = ix_data,
      .data_cap = sizeof(ix_data),
      .data_len = sizeof(ix_data),
      .program_id = *ka[0].key,
  };
  SolSignerSeed seeds[2] = {
      {VAULT_SEED, sizeof(VAULT_SEED)},
      {pda_args, 1},
  };
  SolSignerSeeds signer = {seeds, 2};
  uint64_t result = sol_invoke_signed_rust_abi(&instruction, accounts.infos, (int)ka_num, &signer, 1);
  if (result != 0) return result;
  /* On the Rust path the new length lands in the data box, not in ka[2].data_len. */
  return check_created(&ka[2], accounts.data[2].len, pda_args, program_id);
}

/* op 4: invoke, then pass the callee's return data on, prefixed with 0xAA. */
static __attribute__((noinline)) uint64_t forward_return_data(SolAccountInfo *ka, uint64_t ka_num,
                                                              const uint8_t *data,
                                                              uint64_t data_len) {
  uint64_t result = invoke_c(ka, ka_num, data, data_len, VARIANT_PLAIN);
  if (result != 0) return result;
  uint8_t out[1 + 64];
  SolPubkey setter;
  uint64_t len = sol_get_return_data(out + 1, 64, &setter);
  uint64_t copied = len < 64 ? len : 64;
  sol_log_64_(len, copied, 0, 0, 0);
  if (len > 0) sol_log_pubkey(&setter);
  out[0] = 0xAA;
  sol_set_return_data(out, 1 + copied);
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo ka[MAX_ACCOUNTS];
  SolParameters params = {.ka = ka};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t op = params.data[0];
  const uint8_t *rest = params.data + 1;
  uint64_t rest_len = params.data_len - 1;
  uint64_t n = params.ka_num;

  uint64_t needed;
  switch (op) {
    case 0: case 4: case 5: case 8: case 11: needed = 1; break;
    case 1: case 2: case 6: needed = 2; break;
    case 3: case 7: case 9: needed = 3; break;
    case 10: return SUCCESS;
    default: return ERROR_INVALID_INSTRUCTION_DATA;
  }
  if (n < needed) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;

  switch (op) {
    case 0:
    case 1:
    case 2:
    case 6:
      return invoke_c(ka, n, rest, rest_len, op);

    case 3:
    case 9:
      if (params.data_len < PDA_CREATE_DATA_LEN) return ERROR_INVALID_INSTRUCTION_DATA;
      if (op == 3) return pda_create_c(ka, n, rest, params.program_id);
      return pda_create_rust(ka, n, rest, params.program_id);

    case 4:
      return forward_return_data(ka, n, rest, rest_len);

    case 5: {
      if (rest_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
      uint64_t count = (uint64_t)rest[0] | ((uint64_t)rest[1] << 8);
      for (uint64_t i = 0; i < count; i++) {
        uint64_t result = invoke_c(ka, n, rest, 0, VARIANT_PLAIN);
        if (result != 0) return result;
      }
      return SUCCESS;
    }

    case 7: {
      if (rest_len < 8) return ERROR_INVALID_INSTRUCTION_DATA;
      uint8_t transfer[12] = {SYSTEM_TRANSFER, 0, 0, 0};
      sol_memcpy(transfer + 4, rest, 8);
      return invoke_c(ka, 3, transfer, sizeof(transfer), VARIANT_PLAIN);
    }

    case 8:
      return invoke_rust(ka, n, rest, rest_len);

    case 11: {
      uint64_t result = invoke_c(ka, n, rest, rest_len, VARIANT_PLAIN);
      if (result != 0) return result;
      return invoke_c(ka, n, rest, rest_len, VARIANT_PLAIN);
    }

    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
