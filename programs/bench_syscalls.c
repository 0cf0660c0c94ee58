/*
 * bench_syscalls.c: calls one syscall family N times in a loop, for the `syscall` group
 * of the benchmarks (crates/cli/src/bench.rs). Each family has a baseline mode that runs
 * the very same loop without the syscall, so that the loop's own cost can be subtracted.
 *
 * Instruction data (at least 6 bytes; further bytes are ignored):
 *   data[0]      family (below)
 *   data[1]      0: call the syscall in every iteration; 1: baseline, the same loop
 *                without the call (what happens outside the loop is the same in both
 *                modes)
 *   data[2..4]   N, u16 LE: loop iterations
 *   data[4..6]   size, u16 LE: payload bytes, where the family has a payload
 *
 * Families (the payload is the first `size` bytes of the heap, which the runtime zeroes;
 * the heap is used without sol_alloc_free_):
 *   0  sol_get_stack_height()
 *   1  sol_log_(message, size): a rodata message of 64 printable bytes (size <= 64)
 *   2  sol_memcpy_(heap + 8192, heap, size) (size <= 8192)
 *   3  sol_sha256([heap[0 .. size]]) into a stack buffer (size <= 8192); return data =
 *      that hash, i.e. sha256 of `size` zero bytes
 *   4  sol_create_program_address(["vault"], program_id); return data = the address.
 *      Custom(1) if the syscall reports failure (the address is on the curve)
 *   5  sol_try_find_program_address(["vault"], program_id); return data = address ++
 *      bump. Custom(2) if no bump works
 *   6  sol_get_clock_sysvar into a stack buffer; return data = the 40 bytes
 *   7  sol_set_return_data(heap, size) (size <= 1024). Return data afterwards: `size`
 *      zero bytes in the call mode, none in the baseline mode
 *   8  sol_get_return_data(buffer, size, &setter) (size <= 1024) after one
 *      sol_set_return_data(heap, size) before the loop (in both modes), so the return data
 *      afterwards is `size` zero bytes. Custom(3) if a call returns a length != size
 *
 * Families 3 to 6 make one more call after the loop, in both modes, to produce the return
 * data; so the call mode makes N + 1 calls and the baseline 1.
 *
 * A compiler barrier (an empty volatile asm) in the loop body keeps the baseline loop
 * from being removed. Errors: data shorter than 6 bytes, an unknown family or a size above
 * the family's limit: InvalidInstructionData. Accounts are ignored. Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 4

#define FAMILY_STACK_HEIGHT 0
#define FAMILY_LOG 1
#define FAMILY_MEMCPY 2
#define FAMILY_SHA256 3
#define FAMILY_CREATE_PDA 4
#define FAMILY_FIND_PDA 5
#define FAMILY_CLOCK 6
#define FAMILY_SET_RETURN_DATA 7
#define FAMILY_GET_RETURN_DATA 8

#define MEMCPY_DST_OFFSET 8192
#define MAX_HASHED 8192

static const char MESSAGE[64] =
    "sbfvm bench: sol_log_ message of up to sixty-four printable byte";
static const uint8_t VAULT_SEED[5] = {'v', 'a', 'u', 'l', 't'};

/* Keeps the loop (and the values in registers) as written. */
#define BARRIER() __asm__ volatile("" ::: "memory")

static __attribute__((noinline)) uint64_t bench_sha256(uint64_t n, bool call, uint64_t size) {
  const uint8_t *heap = (const uint8_t *)MM_HEAP_START;
  SolBytes bytes = {heap, size};
  uint8_t hash[32];
  for (uint64_t i = 0; i < n; i++) {
    if (call) sol_sha256(&bytes, 1, hash);
    BARRIER();
  }
  sol_sha256(&bytes, 1, hash);
  sol_set_return_data(hash, sizeof(hash));
  return SUCCESS;
}

static __attribute__((noinline)) uint64_t bench_create_pda(uint64_t n, bool call,
                                                           const SolPubkey *program_id) {
  SolSignerSeed seeds[1] = {{VAULT_SEED, sizeof(VAULT_SEED)}};
  SolPubkey address;
  uint64_t failed = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (call) failed |= sol_create_program_address(seeds, 1, program_id, &address);
    BARRIER();
  }
  failed |= sol_create_program_address(seeds, 1, program_id, &address);
  if (failed) return TO_CUSTOM(1);
  sol_set_return_data(address.x, sizeof(address));
  return SUCCESS;
}

