/*
 * account_data.c: modifies account state through the input buffer, for the runtime's
 * account-modification rules and its deserialization of the results.
 *
 * Instruction data byte 0 is the op; "rest" is data[1..]. Account 0 is the target.
 *   op 0: write rest into account 0's data at offset 0
 *   op 1: resize account 0 to new_len = u64 LE rest[0..8]: new bytes (inside the
 *         10 KiB realloc area) are filled with 0xAB, then the new length is stored both in
 *         the serialized length field (the u64 right before the data) and in ka.data_len
 *   op 2: move lamports = u64 LE rest[0..8] from account 0 to account 1
 *   op 3: set account 0's owner to rest[0..32]
 *   op 4: write one byte into account 0's data without any check (ReadonlyDataModified /
 *         ExternalAccountDataModified tests): data[0] = rest[0] if given, else data[0] + 1
 *
 * Ops 0-3 first check what a well-behaved program checks: account 0 writable and owned by
 * this program (op 2: account 1 writable too). Setting bit 0x80 in the op byte (0x80-0x83)
 * skips those checks, so the runtime's own enforcement of the same rules can be tested.
 * Errors found by the program itself (all Custom):
 *   1 too few accounts        2 account not writable      3 account 0 not owned by program
 *   4 data/offset out of range 5 realloc beyond the permitted increase
 *   6 insufficient lamports    7 instruction data too short or unknown op
 * Aligned ABI v1 only: the realloc area and the length field exist only there.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8
#define OP_UNCHECKED 0x80

#define ERR_ACCOUNTS TO_CUSTOM(1)
#define ERR_NOT_WRITABLE TO_CUSTOM(2)
#define ERR_NOT_OWNER TO_CUSTOM(3)
#define ERR_RANGE TO_CUSTOM(4)
#define ERR_REALLOC TO_CUSTOM(5)
#define ERR_LAMPORTS TO_CUSTOM(6)
#define ERR_DATA TO_CUSTOM(7)

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 1) return ERR_DATA;
  if (params.ka_num < 1) return ERR_ACCOUNTS;

  uint8_t op = params.data[0];
  bool checked = (op & OP_UNCHECKED) == 0;
  op &= (uint8_t)~OP_UNCHECKED;
  const uint8_t *rest = params.data + 1;
  uint64_t rest_len = params.data_len - 1;
  SolAccountInfo *target = &accounts[0];

  if (checked && op <= 3) {
    if (!target->is_writable) return ERR_NOT_WRITABLE;
    if (!sol_pubkey_eq(target->owner, params.program_id)) return ERR_NOT_OWNER;
  }

  switch (op) {
    case 0:
      if (rest_len > target->data_len) return ERR_RANGE;
      sol_memcpy(target->data, rest, rest_len);
      return SUCCESS;

    case 1: {
      if (rest_len < 8) return ERR_DATA;
      uint64_t new_len = sol_read_u64_le(rest);
      uint64_t old_len = target->data_len;
      /* Only the realloc area exists past the data; never write beyond it. */
      uint64_t limit = old_len + MAX_PERMITTED_DATA_INCREASE;
      if (checked && new_len > limit) return ERR_REALLOC;
      uint64_t fill_end = new_len < limit ? new_len : limit;
      for (uint64_t i = old_len; i < fill_end; i++) target->data[i] = 0xAB;
      /* The runtime reads the new length from the serialized field before the data. */
      *(uint64_t *)(target->data - sizeof(uint64_t)) = new_len;
      target->data_len = new_len;
      return SUCCESS;
    }

    case 2: {
      if (rest_len < 8) return ERR_DATA;
      if (params.ka_num < 2) return ERR_ACCOUNTS;
      SolAccountInfo *to = &accounts[1];
      uint64_t amount = sol_read_u64_le(rest);
      if (checked) {
        if (!to->is_writable) return ERR_NOT_WRITABLE;
        if (*target->lamports < amount) return ERR_LAMPORTS;
      }
      /* Unchecked, these wrap; the runtime then sees unbalanced lamports. */
      *target->lamports -= amount;
      *to->lamports += amount;
      return SUCCESS;
    }

    case 3:
      if (rest_len < SIZE_PUBKEY) return ERR_DATA;
      sol_memcpy(target->owner, rest, SIZE_PUBKEY);
      return SUCCESS;

    case 4:
      if (target->data_len < 1) return ERR_RANGE;
      target->data[0] = rest_len >= 1 ? rest[0] : (uint8_t)(target->data[0] + 1);
      return SUCCESS;

    default:
      return ERR_DATA;
  }
}
