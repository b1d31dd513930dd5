// SPDX-License-Identifier: MIT
/*
 * kexec-crash - load a kdump capture kernel with kexec_file_load(2).
 *
 * Usage: kexec-crash KERNEL INITRD CMDLINE
 *
 * Loads KERNEL and INITRD into the crashkernel= reservation so that the
 * next panic boots them.  It stands in for kexec-tools inside the guest
 * test bed's initramfs: Debian's kexec binary is dynamically linked and
 * pulls in Xen libraries, this one is static and tiny.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_or_complain(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "kexec-crash: cannot open '%s': %s\n", path,
			strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	int kernel_fd, initrd_fd, ret = 1;
	const char *cmdline;

	if (argc != 4) {
		fprintf(stderr, "usage: kexec-crash KERNEL INITRD CMDLINE\n");
		return 2;
	}
	cmdline = argv[3];

	kernel_fd = open_or_complain(argv[1]);
	if (kernel_fd < 0)
		goto out;
	initrd_fd = open_or_complain(argv[2]);
	if (initrd_fd < 0)
		goto out_close_kernel;

	/* The length counts the terminating NUL; the kernel insists on it. */
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
		    strlen(cmdline) + 1, cmdline,
		    (unsigned long)KEXEC_FILE_ON_CRASH) != 0) {
		fprintf(stderr, "kexec-crash: kexec_file_load '%s': %s\n",
			argv[1], strerror(errno));
		goto out_close_initrd;
	}
	ret = 0;

out_close_initrd:
	close(initrd_fd);
out_close_kernel:
	close(kernel_fd);
out:
	return ret;
}
