"""A set of SHA-256 digests held as one sorted array.

An ingest asks, for every file, whether its content was loaded before, and each parse
worker holds that answer for the whole warehouse: a million hex digests in a Python set
took 150 MiB in each process (and as long to pickle to each worker); as 32 bytes apiece
in one array they take 32 MiB and cross to a worker as one buffer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa

#: A digest's 32 bytes as one item.
_DIGEST = np.dtype("S32")


class Digests:
    """Membership of hex SHA-256 digests, exact (the whole digest is compared)."""

    def __init__(self, hex_digests: Iterable[str] = ()) -> None:
        packed = b"".join(bytes.fromhex(digest) for digest in hex_digests)
        self._sorted = np.unique(np.frombuffer(packed, dtype=_DIGEST))

    @classmethod
    def of_arrow(cls, digests: pa.ChunkedArray) -> Digests:
        """From a column of 32-byte digests (as the warehouse gives them), in any order."""
        fixed = digests.combine_chunks().cast(pa.binary(32))
        made = cls()
        if len(fixed):
            data = np.frombuffer(fixed.buffers()[1], dtype=_DIGEST, count=len(fixed) + fixed.offset)[fixed.offset :]
            made._sorted = np.unique(data)
        return made

    def __contains__(self, hex_digest: object) -> bool:
        if not isinstance(hex_digest, str) or len(hex_digest) != 64:
            return False
        try:
            wanted = np.frombuffer(bytes.fromhex(hex_digest), dtype=_DIGEST)
        except ValueError:
            return False
        at = int(np.searchsorted(self._sorted, wanted[0]))
        # a slice keeps the item's trailing zero bytes, which an item read alone loses
        return at < len(self._sorted) and self._sorted[at : at + 1].tobytes() == wanted.tobytes()

    def __len__(self) -> int:
        return len(self._sorted)
