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

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Lessons whose stored notebook is in sync and fresh are not executed a second time by the build.
book: $(STAMP)
	@# Sphinx's saved environment breaks on a changed table of contents: start afresh then.
	@if [ -e _build/.doctrees/environment.pickle ] && [ -n "$$(find _toc.yml _config.yml -newer _build/.doctrees/environment.pickle)" ]; then \
		rm -rf _build/.doctrees _build/html; fi
	$(BIN)/python tools/lesson_pairs.py --prime-cache _build/.jupyter_cache lessons/[0-9]*.md
	$(JB) build . $(JBFLAGS)
	@echo "The book is in _build/html: open $(CURDIR)/_build/html/index.html"

# Two workers; each test file stays on one worker (nbval runs a notebook's cells in order).
# The book build runs beside the tests that do not read it (it keeps about one core busy, mostly
# executing one chapter at a time); the tests that read the build (pages, browser, glued numbers)
# run once it has succeeded.
BOOK_TESTS := tests/test_book.py tests/test_browser.py tests/test_glue.py tests/test_learner_links.py
test: $(STAMP)
	@mkdir -p _build
	@$(MAKE) --no-print-directory book > _build/book.log 2>&1 & build=$$!; \
	$(BIN)/python -m pytest -n 2 --dist loadfile $(addprefix --ignore=,$(BOOK_TESTS)); tests=$$?; \
	wait $$build; book=$$?; cat _build/book.log; \
	if [ $$book -ne 0 ]; then echo "make book failed (see above): the built pages are not tested"; exit 1; fi; \
	$(BIN)/python -m pytest -n 2 --dist loadfile $(BOOK_TESTS); pages=$$?; \
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
