# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (pinned CPU builds).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BACKENDS ?= tensorflow jax torch
KERAS_BACKEND ?= jax
PYTEST_ARGS ?=

.PHONY: demo test test-keras-min docs bench clean

$(VENV)/.installed: requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	$(PY) -m pip install -q --no-deps torchvision==0.28.0
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# One backend (KERAS_BACKEND, default jax) writes results/; several
# (BACKENDS="tensorflow jax torch") write results/<backend>/.
demo: $(VENV)/.installed
	@bs="$(if $(filter command line environment,$(origin BACKENDS)),$(BACKENDS),$(KERAS_BACKEND))"; \
	n=$$(echo $$bs | wc -w); for b in $$bs; do out=results; [ $$n -gt 1 ] && out=results/$$b; \
	  KERAS_BACKEND=$$b $(PY) examples/compare_regularizers.py --out $$out || exit 1; done

test: $(VENV)/.installed
	bash scripts/run_tests.sh $(PY) $(BACKENDS) -- $(PYTEST_ARGS)

# The same suite against the oldest Keras that pyproject.toml admits (with a
# JAX of its time), in its own environment, on the jax backend.
.venv-keras-min/.installed: requirements-keras-min.txt pyproject.toml
	$(PYTHON) -m venv .venv-keras-min
	.venv-keras-min/bin/python -m pip install -q --upgrade pip
	.venv-keras-min/bin/python -m pip install -q -r requirements-keras-min.txt
	.venv-keras-min/bin/python -m pip install -q --no-deps -e .
	touch $@

test-keras-min: .venv-keras-min/.installed
	bash scripts/run_tests.sh .venv-keras-min/bin/python jax -- -m "not slow" $(PYTEST_ARGS)

# The documentation site (site/), built with --strict: a broken reference,
# a missing page or a docstring that disagrees with its signature fails.
.venv-docs/.installed: requirements-docs.txt
	$(PYTHON) -m venv .venv-docs
	.venv-docs/bin/python -m pip install -q --upgrade pip
	.venv-docs/bin/python -m pip install -q -r requirements-docs.txt
	touch $@

docs: .venv-docs/.installed
	NO_MKDOCS_2_WARNING=1 .venv-docs/bin/mkdocs build --strict

bench: $(VENV)/.installed
	@for b in $(BACKENDS); do KERAS_BACKEND=$$b $(PY) benchmarks/bench_layers.py || exit 1; done

clean:
	rm -rf $(VENV) .venv-keras-min .venv-docs results site
