# Thin wrapper over meson. `make` alone only builds (it never calls apt-get);
# demo, check and the developer targets first install what is missing
# (scripts/bootstrap.sh), so a fresh Debian 12 machine needs only
# `make demo` and `make check`.
#
# The USDA food table is outside the repository (docs/food.md): the build
# embeds ../shared/data/usda-sr-legacy-magnesium.csv when it is there, or
# FOOD_DATA=PATH (which reconfigures an existing build), and otherwise builds
# without it.
BUILD ?= build
PROFILE ?= examples/profile.json
FOOD_DATA ?=
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MAN1DIR = $(PREFIX)/share/man/man1
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions

.PHONY: all build demo check asan valgrind fuzz fuzz-regress bench clean deps deps-dev install uninstall \
	postgres postgres-install

all: build

build: $(BUILD)/build.ninja
ifneq ($(FOOD_DATA),)
	meson configure $(BUILD) -Dfood_data=$(abspath $(FOOD_DATA))
endif
	ninja -C $(BUILD)

deps:
	@./scripts/bootstrap.sh

deps-dev:
	@./scripts/bootstrap.sh --dev

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(if $(FOOD_DATA),-Dfood_data=$(abspath $(FOOD_DATA)))

# The program, its man page and its bash completion; PREFIX and DESTDIR as
# usual (make install PREFIX=$$HOME/.local). Builds first, without apt-get.
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(BUILD)/mgsleep $(DESTDIR)$(BINDIR)/mgsleep
	install -m 644 man/mgsleep.1 $(DESTDIR)$(MAN1DIR)/mgsleep.1
	install -m 644 completion/mgsleep.bash $(DESTDIR)$(COMPLETIONDIR)/mgsleep

# Removes the three files install wrote (not the directories, which other
# programs share). Your store (~/.local/share/mgsleep) is left alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mgsleep $(DESTDIR)$(MAN1DIR)/mgsleep.1 $(DESTDIR)$(COMPLETIONDIR)/mgsleep

# The PostgreSQL 15 extension (docs/postgres-extension.md): PGXS, needs
# postgresql-server-dev-15 (make deps-dev); built in $(BUILD)/pg. Install
# with PostgreSQL's own layout (pg_config), DESTDIR honoured; PREFIX is not
# used, since the server reads extensions only from its own directories.
PG_CONFIG ?= pg_config
PG_MAKE = $(MAKE) -C $(BUILD)/pg -f $(CURDIR)/pg/Makefile MGSLEEP_BUILD=$(abspath $(BUILD)) PG_CONFIG=$(PG_CONFIG)

postgres: build
	@command -v $(PG_CONFIG) >/dev/null || { echo "postgres: $(PG_CONFIG) not found; install postgresql-server-dev-15 (make deps-dev)" >&2; exit 1; }
	ninja -C $(BUILD) libmgsleep_pure.a
	mkdir -p $(BUILD)/pg
	$(PG_MAKE)

postgres-install: postgres
	$(PG_MAKE) install DESTDIR=$(DESTDIR)

demo: deps build
	./$(BUILD)/mgsleep advise --profile $(PROFILE)

# Last line: 'N passed, N failed'. Exit status is meson's.
check: deps build
	@meson test -C $(BUILD) --print-errorlogs >$(BUILD)/test-output.txt 2>&1; rc=$$?; \
	grep -E '^ *[0-9]+/[0-9]+ ' $(BUILD)/test-output.txt; \
	[ $$rc -eq 0 ] || cat $(BUILD)/test-output.txt; \
	python3 tools/test-summary.py $(BUILD)/meson-logs/testlog.json || rc=1; exit $$rc

# Address + undefined-behaviour sanitizers, clang, separate build directory.
asan: deps-dev
	[ -f build-asan/build.ninja ] || CC=clang meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs >build-asan/test-output.txt 2>&1; rc=$$?; \
	[ $$rc -eq 0 ] || cat build-asan/test-output.txt; \
	python3 tools/test-summary.py build-asan/meson-logs/testlog.json || rc=1; exit $$rc

# The compiled tests under valgrind. Left out: the shell suites (suite shell:
# valgrind would check /bin/sh, whose own leaks fail them, not mgsleep) and
# test_crash (suite timing: its kills must land at moments valgrind moves).
valgrind: deps-dev build
	meson test -C $(BUILD) --setup=valgrind --print-errorlogs --no-suite slow --no-suite shell --no-suite timing

# libFuzzer targets (clang); fuzz-regress replays the committed corpora once.
fuzz: deps-dev
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	@echo "run e.g.: build-fuzz/fuzz/fuzz_profile fuzz/corpus/profile -max_total_time=60"

# Each corpus file is run once; any crash, sanitizer report or leak fails.
fuzz-regress: fuzz
	@set -e; for t in profile kb night questionnaire backup food apple fitbit oura import_csv import_file medname fhir_in cds_auth screen_ndjson screen_csv profile_fast night_json web_multipart; do \
		echo "fuzz-regress: $$t ($$(ls fuzz/corpus/$$t | wc -l) inputs)"; \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		build-fuzz/fuzz/fuzz_$$t -runs=0 fuzz/corpus/$$t/* 2>build-fuzz/fuzz-regress-$$t.log \
		|| { cat build-fuzz/fuzz-regress-$$t.log; exit 1; }; \
	done; echo "fuzz-regress: ok"

bench: deps-dev build
	ninja -C $(BUILD) bench/bench_advise bench/bench_store bench/bench_jwt tests/jwt_tool
	./bench/run.sh $(BUILD)

clean:
	rm -rf build build-asan build-fuzz
