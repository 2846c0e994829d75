// SPDX-License-Identifier: GPL-2.0
/*
 * pt_oracle: holds pagetrail's answers against the truth pt_oracle.ko
 * knows (/sys/kernel/debug/pt_oracle/truth: PATH PFN STATE FUNCTION
 * ALLOCATOR).
 *
 * Right:  the page's state as the truth says, and its last stack of that
 *         kind (allocated: "last allocated by", free: "last freed by")
 *         names FUNCTION.
 * Marked: pagetrail says it has no stack for it ("(no stack: ...", or
 *         "(owner unknown: ...").
 * Reused: a freed page someone else has allocated since: its allocation
 *         stack names another function than ALLOCATOR (it may read
 *         allocated or free again). Nothing to judge.
 * Not run: a "notrun" line: the oracle could not create the page.
 * Wrong:  anything else: the wrong state, "has no record", a stack that
 *         does not name FUNCTION.
 *
 * A path passes with no wrong answer and at least one page judged right
 * or reused (a freed page is often reused at once).
 *
 *   pt_oracle TAG        prints kselftest TAP, one result per path
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "pt_lookup.h"

#define TRUTH	"/sys/kernel/debug/pt_oracle/truth"
#define PATHS	32

struct path {
	char name[32];
	int total, right, marked, reused, wrong, notrun;
	char first_wrong[512];
};

static struct path paths[PATHS];
static int nr_paths;

static struct path *path_of(const char *name)
{
	int i;

	for (i = 0; i < nr_paths; i++) {
		if (!strcmp(paths[i].name, name))
			return &paths[i];
	}
	if (nr_paths == PATHS)
		ksft_exit_fail_msg("too many paths\n");
	snprintf(paths[nr_paths].name, sizeof(paths[0].name), "%s", name);
	return &paths[nr_paths++];
}

/* The stack after @header, up to the next "pagetrail:" line. */
static char *section(char *block, const char *header)
{
	char *s = strstr(block, header), *e;

	if (!s)
		return NULL;
	s += strlen(header);
	e = strstr(s, "pagetrail:");
	if (e)
		*e = '\0';
	return s;
}

static void judge(struct path *p, unsigned long pfn, int allocated,
		  const char *func, const char *allocator)
{
	char block[4096], copy[4096], *st;
	int right = 0;

	p->total++;
	if (pt_lookup(pfn, block, sizeof(block))) {
		snprintf(block, sizeof(block), "lookup: %s", strerror(errno));
		goto wrong;
	}
	memcpy(copy, block, sizeof(copy));
	if (!allocated) {
		st = section(copy, "last allocated by:\n");
		/* "has no record", or still ours while it should be free. */
		if (!st || (strstr(st, allocator) &&
			    strstr(block, ") is allocated\n")))
			goto wrong;
		if (!strstr(st, allocator)) {
			p->reused++;
			return;
		}
		memcpy(copy, block, sizeof(copy));
	}
	if (!strstr(block, allocated ? ") is allocated\n" : ") is free\n"))
		goto wrong;
	st = section(copy, allocated ? "last allocated by:\n" :
				       "last freed by:\n");
	if (st && (strstr(st, "(no stack") || strstr(st, "(owner unknown"))) {
		p->marked++;
		return;
	}
	right = st && strstr(st, func);
	if (right) {
		p->right++;
		return;
	}
wrong:
	p->wrong++;
	if (p->first_wrong[0])
		return;
	/* One line: the host reads the guest's output line by line. */
	for (st = block; *st; st++)
		if (*st == '\n')
			*st = '|';
	snprintf(p->first_wrong, sizeof(p->first_wrong),
		 "pfn 0x%lx, want %s by %s: %.400s", pfn,
		 allocated ? "allocated" : "free", func, block);
}

int main(int argc, char **argv)
{
	char line[256], name[32], state[16], func[64], allocator[64];
	const char *tag = argc > 1 ? argv[1] : "";
	unsigned long pfn;
	FILE *f;
	int i;

	ksft_print_header();
	f = fopen(TRUTH, "r");
	if (!f)
		ksft_exit_fail_msg("%s: %s\n", TRUTH, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lx %15s %63s %63s", name, &pfn, state,
			   func, allocator) != 5)
			ksft_exit_fail_msg("bad truth line: %s", line);
		if (!strcmp(state, "notrun"))
			path_of(name)->notrun++;
		else
			judge(path_of(name), pfn, !strcmp(state, "allocated"),
			      func, allocator);
	}
	fclose(f);
	if (!nr_paths)
		ksft_exit_fail_msg("no truth: did pt_oracle run?\n");
	ksft_set_plan(nr_paths);
	for (i = 0; i < nr_paths; i++) {
		struct path *p = &paths[i];

		if (p->notrun && !p->total) {
			ksft_test_result_skip("accuracy %s %s: the oracle could not create its pages\n",
					      tag, p->name);
			continue;
		}
		if (p->wrong)
			ksft_print_msg("%s %s: first wrong: %s\n", tag, p->name,
				       p->first_wrong);
		ksft_test_result(!p->wrong && (p->right || p->reused),
				 "accuracy %s %s: %d wrong, %d marked unknown, %d right of %d pages (%d reused)\n",
				 tag, p->name, p->wrong, p->marked, p->right,
				 p->total, p->reused);
	}
	ksft_finished();
}
