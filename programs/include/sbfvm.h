/*
 * sbfvm.h: the one header the sbfvm fixture programs include.
 *
 * A small, self-contained C interface to the Solana SBF program ABI, written for this
 * project: fixed-width types, the account/instruction structs the runtime reads (the C ABI
 * of sol_invoke_signed_c and the Rust ABI of sol_invoke_signed_rust), input deserialization
 * for the aligned ABI v1 and the unaligned ABI v0, the syscalls (declared under their exact
 * Agave names) and a few helpers, CPI helpers included.
 *
 * Build model: each program is one translation unit, compiled with
 *   clang-19 -target bpf -mcpu=v2 -O2 -fno-builtin -ffreestanding -nostdlib
 * and linked by sbpf-linker for SBPF v0. Calls to the syscalls below stay undefined in the
 * object and become R_BPF_64_32 relocations against dynamic symbols in the .so; the loader
 * binds them by the murmur3 hash of the name. Any other undefined symbol makes the link
 * fail (sbpf-linker knows only the Agave syscall names), so programs must not call
 * anything that is neither a syscall nor defined in their own translation unit. Functions
 * nobody calls are dropped by the linker's dead-function elimination.
 *
 * The entrypoint convention: every program defines
 *   uint64_t entrypoint(const uint8_t *input);
 * where `input` is the serialized parameter buffer (MM_INPUT_START, 0x4_0000_0000). The
 * return value is 0 (SUCCESS), a custom error n (1 <= n < 2^32, Custom(n)) or a builtin
 * error TO_BUILTIN(k).
 */
#ifndef SBFVM_H
#define SBFVM_H

/* ---------------------------------------------------------------------------------------
 * Fixed-width types. Spelled with clang's predefined type macros so that no libc or
 * compiler header is needed (-ffreestanding -nostdlib).
 * ------------------------------------------------------------------------------------ */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __SIZE_TYPE__ size_t;
typedef __UINTPTR_TYPE__ uintptr_t;

#ifndef __cplusplus
typedef _Bool bool;
#define true 1
#define false 0
#endif

#define NULL ((void *)0)
#define UINT64_MAX 0xffffffffffffffffULL

#define SBFVM_NORETURN __attribute__((noreturn))
#define SBFVM_INLINE static inline __attribute__((always_inline))

_Static_assert(sizeof(uint64_t) == 8, "64-bit target expected");
_Static_assert(sizeof(void *) == 8, "64-bit pointers expected");

/* ---------------------------------------------------------------------------------------
 * Return values.
 *
 * A program returns a u64. 0 is success. A value whose upper 32 bits are zero is the
 * custom error Custom(low 32 bits). A value with upper bits set is a builtin ProgramError
 * whose code is in the upper 32 bits (TO_BUILTIN); Custom(0) cannot be expressed as a
 * plain 0, so it has the builtin encoding ERROR_CUSTOM_ZERO.
 * ------------------------------------------------------------------------------------ */
#define SUCCESS 0
#define TO_BUILTIN(error) ((uint64_t)(error) << 32)
/* Custom(n). Use ERROR_CUSTOM_ZERO for n == 0. */
#define TO_CUSTOM(n) ((uint64_t)(uint32_t)(n))

#define ERROR_CUSTOM_ZERO TO_BUILTIN(1)
#define ERROR_INVALID_ARGUMENT TO_BUILTIN(2)
#define ERROR_INVALID_INSTRUCTION_DATA TO_BUILTIN(3)
#define ERROR_INVALID_ACCOUNT_DATA TO_BUILTIN(4)
#define ERROR_ACCOUNT_DATA_TOO_SMALL TO_BUILTIN(5)
#define ERROR_INSUFFICIENT_FUNDS TO_BUILTIN(6)
#define ERROR_INCORRECT_PROGRAM_ID TO_BUILTIN(7)
#define ERROR_MISSING_REQUIRED_SIGNATURES TO_BUILTIN(8)
#define ERROR_ACCOUNT_ALREADY_INITIALIZED TO_BUILTIN(9)
#define ERROR_UNINITIALIZED_ACCOUNT TO_BUILTIN(10)
#define ERROR_NOT_ENOUGH_ACCOUNT_KEYS TO_BUILTIN(11)
#define ERROR_ACCOUNT_BORROW_FAILED TO_BUILTIN(12)
#define ERROR_MAX_SEED_LENGTH_EXCEEDED TO_BUILTIN(13)
#define ERROR_INVALID_SEEDS TO_BUILTIN(14)

/* ---------------------------------------------------------------------------------------
 * ABI constants.
 * ------------------------------------------------------------------------------------ */
#define SIZE_PUBKEY 32
/* First byte of a non-duplicate account record in the serialized input. */
#define NON_DUP_MARKER 0xff
/* Zeroed space after each account's data in ABI v1 so the program can grow it in place. */
#define MAX_PERMITTED_DATA_INCREASE (10 * 1024)
/* Records in ABI v1 are 8-aligned (BPF_ALIGN_OF_U128 in the Rust SDK). */
#define SBFVM_ABI_V1_ALIGN 8
#define MAX_RETURN_DATA 1024
#define MAX_SEEDS 16
#define MAX_SEED_LEN 32

