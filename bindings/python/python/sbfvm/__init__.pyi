from os import PathLike
from typing import Any, Iterable, Mapping, Optional, Protocol, Sequence, TypedDict, Union

from typing_extensions import NotRequired, Unpack

__version__: str

class _HasBytes(Protocol):
    def __bytes__(self) -> bytes: ...

#: A key: base58 text, 32 bytes, or a solders ``Pubkey`` (anything with ``__bytes__``).
KeyLike = Union[str, bytes, bytearray, _HasBytes]
#: Bytes: ``bytes``, ``bytearray``, anything with ``__bytes__``, or a sequence of ints.
BytesLike = Union[bytes, bytearray, _HasBytes, Sequence[int]]

class _AccountMetaLike(Protocol):
    @property
    def pubkey(self) -> Any: ...
    @property
    def is_signer(self) -> bool: ...
    @property
    def is_writable(self) -> bool: ...

class _InstructionLike(Protocol):
    """A solders ``Instruction`` or anything of its shape."""

    @property
    def program_id(self) -> Any: ...
    @property
    def accounts(self) -> Sequence[_AccountMetaLike]: ...
    @property
    def data(self) -> Any: ...

class ExpectAccount(TypedDict):
    pubkey: KeyLike
    lamports: NotRequired[int]
    owner: NotRequired[KeyLike]
    data: NotRequired[BytesLike]
    data_len: NotRequired[int]
    executable: NotRequired[bool]

class Expect(TypedDict, total=False):
    """What a transaction must have produced; absent keys are not checked."""

    result: str
    compute_units: int
    fee: int
    logs_contain: list[str]
    return_data: BytesLike
    accounts: list[ExpectAccount]

class ClockFields(TypedDict, total=False):
    slot: int
    epoch_start_timestamp: int
    epoch: int
    leader_schedule_epoch: int
    unix_timestamp: int

class RentFields(TypedDict, total=False):
    lamports_per_byte_year: int
    exemption_threshold: float
    burn_percent: int

class EpochScheduleFields(TypedDict, total=False):
    slots_per_epoch: int
    leader_schedule_slot_offset: int
    warmup: bool
    first_normal_epoch: int
    first_normal_slot: int

class Sysvars(TypedDict, total=False):
    """Sysvar fields to replace, named as a scenario file's ``settings.sysvars``; the others
    keep their defaults."""

    clock: ClockFields
    rent: RentFields
    epoch_schedule: EpochScheduleFields
    last_restart_slot: int

class SbfvmError(Exception):
    """sbfvm refused something: an unreadable file, a program that does not load.

    A malformed value (key, loader, feature, sysvar field) raises ``ValueError``, a value of
    the wrong type ``TypeError``."""

class CheckFailed(AssertionError):
    """Raised by ``Outcome.expect``: every failed expectation, expected against actual."""

class Account:
    @property
    def lamports(self) -> int: ...
    @property
    def data(self) -> bytes: ...
    @property
    def owner(self) -> str: ...
    @property
    def executable(self) -> bool: ...

class Invocation:
    """One frame of the invoke tree."""

    @property
    def program_id(self) -> str: ...
    @property
    def stack_height(self) -> int: ...
    @property
    def compute_units_consumed(self) -> int: ...
    @property
    def result(self) -> str: ...
    @property
    def cost(self) -> dict[str, Any]:
        """``instructions``, ``cpi``, ``other`` and ``syscalls`` (name -> (calls, units))."""
    @property
    def invocations(self) -> list[Invocation]: ...

class Outcome:
    @property
    def result(self) -> str:
        """``"ok"`` or Agave's error text, e.g. ``"Custom(1)"``."""
    @property
    def is_ok(self) -> bool: ...
    @property
    def compute_units_consumed(self) -> int: ...
    @property
    def logs(self) -> list[str]: ...
    @property
    def return_data(self) -> bytes: ...
    @property
    def return_data_program_id(self) -> Optional[str]: ...
    @property
    def fee(self) -> Optional[int]: ...
    @property
    def invocations(self) -> list[Invocation]: ...
    def account(self, pubkey: KeyLike) -> Optional[Account]: ...
    def check(self, **expect: Unpack[Expect]) -> Optional[str]:
        """Every failed expectation (expected vs actual), or ``None`` when all hold."""
    def expect(self, **expect: Unpack[Expect]) -> None:
        """``check``, raising ``CheckFailed`` listing every failure."""

class Sbfvm:
    def __init__(
        self,
        *,
        compute_unit_limit: Optional[int] = None,
        features: Optional[Mapping[str, bool]] = None,
        sysvars: Optional[Sysvars] = None,
    ) -> None:
        """``features``: gate names or base58 ids, ``True`` enables and ``False`` disables
        (on top of mainnet's set)."""
    def add_program_file(
        self, program_id: KeyLike, path: Union[str, PathLike[str]], loader: str = "upgradeable"
    ) -> None: ...
    def add_program(self, program_id: KeyLike, elf: BytesLike, loader: str = "upgradeable") -> None: ...
    def set_account(
        self,
        pubkey: KeyLike,
        *,
        lamports: int = 0,
        data: Optional[BytesLike] = None,
        owner: Optional[KeyLike] = None,
        executable: bool = False,
    ) -> None: ...
    def get_account(self, pubkey: KeyLike) -> Optional[Account]: ...
    def process_instruction(self, instruction: _InstructionLike) -> Outcome: ...
    def time_process_instruction(self, instruction: _InstructionLike, iterations: int) -> float:
        """Mean nanoseconds per call of the instruction run ``iterations`` times inside Rust."""
    def process_transaction(
        self, instructions: Iterable[_InstructionLike], *, compute_unit_limit: Optional[int] = None
    ) -> Outcome: ...
    def send_transaction(self, transaction: BytesLike) -> Outcome: ...
    def simulate_transaction(self, transaction: BytesLike) -> Outcome: ...
    def set_signature_verification(self, enabled: bool) -> None: ...
    def latest_blockhash(self) -> str: ...
    def expire_blockhash(self) -> str: ...
    def warp_to_slot(self, slot: int) -> None:
        """Moves the Clock to ``slot`` (its epoch from the EpochSchedule) and registers a new
        blockhash."""
    def airdrop(self, pubkey: KeyLike, lamports: int) -> None: ...
