"""The test harness itself must catch what it promises to catch.

Each test makes a throw-away lesson, breaks it in one specific way, and checks that the same tools
`make test` uses (nbval in strict mode, the pair checks, the -W book build) fail on it.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

import lesson_pairs

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

LESSON = textwrap.dedent(
    """\
    ---
    jupytext:
      formats: ipynb,md:myst
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    # A tiny lesson

    ```{code-cell} ipython3
    import numpy as np
    rng = np.random.default_rng(0)
    print(rng.normal(size=3).round(6))
    ```

    ```{code-cell} ipython3
    object()  # its repr holds a memory address, which the sanitizer normalises
    ```
    """
)


def run_nbval(*notebooks: Path) -> subprocess.CompletedProcess:
    """Run nbval exactly as `make test` does, on notebooks of one folder, outside this repo's config."""
    folder = notebooks[0].parent
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(folder), "-p", "kernels", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), *map(str, notebooks)],
        capture_output=True, text=True, cwd=folder, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},  # -p kernels: Unix-socket kernels
    )


@pytest.fixture(scope="module")
def lesson(tmp_path_factory) -> Path:
    """A correct lesson pair, executed the way `make lessons` does it."""
    md = tmp_path_factory.mktemp("lesson") / "01-tiny.md"
    md.write_text(LESSON)
    lesson_pairs.execute(md)
    return md


def copy_pair(lesson: Path, tmp_path: Path) -> Path:
    for path in (lesson, lesson_pairs.twin(lesson)):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    return tmp_path / lesson.name


@pytest.fixture(scope="module")
def nbval_on_three_notebooks(lesson, tmp_path_factory) -> dict[str, str]:
    """One nbval run, as `make test` runs it, over the good lesson and two broken copies of it.

    Returns each notebook's report: "" if all its cells passed, else its failure sections.
    (One run for the three, because starting pytest with nbval costs more than the cells.)
    """
    folder = tmp_path_factory.mktemp("three")
    good = folder / "good.ipynb"
    good.write_bytes(lesson_pairs.twin(lesson).read_bytes())

    broken = nbformat.read(good, as_version=4)
    broken.cells[1].source = "raise ValueError('deliberately broken')"
    nbformat.write(broken, folder / "broken.ipynb")

    changed = nbformat.read(good, as_version=4)
    stream = changed.cells[1].outputs[0]
    stream["text"] = stream["text"].replace("0.", "9.", 1)
    nbformat.write(changed, folder / "changed.ipynb")

    result = run_nbval(*(folder / f"{name}.ipynb" for name in ("good", "broken", "changed")))
    sections = re.split(r"\n_{3,} (\S+?)::\S.*? _{3,}\n", result.stdout)
    reports = {name: "" for name in ("good", "broken", "changed")}
    for header, body in zip(sections[1::2], sections[2::2]):
        reports[Path(header).stem] += body
    failed = {Path(line.split()[1].split("::")[0]).stem
              for line in result.stdout.splitlines() if line.startswith("FAILED ")}
    assert failed == {name for name, body in reports.items() if body}, result.stdout
    return reports


@pytest.mark.slow
def test_a_good_lesson_passes_every_check(lesson, nbval_on_three_notebooks):
    assert lesson_pairs.sync_problems(lesson) == []
    assert lesson_pairs.freshness_problems(lesson_pairs.twin(lesson)) == []
    assert nbval_on_three_notebooks["good"] == ""


@pytest.mark.slow
def test_a_broken_cell_fails_nbval(nbval_on_three_notebooks):
    assert "deliberately broken" in nbval_on_three_notebooks["broken"]


@pytest.mark.slow
def test_a_changed_stored_output_fails_nbval(nbval_on_three_notebooks):
    assert "mismatch" in nbval_on_three_notebooks["changed"].lower()


def test_an_out_of_sync_pair_is_reported(lesson, tmp_path):
    md = copy_pair(lesson, tmp_path)
    md.write_text(md.read_text().replace("size=3", "size=4"))
    problems = lesson_pairs.sync_problems(md)
    assert len(problems) == 1 and "differs in its source" in problems[0]


def test_a_missing_twin_is_reported(lesson, tmp_path):
    md = tmp_path / lesson.name
    md.write_text(lesson.read_text())
    assert "no paired notebook" in lesson_pairs.sync_problems(md)[0]


def test_a_notebook_not_run_top_to_bottom_is_reported(lesson, tmp_path):
    md = copy_pair(lesson, tmp_path)
    notebook = nbformat.read(lesson_pairs.twin(md), as_version=4)
    notebook.cells[2].execution_count = 7  # as if a cell had been re-run by hand
    nbformat.write(notebook, lesson_pairs.twin(md))
    problems = lesson_pairs.freshness_problems(lesson_pairs.twin(md))
    assert problems and "not executed top to bottom" in problems[0]


