import hashlib
import pickle

import duckdb
import pyarrow as pa

from etl.digests import Digests


def _digest(seed: int) -> str:
    return hashlib.sha256(str(seed).encode()).hexdigest()


def test_a_digest_is_known_exactly_as_a_set_of_strings_would_know_it() -> None:
    loaded = [_digest(seed) for seed in range(0, 2000, 2)]
    # Digests ending in zero bytes: a numpy item read alone drops them.
    loaded += ["ab" * 30 + "0000", "ab" * 31 + "00"]
    known = Digests(loaded)
    for seed in range(2000):
        assert (_digest(seed) in known) == (seed % 2 == 0)
    assert "ab" * 30 + "0000" in known and "ab" * 31 + "00" in known
    assert "ab" * 32 not in known and "ab" * 30 + "00" not in known
    assert "not hex" not in known and "" not in known and None not in known
    assert len(known) == 1002
    assert _digest(4) in pickle.loads(pickle.dumps(known))  # crosses to parse workers


def test_digests_from_the_warehouse_column_match_the_strings() -> None:
    loaded = [_digest(seed) for seed in range(50)] + ["00" * 32, "ff" * 31 + "00"]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE reports (sha256 VARCHAR)")
    connection.executemany("INSERT INTO reports VALUES (?)", [[digest] for digest in loaded])
    column = connection.sql("SELECT unhex(sha256) AS d FROM reports ORDER BY sha256 DESC").to_arrow_table().column("d")
    known = Digests.of_arrow(column)
    assert all(digest in known for digest in loaded)
    assert _digest(50) not in known
    # A column already of 32-byte items, sliced: its data starts past the slice's offset.
    sliced = Digests.of_arrow(pa.chunked_array([column.combine_chunks().cast(pa.binary(32)).slice(10)]))
    assert len(sliced) == len(loaded) - 10
    assert all(digest in sliced for digest in sorted(loaded, reverse=True)[10:])
    assert not any(digest in sliced for digest in sorted(loaded, reverse=True)[:10])
    assert len(Digests.of_arrow(pa.chunked_array([], type=pa.binary()))) == 0
