"""Run a command as if on another CPU, so that round-off that depends on the CPU shows up here.

NumPy picks SIMD kernels for ``exp``, ``log``, ``sum`` and friends by the CPU it runs on (its
"dispatch"), and OpenBLAS picks its matrix-product kernels the same way: the last bits of a result
differ between a laptop, a server with AVX-512, Apple silicon and Colab. A lesson that prints those
bits passes its tests on the machine that wrote it and fails everywhere else. This module emulates
a different CPU with two environment variables that NumPy and OpenBLAS read when they load:

- ``NPY_DISABLE_CPU_FEATURES``: every feature NumPy dispatches to on this machine, read from NumPy
  at run time, so that only its baseline kernels run;
- ``OPENBLAS_CORETYPE``: a baseline kernel for the architecture (x86-64: ``Nehalem``, SSE4.2 with
  no AVX or FMA; aarch64: ``ARMV8``); left unset on other architectures.

Both pass through to a Jupyter kernel started from that environment. Use it as::

    python tools/other_cpu.py                      # print the variables (shell: eval "export ...")
    python tools/other_cpu.py -- python -m pytest lessons/01-calculus.ipynb
"""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys

BASELINE_BLAS_KERNEL = {"x86_64": "Nehalem", "AMD64": "Nehalem", "aarch64": "ARMV8", "arm64": "ARMV8"}


def dispatched_features() -> list[str]:
    """The CPU features NumPy dispatches to on this machine (beyond its compiled-in baseline)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)]


def environment() -> dict[str, str]:
    """The variables that make NumPy and OpenBLAS compute as a baseline CPU of this architecture."""
    # Features already switched off in this process (emulation set by hand) stay switched off.
    already_off = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    features = dict.fromkeys(already_off + dispatched_features())
    env = {"NPY_DISABLE_CPU_FEATURES": " ".join(features)}
    kernel = BASELINE_BLAS_KERNEL.get(platform.machine())
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    return env


def main(argv: list[str]) -> int:
    env = environment()
    if not argv:
        print(" ".join(f"{name}={shlex.quote(value)}" for name, value in env.items()))
        return 0
    if argv[0] == "--":
        argv = argv[1:]
    return subprocess.call(argv, env={**os.environ, **env})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
