# tests/fuzz/fuzz.mk - libFuzzer targets, one per reader, built with clang
# and ASan+UBSan from the library's sources (not the gcc objects).
#
#   make fuzz-smoke     every target briefly, then the saved regressions
#                       (part of make check; records "fuzz P F S")
#   make fuzz FUZZ_TARGET=elf FUZZ_TIME=600 [FUZZ_ARGS=-jobs=2]
#
# Nothing here names a format: a reader joins with tests/fuzz/fuzz-<fmt>.c,
# seeds in tests/fuzz/seeds/<fmt>/ (*.spec written by gen-dump at run time,
# skipped while gen-dump has no writer for <fmt>; other files, such as
# those mini-dump.py cuts from real dumps, used as they are), an optional
# tests/fuzz/dict/<fmt>.dict, and crash inputs in tests/fuzz/regress/<fmt>/.

FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SMOKE_TIME ?= 15
FUZZ_TIME ?= 600
FUZZ_TARGET ?=
FUZZ_ARGS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-Ilibmkdump

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(filter-out \
	tests/fuzz/fuzz-common.c,$(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz-%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_COMMON_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fuzz-common.o
FUZZ_OBJS := $(FUZZ_LIB_OBJS) $(FUZZ_COMMON_OBJ) \
	$(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/fuzz-%.o)
FUZZ_ENV := BUILD=$(BUILD) GEN=$(GEN) FUZZ_DIR=$(FUZZ_DIR)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz-%.o $(FUZZ_COMMON_OBJ) \
		$(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIB_LIBS)

fuzz-build: $(FUZZ_BINS) $(GEN)

# A target that does not build is one failure in the results, not silence.
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz-build || \
		{ mkdir -p $(BUILD)/tests; \
		  echo "fuzz 0 1" >> $(BUILD)/tests/results; exit 1; }
	@$(FUZZ_ENV) FUZZ_SMOKE_TIME=$(FUZZ_SMOKE_TIME) \
		tests/fuzz/run.sh smoke $(FUZZ_NAMES)

fuzz: fuzz-build
	@$(FUZZ_ENV) FUZZ_TIME=$(FUZZ_TIME) FUZZ_ARGS="$(FUZZ_ARGS)" \
		tests/fuzz/run.sh long $(or $(FUZZ_TARGET),$(FUZZ_NAMES))

check-extra: fuzz-smoke

.PHONY: fuzz fuzz-smoke fuzz-build
# Built through a pattern rule, the objects would count as intermediate.
.SECONDARY: $(FUZZ_OBJS)

-include $(FUZZ_OBJS:.o=.d)