/* VM address map (solana-sbpf 0.26). */
#define MM_PROGRAM_START 0x100000000ULL
#define MM_STACK_START 0x200000000ULL
#define MM_HEAP_START 0x300000000ULL
#define MM_INPUT_START 0x400000000ULL
#define HEAP_LENGTH (32 * 1024)

/* ---------------------------------------------------------------------------------------
 * Core types. Layouts are the ones the runtime reads in sol_invoke_signed_c
 * (agave-reference section 1.3); the _Static_asserts pin them.
 * ------------------------------------------------------------------------------------ */

/* A 32-byte public key; alignment 1, so it can point anywhere in the input buffer. */
typedef struct {
  uint8_t x[SIZE_PUBKEY];
} SolPubkey;

/*
 * One account as the program sees it. key, lamports, data and owner point INTO the
 * serialized input buffer (the runtime compares these addresses during CPI and reads the
 * values back from the buffer after the program exits).
 */
typedef struct {
  SolPubkey *key;     /* 0 */
  uint64_t *lamports; /* 8 */
  uint64_t data_len;  /* 16: the runtime reads this and writes it back after a CPI */
  uint8_t *data;      /* 24 */
  SolPubkey *owner;   /* 32 */
  uint64_t rent_epoch; /* 40 */
  bool is_signer;     /* 48 */
  bool is_writable;   /* 49 */
  bool executable;    /* 50; 5 bytes of padding follow */
} SolAccountInfo;

/* Note: is_writable comes before is_signer in this layout. */
typedef struct {
  SolPubkey *pubkey; /* 0 */
  bool is_writable;  /* 8 */
  bool is_signer;    /* 9; 6 bytes of padding follow */
} SolAccountMeta;

typedef struct {
  SolPubkey *program_id;    /* 0 */
  SolAccountMeta *accounts; /* 8 */
  uint64_t account_len;     /* 16 */
  uint8_t *data;            /* 24 */
  uint64_t data_len;        /* 32 */
} SolInstruction;

/* One PDA seed: a byte string. */
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolSignerSeed;

/* The seeds of one signer (one PDA). */
typedef struct {
  const SolSignerSeed *addr;
  uint64_t len;
} SolSignerSeeds;

/* A byte slice, as taken by the hashing syscalls and sol_log_data. */
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolBytes;

/* What sol_deserialize / sol_deserialize_unaligned fill in. */
typedef struct {
  SolAccountInfo *ka;          /* caller-provided array of at least ka_num_max entries */
  uint64_t ka_num;             /* number of entries filled (see sol_deserialize) */
  const uint8_t *data;         /* instruction data, inside the input buffer */
  uint64_t data_len;
  const SolPubkey *program_id; /* inside the input buffer */
} SolParameters;

/* ProcessedSiblingInstruction, for sol_get_processed_sibling_instruction. */
typedef struct {
  uint64_t data_len;
  uint64_t accounts_len;
} SolProcessedSiblingInstruction;

_Static_assert(sizeof(SolPubkey) == 32, "SolPubkey layout");
_Static_assert(_Alignof(SolPubkey) == 1, "SolPubkey alignment");
_Static_assert(sizeof(SolAccountInfo) == 56, "SolAccountInfo layout");
_Static_assert(__builtin_offsetof(SolAccountInfo, data_len) == 16, "SolAccountInfo.data_len");
_Static_assert(__builtin_offsetof(SolAccountInfo, owner) == 32, "SolAccountInfo.owner");
_Static_assert(__builtin_offsetof(SolAccountInfo, is_signer) == 48, "SolAccountInfo.is_signer");
_Static_assert(__builtin_offsetof(SolAccountInfo, executable) == 50, "SolAccountInfo.executable");
_Static_assert(sizeof(SolAccountMeta) == 16, "SolAccountMeta layout");
_Static_assert(__builtin_offsetof(SolAccountMeta, is_writable) == 8, "SolAccountMeta.is_writable");
_Static_assert(__builtin_offsetof(SolAccountMeta, is_signer) == 9, "SolAccountMeta.is_signer");
_Static_assert(_Alignof(SolAccountMeta) == 8, "SolAccountMeta alignment");
_Static_assert(sizeof(SolInstruction) == 40, "SolInstruction layout");
_Static_assert(__builtin_offsetof(SolInstruction, program_id) == 0, "SolInstruction.program_id");
_Static_assert(__builtin_offsetof(SolInstruction, accounts) == 8, "SolInstruction.accounts");
_Static_assert(__builtin_offsetof(SolInstruction, account_len) == 16, "SolInstruction.account_len");
_Static_assert(__builtin_offsetof(SolInstruction, data) == 24, "SolInstruction.data");
_Static_assert(__builtin_offsetof(SolInstruction, data_len) == 32, "SolInstruction.data_len");
_Static_assert(_Alignof(SolInstruction) == 8, "SolInstruction alignment");
_Static_assert(__builtin_offsetof(SolAccountInfo, key) == 0, "SolAccountInfo.key");
_Static_assert(__builtin_offsetof(SolAccountInfo, lamports) == 8, "SolAccountInfo.lamports");
_Static_assert(__builtin_offsetof(SolAccountInfo, data) == 24, "SolAccountInfo.data");
_Static_assert(__builtin_offsetof(SolAccountInfo, rent_epoch) == 40, "SolAccountInfo.rent_epoch");
_Static_assert(__builtin_offsetof(SolAccountInfo, is_writable) == 49, "SolAccountInfo.is_writable");
_Static_assert(_Alignof(SolAccountInfo) == 8, "SolAccountInfo alignment");
_Static_assert(sizeof(SolSignerSeed) == 16, "SolSignerSeed layout");
_Static_assert(__builtin_offsetof(SolSignerSeed, len) == 8, "SolSignerSeed.len");
_Static_assert(sizeof(SolSignerSeeds) == 16, "SolSignerSeeds layout");
_Static_assert(__builtin_offsetof(SolSignerSeeds, len) == 8, "SolSignerSeeds.len");
_Static_assert(sizeof(SolBytes) == 16, "SolBytes layout");
_Static_assert(sizeof(SolProcessedSiblingInstruction) == 16, "ProcessedSiblingInstruction layout");

