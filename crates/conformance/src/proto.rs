//! The Dec-2024 `org.solana.sealevel.v1` messages (protosol `0d695a1`), written by hand for
//! prost (conformance-format §2). Unknown fields are skipped, as prost does by default.

/// `FixtureMetadata`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct FixtureMetadata {
    #[prost(string, tag = "1")]
    pub fn_entrypoint: String,
}

/// `FeatureSet`: active features, first 8 bytes of each pubkey as a little-endian u64.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct FeatureSet {
    #[prost(fixed64, repeated, tag = "1")]
    pub features: Vec<u64>,
}

/// `SeedAddress` (fuzzer bookkeeping; ignored).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SeedAddress {
    #[prost(bytes = "vec", tag = "1")]
    pub base: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub seed: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub owner: Vec<u8>,
}

/// `AcctState`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct AcctState {
    #[prost(bytes = "vec", tag = "1")]
    pub address: Vec<u8>,
    #[prost(uint64, tag = "2")]
    pub lamports: u64,
    #[prost(bytes = "vec", tag = "3")]
    pub data: Vec<u8>,
    #[prost(bool, tag = "4")]
    pub executable: bool,
    #[prost(uint64, tag = "5")]
    pub rent_epoch: u64,
    #[prost(bytes = "vec", tag = "6")]
    pub owner: Vec<u8>,
    #[prost(message, optional, tag = "7")]
    pub seed_addr: Option<SeedAddress>,
}

/// `EpochContext`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct EpochContext {
    #[prost(message, optional, tag = "1")]
    pub features: Option<FeatureSet>,
}

/// `SlotContext` (unused by the reference).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SlotContext {
    #[prost(fixed64, tag = "1")]
    pub slot: u64,
}

/// `InstrAcct`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct InstrAcct {
    #[prost(uint32, tag = "1")]
    pub index: u32,
    #[prost(bool, tag = "2")]
    pub is_writable: bool,
    #[prost(bool, tag = "3")]
    pub is_signer: bool,
}

/// `InstrContext`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct InstrContext {
    #[prost(bytes = "vec", tag = "1")]
    pub program_id: Vec<u8>,
    #[prost(message, repeated, tag = "3")]
    pub accounts: Vec<AcctState>,
    #[prost(message, repeated, tag = "4")]
    pub instr_accounts: Vec<InstrAcct>,
    #[prost(bytes = "vec", tag = "5")]
    pub data: Vec<u8>,
    #[prost(uint64, tag = "6")]
    pub cu_avail: u64,
    #[prost(message, optional, tag = "8")]
    pub slot_context: Option<SlotContext>,
    #[prost(message, optional, tag = "9")]
    pub epoch_context: Option<EpochContext>,
}

/// `InstrEffects`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct InstrEffects {
    #[prost(int32, tag = "1")]
    pub result: i32,
    #[prost(uint32, tag = "2")]
    pub custom_err: u32,
    #[prost(message, repeated, tag = "3")]
    pub modified_accounts: Vec<AcctState>,
    #[prost(uint64, tag = "4")]
    pub cu_avail: u64,
    #[prost(bytes = "vec", tag = "5")]
    pub return_data: Vec<u8>,
}

/// `InstrFixture`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct InstrFixture {
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<FixtureMetadata>,
    #[prost(message, optional, tag = "2")]
    pub input: Option<InstrContext>,
    #[prost(message, optional, tag = "3")]
    pub output: Option<InstrEffects>,
}

/// `InputDataRegion`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct InputDataRegion {
    #[prost(uint64, tag = "1")]
    pub offset: u64,
    #[prost(bytes = "vec", tag = "2")]
    pub content: Vec<u8>,
    #[prost(bool, tag = "3")]
    pub is_writable: bool,
}

/// `ReturnData`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ReturnData {
    #[prost(bytes = "vec", tag = "1")]
    pub program_id: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

/// `VmContext`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct VmContext {
    #[prost(uint64, tag = "1")]
    pub heap_max: u64,
    #[prost(bytes = "vec", tag = "2")]
    pub rodata: Vec<u8>,
    #[prost(uint64, tag = "3")]
    pub rodata_text_section_offset: u64,
    #[prost(uint64, tag = "4")]
    pub rodata_text_section_length: u64,
    #[prost(message, repeated, tag = "5")]
    pub input_data_regions: Vec<InputDataRegion>,
    #[prost(uint64, tag = "6")]
    pub r0: u64,
    #[prost(uint64, tag = "7")]
    pub r1: u64,
    #[prost(uint64, tag = "8")]
    pub r2: u64,
    #[prost(uint64, tag = "9")]
    pub r3: u64,
    #[prost(uint64, tag = "10")]
    pub r4: u64,
    #[prost(uint64, tag = "11")]
    pub r5: u64,
    #[prost(uint64, tag = "12")]
    pub r6: u64,
    #[prost(uint64, tag = "13")]
    pub r7: u64,
    #[prost(uint64, tag = "14")]
    pub r8: u64,
    #[prost(uint64, tag = "15")]
    pub r9: u64,
    #[prost(uint64, tag = "16")]
    pub r10: u64,
    #[prost(uint64, tag = "17")]
    pub r11: u64,
    #[prost(bool, tag = "18")]
    pub check_align: bool,
    #[prost(bool, tag = "19")]
    pub check_size: bool,
    #[prost(uint64, tag = "20")]
    pub entry_pc: u64,
    #[prost(bytes = "vec", tag = "21")]
    pub call_whitelist: Vec<u8>,
    #[prost(bool, tag = "22")]
    pub tracing_enabled: bool,
    #[prost(message, optional, tag = "23")]
    pub return_data: Option<ReturnData>,
    #[prost(uint32, tag = "24")]
    pub sbpf_version: u32,
}

