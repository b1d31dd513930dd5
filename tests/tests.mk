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

include tests/fuzz/fuzz.mk

.PHONY: check check-extra