/* ---------------------------------------------------------------------------------------
 * Rust ABI of sol_invoke_signed_rust (agave-reference section 1.4): what the Rust SDK's
 * `invoke_signed` hands to the runtime. The runtime reads only these fixed offsets.
 * ------------------------------------------------------------------------------------ */

/* solana_instruction::AccountMeta, #[repr(C)]: 34 bytes, alignment 1, array stride 34.
 * Note: is_signer comes BEFORE is_writable here (the C SolAccountMeta has them the other
 * way round). */
typedef struct __attribute__((packed)) {
  SolPubkey pubkey; /* 0 */
  bool is_signer;   /* 32 */
  bool is_writable; /* 33 */
} RustAccountMeta;

/* solana_stable_layout::StableInstruction: two StableVec {ptr, cap, len} and the program
 * id inline. The runtime ignores both capacities. 80 bytes, alignment 8. */
typedef struct {
  const RustAccountMeta *accounts; /* 0 */
  uint64_t accounts_cap;           /* 8 (ignored) */
  uint64_t accounts_len;           /* 16 */
  const uint8_t *data;             /* 24 */
  uint64_t data_cap;               /* 32 (ignored) */
  uint64_t data_len;               /* 40 */
  SolPubkey program_id;            /* 48, inline */
} RustStableInstruction;

/* RcBox<RefCell<&mut u64>>: what AccountInfo.lamports (an Rc) points at. The runtime loads
 * the lamports pointer at +24 and requires it to be the serialized lamports address. */
typedef struct {
  uint64_t strong;    /* 0 */
  uint64_t weak;      /* 8 */
  int64_t borrow;     /* 16: RefCell borrow flag (not looked at by the runtime) */
  uint64_t *lamports; /* 24: LAMPORTS_DATA_OFFSET */
} RustRcBoxLamports;

/* RcBox<RefCell<&mut [u8]>>: what AccountInfo.data points at. The pointer at +24 must be the
 * serialized data address; the runtime reads the length at +32 and WRITES IT BACK after the
 * CPI when the callee resized the account (the C SolAccountInfo.data_len is not touched on
 * this path, only this box and the serialized length field). */
typedef struct {
  uint64_t strong; /* 0 */
  uint64_t weak;   /* 8 */
  int64_t borrow;  /* 16 */
  uint8_t *data;   /* 24: DATA_DATA_OFFSET */
  uint64_t len;    /* 32: DATA_LEN_OFFSET */
} RustRcBoxData;

/* solana_account_info::AccountInfo, #[repr(C)]: 48 bytes, alignment 8. */
typedef struct {
  SolPubkey *key;               /* 0 */
  RustRcBoxLamports *lamports;  /* 8: Rc<RefCell<&mut u64>> */
  RustRcBoxData *data;          /* 16: Rc<RefCell<&mut [u8]>> */
  SolPubkey *owner;             /* 24 */
  uint64_t _unused;             /* 32: formerly rent_epoch; ignored */
  bool is_signer;               /* 40 (ignored) */
  bool is_writable;             /* 41 (ignored) */
  bool executable;              /* 42 (ignored); 5 bytes of padding follow */
} RustAccountInfo;

