/*
 * introspect.c: what a program can learn about its transaction and the cluster — any sysvar
 * through sol_get_sysvar, the Instructions sysvar through its account, and the instructions
 * processed before it through sol_get_processed_sibling_instruction.
 * Instruction data byte 0 selects the operation; the result is the return data.
 *   op 0: data = 00 ‖ sysvar id (32) ‖ offset (u64 LE) ‖ len (u64 LE, at most 256):
 *         sol_get_sysvar(id, stack buffer, offset, len) -> return data = the len bytes;
 *         a non-zero syscall result r gives Custom(20 + r).
 *   op 1: data = 01: return data = the data of account 0, which must be the Instructions
 *         sysvar (else InvalidArgument), at most 1,024 bytes (else Custom(30)).
 *   op 2: data = 02 ‖ index (u8): sol_get_processed_sibling_instruction(index), called for the
 *         lengths and then again with them (the syscall writes the sibling only when the
 *         lengths it is given are the sibling's) -> return data
 *         = program id (32) ‖ data_len (u64) ‖ accounts_len (u64) ‖ data ‖ 34-byte
 *         AccountMetas (pubkey, is_signer, is_writable: the Rust layout the syscall writes);
 *         no such sibling gives Custom(40); a sibling larger than the buffers Custom(41).
 * Short data for an op: InvalidInstructionData; unknown op: InvalidInstructionData.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8
#define MAX_SYSVAR_WINDOW 256
#define MAX_SIBLING_DATA 256
#define MAX_SIBLING_ACCOUNTS 8
#define RUST_ACCOUNT_META_SIZE 34

/* Sysvar1nstructions1111111111111111111111111 */
static const SolPubkey INSTRUCTIONS_SYSVAR_ID = {{
    0x06, 0xa7, 0xd5, 0x17, 0x18, 0x7b, 0xd1, 0x66, 0x35, 0xda, 0xd4, 0x04, 0x55, 0xfd, 0xc2, 0xc0,
    0xc1, 0x24, 0xc6, 0x8f, 0x21, 0x56, 0x75, 0xa5, 0xdb, 0xba, 0xcb, 0x5f, 0x08, 0x00, 0x00, 0x00,
}};

static uint64_t read_u64_le(const uint8_t *bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; i--) value = (value << 8) | bytes[i];
  return value;
}

static bool same_key(const SolPubkey *a, const SolPubkey *b) {
  for (int i = 0; i < SIZE_PUBKEY; i++) {
    if (a->x[i] != b->x[i]) return false;
  }
  return true;
}

static uint64_t get_sysvar_window(const uint8_t *data, uint64_t data_len) {
  if (data_len < 1 + SIZE_PUBKEY + 16) return ERROR_INVALID_INSTRUCTION_DATA;
  SolPubkey id;
  for (int i = 0; i < SIZE_PUBKEY; i++) id.x[i] = data[1 + i];
  uint64_t offset = read_u64_le(data + 1 + SIZE_PUBKEY);
  uint64_t len = read_u64_le(data + 1 + SIZE_PUBKEY + 8);
  if (len > MAX_SYSVAR_WINDOW) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t window[MAX_SYSVAR_WINDOW];
  uint64_t result = sol_get_sysvar(&id, window, offset, len);
  if (result != 0) return TO_CUSTOM(20 + result);
  sol_set_return_data(window, len);
  return SUCCESS;
}

static uint64_t instructions_sysvar_account(const SolParameters *params) {
  if (params->ka_num < 1 || !same_key(params->ka[0].key, &INSTRUCTIONS_SYSVAR_ID)) {
    return ERROR_INVALID_ARGUMENT;
  }
  if (params->ka[0].data_len > MAX_RETURN_DATA) return TO_CUSTOM(30);
  sol_set_return_data(params->ka[0].data, params->ka[0].data_len);
  return SUCCESS;
}

static uint64_t processed_sibling(const uint8_t *data, uint64_t data_len) {
  if (data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  /* program id ‖ data_len ‖ accounts_len ‖ data ‖ metas, laid out for the return data. */
  uint8_t out[SIZE_PUBKEY + 16 + MAX_SIBLING_DATA + MAX_SIBLING_ACCOUNTS * RUST_ACCOUNT_META_SIZE];
  uint8_t sibling_data[MAX_SIBLING_DATA];
  uint8_t metas[MAX_SIBLING_ACCOUNTS * RUST_ACCOUNT_META_SIZE];
  /* The syscall writes the sibling only when the lengths it is given are the sibling's;
   * otherwise it writes those lengths. So: ask for the lengths, then for the sibling. */
  SolProcessedSiblingInstruction meta = {.data_len = 0, .accounts_len = 0};
  SolPubkey program_id;
  if (!sol_get_processed_sibling_instruction(data[1], &meta, &program_id, sibling_data, metas)) {
    return TO_CUSTOM(40);
  }
  if (meta.data_len > MAX_SIBLING_DATA || meta.accounts_len > MAX_SIBLING_ACCOUNTS) {
    return TO_CUSTOM(41);
  }
  if (meta.data_len != 0 || meta.accounts_len != 0) {
    sol_get_processed_sibling_instruction(data[1], &meta, &program_id, sibling_data, metas);
  }
  uint64_t at = 0;
  for (int i = 0; i < SIZE_PUBKEY; i++) out[at++] = program_id.x[i];
  sol_write_u64_le(out + at, meta.data_len);
  at += 8;
  sol_write_u64_le(out + at, meta.accounts_len);
  at += 8;
  for (uint64_t i = 0; i < meta.data_len; i++) out[at++] = sibling_data[i];
  for (uint64_t i = 0; i < meta.accounts_len * RUST_ACCOUNT_META_SIZE; i++) out[at++] = metas[i];
  sol_set_return_data(out, at);
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  switch (params.data[0]) {
    case 0:
      return get_sysvar_window(params.data, params.data_len);
    case 1:
      return instructions_sysvar_account(&params);
    case 2:
      return processed_sibling(params.data, params.data_len);
    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
