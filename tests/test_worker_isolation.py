"""Worker processes for hostile files print nothing to the terminal, whatever they parse."""

from __future__ import annotations

import os

import pytest

from mediatop.analytics._pool import run_isolated


def noisy_task(value: int) -> int:
    """What a chatty C library does: write straight to the process's stdout and stderr."""
    os.write(1, b"libfoo: warning on stdout\n")
    os.write(2, b"libfoo: corrupt data on stderr\n")
    return value * 2


def test_savings_pool_workers_cannot_write_to_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    outcomes, not_started = run_isolated(noisy_task, [1, 2], workers=1, timeout_s=60)
    assert sorted(o.result for o in outcomes if o.result is not None) == [2, 4]
    assert not_started == 0
    captured = capfd.readouterr()
    assert "libfoo" not in captured.out and "libfoo" not in captured.err