/// `SyscallInvocation`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SyscallInvocation {
    #[prost(bytes = "vec", tag = "1")]
    pub function_name: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub heap_prefix: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub stack_prefix: Vec<u8>,
}

/// `SyscallContext`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SyscallContext {
    #[prost(message, optional, tag = "1")]
    pub vm_ctx: Option<VmContext>,
    #[prost(message, optional, tag = "2")]
    pub instr_ctx: Option<InstrContext>,
    #[prost(message, optional, tag = "3")]
    pub syscall_invocation: Option<SyscallInvocation>,
    #[prost(message, optional, tag = "4")]
    pub exec_effects: Option<InstrEffects>,
}

/// `ErrKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration)]
#[repr(i32)]
pub enum ErrKind {
    Unspecified = 0,
    Ebpf = 1,
    Syscall = 2,
    Instruction = 3,
}

/// `SyscallEffects` (note the field numbers of `error_kind`, the regions and r1..r10).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SyscallEffects {
    #[prost(int64, tag = "1")]
    pub error: i64,
    #[prost(enumeration = "ErrKind", tag = "12")]
    pub error_kind: i32,
    #[prost(uint64, tag = "2")]
    pub r0: u64,
    #[prost(uint64, tag = "3")]
    pub cu_avail: u64,
    #[prost(bytes = "vec", tag = "4")]
    pub heap: Vec<u8>,
    #[prost(bytes = "vec", tag = "5")]
    pub stack: Vec<u8>,
    #[prost(bytes = "vec", tag = "6")]
    pub inputdata: Vec<u8>,
    #[prost(message, repeated, tag = "11")]
    pub input_data_regions: Vec<InputDataRegion>,
    #[prost(uint64, tag = "7")]
    pub frame_count: u64,
    #[prost(bytes = "vec", tag = "8")]
    pub log: Vec<u8>,
    #[prost(bytes = "vec", tag = "9")]
    pub rodata: Vec<u8>,
    #[prost(uint64, tag = "10")]
    pub pc: u64,
    #[prost(uint64, tag = "107")]
    pub r1: u64,
    #[prost(uint64, tag = "108")]
    pub r2: u64,
    #[prost(uint64, tag = "109")]
    pub r3: u64,
    #[prost(uint64, tag = "110")]
    pub r4: u64,
    #[prost(uint64, tag = "111")]
    pub r5: u64,
    #[prost(uint64, tag = "112")]
    pub r6: u64,
    #[prost(uint64, tag = "113")]
    pub r7: u64,
    #[prost(uint64, tag = "114")]
    pub r8: u64,
    #[prost(uint64, tag = "115")]
    pub r9: u64,
    #[prost(uint64, tag = "116")]
    pub r10: u64,
}

/// `SyscallFixture` (vm_interp, syscall and CPI).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct SyscallFixture {
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<FixtureMetadata>,
    #[prost(message, optional, tag = "2")]
    pub input: Option<SyscallContext>,
    #[prost(message, optional, tag = "3")]
    pub output: Option<SyscallEffects>,
}

/// `ELFBinary`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ElfBinary {
    #[prost(bytes = "vec", tag = "1")]
    pub data: Vec<u8>,
}

/// `ELFLoaderCtx`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ElfLoaderCtx {
    #[prost(message, optional, tag = "1")]
    pub elf: Option<ElfBinary>,
    #[prost(message, optional, tag = "2")]
    pub features: Option<FeatureSet>,
    #[prost(uint64, tag = "3")]
    pub elf_sz: u64,
    #[prost(bool, tag = "4")]
    pub deploy_checks: bool,
}

/// `ELFLoaderEffects`; all defaults means the load failed.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ElfLoaderEffects {
    #[prost(bytes = "vec", tag = "1")]
    pub rodata: Vec<u8>,
    #[prost(uint64, tag = "2")]
    pub rodata_sz: u64,
    #[prost(uint64, tag = "4")]
    pub text_cnt: u64,
    #[prost(uint64, tag = "5")]
    pub text_off: u64,
    #[prost(uint64, tag = "6")]
    pub entry_pc: u64,
    #[prost(uint64, repeated, tag = "7")]
    pub calldests: Vec<u64>,
}

/// `ELFLoaderFixture`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ElfLoaderFixture {
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<FixtureMetadata>,
    #[prost(message, optional, tag = "2")]
    pub input: Option<ElfLoaderCtx>,
    #[prost(message, optional, tag = "3")]
    pub output: Option<ElfLoaderEffects>,
}
