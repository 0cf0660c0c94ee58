/*
 * ed25519_gate.c: a program that acts only on an ed25519 signature verified in the same
 * transaction, the usual pattern for the ed25519 precompile: it reads the Instructions
 * sysvar (account 0) and requires the instruction just before it to be an ed25519
 * precompile instruction (Ed25519SigVerify111…) with at least one signature whose public
 * key, in that instruction's own data, is the 32 bytes of this instruction's data. The
 * precompile itself has verified the signature by then: a wrong one fails the transaction
 * before this program runs.
 *   data = expected public key (32 bytes)
 *   success: logs "ed25519 signature checked"
 * Errors: account 0 not the Instructions sysvar: InvalidArgument; data not 32 bytes:
 * InvalidInstructionData; no instruction before this one: Custom(1); the one before is not
 * the ed25519 program: Custom(2); it has no signature, or its first key is not in its own
 * data: Custom(3); its first key is another: Custom(4); a malformed sysvar: Custom(5).
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 4

/* Sysvar1nstructions1111111111111111111111111 */
static const SolPubkey INSTRUCTIONS_SYSVAR_ID = {{
    0x06, 0xa7, 0xd5, 0x17, 0x18, 0x7b, 0xd1, 0x66, 0x35, 0xda, 0xd4, 0x04, 0x55, 0xfd, 0xc2, 0xc0,
    0xc1, 0x24, 0xc6, 0x8f, 0x21, 0x56, 0x75, 0xa5, 0xdb, 0xba, 0xcb, 0x5f, 0x08, 0x00, 0x00, 0x00,
}};

/* Ed25519SigVerify111111111111111111111111111 */
static const SolPubkey ED25519_PROGRAM_ID = {{
    0x03, 0x7d, 0x46, 0xd6, 0x7c, 0x93, 0xfb, 0xbe, 0x12, 0xf9, 0x42, 0x8f, 0x83, 0x8d, 0x40, 0xff,
    0x05, 0x70, 0x74, 0x49, 0x27, 0xf4, 0x8a, 0x64, 0xfc, 0xca, 0x70, 0x44, 0x80, 0x00, 0x00, 0x00,
}};

static uint16_t read_u16_le(const uint8_t *bytes) {
  return (uint16_t)(bytes[0] | (bytes[1] << 8));
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, uint64_t len) {
  for (uint64_t i = 0; i < len; i++) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.ka_num < 1 || !same_bytes(params.ka[0].key->x, INSTRUCTIONS_SYSVAR_ID.x, SIZE_PUBKEY)) {
    return ERROR_INVALID_ARGUMENT;
  }
  if (params.data_len != SIZE_PUBKEY) return ERROR_INVALID_INSTRUCTION_DATA;

  /* u16 count, u16 offsets[count], the instructions, then the current index (u16). */
  const uint8_t *sysvar = params.ka[0].data;
  uint64_t sysvar_len = params.ka[0].data_len;
  if (sysvar_len < 4) return TO_CUSTOM(5);
  uint16_t count = read_u16_le(sysvar);
  uint16_t current = read_u16_le(sysvar + sysvar_len - 2);
  if (current == 0) return TO_CUSTOM(1);
  uint16_t previous = current - 1;
  if (previous >= count || 2 + 2 * (uint64_t)count > sysvar_len) return TO_CUSTOM(5);

  /* An instruction: u16 accounts, 33 bytes each, program id, u16 data length, data. */
  uint64_t at = read_u16_le(sysvar + 2 + 2 * previous);
  if (at + 2 > sysvar_len) return TO_CUSTOM(5);
  at += 2 + 33 * (uint64_t)read_u16_le(sysvar + at);
  if (at + SIZE_PUBKEY + 2 > sysvar_len) return TO_CUSTOM(5);
  if (!same_bytes(sysvar + at, ED25519_PROGRAM_ID.x, SIZE_PUBKEY)) return TO_CUSTOM(2);
  at += SIZE_PUBKEY;
  uint64_t data_len = read_u16_le(sysvar + at);
  at += 2;
  if (at + data_len > sysvar_len) return TO_CUSTOM(5);
  const uint8_t *ed = sysvar + at;

  /* count (u8), padding, then 14-byte records: the key's offset and instruction are the
   * third and fourth u16. */
  if (data_len < 2 + 14 || ed[0] == 0) return TO_CUSTOM(3);
  uint16_t key_offset = read_u16_le(ed + 2 + 4);
  uint16_t key_instruction = read_u16_le(ed + 2 + 6);
  if (key_instruction != 0xffff || (uint64_t)key_offset + SIZE_PUBKEY > data_len) {
    return TO_CUSTOM(3);
  }
  if (!same_bytes(ed + key_offset, params.data, SIZE_PUBKEY)) return TO_CUSTOM(4);
  sol_log("ed25519 signature checked");
  return SUCCESS;
}