def test_an_unexecuted_notebook_is_reported(lesson, tmp_path):
    md = copy_pair(lesson, tmp_path)
    notebook = nbformat.read(lesson_pairs.twin(md), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = None, []
    nbformat.write(notebook, lesson_pairs.twin(md))
    assert "never executed" in lesson_pairs.freshness_problems(lesson_pairs.twin(md))[0]


@pytest.mark.slow
def test_a_failing_chapter_cell_fails_the_book_build(tmp_path):
    """Chapters are executed by the -W book build; a failing cell must fail it."""
    (tmp_path / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: force\nsphinx:\n  config:\n"
        "    nb_execution_raise_on_error: true\n"
    )
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (tmp_path / "index.md").write_text(
        LESSON.replace("formats: ipynb,md:myst\n  ", "").replace("object()", "1 / 0")
    )
    result = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(tmp_path), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stdout + result.stderr


def test_a_lesson_printing_roundoff_at_full_precision_is_reported(lesson, tmp_path):
    """A stored output with the last digits of round-off would fail strict nbval on another CPU."""
    md = copy_pair(lesson, tmp_path)
    assert lesson_pairs.roundoff_problems(lesson_pairs.twin(md)) == []
    notebook = nbformat.read(lesson_pairs.twin(md), as_version=4)
    stream = notebook.cells[1].outputs[0]
    stream["text"] = "largest difference: 1.7763568394002505e-15\n"  # what np.abs(a - b).max() printed
    nbformat.write(notebook, lesson_pairs.twin(md))
    problems = lesson_pairs.roundoff_problems(lesson_pairs.twin(md))
    assert len(problems) == 1 and "17 significant digits" in problems[0]
    # the same output in a cell whose output nbval does not compare is fine
    notebook.cells[1].metadata["tags"] = ["nbval-ignore-output"]
    nbformat.write(notebook, lesson_pairs.twin(md))
    assert lesson_pairs.roundoff_problems(lesson_pairs.twin(md)) == []


def test_the_other_cpu_switches_off_numpy_dispatch(tmp_path):
    """tools/other_cpu.py really changes the kernels NumPy uses in the process it starts."""
    probe = ("from numpy._core._multiarray_umath import __cpu_features__ as f, __cpu_dispatch__ as d;"
             "print(sorted(x for x in d if f.get(x)))")
    here = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    there = subprocess.run([sys.executable, str(ROOT / "tools" / "other_cpu.py"), "--",
                            sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert there.stdout.strip() == "[]", there.stdout + there.stderr
    if here.stdout.strip() == "[]":
        pytest.skip("NumPy dispatches to no extra features on this CPU (or emulation is already on)")


def test_notebook_kernels_talk_over_unix_sockets(tmp_path):
    """nbval and the notebook runners start kernels on Unix sockets (tools/kernels.py): no TCP port
    for another process to take between its choice and the kernel's bind."""
    import nbval.kernel
    from jupyter_client import BlockingKernelClient

    import kernels

    assert nbval.kernel.KernelManager is kernels.IpcKernelManager
    manager = kernels.IpcKernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path))  # the kernel's folder is not the client's
    client = manager.client()
    assert isinstance(client, BlockingKernelClient)
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive("print(6 * 7)", timeout=60, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok"
        info = manager.get_connection_info()
        assert info["transport"] == "ipc" and Path(info["ip"]).is_absolute()
        assert list(tmp_path.iterdir()) == [], "socket files belong in Jupyter's runtime folder"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_kernel_that_dies_or_hangs_in_a_cell_stops_the_run_with_a_clear_error(tmp_path):
    """The notebook runners (book cache, `make lessons`, the Colab test) report a kernel that dies
    in a cell and a cell that outlives its timeout, instead of waiting for ever. (With a blocking
    kernel manager nbclient waited for output in a call that blocked its event loop: a dead
    kernel hung the run.) In a subprocess with a time limit, so a regression fails, not hangs."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tools")!r})
        import nbformat
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        import lesson_pairs
        code = nbformat.v4.new_code_cell
        dies = nbformat.v4.new_notebook(cells=[code("import os; os._exit(3)"), code("print(1)")])
        try:
            lesson_pairs.run_notebook(dies, {str(tmp_path)!r}, timeout=60)
        except DeadKernelError:
            print("dead kernel reported")
        loops = nbformat.v4.new_notebook(cells=[code("import time\\nwhile True: time.sleep(0.05)")])
        try:
            lesson_pairs.run_notebook(loops, {str(tmp_path)!r}, timeout=2)
        except CellTimeoutError:
            print("timeout reported")
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"a notebook run hung on a dead or looping kernel:\n{hung.stdout}\n{hung.stderr}")
    assert done.stdout.split("\n")[:2] == ["dead kernel reported", "timeout reported"], \
        done.stdout + done.stderr[-3000:]


def test_forked_kernels_run_a_notebook_as_a_new_process_does(tmp_path, monkeypatch):
    """Kernels forked from a warm interpreter (tools/kernels.py) see the folder, path, arguments,
    environment, backend and signal handling a new kernel process sees; only the preloaded modules
    differ (which is what makes them fast)."""
    code = nbformat.v4.new_code_cell
    probe = [
        code("import os, sys\npreloaded = 'numpy' in sys.modules\n"
             "print(os.getcwd(), sys.path[0], sys.argv[0], os.environ.get('DLMATH_PROBE'))"),
        code("print(os.getppid() == int(os.environ['JPY_PARENT_PID']), os.getpgid(0) == os.getpid())"),
        code("import matplotlib.pyplot as plt\nprint(plt.get_backend())"),
        code("import time\ntry:\n    os.kill(os.getpid(), 2); time.sleep(5)\nexcept KeyboardInterrupt:\n"
             "    print('interrupt raised KeyboardInterrupt')"),
        code("print(preloaded)"),
    ]
    monkeypatch.setenv("DLMATH_PROBE", "seen")

    def run():
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in probe])
        lesson_pairs.run_notebook(notebook, tmp_path, timeout=60)
        return ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]

    forked = run()
    monkeypatch.setenv("DLMATH_FRESH_KERNELS", "1")
    fresh = run()
    assert forked[:-1] == fresh[:-1]
    folder, _, _, variable = fresh[0].split()
    assert (folder, variable) == (str(tmp_path), "seen")
    assert forked[1] == "True True\n" and forked[3] == "interrupt raised KeyboardInterrupt\n"
    assert (fresh[-1], forked[-1]) == ("False\n", "True\n"), "the kernel was not forked from the warm interpreter"
