// SPDX-License-Identifier: LGPL-2.1-or-later
/* file.c - byte sources: plain descriptors and container views */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static struct mkd_error *file_alloc(const char *name, int fd,
				    struct mkd_file **ret)
{
	struct mkd_file *f = calloc(1, sizeof(*f));

	if (!f)
		return &mkd_enomem;
	f->name = strdup(name ? name : "(anonymous)");
	if (!f->name) {
		free(f);
		return &mkd_enomem;
	}
	f->fd = fd;
	*ret = f;
	return NULL;
}

struct mkd_error *mkd_file_from_fd(int fd, const char *name,
				   struct mkd_file **ret)
{
	struct mkd_error *err;
	struct stat st;
	int dupfd;

	if (fstat(fd, &st) < 0)
		return mkd_error_sys(errno, "cannot stat '%s'", name);
	if (S_ISDIR(st.st_mode))
		return mkd_error_create(MKD_ERR_NOT_DUMP,
					"'%s' is a directory", name);
	dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0)
		return mkd_error_sys(errno, "cannot use '%s'", name);
	err = file_alloc(name, dupfd, ret);
	if (err) {
		close(dupfd);
		return err;
	}
	/* Block devices report size 0 in st_size; ask the end instead. */
	if (S_ISREG(st.st_mode))
		(*ret)->size = (uint64_t)st.st_size;
	else {
		off_t end = lseek(dupfd, 0, SEEK_END);

		(*ret)->size = end > 0 ? (uint64_t)end : 0;
	}
	return NULL;
}

struct mkd_error *mkd_file_open(const char *path, struct mkd_file **ret)
{
	struct mkd_error *err;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mkd_error_sys(errno, "cannot open '%s'", path);
	err = mkd_file_from_fd(fd, path, ret);
	close(fd);
	return err;
}

struct mkd_error *mkd_file_view(struct mkd_file *inner, const char *name,
				uint64_t size, const struct mkd_file_ops *ops,
				void *priv, struct mkd_file **ret)
{
	struct mkd_error *err = file_alloc(name, -1, ret);

	if (err)
		return err;
	(*ret)->size = size;
	(*ret)->ops = ops;
	(*ret)->priv = priv;
	(*ret)->inner = inner;
	return NULL;
}

void mkd_file_destroy(struct mkd_file *f)
{
	if (!f)
		return;
	if (f->ops && f->ops->destroy)
		f->ops->destroy(f);
	mkd_file_destroy(f->inner);
	if (f->fd >= 0)
		close(f->fd);
	free(f->name);
	free(f);
}

static struct mkd_error *fd_pread(struct mkd_file *f, void *buf, size_t len,
				  uint64_t off, size_t *got)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;

		if (off + done > (uint64_t)INT64_MAX)
			break;
		n = pread(f->fd, (char *)buf + done, len - done,
			  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*got = done;
			return mkd_error_sys(errno,
					     "reading '%s' at offset 0x%llx",
					     f->name,
					     (unsigned long long)(off + done));
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return NULL;
}

struct mkd_error *mkd_file_read_partial(struct mkd_file *f, void *buf,
					size_t len, uint64_t off, size_t *got)
{
	*got = 0;
	if (f->ops)
		return f->ops->pread(f, buf, len, off, got);
	return fd_pread(f, buf, len, off, got);
}

struct mkd_error *mkd_file_read(struct mkd_file *f, void *buf, size_t len,
				uint64_t off)
{
	struct mkd_error *err;
	size_t got;

	err = mkd_file_read_partial(f, buf, len, off, &got);
	if (err)
		return err;
	if (got < len)
		return mkd_error_at(MKD_ERR_TRUNCATED, off,
				    "'%s' ends at 0x%llx, before %zu bytes at 0x%llx",
				    f->name, (unsigned long long)(off + got),
				    len, (unsigned long long)off);
	return NULL;
}
