"""Jupyter kernels that talk to their client over Unix sockets (IPC) instead of TCP ports.

Every notebook that `make test`, `make book` and `make lessons` run gets a new kernel. Over TCP,
jupyter_client picks five free ports, writes them into the connection file and starts the kernel,
which binds them a second or two later, once Python has imported IPython. Meanwhile any other
process may take one of those ports: another kernel starting on the other core, or one of the
hundreds of connections the browser test opens (an outgoing connection takes a port from the same
range). Then the kernel dies at start ("Kernel died before replying to kernel_info", seen in a
clean `make test`), or a client talks to the wrong kernel ("Invalid Signature" in the build log).
A Unix socket is a file named after the kernel: nothing else can take it, so the race is gone
rather than retried. (Linux and macOS; Windows kernels have only TCP.)

- `AsyncIpcKernelManager`: give it to nbclient (`NotebookClient(..., kernel_manager_class=...)`),
  or to jupyter-cache's `single_nb_execution`, which passes it on. nbclient needs the asynchronous
  manager: with a blocking one it waits for the kernel's output in a call that blocks its event
  loop, so when a kernel dies in a cell (a crash, `os._exit`, the out-of-memory killer) nothing
  ever notices and the run hangs, cell timeout included, instead of raising `DeadKernelError`.
- `IpcKernelManager`, the blocking one, for code that drives a kernel itself. As a pytest plugin
  (the root conftest.py loads it; `-p kernels` elsewhere), this module makes nbval, which polls
  with timeouts of its own, start its kernels with it.
"""

from __future__ import annotations

import os
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_core.paths import jupyter_runtime_dir


class _UnixSockets:
    """A kernel manager whose kernel listens on Unix sockets in Jupyter's runtime directory."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        if kwargs["transport"] == "ipc" and "ip" not in kwargs:
            # The sockets' path prefix (the kernel adds "-1" ... "-5"). It must be absolute: the
            # default, "kernel-ipc", is relative to each process's working directory, and the
            # kernel runs in the notebook's folder, its client elsewhere. Short, because a socket's
            # path is limited to about 100 characters.
            runtime = jupyter_runtime_dir()
            os.makedirs(runtime, exist_ok=True)
            kwargs["ip"] = os.path.join(runtime, f"k-{uuid.uuid4().hex[:12]}")
        super().__init__(**kwargs)


class IpcKernelManager(_UnixSockets, KernelManager):
    """The blocking KernelManager on Unix sockets (nbval; tests that drive a kernel by hand)."""


class AsyncIpcKernelManager(_UnixSockets, AsyncKernelManager):
    """The asynchronous KernelManager on Unix sockets, for nbclient and jupyter-cache."""


def pytest_configure(config):
    """nbval starts each notebook's kernel with this module's manager."""
    try:
        import nbval.kernel
    except ImportError:  # nbval not installed: nothing to change
        return
    nbval.kernel.KernelManager = IpcKernelManager
