# mkdump - top-level, non-recursive build.
#   make            library (shared + static), mkdumpctl, mkdump-analyze
#   make check      unit, CLI, fuzz smoke and real-kernel guest tests
#   make check SANITIZE=1   the same under ASan+UBSan (separate build dir)
#   make demo       a real kernel dump, opened and read
#   make bench      capture and read speed against the peers (bench/README.md)
#   make deps       install the Debian packages the build and tests need
#   make install    PREFIX=/usr/local DESTDIR=

VERSION := 0.1.0
SONAME := libmkdump.so.1

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# Downloads (kernel packages, debug vmlinux) are kept here across runs.
MKD_CACHE ?= $(HOME)/.cache/mkdump
export MKD_CACHE

CC ?= gcc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# Leaks count, the first report stops the program, and its exit code (86)
# is one no test expects.
export ASAN_OPTIONS ?= detect_leaks=1:halt_on_error=1:exitcode=86
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1:exitcode=86
else
BUILD ?= build
SAN_FLAGS :=
endif
GUEST_OUT ?= build/guest
export GUEST_OUT

HAVE_SNAPPY := $(shell printf '\#include <snappy-c.h>\n' | \
	$(CC) -E - >/dev/null 2>&1 && echo yes)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
LIB_LIBS := -ldw -lelf -lz -llzo2 -lzstd -lxxhash -pthread $(if $(HAVE_SNAPPY),-lsnappy)

ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARNINGS) $(SAN_FLAGS) -pthread \
	-D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Ilibmkdump -Icommon
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

LIB_SRCS := $(filter-out libmkdump/codec-%.c,$(wildcard libmkdump/*.c)) \
	libmkdump/codec-$(if $(HAVE_SNAPPY),snappy,nosnappy).c \
	$(wildcard formats/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CTL_SRCS := $(wildcard mkdumpctl/*.c)
CTL_OBJS := $(CTL_SRCS:%.c=$(BUILD)/obj/%.o)
# What the command-line tools share (JSON writer, exit codes): an
# internal static library, not installed.
CLI_SRCS := $(wildcard common/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
AN_SRCS := $(wildcard analyze/*.c)
AN_OBJS := $(AN_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
GEN_SRCS := $(filter-out tests/gen/gen-main.c,\
	$(wildcard tests/gen/*.c))
GEN_OBJS := $(GEN_SRCS:%.c=$(BUILD)/obj/%.o)
GEN_MAIN_OBJ := $(BUILD)/obj/tests/gen/gen-main.o

SHLIB := $(BUILD)/$(SONAME)
STLIB := $(BUILD)/libmkdump.a
CTL := $(BUILD)/mkdumpctl
CLILIB := $(BUILD)/libmkd-cli.a
AN := $(BUILD)/mkdump-analyze
UNIT := $(BUILD)/tests/unit-tests
GEN := $(BUILD)/tests/gen-dump
PC := $(BUILD)/libmkdump.pc

all: $(SHLIB) $(STLIB) $(CTL) $(AN) $(PC)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<

$(SHLIB): $(LIB_OBJS) libmkdump/libmkdump.map
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script,libmkdump/libmkdump.map \
		-Wl,--no-undefined -o $@ $(LIB_OBJS) $(LIB_LIBS)
	ln -sf $(SONAME) $(BUILD)/libmkdump.so

$(STLIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# The CLI links the static library: one self-contained binary that also
# runs in a capture kernel's initramfs.
$(CTL): $(CTL_OBJS) $(CLILIB) $(STLIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJS) $(CLILIB) $(STLIB) $(LIB_LIBS)

$(CLILIB): $(CLI_OBJS)
	rm -f $@
	ar rcs $@ $^

# The analyser links the static library too: it runs where the dump is,
# with nothing installed.
$(AN): $(AN_OBJS) $(CLILIB) $(STLIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(AN_OBJS) $(CLILIB) $(STLIB) $(LIB_LIBS) \
		-lreadline

# The .pc names the install prefix: made again at install time, so
# "make; make install PREFIX=/x" does not install a stale one.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	-e 's|@LIBS@|$(LIB_LIBS)|' libmkdump/libmkdump.pc.in

$(PC): libmkdump/libmkdump.pc.in Makefile
	@mkdir -p $(@D)
	$(PC_SED) > $@

$(GEN): $(GEN_MAIN_OBJ) $(GEN_OBJS) $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(GEN_MAIN_OBJ) $(GEN_OBJS) $(STLIB) $(LIB_LIBS)

$(UNIT): $(UNIT_OBJS) $(GEN_OBJS) $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(GEN_OBJS) $(STLIB) \
		$(LIB_LIBS) $(CHECK_LIBS)

include tests/tests.mk
-include tests/guest/guest.mk
-include bench/bench.mk

# The main job on a real dump: a Debian kernel crashed under QEMU, its
# /proc/vmcore captured by a kdump kernel, then read by mkdumpctl.
DEMO_DUMP ?= $(GUEST_OUT)/panic/vmcore
demo: deps
	@$(MAKE) --no-print-directory all guest-dumps
	@echo "== mkdumpctl info $(DEMO_DUMP)"
	@$(CTL) info $(DEMO_DUMP)
	@echo; echo "== mkdumpctl verify $(DEMO_DUMP)"
	@$(CTL) verify $(DEMO_DUMP)
	@echo; echo "== mkdump-analyze -c 'sys; bt; ps -u; log | tail -n 12' $(DEMO_DUMP)"
	@$(BUILD)/mkdump-analyze -c 'sys; bt; ps -u; log | tail -n 12' $(DEMO_DUMP)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(CTL) $(DESTDIR)$(BINDIR)/mkdumpctl
	install -m 755 $(AN) $(DESTDIR)$(BINDIR)/mkdump-analyze
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmkdump.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/libmkdump.a
	install -m 644 libmkdump/mkdump.h $(DESTDIR)$(INCLUDEDIR)/mkdump.h
	$(PC_SED) > $(DESTDIR)$(PKGCONFIGDIR)/libmkdump.pc
	install -m 644 doc/mkdumpctl.8 $(DESTDIR)$(MANDIR)/man8/mkdumpctl.8
	install -m 644 doc/mkd.5 $(DESTDIR)$(MANDIR)/man5/mkd.5
	install -m 644 doc/mkdump-analyze.1 \
		$(DESTDIR)$(MANDIR)/man1/mkdump-analyze.1

# Debian packages for building, testing and the real-kernel test bed.
DEPS := gcc make pkg-config libelf-dev libdw-dev zlib1g-dev liblzo2-dev \
	libzstd-dev libxxhash-dev libsnappy-dev libreadline-dev check clang \
	libclang-rt-14-dev libkdumpfile-dev jq $(GUEST_DEPS)

# check and demo install what is missing first (as root), so the README's
# two commands work on a fresh machine.
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "run as root: apt-get install" $$missing; exit 1; fi

# clean keeps the guest dumps (they take a minute to make); distclean not.
clean:
	find build build-san -mindepth 1 -maxdepth 1 ! -name guest \
		-exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf build build-san

.PHONY: all demo install deps clean distclean

-include $(LIB_OBJS:.o=.d) $(CTL_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) \
	$(CLI_OBJS:.o=.d) $(AN_OBJS:.o=.d) \
	$(GEN_OBJS:.o=.d) $(GEN_MAIN_OBJ:.o=.d)
