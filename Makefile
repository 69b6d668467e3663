# Two commands matter: `make book` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
# Warnings are errors: a failing cell, a broken reference or an unknown directive fails the build.
JBFLAGS := -W -n --keep-going

.PHONY: book test lab lessons check-lessons check-other-cpu benchmarks clean help

help:
	@echo "make book      build the HTML book into _build/html"
	@echo "make test      build the book, then run every test (engine, lessons, browser)"
	@echo "make lab       open the learner notebooks in JupyterLab (course environment + JupyterLab only)"
	@echo "make lessons   re-execute every lesson .md into its paired .ipynb and its learner edition"
	@echo "make check-other-cpu  compare every lesson's outputs as another CPU computes them"
	@echo "make benchmarks  rerun the speed benchmarks (not part of the tests)"

# pip brings uv (pinned in requirements-dev.txt), and uv installs the rest: the same pinned
# versions as pip would, linked from its cache instead of unpacked one by one.
UV := $(shell grep '^uv==' requirements-dev.txt)
# Python writes each module's .pyc when it first imports it, and every later process reuses it,
# even where PYTHONDONTWRITEBYTECODE is set (as on CI): otherwise each of the hundred-odd processes
# of `make test` (pytest workers, kernels, the build) would compile what it imports again. Cheaper
# than compiling every module of every package at install time (22 s of CPU for .venv alone,
# most of it never imported).
unexport PYTHONDONTWRITEBYTECODE
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(UV)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	@# jsonschema's optional IRI checker (pulled in by jupyter-events) compiles a grammar whenever
	@# nbformat is imported: 2.5 s of CPU in each of the twenty-odd processes of `make test` that
	@# read a notebook. Nothing here validates IRIs; without it jsonschema skips that format.
	$(BIN)/uv pip uninstall --quiet --python $(BIN)/python rfc3987-syntax
	touch $@

# Lessons whose stored notebook is in sync and fresh are not executed a second time by the build.
book: $(STAMP)
	@# Sphinx's saved environment breaks on a changed table of contents: start afresh then.
	@if [ -e _build/.doctrees/environment.pickle ] && [ -n "$$(find _toc.yml _config.yml -newer _build/.doctrees/environment.pickle)" ]; then \
		rm -rf _build/.doctrees _build/html; fi
	@# Stored lessons (animations redrawn) and executed chapters go into the cache on every core.
	$(BIN)/python tools/book_cache.py _build/.jupyter_cache lessons/[0-9]*.md book/*.md
	$(JB) build . $(JBFLAGS)
	@echo "The book is in _build/html: open $(CURDIR)/_build/html/index.html"

# Two workers; each test file stays on one worker (nbval runs a notebook's cells in order).
# Two streams run at once. The book build and then the tests that read it (pages, browser, glued
# numbers) are the longest chain, so they run at normal priority; every other test runs beside
# them at a lower priority (nice) and fills the cores whenever the chain leaves one idle.
# The notebook runs (nbval, the Binder and Colab tests) ignore the animations' and live demos'
# output, so they step each animation and update each demo without drawing (DLMATH_DRAW_ANIMATIONS=0,
# see dlmath/widgets/figure.py); the build draws the animations for the pages (tests/test_book.py
# checks them there), tests/test_widgets.py draws every demo after every control change. The
# learner editions are compared in the Binder test's run (on the emulated CPU) and run with the
# solutions filled in by the Colab test; the full lessons are compared on both CPUs.
BOOK_TESTS := tests/test_book.py tests/test_browser.py tests/test_glue.py tests/test_learner_links.py
# The browser test keeps one worker of the chain busy for about a minute; two test files that do not
# need the build run beside it on the other worker instead of lengthening the other stream.
CHAIN_TESTS := $(BOOK_TESTS) tests/test_harness.py tests/test_animation_frames.py
PYTEST := env DLMATH_DRAW_ANIMATIONS=0 $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder
test: $(STAMP)
	@mkdir -p _build; rm -f _build/book-tests.log
	@( $(MAKE) --no-print-directory book > _build/book.log 2>&1 || exit 3; \
	   $(PYTEST) $(CHAIN_TESTS) > _build/book-tests.log 2>&1 ) & chain=$$!; \
	nice -n 10 $(PYTEST) $(addprefix --ignore=,$(CHAIN_TESTS) lessons/learner); tests=$$?; \
	wait $$chain; pages=$$?; \
	cat _build/book.log; if [ -e _build/book-tests.log ]; then cat _build/book-tests.log; fi; \
	if [ $$pages -eq 3 ]; then echo "make book failed (see above): the built pages are not tested"; fi; \
	if [ $$tests -ne 0 ]; then echo "some tests failed (see the first pytest run above)"; fi; \
	exit $$(( tests || pages ))

# What a learner needs and nothing more: the course environment (requirements.txt, as on Binder)
# and JupyterLab (the version requirements-dev.txt pins), in their own environment.
LAB := .venv-lab
JUPYTERLAB := $(shell grep '^jupyterlab==' requirements-dev.txt)
$(LAB)/.installed: requirements.txt pyproject.toml requirements-dev.txt
	test -x $(LAB)/bin/python || $(PYTHON) -m venv $(LAB)
	$(LAB)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt "$(JUPYTERLAB)"
	touch $@

lab: $(LAB)/.installed
	$(LAB)/bin/jupyter lab lessons/learner/

# Refresh the stored notebooks from the edited markdown: outputs must be those of a fresh run.
# Then the learner editions (lessons/learner/), which take glued values from the full notebooks.
lessons: $(STAMP)
	$(BIN)/python tools/lesson_pairs.py --execute lessons/*.md
	$(BIN)/python tools/learner_edition.py --execute lessons/*.md

check-lessons: $(STAMP)
	$(BIN)/python tools/lesson_pairs.py lessons/*.md
	$(BIN)/python tools/learner_edition.py lessons/*.md

# Strict nbval on every lesson as another CPU computes (NumPy SIMD dispatch off, baseline BLAS).
check-other-cpu: $(STAMP)
	$(BIN)/python tools/other_cpu.py -- $(BIN)/python -m pytest -p no:xdist -q lessons/

# The speed comparison includes PyTorch (CPU), which the course itself does not need: it gets
# its own environment so requirements.txt stays light.
BENCH := .venv-bench
benchmarks: $(STAMP)
	test -x $(BENCH)/bin/python || $(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt torch==2.13.0
	$(BENCH)/bin/python benchmarks/training_step.py
	$(BIN)/python benchmarks/widget_latency.py

clean:
	rm -rf _build
