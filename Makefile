# Thin wrapper over meson. Every target first installs what is missing
# (scripts/bootstrap.sh), so a fresh Debian 12 machine needs only these.
BUILD ?= build
PROFILE ?= examples/profile.json

.PHONY: all demo check asan valgrind fuzz fuzz-regress bench clean deps deps-dev

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/bootstrap.sh

deps-dev:
	@./scripts/bootstrap.sh --dev

$(BUILD)/build.ninja:
	meson setup $(BUILD)

demo: all
	./$(BUILD)/mgsleep advise --profile $(PROFILE)

# Last line: 'N passed, N failed'. Exit status is meson's.
check: all
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

valgrind: all deps-dev
	meson test -C $(BUILD) --setup=valgrind --print-errorlogs --no-suite slow

# libFuzzer targets (clang); fuzz-regress replays the committed corpora once.
fuzz: deps-dev
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	@echo "run e.g.: build-fuzz/fuzz/fuzz_profile fuzz/corpus/profile -max_total_time=60"

# Each corpus file is run once; any crash, sanitizer report or leak fails.
fuzz-regress: fuzz
	@set -e; for t in profile kb night questionnaire backup food apple fitbit oura import_csv import_file medname; do \
		echo "fuzz-regress: $$t ($$(ls fuzz/corpus/$$t | wc -l) inputs)"; \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		build-fuzz/fuzz/fuzz_$$t -runs=0 fuzz/corpus/$$t/* 2>build-fuzz/fuzz-regress-$$t.log \
		|| { cat build-fuzz/fuzz-regress-$$t.log; exit 1; }; \
	done; echo "fuzz-regress: ok"

bench: all deps-dev
	ninja -C $(BUILD) bench/bench_advise bench/bench_store
	./bench/run.sh $(BUILD)

clean:
	rm -rf build build-asan build-fuzz
