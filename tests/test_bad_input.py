"""Issue 6.5: bad import input never crashes the importer, never half-imports a file, and is
reported; a 200 MB file is streamed with bounded memory."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.capped_warnings import MAX_WARNINGS
from paperdeck.store.dump_reader import iter_lines
from paperdeck.store.dumps import parse_stream, parse_text
from paperdeck.store.errors import DumpError
from tests.test_cli import folder_state, run

ABSTRACT = "We propose a streaming method and report results on many benchmarks today. " * 6


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_dump_error(data: bytes) -> None:
    try:
        result = parse_stream(io.BytesIO(data), "random.bin")
    except DumpError as error:
        assert str(error).startswith("random.bin")
        return
    assert result.blocks and all(block.title and block.abstract for block in result.blocks)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600).map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 64))
def test_any_chunking_reads_the_same_lines(data: bytes, size: int) -> None:
    """Streaming in chunks of any size gives exactly the lines str.splitlines gives."""
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    try:
        whole = list(iter_lines([data], "x"))
    except DumpError as error:
        with pytest.raises(DumpError) as streamed:
            list(iter_lines(chunks, "x"))
        assert str(streamed.value).split(":")[0] == str(error).split(":")[0]
        return
    assert list(iter_lines(chunks, "x")) == whole
    assert [line for _, line in whole] == data.decode("utf-8").removeprefix("\ufeff").splitlines()


def test_parse_stream_matches_parse_text_on_the_seeds(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        streamed = parse_stream(io.BytesIO(path.read_bytes()), "s")
        whole = parse_text(path.read_text(encoding="utf-8"), "s")
        assert [(b.title, b.abstract, b.line, b.upvotes) for b in streamed.blocks] == [
            (b.title, b.abstract, b.line, b.upvotes) for b in whole.blocks
        ]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b"\nA Latin-1 Title\n" + "r\xe9sum\xe9 ".encode("latin-1") * 60 + b"\n", "not UTF-8 text (byte 0xe9)"),
        (b"\nNUL Title\n" + b"abc\x00def " * 60 + b"\n", "binary file (NUL bytes)"),
        (b"\nCut Off Title\n\xe2\x82", "not UTF-8 text"),
    ],
    ids=["latin1-at-the-end", "nul-at-the-end", "utf8-cut-at-the-end"],
)
def test_a_bad_end_imports_nothing_of_the_file(tmp_path: Path, tail: bytes, expected: str) -> None:
    """Good papers first, damage last: the file is refused whole and named with its line."""
    home = tmp_path / "lib"
    assert run("import", "-", home=home, stdin=f"Seed Paper\n\n{ABSTRACT}\n".encode()).returncode == 0
    before = folder_state(home)
    dump = tmp_path / "mixed.txt"
    dump.write_bytes("".join(f"Good Paper {n}\n\n{ABSTRACT}\n\n" for n in range(50)).encode() + tail)
    result = run("import", str(dump), home=home)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and f"{dump}:203: " in line and expected in line, result.stderr
    assert folder_state(home) == before


def test_a_ten_megabyte_line(tmp_path: Path) -> None:
    dump = tmp_path / "huge.txt"
    huge = "word " * 2_000_000
    dump.write_text(f"Real Paper\n\n{ABSTRACT}\n\n{huge}\n\nAnother Real Paper\n\n{ABSTRACT}\n")
    result = run("import", str(dump), home=tmp_path / "lib")
    assert result.returncode == 0, result.stderr
    assert f"{dump}:5: text with no title before it, skipped" in result.stderr
    assert result.stdout.strip().startswith("1 file: 2 papers (2 new, 0 updated)")


def test_two_hundred_megabytes_stream_with_bounded_memory(tmp_path: Path) -> None:
    """A 200 MB file: a few papers and a flood of junk lines. Reading it whole would take
    400+ MB (bytes and text); streamed, the importer stays far below the file's size, and the
    skipped lines are counted with the first ones listed."""
    dump = tmp_path / "big.txt"
    junk = ("x" * 999 + "\n").encode()
    with dump.open("wb") as handle:
        handle.write("".join(f"Good Paper {n}\n\n{ABSTRACT}\n\n" for n in range(5)).encode())
        block = junk * 1000
        for _ in range(200):
            handle.write(block)
    assert dump.stat().st_size > 200_000_000
    peak_file = tmp_path / "peak-kb"
    # The real command's main(), in a process of its own that reports its own peak RSS.
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would include the RSS of
    # the pytest process this child was forked from (269 MB in a full run).
    measure = (
        "import re, sys; from pathlib import Path; from paperdeck.tui.__main__ import main; code = main(sys.argv[2:]); "
        "status = Path('/proc/self/status').read_text(); "
        "Path(sys.argv[1]).write_text(re.search(r'VmHWM:\\s*(\\d+)', status).group(1)); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, str(peak_file), "--library", str(tmp_path / "lib"), "import", str(dump)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    peak_mb = int(peak_file.read_text()) / 1024
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "1 file: 5 papers (5 new, 0 updated), 0 duplicates in input, 200000 warnings"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == MAX_WARNINGS + 1 and warnings[-1].endswith("… and 199900 more warnings like these")
    assert peak_mb < 150, f"peak RSS {peak_mb:.0f} MB for a 200 MB file"
