# tests/tests.mk - make check: unit (Check), CLI, fuzz smoke, guest tests.
# Every runner appends "name passed failed" to $(RESULTS); the last step
# sums them into one closing line "N passed, N failed".

RESULTS := $(BUILD)/tests/results

# Compare the library's page classes with makedumpfile's output.
TRUTH := $(BUILD)/tests/filter-truth
MUTATE := $(BUILD)/tests/filter-mutate
$(TRUTH) $(MUTATE): $(BUILD)/tests/%: $(BUILD)/obj/tests/filter/%.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

check: deps
	@$(MAKE) --no-print-directory all $(UNIT) $(GEN) $(TRUTH) $(MUTATE) $(KTASKS) \
		$(CMP_DUMPS)
	@mkdir -p $(BUILD)/tests && : > $(RESULTS)
	@status=0; \
	BUILD=$(BUILD) tests/run-unit.sh || status=1; \
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/cli/run.sh || status=1; \
	$(MAKE) --no-print-directory -k check-extra || status=1; \
	tests/summary.sh $(RESULTS) || status=1; \
	exit $$status

# Suites that need more than the build (fuzzers, guests) hook in here.
check-extra: check-guest

# Cross-checks on real dumps (tests/guest/test-formats.sh): cmp-dumps
# compares two dumps of the same memory page by page; kdumpfile-cmp
# compares libmkdump with libkdumpfile (built only where it is installed).
CMP_DUMPS := $(BUILD)/tests/cmp-dumps
TYPES_CMP := $(BUILD)/tests/types-cmp
KDUMPFILE_CMP := $(BUILD)/tests/kdumpfile-cmp
KDUMPFILE_LIBS := $(shell pkg-config --libs libkdumpfile 2>/dev/null)

$(CMP_DUMPS): $(BUILD)/obj/tests/oracle/cmp-dumps.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

$(TYPES_CMP): $(BUILD)/obj/tests/oracle/types-cmp.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

$(KDUMPFILE_CMP): $(BUILD)/obj/tests/oracle/kdumpfile-cmp.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS) $(KDUMPFILE_LIBS)

# Runs alone too: make check-formats GUEST_OUT=/path/to/guest/outputs
check-formats: all $(CMP_DUMPS) $(if $(KDUMPFILE_LIBS),$(KDUMPFILE_CMP))
	@BUILD=$(BUILD) GUEST_OUT=$(GUEST_OUT) tests/guest/test-formats.sh

.PHONY: check-formats

# Real Debian kernels under QEMU: dumps are made once (kept in GUEST_OUT
# while their inputs do not change), then every test reads them.
check-guest: $(KTASKS) $(CMP_DUMPS) $(TYPES_CMP) $(if $(KDUMPFILE_LIBS),$(KDUMPFILE_CMP))
	@$(MAKE) --no-print-directory guest-dumps guest-vmlinux-dbg
	@BUILD=$(BUILD) GUEST_OUT=$(GUEST_OUT) tests/guest/run.sh

.PHONY: check check-extra check-guest

include tests/fuzz/fuzz.mk

# Kernel walks printed plainly, for tests/guest/test-ps.sh.
KTASKS := $(BUILD)/tests/ktasks
$(KTASKS): $(BUILD)/obj/tests/kernel/ktasks.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)
