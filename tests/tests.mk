# tests/tests.mk - make check: unit (Check), CLI, fuzz smoke, guest tests.
# Every runner appends "name passed failed" to $(RESULTS); the last step
# sums them into one closing line "N passed, N failed".

RESULTS := $(BUILD)/tests/results

check: deps
	@$(MAKE) --no-print-directory all $(UNIT) $(GEN) $(CMP)
	@mkdir -p $(BUILD)/tests && : > $(RESULTS)
	@status=0; \
	BUILD=$(BUILD) tests/run-unit.sh || status=1; \
	BUILD=$(BUILD) tests/cli/run.sh || status=1; \
	$(MAKE) --no-print-directory check-extra || status=1; \
	tests/summary.sh $(RESULTS) || status=1; \
	exit $$status

# Suites that need more than the build (fuzzers, guests) hook in here.
check-extra: check-guest

# Real Debian kernels under QEMU: dumps are made once (kept in GUEST_OUT
# while their inputs do not change), then every test reads them.
check-guest:
	@$(MAKE) --no-print-directory guest-dumps
	@BUILD=$(BUILD) GUEST_OUT=$(GUEST_OUT) tests/guest/run.sh

.PHONY: check check-extra check-guest
