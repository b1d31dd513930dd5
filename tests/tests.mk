# tests/tests.mk - make check: unit (Check), CLI, fuzz smoke, guest tests.
# Every runner appends "name passed failed" to $(RESULTS); the last step
# sums them into one closing line "N passed, N failed".

RESULTS := $(BUILD)/tests/results

check: deps
	@$(MAKE) --no-print-directory all $(UNIT) $(GEN)
	@mkdir -p $(BUILD)/tests && : > $(RESULTS)
	@status=0; \
	BUILD=$(BUILD) tests/run-unit.sh || status=1; \
	BUILD=$(BUILD) tests/cli/run.sh || status=1; \
	$(MAKE) --no-print-directory check-extra || status=1; \
	tests/summary.sh $(RESULTS) || status=1; \
	exit $$status

# Suites that need more than the build (fuzzers, guests) hook in here.
check-extra:

.PHONY: check check-extra

# Cross-checks on real dumps (tests/guest/test-formats.sh): cmp-dumps
# compares two dumps of the same memory page by page; kdumpfile-cmp
# compares libmkdump with libkdumpfile (built only where it is installed).
CMP_DUMPS := $(BUILD)/tests/cmp-dumps
KDUMPFILE_CMP := $(BUILD)/tests/kdumpfile-cmp
KDUMPFILE_LIBS := $(shell pkg-config --libs libkdumpfile 2>/dev/null)

$(CMP_DUMPS): $(BUILD)/obj/tests/oracle/cmp-dumps.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS)

$(KDUMPFILE_CMP): $(BUILD)/obj/tests/oracle/kdumpfile-cmp.o $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STLIB) $(LIB_LIBS) $(KDUMPFILE_LIBS)

# Runs alone too: make check-formats GUEST_OUT=/path/to/guest/outputs
check-formats: all $(CMP_DUMPS) $(if $(KDUMPFILE_LIBS),$(KDUMPFILE_CMP))
	@BUILD=$(BUILD) GUEST_OUT=$(GUEST_OUT) tests/guest/test-formats.sh

check-extra: check-formats

.PHONY: check-formats