_Static_assert(sizeof(RustAccountMeta) == 34, "Rust AccountMeta layout");
_Static_assert(_Alignof(RustAccountMeta) == 1, "Rust AccountMeta alignment");
_Static_assert(__builtin_offsetof(RustAccountMeta, is_signer) == 32, "AccountMeta.is_signer");
_Static_assert(__builtin_offsetof(RustAccountMeta, is_writable) == 33, "AccountMeta.is_writable");
_Static_assert(sizeof(RustStableInstruction) == 80, "StableInstruction layout");
_Static_assert(_Alignof(RustStableInstruction) == 8, "StableInstruction alignment");
_Static_assert(__builtin_offsetof(RustStableInstruction, accounts_len) == 16, "StableInstruction.accounts.len");
_Static_assert(__builtin_offsetof(RustStableInstruction, data) == 24, "StableInstruction.data.ptr");
_Static_assert(__builtin_offsetof(RustStableInstruction, data_len) == 40, "StableInstruction.data.len");
_Static_assert(__builtin_offsetof(RustStableInstruction, program_id) == 48, "StableInstruction.program_id");
_Static_assert(sizeof(RustRcBoxLamports) == 32, "RcBox<RefCell<&mut u64>> layout");
_Static_assert(__builtin_offsetof(RustRcBoxLamports, lamports) == 24, "LAMPORTS_DATA_OFFSET");
_Static_assert(sizeof(RustRcBoxData) == 40, "RcBox<RefCell<&mut [u8]>> layout");
_Static_assert(__builtin_offsetof(RustRcBoxData, data) == 24, "DATA_DATA_OFFSET");
_Static_assert(__builtin_offsetof(RustRcBoxData, len) == 32, "DATA_LEN_OFFSET");
_Static_assert(sizeof(RustAccountInfo) == 48, "Rust AccountInfo layout");
_Static_assert(_Alignof(RustAccountInfo) == 8, "Rust AccountInfo alignment");
_Static_assert(__builtin_offsetof(RustAccountInfo, lamports) == 8, "AccountInfo.lamports");
_Static_assert(__builtin_offsetof(RustAccountInfo, data) == 16, "AccountInfo.data");
_Static_assert(__builtin_offsetof(RustAccountInfo, owner) == 24, "AccountInfo.owner");
_Static_assert(__builtin_offsetof(RustAccountInfo, is_signer) == 40, "AccountInfo.is_signer");
_Static_assert(__builtin_offsetof(RustAccountInfo, executable) == 42, "AccountInfo.executable");

/* ---------------------------------------------------------------------------------------
 * Sysvar layouts, as the sol_get_*_sysvar syscalls write them (the host's repr(C) size,
 * which is also what those syscalls charge for: 100 + size).
 * ------------------------------------------------------------------------------------ */
typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} SolClock;

typedef struct {
  uint64_t lamports_per_byte_year;
  double exemption_threshold; /* f64; only copied around, never computed with */
  uint8_t burn_percent;
  uint8_t _pad[7];
} SolRent;

typedef struct {
  uint64_t slots_per_epoch;
  uint64_t leader_schedule_slot_offset;
  bool warmup;
  uint8_t _pad[7];
  uint64_t first_normal_epoch;
  uint64_t first_normal_slot;
} SolEpochSchedule;

/* 16-aligned like the host struct (it holds a u128): Agave checks that the destination
 * of sol_get_epoch_rewards_sysvar is aligned for the host type (UnalignedPointer). */
typedef struct __attribute__((aligned(16))) {
  uint64_t distribution_starting_block_height; /* 0 */
  uint64_t num_partitions;                     /* 8 */
  uint8_t parent_blockhash[32];                /* 16 */
  uint64_t total_points_lo;                    /* 48: u128 total_points, little endian */
  uint64_t total_points_hi;                    /* 56 */
  uint64_t total_rewards;                      /* 64 */
  uint64_t distributed_rewards;                /* 72 */
  bool active;                                 /* 80 */
  uint8_t _pad[15];                            /* the u128 alignment rounds the size to 96 */
} SolEpochRewards;

typedef struct {
  uint64_t last_restart_slot;
} SolLastRestartSlot;

_Static_assert(sizeof(SolClock) == 40, "Clock layout");
_Static_assert(sizeof(SolRent) == 24, "Rent layout");
_Static_assert(sizeof(SolEpochSchedule) == 40, "EpochSchedule layout");
_Static_assert(sizeof(SolEpochRewards) == 96, "EpochRewards layout");
_Static_assert(_Alignof(SolEpochRewards) == 16, "EpochRewards alignment");
_Static_assert(sizeof(SolLastRestartSlot) == 8, "LastRestartSlot layout");

/* ---------------------------------------------------------------------------------------
 * Syscalls, with the exact names Agave registers. Each is an external function; the
 * loader resolves it by name hash. Return values are u64 unless noted.
 * ------------------------------------------------------------------------------------ */

/* Control */
void abort(void) SBFVM_NORETURN;
void sol_panic_(const char *file, uint64_t len, uint64_t line, uint64_t column) SBFVM_NORETURN;

/* Logging */
void sol_log_(const char *message, uint64_t len);
void sol_log_64_(uint64_t arg1, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);
void sol_log_compute_units_(void);
void sol_log_pubkey(const SolPubkey *pubkey);
void sol_log_data(const SolBytes *fields, uint64_t fields_len);

/* Memory (the runtime checks bounds; sol_memcpy_ also rejects overlapping ranges) */
void sol_memcpy_(void *dst, const void *src, uint64_t n);
void sol_memmove_(void *dst, const void *src, uint64_t n);
void sol_memset_(void *dst, int c, uint64_t n);
void sol_memcmp_(const void *a, const void *b, uint64_t n, int32_t *result);
/* Bump allocator over the heap; free_ptr != NULL frees (a no-op). Returns NULL on failure. */
void *sol_alloc_free_(uint64_t size, void *free_ptr);

/* Hashing: hash the concatenation of `n` byte slices into a 32-byte result. */
uint64_t sol_sha256(const SolBytes *slices, uint64_t n, uint8_t *result);
uint64_t sol_keccak256(const SolBytes *slices, uint64_t n, uint8_t *result);
uint64_t sol_blake3(const SolBytes *slices, uint64_t n, uint8_t *result);

