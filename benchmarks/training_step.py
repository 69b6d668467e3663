"""How long does one training step of a small MLP take in dlmath?

The same network is trained for one step (forward pass, backward pass,
gradient-descent update) by five implementations:

* ``numpy``     - the maths written out by hand with NumPy arrays (the baseline);
* ``dlmath``    - the course's graph engine, TensorFlow-1 style;
* ``dlmath_readable`` - the same with ``Session(compiled=False)``: no fast path;
* ``micrograd`` - Karpathy's scalar autograd, one Python object per number;
* ``torch``     - PyTorch on the CPU.

Network: 2 input features -> hidden layer with ReLU -> 2 logits -> mean
softmax cross-entropy against one-hot labels, float64 everywhere, learning
rate 0.1. Two sizes: small (batch 64, hidden 16) and large (batch 1024,
hidden 256). The inputs are points of ``dlmath.data.spirals``.

Before timing, every implementation computes the loss and the four gradients
from the same initial weights, and they must agree with the NumPy baseline
(to 1e-9 relative); a contestant that disagrees is reported and not timed.

Timing works like ``timeit``: a repeat runs enough steps to take at least
``MIN_REPEAT_SECONDS``, and the reported time per step is the median over
``REPEATS`` repeats. The contestants take turns (repeat 1 of each, then
repeat 2 of each, ...), so that other programs slowing the machine down for a
while slow all of them alike, and their ratios stay comparable. Every library is pinned to one thread (environment
variables set below, before NumPy is imported, and ``torch.set_num_threads(1)``)
so that no contestant wins by using more cores than another.

Every contestant also runs with the same glibc allocator setting:
``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864`` (see
``ALLOCATOR``). By default glibc hands freed multi-megabyte arrays back to the
system, and every large step then pays page faults to get them again; with the
setting freed memory is kept and reused. glibc reads these variables only when
a process starts, so the script re-executes itself with them set (``--default-malloc``
measures glibc's defaults instead). It is a setting of the process, not of any
contestant: it speeds up hand-written NumPy, dlmath and PyTorch alike.

micrograd builds a Python object for every scalar, so at the large size one
step takes minutes: there a single step is timed once (and its loss and
gradients are the ones checked), and the JSON says so.

Run from the repository root (PyTorch optional; a missing contestant is
skipped with a note)::

    python benchmarks/training_step.py            # writes benchmarks/results/training_step.json
    python benchmarks/training_step.py --quick    # fewer repeats, no file written
"""

import os
import sys

ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": "33554432",   # arrays < 32 MB from the heap
             "MALLOC_TRIM_THRESHOLD_": "67108864"}   # keep up to 64 MB of freed heap

if "--default-malloc" not in sys.argv and \
        any(os.environ.get(k) != v for k, v in ALLOCATOR.items()):
    os.environ.update(ALLOCATOR)                     # read by glibc at process start:
    os.execv(sys.executable, [sys.executable, *sys.argv])   # so start again with it

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy (and its BLAS) is loaded

import argparse
import datetime
import gc
import json
import math
import platform
import statistics
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # use this checkout's dlmath

SIZES = [
    {"name": "small", "batch": 64, "hidden": 16},
    {"name": "large", "batch": 1024, "hidden": 256},
]
INPUTS = 2
CLASSES = 2
LEARNING_RATE = 0.1
REPEATS = 15             # many short repeats in turns: a median robust to a busy machine
MIN_REPEAT_SECONDS = 0.1
RESULTS = ROOT / "benchmarks" / "results" / "training_step.json"


# ---------------------------------------------------------------- the problem

def make_problem(batch, hidden, seed=0):
    """Inputs, one-hot labels and initial weights, the same for everybody."""
    from dlmath.data import one_hot, spirals

    X, y = spirals(n=batch, seed=seed)
    Y = one_hot(y, CLASSES)
    rng = np.random.default_rng(seed + 1)
    params = {
        "W1": rng.standard_normal((INPUTS, hidden)) * math.sqrt(2.0 / INPUTS),
        "b1": np.full(hidden, 0.01),
        "W2": rng.standard_normal((hidden, CLASSES)) * math.sqrt(1.0 / hidden),
        "b2": np.zeros(CLASSES),
    }
    return X, Y, params


# ---------------------------------------------------------------- contestants
#
# Each contestant is a function (X, Y, params) -> object with
#   .loss_and_gradients() -> (loss, {name: gradient}) without changing weights
#   .step()               -> one training step (forward, backward, update)


