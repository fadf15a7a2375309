# lookout: build, test, demo.
#
#   make            build ./lookout
#   make deps       install the Debian packages that are missing (as root)
#   make test       install, build and run every test
#   make asan       the same tests under AddressSanitizer + UBSan
#   make demo       install, build, run the nightly job on data/sample/
#   make bench      benchmarks (print figures, never fail)
#   make eval       extraction and detection quality against ground truth
#
# Sources are found by folder, so a new module needs no edit here:
# common/, ingest/, analyze/, graph/, output/ make the library, cli/ the
# binary, tests/unit/test_*.c one cmocka program each.

CC      ?= cc
BUILD   ?= build/release
SAN     ?=
OPT     ?= -O2
PKGS     = sqlite3 libpcre2-8 igraph libcjson opencc libutf8proc cmocka
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      = -O1
endif

DATADIR ?= $(CURDIR)/data

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-I. -I$(BUILD) $(PKG_CFLAGS) $(SANFLAGS) \
	-DLOOKOUT_DATADIR='"$(DATADIR)"' $(CFLAGS)
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lcsv -lm

LIB_SRC  = $(sort $(wildcard common/*.c ingest/*.c analyze/*.c graph/*.c output/*.c))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC = $(sort $(wildcard bench/*.c))
FUZZ_SRC  = $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/common/schema_sql.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/replay/%)

.PHONY: all deps test check asan demo bench eval clean schema-golden fuzz valgrind
.DEFAULT_GOAL := all

all: lookout

lookout: $(BUILD)/lookout
	cp $< $@

$(BUILD)/lookout: $(CLI_OBJ) $(BUILD)/liblookout.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/liblookout.a $(LIBS)

$(BUILD)/liblookout.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# V=1 shows the full commands.
Q = $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# The schema is one SQL file of append-only migrations, compiled in.
$(BUILD)/common/schema_sql.c: common/schema.sql scripts/sql2c.awk
	@mkdir -p $(dir $@)
	$(Q)awk -f scripts/sql2c.awk common/schema.sql > $@

$(BUILD)/common/schema_sql.o: $(BUILD)/common/schema_sql.c
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/liblookout.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(BUILD)/liblookout.a $(LIBS) $(LDFLAGS_ALL)

$(BUILD)/bench/%: bench/%.c $(BUILD)/liblookout.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(BUILD)/liblookout.a $(LIBS) $(LDFLAGS_ALL)

# A fuzz target replayed over its stored inputs, with any compiler.
$(BUILD)/replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/liblookout.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< tests/fuzz/replay.c $(BUILD)/liblookout.a $(LIBS) $(LDFLAGS_ALL)

deps:
	@sh scripts/deps.sh

# check: build and run everything, assuming the dependencies are there.
check: $(BUILD)/lookout $(TEST_BIN) $(BENCH_BIN) $(REPLAY_BIN)
	@sh tests/run.sh $(BUILD)

# The tests also open the HTML report in headless Chromium.
test:
	@sh scripts/deps.sh chromium
	@$(MAKE) --no-print-directory check

asan:
	@sh scripts/deps.sh chromium
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 check

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory lookout
	@sh scripts/demo.sh

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory lookout $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

eval:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory lookout $(BENCH_BIN)
	@sh bench/eval.sh $(BUILD)

# The CLI tests again with every lookout run under valgrind memcheck;
# any memory error or definite leak fails the case (exit 99).  The
# suppressions are PCRE2 JIT's harmless reads (see tests/valgrind.supp).
valgrind:
	@sh scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory OPT=-O1 BUILD=build/valgrind build/valgrind/lookout build/valgrind/bench/gen
	@LOOKOUT=$(CURDIR)/build/valgrind/lookout \
	 GLIBC_TUNABLES=glibc.malloc.hugetlb=0 \
	 LOOKOUT_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp" \
	 sh tests/run.sh build/valgrind

# Fuzz every target for FUZZ_SECONDS each (default 60) with ASan and
# UBSan.  New interesting inputs stay in build/fuzz/work/; a crash is
# written to tests/fuzz/crashes/TARGET/ so that `make test` replays it.
# The library is built with clang, the sanitizers and coverage hooks in
# build/fuzzlib; each target links it with libFuzzer's main.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
fuzz:
	@sh scripts/deps.sh libfuzzer-14-dev
	@$(MAKE) --no-print-directory BUILD=build/fuzzlib SAN=1 CC=clang \
		CFLAGS=-fsanitize=fuzzer-no-link build/fuzzlib/liblookout.a
	@mkdir -p build/fuzz
	@for t in $(FUZZ_TARGETS); do \
		f=build/fuzz/$$t; \
		clang $(CFLAGS_ALL) -Ibuild/fuzzlib -fsanitize=fuzzer,address,undefined \
			-o $$f tests/fuzz/fuzz_$$t.c build/fuzzlib/liblookout.a $(LIBS) || exit 1; \
		mkdir -p build/fuzz/work/$$t tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t; \
		echo "fuzz $$t for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ \
			build/fuzz/work/$$t tests/fuzz/corpus/$$t 2>&1 | \
			grep -E '^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY)' ; \
	done

# Rewrite the golden dump of a fresh database's schema after a migration.
schema-golden: $(BUILD)/lookout
	rm -f $(BUILD)/golden.db
	$(BUILD)/lookout --db $(BUILD)/golden.db init >/dev/null
	sh tests/schema-dump.sh $(BUILD)/golden.db > tests/golden/schema.sql

clean:
	rm -rf build lookout

-include $(shell find build -name '*.d' 2>/dev/null)