/* Program derived addresses. Both return 0 on success. */
uint64_t sol_create_program_address(const SolSignerSeed *seeds, uint64_t seeds_len,
                                    const SolPubkey *program_id, SolPubkey *address);
uint64_t sol_try_find_program_address(const SolSignerSeed *seeds, uint64_t seeds_len,
                                      const SolPubkey *program_id, SolPubkey *address,
                                      uint8_t *bump_seed);

/* Return data */
void sol_set_return_data(const uint8_t *data, uint64_t len);
/* Copies up to `len` bytes into `data`, the setter into `program_id`; returns the full length. */
uint64_t sol_get_return_data(uint8_t *data, uint64_t len, SolPubkey *program_id);

/* Runtime introspection */
uint64_t sol_get_stack_height(void);
uint64_t sol_remaining_compute_units(void);
uint64_t sol_get_processed_sibling_instruction(uint64_t index, SolProcessedSiblingInstruction *meta,
                                               SolPubkey *program_id, uint8_t *data,
                                               void *accounts);
/* Stake delegated to a vote account; vote == NULL gives the total. */
uint64_t sol_get_epoch_stake(const void *vote_address);

/* Sysvars. The destination must not be in the input region. */
uint64_t sol_get_clock_sysvar(void *clock);
uint64_t sol_get_rent_sysvar(void *rent);
uint64_t sol_get_epoch_schedule_sysvar(void *epoch_schedule);
uint64_t sol_get_epoch_rewards_sysvar(void *epoch_rewards);
uint64_t sol_get_last_restart_slot(void *last_restart_slot);
/* Copies `len` bytes at `offset` of sysvar `id`; 0 ok, 1 out of range, 2 sysvar not found. */
uint64_t sol_get_sysvar(const SolPubkey *sysvar_id, void *result, uint64_t offset, uint64_t len);

/* Cross-program invocation */
uint64_t sol_invoke_signed_c(const SolInstruction *instruction, const SolAccountInfo *account_infos,
                             uint64_t account_infos_len, const SolSignerSeeds *signers_seeds,
                             uint64_t signers_seeds_len);
/* Rust ABI: instruction is a RustStableInstruction, account_infos an array of
 * RustAccountInfo, signers_seeds the same SolSignerSeeds shape as the C call. */
uint64_t sol_invoke_signed_rust(const void *instruction, const void *account_infos,
                                uint64_t account_infos_len, const void *signers_seeds,
                                uint64_t signers_seeds_len);

/* Elliptic curves (curve: 0 = edwards25519, 1 = ristretto255; op: 0 add, 1 sub, 2 mul) */
uint64_t sol_curve_validate_point(uint64_t curve_id, const uint8_t *point, uint8_t *result);
uint64_t sol_curve_group_op(uint64_t curve_id, uint64_t group_op, const uint8_t *left,
                            const uint8_t *right, uint8_t *result);
uint64_t sol_curve_multiscalar_mul(uint64_t curve_id, const uint8_t *scalars, const uint8_t *points,
                                   uint64_t points_len, uint8_t *result);
/* BLS12-381 (curve: 4 pairing, 5 G1, 6 G2; | 0x80 for big-endian). Both return 0 on
 * success, 1 when the input is rejected. */
uint64_t sol_curve_decompress(uint64_t curve_id, const uint8_t *point, uint8_t *result);
uint64_t sol_curve_pairing_map(uint64_t curve_id, uint64_t num_pairs, const uint8_t *g1_points,
                               const uint8_t *g2_points, uint8_t *result);

/* alt_bn128 (op: 0 G1 add, 2 G1 mul, 3 pairing, 4 G2 add, 6 G2 mul; compression op: 0/1 G1
 * compress/decompress, 2/3 G2; | 0x80 for little-endian). 0 on success, else 1. */
uint64_t sol_alt_bn128_group_op(uint64_t group_op, const uint8_t *input, uint64_t input_size,
                                uint8_t *result);
uint64_t sol_alt_bn128_compression(uint64_t op, const uint8_t *input, uint64_t input_size,
                                   uint8_t *result);

/* Poseidon (parameters: 0 = BN254 x5; endianness: 0 big-endian, 1 little-endian) of
 * `vals_len` inputs of up to 32 bytes each into a 32-byte result. 0 on success, else 1. */
uint64_t sol_poseidon(uint64_t parameters, uint64_t endianness, const SolBytes *vals,
                      uint64_t vals_len, uint8_t *hash_result);

/* secp256k1 public-key recovery: 32-byte message hash, recovery id 0..=3, 64-byte
 * signature r || s (big-endian) → the 64-byte uncompressed key x || y. 0 on success, else
 * an error number (1 invalid hash, 2 invalid recovery id, 3 invalid signature). */
uint64_t sol_secp256k1_recover(const uint8_t *hash, uint64_t recovery_id, const uint8_t *signature,
                               uint8_t *result);

/* sol_big_mod_exp (registered only while enable_big_mod_exp_syscall is active, not on
 * mainnet): base^exponent mod modulus, little-endian operands of up to 512 bytes; the result
 * has modulus_len bytes. */
typedef struct {
  const uint8_t *base;
  uint64_t base_len;
  const uint8_t *exponent;
  uint64_t exponent_len;
  const uint8_t *modulus;
  uint64_t modulus_len;
} SolBigModExpParams;
uint64_t sol_big_mod_exp(const SolBigModExpParams *params, uint8_t *result);