class NumpyMLP:
    """The maths by hand: the baseline every other implementation is compared to."""

    label = "NumPy (by hand)"

    def __init__(self, X, Y, params):
        self.X, self.Y = X, Y
        self.p = {k: v.copy() for k, v in params.items()}

    def _forward_backward(self):
        X, Y, p = self.X, self.Y, self.p
        z1 = X @ p["W1"] + p["b1"]
        h = np.maximum(z1, 0.0)
        z2 = h @ p["W2"] + p["b2"]
        shifted = z2 - z2.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        batch = X.shape[0]
        loss = -np.sum(Y * logp) / batch
        d_z2 = (np.exp(logp) - Y) / batch          # softmax - labels
        d_h = d_z2 @ p["W2"].T
        d_z1 = d_h * (z1 > 0)                      # ReLU lets gradient through where z1 > 0
        grads = {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0),
                 "W2": h.T @ d_z2, "b2": d_z2.sum(axis=0)}
        return loss, grads

    def loss_and_gradients(self):
        return self._forward_backward()

    def step(self):
        _, grads = self._forward_backward()
        for name, grad in grads.items():
            self.p[name] -= LEARNING_RATE * grad


class DlmathMLP:
    """The course's engine, used the way a lesson uses it."""

    label = "dlmath"
    compiled = True    # Session's fast path for repeated runs (dlmath.compiled)

    def __init__(self, X, Y, params):
        import dlmath as dm

        self.dm = dm
        self.graph = dm.Graph()
        with self.graph.as_default():
            self.x = dm.placeholder("x")
            self.y = dm.placeholder("y")
            self.vars = {k: dm.Variable(v, name=k) for k, v in params.items()}
            hidden = dm.relu(self.x @ self.vars["W1"] + self.vars["b1"])
            logits = hidden @ self.vars["W2"] + self.vars["b2"]
            self.loss = dm.softmax_cross_entropy(logits, self.y)
            self.train_op = dm.train.GradientDescentOptimizer(LEARNING_RATE).minimize(self.loss)
        self.session = dm.Session(compiled=self.compiled)
        self.feed = {self.x: X, self.y: Y}

    def loss_and_gradients(self):
        names = list(self.vars)
        loss = self.session.run(self.loss, self.feed)
        grads = self.dm.gradients(self.loss, [self.vars[n] for n in names], self.feed)
        return float(loss), dict(zip(names, grads))

    def step(self):
        self.session.run(self.train_op, self.feed)


class DlmathReadableMLP(DlmathMLP):
    """dlmath with its fast path off: every step through the readable forward
    pass, ``autodiff.backward`` and the optimizer (``Session(compiled=False)``)."""

    label = "dlmath (readable path)"
    compiled = False


