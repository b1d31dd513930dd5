# tests/guest/guest.mk - real kernel dumps for mkdump's tests.
#
# Included by the top-level Makefile; also works alone from the repository
# top:  make -f tests/guest/guest.mk guest-dumps
#
# Boots Debian's linux-image-amd64 kernel under QEMU (TCG) and keeps the
# dumps it makes plus what the guest printed about itself; see
# tests/guest/README.md.  Every step is skipped when its outputs are newer
# than the scripts and inputs it comes from.

MKD_CACHE ?= $(HOME)/.cache/mkdump
GUEST_OUT ?= build/guest
# Empty: the version linux-image-amd64 depends on today (asks apt-cache).
GUEST_KVER ?=

# Debian packages the bed needs (for the top-level `make deps`).
GUEST_DEPS := qemu-system-x86 busybox-static kmod makedumpfile gcc \
	libc6-dev linux-libc-dev binutils python3 xz-utils zstd util-linux \
	crash python3-drgn

GUEST_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# When included, leave the includer's default goal alone (restored below).
GUEST_INCLUDED := $(word 2,$(MAKEFILE_LIST))
GUEST_SAVED_GOAL := $(.DEFAULT_GOAL)

GUEST_LIB := $(GUEST_DIR)/lib.sh
GUEST_KV := $(GUEST_OUT)/kernel-version
GUEST_INITRD := $(GUEST_OUT)/initramfs
# Shell words, expanded when a recipe runs (after kernel-version exists).
GUEST_KVER_SH = $$(cat $(GUEST_KV))
GUEST_KERNEL_DIR = $(MKD_CACHE)/linux-$(GUEST_KVER_SH)
GUEST_VMLINUZ = $(GUEST_KERNEL_DIR)/boot/vmlinuz-$(GUEST_KVER_SH)
# One guest at a time: two TCG guests on two cores only slow each other.
GUEST_LOCK = flock $(GUEST_OUT)/.qemu.lock

.PHONY: guest-dumps guest-check guest-clean guest-force guest-vmlinux-dbg

guest-dumps: $(GUEST_OUT)/l4/truth.env $(GUEST_OUT)/l5/truth.env \
	$(GUEST_OUT)/panic/truth.env $(GUEST_OUT)/panic/makedumpfile.txt \
	$(GUEST_OUT)/irqpanic/truth.env

guest-check: guest-dumps
	$(GUEST_DIR)/check-bed.sh $(GUEST_OUT)

# The kernel's debug vmlinux (DWARF), which crash and drgn need to open a
# dump (tests/guest/test-convert.sh): its path in $(GUEST_DBG), the
# ~860 MB -dbg package fetched once into $(MKD_CACHE).  When the network
# is gone, $(GUEST_DBG).skip says so instead and those tests are skipped,
# loudly; any other failure fails.
GUEST_DBG := $(GUEST_OUT)/vmlinux-dbg

guest-vmlinux-dbg: $(GUEST_DBG)

$(GUEST_DBG): $(GUEST_KV) $(GUEST_DIR)/fetch-kernel.sh $(GUEST_LIB)
	MKD_CACHE=$(MKD_CACHE) $(GUEST_DIR)/fetch-kernel.sh \
		--kver $(GUEST_KVER_SH) --dbg-path $@ >/dev/null

guest-clean:
	rm -rf $(GUEST_OUT)

# Always asks which kernel is current, but rewrites the file (and so
# rebuilds what depends on it) only when the answer changes.
$(GUEST_KV): guest-force $(GUEST_DIR)/fetch-kernel.sh $(GUEST_LIB)
	MKD_CACHE=$(MKD_CACHE) $(GUEST_DIR)/fetch-kernel.sh \
		$(if $(GUEST_KVER),--kver $(GUEST_KVER)) --version-file $@ >/dev/null

$(GUEST_INITRD)/initrd-base.cpio $(GUEST_INITRD)/initrd-panic.cpio &: \
		$(GUEST_KV) $(GUEST_DIR)/make-initramfs.sh $(GUEST_DIR)/init.sh \
		$(GUEST_DIR)/kexec-crash.c $(GUEST_DIR)/mkcpio.py $(GUEST_LIB)
	$(GUEST_DIR)/make-initramfs.sh $(GUEST_KERNEL_DIR) $(GUEST_KVER_SH) \
		$(GUEST_INITRD)

GUEST_LIVE_DEPS := $(GUEST_INITRD)/initrd-base.cpio $(GUEST_DIR)/run-live.sh \
	$(GUEST_DIR)/qmp.py $(GUEST_DIR)/truth.py $(GUEST_LIB)

$(GUEST_OUT)/l4/truth.env: $(GUEST_LIVE_DEPS)
	$(GUEST_LOCK) $(GUEST_DIR)/run-live.sh 4 $(GUEST_VMLINUZ) \
		$(GUEST_INITRD)/initrd-base.cpio $(GUEST_KVER_SH) $(GUEST_OUT)/l4

$(GUEST_OUT)/l5/truth.env: $(GUEST_LIVE_DEPS)
	$(GUEST_LOCK) $(GUEST_DIR)/run-live.sh 5 $(GUEST_VMLINUZ) \
		$(GUEST_INITRD)/initrd-base.cpio $(GUEST_KVER_SH) $(GUEST_OUT)/l5

$(GUEST_OUT)/panic/truth.env: $(GUEST_INITRD)/initrd-panic.cpio \
		$(GUEST_DIR)/run-panic.sh $(GUEST_DIR)/elf-end.py \
		$(GUEST_DIR)/truth.py $(GUEST_LIB)
	$(GUEST_LOCK) $(GUEST_DIR)/run-panic.sh $(GUEST_VMLINUZ) \
		$(GUEST_INITRD)/initrd-panic.cpio $(GUEST_KVER_SH) $(GUEST_OUT)/panic

# The same crash from the keyboard interrupt (alt+sysrq+c through QMP):
# the panic runs on the IRQ stack.
$(GUEST_OUT)/irqpanic/truth.env: $(GUEST_INITRD)/initrd-panic.cpio \
		$(GUEST_DIR)/run-panic.sh $(GUEST_DIR)/elf-end.py \
		$(GUEST_DIR)/qmp.py $(GUEST_DIR)/truth.py $(GUEST_LIB)
	$(GUEST_LOCK) $(GUEST_DIR)/run-panic.sh --irq $(GUEST_VMLINUZ) \
		$(GUEST_INITRD)/initrd-panic.cpio $(GUEST_KVER_SH) \
		$(GUEST_OUT)/irqpanic

$(GUEST_OUT)/panic/makedumpfile.txt: $(GUEST_OUT)/panic/truth.env \
		$(GUEST_DIR)/run-makedumpfile.sh $(GUEST_LIB)
	$(GUEST_DIR)/run-makedumpfile.sh $(GUEST_OUT)/panic

ifneq ($(GUEST_INCLUDED),)
.DEFAULT_GOAL := $(GUEST_SAVED_GOAL)
endif