#define CURVE25519_EDWARDS 0
#define CURVE25519_RISTRETTO 1
#define CURVE_OP_ADD 0
#define CURVE_OP_SUB 1
#define CURVE_OP_MUL 2

/* ---------------------------------------------------------------------------------------
 * Memory helpers: plain byte loops (-fno-builtin keeps clang from turning them back into
 * memcpy/memset calls). No libc memcpy/memset is provided, because none can be used:
 * clang's BPF backend expands struct copies and initializers of up to 1024 bytes inline
 * and rejects larger ones at compile time ("A call to built-in function 'memcpy' is not
 * supported"). Copy or clear bigger buffers with these loops or with sol_memcpy_ /
 * sol_memset_.
 * ------------------------------------------------------------------------------------ */
SBFVM_INLINE void sol_memcpy(void *dst, const void *src, uint64_t n) {
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  for (uint64_t i = 0; i < n; i++) d[i] = s[i];
}

SBFVM_INLINE void sol_memset(void *dst, uint8_t c, uint64_t n) {
  uint8_t *d = (uint8_t *)dst;
  for (uint64_t i = 0; i < n; i++) d[i] = c;
}

SBFVM_INLINE int sol_memcmp(const void *a, const void *b, uint64_t n) {
  const uint8_t *x = (const uint8_t *)a;
  const uint8_t *y = (const uint8_t *)b;
  for (uint64_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return (int)x[i] - (int)y[i];
  }
  return 0;
}

SBFVM_INLINE bool sol_pubkey_eq(const SolPubkey *a, const SolPubkey *b) {
  return sol_memcmp(a, b, SIZE_PUBKEY) == 0;
}

