# make: set up and build every edition into output/.  make test: set up and run the tests.
PY := .venv/bin/python
STAMP := .venv/.installed
NODE_STAMP := tests/web/node_modules/.installed

.PHONY: all build test check watch bench matrix clean reviewed
all: build

$(STAMP): pyproject.toml constraints.txt tools/system-deps.sh
	bash tools/system-deps.sh
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# the package's bytecode, as pip writes it for an installed package: an editable install gets it
# only where Python may write it (not with PYTHONDONTWRITEBYTECODE), else every run compiles the
# package again (0.1 s of each build's start). Only what changed is compiled.
BYTECODE := $(PY) -m compileall -q brochure

build: $(STAMP)
	$(BYTECODE)
	$(PY) build.py

# the browser test of the web edition: playwright-core and axe-core, as package-lock.json pins them
$(NODE_STAMP): tests/web/package.json tests/web/package-lock.json
	bash tools/system-deps.sh --test
	npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
	touch $@

# the test files spread over the cores (pytest-xdist), each file in one worker so that its module
# fixtures are made once; the session build of the real content is shared (tests/conftest.py)
test: $(STAMP) $(NODE_STAMP)
	bash tools/system-deps.sh --test
	.venv/bin/ruff check brochure tests bench tools
	.venv/bin/mypy
	$(BYTECODE)
	$(PY) -m pytest -q -n auto --dist loadfile

check: $(STAMP)
	bash tools/system-deps.sh --check
	$(PY) build.py check

watch: $(STAMP)
	$(BYTECODE)
	$(PY) build.py watch

bench: $(STAMP)
	$(BYTECODE)
	$(PY) bench/run.py

# every case of the editor-change matrix with every edition (10-40 min); its report: editor-matrix.md
matrix: $(STAMP)
	$(PY) tools/editor_matrix.py

clean:
	rm -rf output

# after checking an English file against its Polish original: make reviewed FILE=content/en/01-pim.md
reviewed: $(STAMP)
	$(PY) build.py reviewed $(FILE)