class MicrogradMLP:
    """micrograd: every weight, activation and intermediate is a Python ``Value``."""

    label = "micrograd"

    def __init__(self, X, Y, params):
        from micrograd.engine import Value
        from micrograd.nn import MLP

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # its backward recurses
        self.Value = Value
        hidden = params["W1"].shape[1]
        self.model = MLP(INPUTS, [hidden, CLASSES])  # ReLU hidden layer, linear output
        first, second = self.model.layers
        for j, neuron in enumerate(first.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(params["W1"][i, j])
            neuron.b.data = float(params["b1"][j])
        for j, neuron in enumerate(second.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(params["W2"][i, j])
            neuron.b.data = float(params["b2"][j])
        self.X = X.tolist()
        self.labels = [int(k) for k in Y.argmax(axis=1)]

    def _exp(self, v):
        out = self.Value(math.exp(v.data), (v,), "exp")

        def backward():
            v.grad += out.data * out.grad
        out._backward = backward
        return out

    def _log(self, v):
        out = self.Value(math.log(v.data), (v,), "log")

        def backward():
            v.grad += out.grad / v.data
        out._backward = backward
        return out

    def _loss(self):
        total = self.Value(0.0)
        for x, label in zip(self.X, self.labels):
            logits = self.model(x)
            top = max(z.data for z in logits)   # a constant shift, for stability
            shifted = [z - top for z in logits]
            log_norm = self._log(sum((self._exp(s) for s in shifted), self.Value(0.0)))
            total = total + (log_norm - shifted[label])  # -log softmax of the true class
        return total * (1.0 / len(self.X))

    def _forward_backward(self):
        self.model.zero_grad()
        loss = self._loss()
        loss.backward()
        return loss

    def loss_and_gradients(self):
        loss = self._forward_backward()
        return loss.data, self.gradients()

    def gradients(self):
        """The gradients left in the ``.grad`` fields by the last backward pass."""
        first, second = self.model.layers
        return {
            "W1": np.array([[n.w[i].grad for n in first.neurons] for i in range(INPUTS)]),
            "b1": np.array([n.b.grad for n in first.neurons]),
            "W2": np.array([[n.w[i].grad for n in second.neurons]
                            for i in range(len(first.neurons))]),
            "b2": np.array([n.b.grad for n in second.neurons]),
        }

    def step(self):
        self.last_loss = self._forward_backward().data
        for p in self.model.parameters():
            p.data -= LEARNING_RATE * p.grad


class TorchMLP:
    """PyTorch on the CPU, float64 like the others, one thread."""

    label = "PyTorch (CPU)"

    def __init__(self, X, Y, params):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.X = torch.from_numpy(X.copy())
        self.Y = torch.from_numpy(Y.copy())
        self.p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                  for k, v in params.items()}

    def _loss(self):
        torch, p = self.torch, self.p
        hidden = torch.relu(self.X @ p["W1"] + p["b1"])
        logits = hidden @ p["W2"] + p["b2"]
        return -(self.Y * torch.log_softmax(logits, dim=1)).sum() / self.X.shape[0]

    def loss_and_gradients(self):
        for t in self.p.values():
            t.grad = None
        loss = self._loss()
        loss.backward()
        return loss.item(), {k: t.grad.numpy().copy() for k, t in self.p.items()}

    def step(self):
        loss = self._loss()
        loss.backward()
        with self.torch.no_grad():
            for t in self.p.values():
                t -= LEARNING_RATE * t.grad
                t.grad = None


CONTESTANTS = {
    "numpy": (NumpyMLP, "numpy"),
    "dlmath": (DlmathMLP, "dlmath"),
    "dlmath_readable": (DlmathReadableMLP, "dlmath"),
    "micrograd": (MicrogradMLP, "micrograd"),
    "torch": (TorchMLP, "torch"),
}


# ---------------------------------------------------------------- measuring

def installed(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def agree(reference, other, rtol=1e-9, atol=1e-12):
    """Largest relative difference of loss and gradients; raises if too big."""
    ref_loss, ref_grads = reference
    loss, grads = other
    worst = abs(loss - ref_loss) / max(abs(ref_loss), 1e-300)
    for name, ref in ref_grads.items():
        got = np.asarray(grads[name], dtype=np.float64).reshape(ref.shape)
        if not np.allclose(got, ref, rtol=rtol, atol=atol):
            raise AssertionError(f"gradient of {name} differs from NumPy's by "
                                 f"{np.max(np.abs(got - ref)):.3g}")
        scale = max(np.max(np.abs(ref)), 1e-300)
        worst = max(worst, float(np.max(np.abs(got - ref)) / scale))
    if not math.isclose(loss, ref_loss, rel_tol=rtol, abs_tol=atol):
        raise AssertionError(f"loss {loss!r} differs from NumPy's {ref_loss!r}")
    return worst


def steps_per_repeat(model, min_seconds):
    """Like ``timeit.autorange``: after a warm-up step, how many steps in a row
    take at least ``min_seconds``."""
    model.step()  # warm-up (caches, lazy imports, dlmath's compiled plan)
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            model.step()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return number
        number *= 2 if elapsed > min_seconds / 10 else 10


def time_interleaved(models, repeats):
    """{key: per-repeat seconds per step} for ``models`` ({key: (model, steps
    per repeat)}), taking turns: repeat 1 of every model, then repeat 2, ...
    so that a change in the machine's load during the run hits all of them
    alike (their ratios are what the page compares)."""
    per_step = {key: [] for key in models}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as timeit does
    try:
        for _ in range(repeats):
            for key, (model, number) in models.items():
                start = time.perf_counter()
                for _ in range(number):
                    model.step()
                per_step[key].append((time.perf_counter() - start) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    return per_step


def time_single_step(model):
    """One step, timed once (for a contestant too slow for more)."""
    gc.collect()
    start = time.perf_counter()
    model.step()
    return time.perf_counter() - start


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for package in ("dlmath", "micrograd", "torch"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        versions["numpy_blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older NumPy: not essential
        versions["numpy_blas"] = None
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run(repeats, min_seconds, only=None, log=print):
    report = {
        "machine": machine_info(),
        "settings": {
            "network": f"{INPUTS} inputs -> hidden ReLU -> {CLASSES} logits -> mean softmax cross-entropy",
            "dtype": "float64",
            "learning_rate": LEARNING_RATE,
            "threads": 1,
            "allocator": ({k: os.environ.get(k) for k in ALLOCATOR}
                          if all(os.environ.get(k) == v for k, v in ALLOCATOR.items())
                          else "glibc defaults"),
            "repeats": repeats,
            "min_repeat_seconds": min_seconds,
            "statistic": "median seconds per step over the repeats",
            "order": "interleaved: repeat 1 of every contestant, then repeat 2, ...",
        },
        "sizes": [],
        "skipped": [],
    }
    available = {}
    for key, (cls, module) in CONTESTANTS.items():
        if only and key not in only:
            continue
        if installed(module):
            available[key] = cls
        else:
            note = f"{module} is not installed in this environment"
            report["skipped"].append({"key": key, "implementation": cls.label, "reason": note})
            log(f"skipping {cls.label}: {note}")

    for size in SIZES:
        X, Y, params = make_problem(size["batch"], size["hidden"])
        reference = NumpyMLP(X, Y, params).loss_and_gradients()
        entry = dict(size, initial_loss=float(reference[0]), results=[])
        log(f"\n{size['name']}: batch {size['batch']}, hidden {size['hidden']}, "
            f"initial loss {reference[0]:.6f}")
        timed = {}     # key -> (model, steps per repeat), timed together below
        for key, cls in available.items():
            slow = key == "micrograd" and size["name"] == "large"
            build_start = time.perf_counter()
            model = cls(X, Y, params)
            check_start = time.perf_counter()
            try:
                if slow:
                    # one step takes minutes: time it once, then check the loss and the
                    # gradients it left behind (the update changes .data, not .grad)
                    seconds = time_single_step(model)
                    difference = agree(reference, (model.last_loss, model.gradients()))
                else:
                    difference = agree(reference, model.loss_and_gradients())
            except AssertionError as exc:
                log(f"  {cls.label:16s} DISAGREES with NumPy, not timed: {exc}")
                entry["results"].append({"key": key, "implementation": cls.label,
                                         "error": str(exc)})
                continue
            result = {
                "key": key,
                "implementation": cls.label,
                "max_relative_difference_from_numpy": difference,
                "setup_seconds": check_start - build_start,
                "check_seconds": time.perf_counter() - check_start,
                "note": ("a single step timed once: micrograd needs minutes per step "
                         "at this size" if slow else ""),
            }
            entry["results"].append(result)
            if slow:
                result.update(seconds_per_step=seconds, repeats_seconds_per_step=[seconds],
                              steps_per_repeat=1)
            else:
                timed[key] = (model, steps_per_repeat(model, min_seconds))
        per_step = time_interleaved(timed, repeats)
        for result in entry["results"]:
            if result["key"] in timed:
                result.update(seconds_per_step=statistics.median(per_step[result["key"]]),
                              repeats_seconds_per_step=per_step[result["key"]],
                              steps_per_repeat=timed[result["key"]][1])
            if "seconds_per_step" in result:
                log(f"  {result['implementation']:16s} {result['seconds_per_step'] * 1e3:10.3f} "
                    f"ms/step  ({len(result['repeats_seconds_per_step'])} x "
                    f"{result['steps_per_repeat']} steps; agrees to "
                    f"{result['max_relative_difference_from_numpy']:.1e})")
        base = next((r["seconds_per_step"] for r in entry["results"]
                     if r["key"] == "numpy" and "seconds_per_step" in r), None)
        for r in entry["results"]:
            if base and "seconds_per_step" in r:
                r["ratio_to_numpy"] = r["seconds_per_step"] / base
        report["sizes"].append(entry)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 short repeats and do not write the results file")
    parser.add_argument("--only", nargs="+", choices=sorted(CONTESTANTS),
                        help="time only these implementations (numpy is the reference either way)")
    parser.add_argument("--default-malloc", action="store_true",
                        help="keep glibc's default allocator settings (slower large steps for everybody)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help=f"where to write the JSON (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    repeats, min_seconds = (3, 0.05) if args.quick else (REPEATS, MIN_REPEAT_SECONDS)
    report = run(repeats, min_seconds, only=args.only)

    print("\nratios (time per step):")
    for entry in report["sizes"]:
        times = {r["key"]: r["seconds_per_step"] for r in entry["results"] if "seconds_per_step" in r}
        parts = []
        if "dlmath" in times and "numpy" in times:
            parts.append(f"dlmath/NumPy {times['dlmath'] / times['numpy']:.2f}")
        if "dlmath_readable" in times and "numpy" in times:
            parts.append(f"readable/NumPy {times['dlmath_readable'] / times['numpy']:.2f}")
        if "micrograd" in times and "dlmath" in times:
            parts.append(f"micrograd/dlmath {times['micrograd'] / times['dlmath']:.0f}")
        if "torch" in times and "numpy" in times:
            parts.append(f"PyTorch/NumPy {times['torch'] / times['numpy']:.2f}")
        print(f"  {entry['name']:6s} " + ", ".join(parts))

    if not args.quick:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