SBFVM_INLINE uint64_t sol_strlen(const char *s) {
  uint64_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Little-endian reads from possibly unaligned bytes (instruction data, ABI v0 input). */
SBFVM_INLINE uint64_t sol_read_u64_le(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

SBFVM_INLINE uint32_t sol_read_u32_le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

SBFVM_INLINE void sol_write_u64_le(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

/* ---------------------------------------------------------------------------------------
 * Rent. No floating point: SBPF v0 has none and the linker has no soft-float routines.
 * ------------------------------------------------------------------------------------ */

/* The full 128-bit product a * b as hi:lo, from 32-bit halves (__int128 multiplication
 * would need the missing __multi3). */
SBFVM_INLINE void sol_mul_u64_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
  uint64_t a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t middle = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  *lo = (middle << 32) | (p00 & 0xffffffff);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
}

/*
 * Rent::minimum_balance(data_len): ((128 + data_len) * lamports_per_byte_year) as f64 *
 * exemption_threshold, truncated to u64 (saturating, NaN and negatives give 0). The
 * threshold's bits are decoded and the product taken exactly; f64 would round it to 53
 * significant bits first, which can differ only for thresholds that are not a small
 * dyadic number (mainnet has used 2.0 and 1.0). Both of those take the same path, so a
 * program's compute units do not depend on which of the two Rent forms it reads.
 */
SBFVM_INLINE uint64_t sol_rent_minimum_balance(const SolRent *rent, uint64_t data_len) {
  uint64_t base = (128 + data_len) * rent->lamports_per_byte_year;
  uint64_t bits;
  sol_memcpy(&bits, &rent->exemption_threshold, sizeof(bits));
  uint64_t exponent = (bits >> 52) & 0x7ff;
  if ((bits >> 63) != 0 || exponent == 0 || base == 0) return 0; /* < 0, subnormal or 0 */
  if (exponent == 0x7ff) return (bits & 0xfffffffffffffULL) != 0 ? 0 : UINT64_MAX;
  uint64_t mantissa = (bits & 0xfffffffffffffULL) | (1ULL << 52);
  uint64_t hi, lo;
  sol_mul_u64_wide(base, mantissa, &hi, &lo);
  /* threshold = mantissa * 2^(exponent - 1075) */
  if (exponent >= 1075) {
    uint64_t shift = exponent - 1075;
    if (shift >= 64 || hi != 0 || (shift > 0 && (lo >> (64 - shift)) != 0)) return UINT64_MAX;
    return lo << shift;
  }
  uint64_t shift = 1075 - exponent;
  if (shift >= 128) return 0;
  if (shift >= 64) return hi >> (shift - 64);
  if (hi >> shift != 0) return UINT64_MAX;
  return (lo >> shift) | (hi << (64 - shift)); /* 1 <= shift < 64 */
}

/* ---------------------------------------------------------------------------------------
 * Logging / panic helpers.
 * ------------------------------------------------------------------------------------ */
SBFVM_INLINE void sol_log(const char *message) {
  sol_log_(message, sol_strlen(message));
}

SBFVM_INLINE void sol_log_64(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  sol_log_64_(a, b, c, d, e);
}

/* Aborts with a Panic error naming this file and line. */
#define sol_panic() sol_panic_(__FILE__, sizeof(__FILE__) - 1, __LINE__, 0)

/* Panics when `expr` is false. */
#define sol_assert(expr) \
  do {                   \
    if (!(expr)) {       \
      sol_panic();       \
    }                    \
  } while (0)

/* ---------------------------------------------------------------------------------------
 * Cross-program invocation helpers.
 *
 * What the runtime requires of the arguments (agave-reference section 2):
 *  - the account-info array must lie below MM_INPUT_START (on the stack, not in the input)
 *    and be writable: the runtime writes data_len (C) / the data box length (Rust) back;
 *  - for every non-executable account named by a meta, the FIRST info with that key must
 *    carry exactly the key/owner/lamports/data addresses the deserializer produced (the
 *    serialized ones), else InvalidPointer. The SolAccountInfo entries that
 *    sol_deserialize fills satisfy this; so do the boxes made by sol_rust_account_info;
 *  - is_signer / is_writable bytes must be 0 or 1;
 *  - the callee program id must be one of the caller's instruction accounts.
 * A failing CPI normally never returns: the runtime aborts the caller with the error. The
 * wrappers still return the syscall's result so a caller can pass it on.
 * ------------------------------------------------------------------------------------ */

/* CPI with no PDA signers. */
SBFVM_INLINE uint64_t sol_invoke(const SolInstruction *instruction, const SolAccountInfo *account_infos,
                                 int account_infos_len) {
  return sol_invoke_signed_c(instruction, account_infos, (uint64_t)account_infos_len, NULL, 0);
}

/* CPI that also signs for the PDAs derived (from this program's id) from each entry of
 * signers_seeds; the bump seed is the last seed of each entry. */
SBFVM_INLINE uint64_t sol_invoke_signed(const SolInstruction *instruction,
                                        const SolAccountInfo *account_infos, int account_infos_len,
                                        const SolSignerSeeds *signers_seeds, int signers_seeds_len) {
  return sol_invoke_signed_c(instruction, account_infos, (uint64_t)account_infos_len, signers_seeds,
                             (uint64_t)signers_seeds_len);
}

/* A C meta for a received account, keeping the privileges it was received with. */
SBFVM_INLINE void sol_account_meta_from(SolAccountMeta *meta, const SolAccountInfo *account) {
  meta->pubkey = account->key;
  meta->is_writable = account->is_writable;
  meta->is_signer = account->is_signer;
}

/* The Rust-ABI counterparts, typed. */
SBFVM_INLINE uint64_t sol_invoke_rust(const RustStableInstruction *instruction,
                                      const RustAccountInfo *account_infos, int account_infos_len) {
  return sol_invoke_signed_rust(instruction, account_infos, (uint64_t)account_infos_len, NULL, 0);
}

SBFVM_INLINE uint64_t sol_invoke_signed_rust_abi(const RustStableInstruction *instruction,
                                                 const RustAccountInfo *account_infos,
                                                 int account_infos_len,
                                                 const SolSignerSeeds *signers_seeds,
                                                 int signers_seeds_len) {
  return sol_invoke_signed_rust(instruction, account_infos, (uint64_t)account_infos_len,
                                signers_seeds, (uint64_t)signers_seeds_len);
}

/* A Rust AccountMeta (pubkey copied inline) for a key and explicit privileges. */
SBFVM_INLINE void sol_rust_account_meta(RustAccountMeta *meta, const SolPubkey *key, bool is_signer,
                                        bool is_writable) {
  for (int i = 0; i < SIZE_PUBKEY; i++) meta->pubkey.x[i] = key->x[i];
  meta->is_signer = is_signer;
  meta->is_writable = is_writable;
}

/*
 * Builds the Rust AccountInfo for a deserialized SolAccountInfo the way the Rust SDK's
 * entrypoint does: `info` points at the same serialized key and owner, `info->lamports` at
 * `lamports_box` (whose +24 points at the serialized lamports) and `info->data` at
 * `data_box` (+24 = serialized data, +32 = data_len). Both boxes are caller-provided,
 * 8-aligned memory that must outlive the CPI (a stack array is fine; the runtime rejects
 * boxes in the input region). strong = weak = 1, borrow flag 0, as for a fresh Rc<RefCell>.
 * After the CPI the runtime's length write-back lands in data_box->len (and in the
 * serialized length field), not in `account->data_len`.
 */
SBFVM_INLINE void sol_rust_account_info(const SolAccountInfo *account, RustAccountInfo *info,
                                        RustRcBoxLamports *lamports_box, RustRcBoxData *data_box) {
  lamports_box->strong = 1;
  lamports_box->weak = 1;
  lamports_box->borrow = 0;
  lamports_box->lamports = account->lamports;
  data_box->strong = 1;
  data_box->weak = 1;
  data_box->borrow = 0;
  data_box->data = account->data;
  data_box->len = account->data_len;
  info->key = account->key;
  info->lamports = lamports_box;
  info->data = data_box;
  info->owner = account->owner;
  info->_unused = account->rent_epoch;
  info->is_signer = account->is_signer;
  info->is_writable = account->is_writable;
  info->executable = account->executable;
}

/* ---------------------------------------------------------------------------------------
 * Input deserialization.
 *
 * Both functions fill params->ka[0 .. min(count, ka_num_max)) and set params->ka_num to
 * that number; accounts beyond ka_num_max are skipped (but still walked, to find the
 * instruction data). All pointers they store point into `input`, so writes through
 * ka[i].lamports / data / owner go straight to the serialized buffer the runtime reads
 * back. Duplicate entries get a copy of the first occurrence's SolAccountInfo (same
 * pointers). They return false only for a NULL input.
 * ------------------------------------------------------------------------------------ */

/*
 * ABI v1, aligned (BPFLoader2111..., BPFLoaderUpgradeab1e..., loader v4):
 *   u64 count, then per account either
 *     non-dup: u8 0xff, u8 is_signer, u8 is_writable, u8 executable, 4 bytes padding,
 *              key[32], owner[32], u64 lamports, u64 data_len, data[data_len],
 *              MAX_PERMITTED_DATA_INCREASE zero bytes, zero pad to 8, u64 rent_epoch
 *     dup:     u8 index of the first occurrence, 7 bytes padding
 *   then u64 data_len, data[data_len], program_id[32].
 */
static __attribute__((unused)) bool sol_deserialize(const uint8_t *input, SolParameters *params, uint64_t ka_num_max) {
  if (input == NULL) return false;
  uint64_t count = *(const uint64_t *)input;
  input += sizeof(uint64_t);
  params->ka_num = 0;

  for (uint64_t i = 0; i < count; i++) {
    uint8_t dup = input[0];
    if (dup == NON_DUP_MARKER) {
      SolAccountInfo *ka = i < ka_num_max ? &params->ka[i] : NULL;
      if (ka) {
        ka->is_signer = input[1] != 0;
        ka->is_writable = input[2] != 0;
        ka->executable = input[3] != 0;
      }
      input += 8; /* marker, three flags, four bytes of padding */
      if (ka) ka->key = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      if (ka) ka->owner = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      if (ka) ka->lamports = (uint64_t *)input;
      input += sizeof(uint64_t);
      uint64_t data_len = *(const uint64_t *)input;
      input += sizeof(uint64_t);
      if (ka) {
        ka->data_len = data_len;
        ka->data = (uint8_t *)input;
      }
      input += data_len + MAX_PERMITTED_DATA_INCREASE;
      /* The buffer starts 8-aligned, so aligning the address aligns the offset. */
      input = (const uint8_t *)(((uintptr_t)input + SBFVM_ABI_V1_ALIGN - 1) &
                                ~(uintptr_t)(SBFVM_ABI_V1_ALIGN - 1));
      if (ka) ka->rent_epoch = *(const uint64_t *)input;
      input += sizeof(uint64_t);
    } else {
      /* A duplicate: same account as an earlier entry, so share its pointers. */
      if (i < ka_num_max && dup < i) params->ka[i] = params->ka[dup];
      input += 8; /* index byte and seven bytes of padding */
    }
    if (i < ka_num_max) params->ka_num = i + 1;
  }

  params->data_len = *(const uint64_t *)input;
  input += sizeof(uint64_t);
  params->data = input;
  input += params->data_len;
  params->program_id = (const SolPubkey *)input;
  return true;
}

/*
 * ABI v0, unaligned (BPFLoader1111..., the deprecated loader):
 *   u64 count, then per account either
 *     non-dup: u8 0xff, u8 is_signer, u8 is_writable, key[32], u64 lamports, u64 data_len,
 *              data[data_len], owner[32], u8 executable, u64 rent_epoch
 *     dup:     u8 index of the first occurrence (no padding)
 *   then u64 data_len, data[data_len], program_id[32].
 * Nothing after the first u64 is aligned; the u64 fields are read byte by byte (the
 * lamports pointer stored in ka is unaligned, which SBF loads and stores tolerate).
 */
static __attribute__((unused)) bool sol_deserialize_unaligned(const uint8_t *input, SolParameters *params,
                                      uint64_t ka_num_max) {
  if (input == NULL) return false;
  uint64_t count = sol_read_u64_le(input);
  input += sizeof(uint64_t);
  params->ka_num = 0;

  for (uint64_t i = 0; i < count; i++) {
    uint8_t dup = input[0];
    input += 1;
    if (dup == NON_DUP_MARKER) {
      SolAccountInfo *ka = i < ka_num_max ? &params->ka[i] : NULL;
      if (ka) {
        ka->is_signer = input[0] != 0;
        ka->is_writable = input[1] != 0;
      }
      input += 2;
      if (ka) ka->key = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      if (ka) ka->lamports = (uint64_t *)input;
      input += sizeof(uint64_t);
      uint64_t data_len = sol_read_u64_le(input);
      input += sizeof(uint64_t);
      if (ka) {
        ka->data_len = data_len;
        ka->data = (uint8_t *)input;
      }
      input += data_len;
      if (ka) ka->owner = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      if (ka) ka->executable = input[0] != 0;
      input += 1;
      if (ka) ka->rent_epoch = sol_read_u64_le(input);
      input += sizeof(uint64_t);
    } else {
      if (i < ka_num_max && dup < i) params->ka[i] = params->ka[dup];
    }
    if (i < ka_num_max) params->ka_num = i + 1;
  }

  params->data_len = sol_read_u64_le(input);
  input += sizeof(uint64_t);
  params->data = input;
  input += params->data_len;
  params->program_id = (const SolPubkey *)input;
  return true;
}

/* Every program defines this; the linker exports it as the ELF entry point. */
uint64_t entrypoint(const uint8_t *input);

#endif /* SBFVM_H */
