# Shared helpers for the guest test bed scripts; sourced, never run.
#
# Every script that sources this file runs under `set -euo pipefail`.
# Errors go to stderr prefixed with the script's name; die() exits 1.

GUEST_PROG=${0##*/}
GUEST_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
	printf '%s: %s\n' "$GUEST_PROG" "$*" >&2
	exit 1
}

note() {
	printf '%s: %s\n' "$GUEST_PROG" "$*" >&2
}

need_cmd() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 ||
			die "missing command '$cmd' (see GUEST_DEPS in tests/guest/guest.mk)"
	done
}

need_file() {
	[ -f "$1" ] || die "missing file '$1'${2:+ ($2)}"
}

# Seconds since the epoch with millisecond precision, for timing steps.
now() {
	date +%s.%N
}

# elapsed START: seconds since START, one decimal.
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# serial_tail LOG: show the end of a guest's serial log on stderr.
serial_tail() {
	local log=$1
	{
		printf -- '--- last 40 lines of %s ---\n' "$log"
		if [ -f "$log" ]; then
			tail -n 40 "$log" | tr -d '\r'
		else
			printf '(no serial log written)\n'
		fi
		printf -- '--- end of %s ---\n' "$log"
		if [ -s "${log%/*}/qemu.stderr" ]; then
			printf -- '--- qemu stderr ---\n'
			tail -n 10 "${log%/*}/qemu.stderr"
		fi
	} >&2
}

# wait_marker LOG MARKER SECONDS PID: wait until a line of LOG starts with
# MARKER.  Fails (with the serial tail) when the deadline passes, when
# process PID exits first, or when the guest printed "MKD-FAIL".
wait_marker() {
	local log=$1 marker=$2 secs=$3 pid=$4
	local deadline=$(($(date +%s) + secs))

	while :; do
		if [ -f "$log" ] && grep -qa "^$marker" "$log"; then
			return 0
		fi
		if [ -f "$log" ] && grep -qa "^MKD-FAIL" "$log"; then
			serial_tail "$log"
			die "guest reported failure while waiting for '$marker' (see '$log')"
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			serial_tail "$log"
			die "qemu exited before the guest printed '$marker' (runs are killed after ${GUEST_TIMEOUT:-?}s; see '$log')"
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			serial_tail "$log"
			die "guest did not print '$marker' within ${secs}s (see '$log')"
		fi
		sleep 0.2
	done
}

# wait_exit PID SECONDS: wait for process PID to end; its exit status is
# returned.  Kills it after SECONDS.
wait_exit() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
	fi
	wait "$pid"
}

# Seconds any single QEMU run may take before it is killed.
GUEST_TIMEOUT=${GUEST_TIMEOUT:-120}
QEMU_CLOCK=base=2025-01-01T00:00:00,clock=vm

# guest_start DIR CPU MEM KERNEL INITRD APPEND [QEMU ARGS...]: boot a TCG
# guest in the background with its serial console in DIR/serial.log and its
# QMP socket at $QMP_SOCK; sets QEMU_PID.  The run is killed after
# $GUEST_TIMEOUT seconds whatever happens.
guest_start() {
	local dir=$1 cpu=$2 mem=$3 kernel=$4 initrd=$5 append=$6
	shift 6
	need_cmd qemu-system-x86_64 timeout
	need_file "$kernel" "kernel image"
	need_file "$initrd" "initramfs"
	QMP_DIR=$(mktemp -d /tmp/mkd-qmp.XXXXXX)
	QMP_SOCK=$QMP_DIR/qmp.sock
	rm -f "$dir/serial.log"
	timeout --kill-after=5 "$GUEST_TIMEOUT" \
		qemu-system-x86_64 -accel tcg -cpu "$cpu" -smp 2 -m "$mem" \
		-nodefaults -no-user-config -display none -monitor none \
		-serial "file:$dir/serial.log" \
		-qmp "unix:$QMP_SOCK,server=on,wait=off" \
		-device vmcoreinfo -no-reboot -rtc "$QEMU_CLOCK" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		"$@" 2>"$dir/qemu.stderr" &
	QEMU_PID=$!
}

# guest_stop: make sure the guest started by guest_start is gone.
guest_stop() {
	if [ -n "${QEMU_PID:-}" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
	fi
	QEMU_PID=
	[ -z "${QMP_DIR:-}" ] || rm -rf "$QMP_DIR"
}

qmp() {
	/usr/bin/python3 "$GUEST_LIB_DIR/qmp.py" "$QMP_SOCK" "$@" >/dev/null ||
		die "QMP command failed (socket '$QMP_SOCK')"
}

# step NAME START: log how long a step took, to stderr and $TIMES_FILE.
step() {
	local line
	line=$(printf '%-24s %6ss' "$1" "$(elapsed "$2")")
	note "$line"
	[ -z "${TIMES_FILE:-}" ] || printf '%s\n' "$line" >>"$TIMES_FILE"
}
