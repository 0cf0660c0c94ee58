/*
 * stack_probe.c: checks that fresh stack and heap memory reads as zero, however deep the
 * program goes, so pooled VM buffers can never leak one run's bytes into the next.
 * Instruction data: [depth u8, fill u8, mode u8]
 *   mode 0: recurse `depth` frames (bpf-to-bpf calls); in each frame, first check that a
 *           512-byte local buffer is all zero (else Custom(1)), then fill it with `fill`.
 *           Return data = depth as u64 LE when every frame passed.
 *   mode 1: the same over the heap: check heap[0..32768) is zero (Custom(2)), then fill it.
 *   mode 2: store one byte at the top of the deepest frame (frame 63) through a pointer
 *           computed from r10, then read it back (Custom(3) if it differs).
 *   mode 3: load from frame 64 (just past the stack): an access violation.
 *   mode 4: check that account 0's 10 KiB realloc reserve (the input bytes right after its
 *           data) is zero (Custom(5)), then fill it with `fill` by direct stores, leaving
 *           the data length as it is.
 *   mode 5: the same check, then fill the reserve through sol_memset_ (a syscall's store).
 * Anything else: InvalidInstructionData.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 4
#define FRAME 512

static uint64_t __attribute__((noinline)) probe(uint64_t depth, uint8_t fill) {
  volatile uint8_t local[FRAME];
  for (uint64_t i = 0; i < FRAME; i++) {
    if (local[i] != 0) return TO_CUSTOM(1);
  }
  for (uint64_t i = 0; i < FRAME; i++) local[i] = fill;
  if (depth <= 1) return SUCCESS;
  uint64_t result = probe(depth - 1, fill);
  /* Use the buffer after the call so the frame stays live. */
  if (local[0] != fill) return TO_CUSTOM(4);
  return result;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 3) return ERROR_INVALID_INSTRUCTION_DATA;
  uint64_t depth = params.data[0];
  uint8_t fill = params.data[1];
  uint8_t mode = params.data[2];

  if (mode == 0) {
    uint64_t result = probe(depth, fill);
    if (result != SUCCESS) return result;
    sol_set_return_data((const uint8_t *)&depth, 8);
    return SUCCESS;
  }
  if (mode == 1) {
    volatile uint8_t *heap = (volatile uint8_t *)0x300000000ULL;
    for (uint64_t i = 0; i < 32768; i++) {
      if (heap[i] != 0) return TO_CUSTOM(2);
    }
    for (uint64_t i = 0; i < 32768; i++) heap[i] = fill;
    return SUCCESS;
  }
  if (mode == 2) {
    /* Frame 63 of the gapped v0 stack: 0x200000000 + 63 * 0x2000, its last byte. */
    volatile uint8_t *deepest = (volatile uint8_t *)(0x200000000ULL + 63 * 0x2000 + 0xfff);
    if (*deepest != 0) return TO_CUSTOM(3);
    *deepest = fill;
    if (*deepest != fill) return TO_CUSTOM(3);
    return SUCCESS;
  }
  if (mode == 4 || mode == 5) {
    if (params.ka_num < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
    volatile uint8_t *reserve = accounts[0].data + accounts[0].data_len;
    for (uint64_t i = 0; i < MAX_PERMITTED_DATA_INCREASE; i++) {
      if (reserve[i] != 0) return TO_CUSTOM(5);
    }
    if (mode == 4) {
      for (uint64_t i = 0; i < MAX_PERMITTED_DATA_INCREASE; i++) reserve[i] = fill;
    } else {
      sol_memset_((void *)reserve, fill, MAX_PERMITTED_DATA_INCREASE);
    }
    return SUCCESS;
  }
  if (mode == 3) {
    volatile uint8_t *past = (volatile uint8_t *)(0x200000000ULL + 64 * 0x2000);
    return *past;
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
