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

Kernels forked from a warm process
----------------------------------
`make test` starts about sixty kernels (every lesson on two CPUs, the learner editions, the
chapters, the Colab-like runs), and each new Python spent about 1.2 s of CPU importing ipykernel,
NumPy and matplotlib.pyplot before the notebook's first cell did anything: a fifth of the whole
run. So on Linux a kernel is forked from a *fork server*: one process per interpreter and
environment (the dev venv, the Binder venv on the emulated CPU, the Colab-like venv) that has
imported those modules once and forks a child for each kernel. The child then runs
``python -m ipykernel_launcher -f ...`` exactly as a new process would (``runpy``, the kernel's
own working directory, environment and arguments, its own session), with the modules already in
``sys.modules``: a lesson's ``import matplotlib.pyplot`` finds them there. The server is started
with the kernel's environment, so what NumPy and OpenBLAS read at import (the emulated CPU's
``NPY_DISABLE_CPU_FEATURES``, ``OPENBLAS_CORETYPE``) and matplotlib's backend (``MPLBACKEND``,
which ipykernel sets to the inline backend) are those of the kernel. Nothing that looks for a
running IPython at import (ipywidgets, matplotlib_inline) is imported before the kernel exists.

`make lessons` (``tools/lesson_pairs.py --execute``) writes the stored notebooks with new processes
(it sets ``DLMATH_FRESH_KERNELS=1``), and the tests compare every output strictly in forked kernels:
a difference would fail nbval. Where forking does not apply (another OS, a kernel command that is
not ``python -m module``), or with ``DLMATH_FRESH_KERNELS=1``, kernels are new processes as usual.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.paths import jupyter_runtime_dir


# Imported once by each fork server: what every kernel and every lesson imports first. Only
# modules that do not look for a running IPython when imported (ipywidgets and matplotlib_inline
# do: they register their comm target and display hooks with the shell they find).
PRELOAD = ("ipykernel.kernelapp", "numpy", "matplotlib.pyplot", "dlmath", "dlmath.exercises")

# The fork server, run by the kernel's own interpreter (standard library only). Requests come as
# JSON lines on stdin; each gets the forked kernel's pid on stdout. When stdin closes (its client
# has exited), it kills the kernels it forked and exits.
SERVER = r"""
import importlib, json, os, random, runpy, signal, sys
sys.path.pop(0)  # '' (this server's folder); the kernel gets its own folder below, as `-m` gives
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
children = set()
def reap(*_):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
signal.signal(signal.SIGCHLD, reap)
protocol = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:  # the kernel: from here on, as `python -m module args` in its own session
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        protocol.close()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        sys.path.insert(0, os.getcwd())
        os.environ.clear()
        os.environ.update(request["env"])
        # The kernel exits when its parent, this server, does (jupyter_client's launcher sets
        # JPY_PARENT_PID; ipykernel read it when this server imported it, so it is also an argument).
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        args = [*request["args"], "--IPKernelApp.parent_handle=" + os.environ["JPY_PARENT_PID"]]
        random.seed()  # a new process draws new seeds
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [request["module"], *args]
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        sys.exit(0)  # then the interpreter exits as any kernel does (threads joined, atexit run)
    children.add(pid)
    protocol.write(json.dumps({"pid": pid}) + "\n")
    protocol.flush()
for pid in list(children):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
"""


class ForkedKernel:
    """The Popen-like handle of a forked kernel (what LocalProvisioner calls on its process).
    The kernel is the fork server's child, which reaps it: it has ended when it is gone or a zombie."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self):
        if self.returncode is None:
            try:
                with open(f"/proc/{self.pid}/stat", "rb") as stat:
                    state = stat.read().rsplit(b")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError, IndexError):
                state = b"X"
            if state in (b"Z", b"X"):
                self.returncode = 0  # (its exit status went to the fork server)
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """One warm interpreter that forks kernels; see the module's docstring."""

    def __init__(self, interpreter: list[str], env: dict):
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [*interpreter, "-c", SERVER, *PRELOAD], env=env, cwd=jupyter_runtime_dir(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)

    def fork(self, module: str, args: list[str], env: dict, cwd: str) -> ForkedKernel:
        request = json.dumps({"module": module, "args": args, "env": env, "cwd": cwd})
        with self.lock:
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
            reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the kernel fork server ({self.process.args[0]}) has exited")
        return ForkedKernel(json.loads(reply)["pid"])

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


_servers: dict[tuple, ForkServer] = {}
VOLATILE = ("JPY_", "PYTEST_CURRENT_TEST")


def fork_server(cmd: list[str], env: dict) -> ForkServer | None:
    """The fork server for this kernel command and environment (started on first use), or None
    where kernels are not forked."""
    if sys.platform != "linux" or os.environ.get("DLMATH_FRESH_KERNELS") or "-m" not in cmd[1:]:
        return None
    options = cmd[1:cmd.index("-m", 1)]  # the interpreter's own, e.g. -Xfrozen_modules=off
    if not all(option.startswith("-X") for option in options):
        return None
    python = shutil.which(cmd[0], path=env.get("PATH")) if os.sep not in cmd[0] else cmd[0]
    if python is None:
        return None
    # Variables that differ for every kernel (jupyter_client's session, pytest's current test)
    # are only read once the kernel runs; any other may decide what an import does, so a
    # different value gets its own server.
    stable = {k: v for k, v in env.items() if not k.startswith(VOLATILE)}
    key = (os.path.realpath(python), *options, tuple(sorted(stable.items())))
    server = _servers.get(key)
    if server is None or server.process.poll() is not None:
        server = _servers[key] = ForkServer([python, *options], stable)
    return server


@atexit.register
def _close_servers() -> None:
    for server in _servers.values():
        server.close()


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

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """Fork the kernel from a warm interpreter where that applies (see the module's docstring)."""
        env = kw.get("env") or dict(os.environ)
        server = fork_server(kernel_cmd, env) if type(self.provisioner) is LocalProvisioner else None
        if server is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = str(kw.get("cwd") or os.getcwd())
        module = kernel_cmd.index("-m", 1) + 1
        kernel = server.fork(kernel_cmd[module], [os.path.expanduser(a) for a in kernel_cmd[module + 1:]],
                             env, cwd)
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid, provisioner.cwd = kernel, kernel.pid, kernel.pid, cwd
        self._reconcile_connection_info(provisioner.connection_info)


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
