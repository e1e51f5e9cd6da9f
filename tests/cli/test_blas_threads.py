"""The command line runs numpy's OpenBLAS on one thread, unless the user said otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The value the command line leaves in its environment, printed as the process exits.
SHOW = (
    "import atexit, os, sys; from archiver import cli; assert 'numpy' not in sys.modules;"
    "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS')));"
    "sys.argv = ['archiver', '--version']; cli.main()"
)


@pytest.mark.parametrize(("given", "kept"), [(None, "1"), ("3", "3")])
def test_one_blas_thread_unless_set(given: str | None, kept: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split()[-1] == kept, done.stderr
