/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - the frame's own state, seen by main.c, session.c and
 * interactive.c only; commands see struct az_ctx and the az_session_*
 * accessors of analyze.h.
 */
#ifndef MKD_ANALYZE_SESSION_H
#define MKD_ANALYZE_SESSION_H

#include "analyze.h"

struct az_session {
	struct mkd_dump *dump;
	struct az_session_options opts;
	bool quit;		/* quit was run */
	int status;		/* the first failing command's exit code */
};

/* dump stays the caller's. */
struct az_session *az_session_create(struct mkd_dump *dump,
				     const struct az_session_options *opts);
void az_session_destroy(struct az_session *s);
bool az_session_done(const struct az_session *s);
int az_session_status(const struct az_session *s);

#endif /* MKD_ANALYZE_SESSION_H */