static __attribute__((noinline)) uint64_t bench_find_pda(uint64_t n, bool call,
                                                         const SolPubkey *program_id) {
  SolSignerSeed seeds[1] = {{VAULT_SEED, sizeof(VAULT_SEED)}};
  uint8_t out[SIZE_PUBKEY + 1];
  uint64_t failed = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (call) {
      failed |= sol_try_find_program_address(seeds, 1, program_id, (SolPubkey *)out,
                                             out + SIZE_PUBKEY);
    }
    BARRIER();
  }
  failed |=
      sol_try_find_program_address(seeds, 1, program_id, (SolPubkey *)out, out + SIZE_PUBKEY);
  if (failed) return TO_CUSTOM(2);
  sol_set_return_data(out, sizeof(out));
  return SUCCESS;
}

static __attribute__((noinline)) uint64_t bench_clock(uint64_t n, bool call) {
  SolClock clock;
  for (uint64_t i = 0; i < n; i++) {
    if (call) sol_get_clock_sysvar(&clock);
    BARRIER();
  }
  sol_get_clock_sysvar(&clock);
  sol_set_return_data((const uint8_t *)&clock, sizeof(clock));
  return SUCCESS;
}

static __attribute__((noinline)) uint64_t bench_get_return_data(uint64_t n, bool call,
                                                                uint64_t size) {
  const uint8_t *heap = (const uint8_t *)MM_HEAP_START;
  uint8_t *buffer = (uint8_t *)MM_HEAP_START + MEMCPY_DST_OFFSET;
  SolPubkey setter;
  uint64_t wrong = 0;
  sol_set_return_data(heap, size);
  for (uint64_t i = 0; i < n; i++) {
    if (call) wrong |= sol_get_return_data(buffer, size, &setter) ^ size;
    BARRIER();
  }
  return wrong ? TO_CUSTOM(3) : SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 6) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t family = params.data[0];
  bool call = params.data[1] == 0;
  uint64_t n = (uint64_t)params.data[2] | ((uint64_t)params.data[3] << 8);
  uint64_t size = (uint64_t)params.data[4] | ((uint64_t)params.data[5] << 8);
  uint8_t *heap = (uint8_t *)MM_HEAP_START;

  switch (family) {
    case FAMILY_STACK_HEIGHT:
      for (uint64_t i = 0; i < n; i++) {
        if (call) sol_get_stack_height();
        BARRIER();
      }
      return SUCCESS;

    case FAMILY_LOG:
      if (size > sizeof(MESSAGE)) return ERROR_INVALID_INSTRUCTION_DATA;
      for (uint64_t i = 0; i < n; i++) {
        if (call) sol_log_(MESSAGE, size);
        BARRIER();
      }
      return SUCCESS;

    case FAMILY_MEMCPY:
      if (size > MEMCPY_DST_OFFSET) return ERROR_INVALID_INSTRUCTION_DATA;
      for (uint64_t i = 0; i < n; i++) {
        if (call) sol_memcpy_(heap + MEMCPY_DST_OFFSET, heap, size);
        BARRIER();
      }
      return SUCCESS;

    case FAMILY_SHA256:
      if (size > MAX_HASHED) return ERROR_INVALID_INSTRUCTION_DATA;
      return bench_sha256(n, call, size);

    case FAMILY_CREATE_PDA:
      return bench_create_pda(n, call, params.program_id);

    case FAMILY_FIND_PDA:
      return bench_find_pda(n, call, params.program_id);

    case FAMILY_CLOCK:
      return bench_clock(n, call);

    case FAMILY_SET_RETURN_DATA:
      if (size > MAX_RETURN_DATA) return ERROR_INVALID_INSTRUCTION_DATA;
      for (uint64_t i = 0; i < n; i++) {
        if (call) sol_set_return_data(heap, size);
        BARRIER();
      }
      return SUCCESS;

    case FAMILY_GET_RETURN_DATA:
      if (size > MAX_RETURN_DATA) return ERROR_INVALID_INSTRUCTION_DATA;
      return bench_get_return_data(n, call, size);

    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
