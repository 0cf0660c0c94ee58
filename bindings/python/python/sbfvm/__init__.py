"""Run compiled Solana SBF programs locally with Agave-exact results.

The engine is the `sbfvm` Rust crate, compiled into ``sbfvm._sbfvm``; this package only
re-exports it.
"""

from ._sbfvm import (
    Account,
    CheckFailed,
    Invocation,
    Outcome,
    Sbfvm,
    SbfvmError,
    __version__,
)

__all__ = [
    "Account",
    "CheckFailed",
    "Invocation",
    "Outcome",
    "Sbfvm",
    "SbfvmError",
    "__version__",
]
