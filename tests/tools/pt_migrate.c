// SPDX-License-Identifier: GPL-2.0
/*
 * pt_migrate: pages that move keep their owner. Faults in anonymous pages,
 * moves them with move_pages(2) to another NUMA node (and, second, lets
 * compaction move what it wants of a fragmented area), finds their new
 * pfns in /proc/self/pagemap and asks pagetrail's lookup about each.
 * Last, a hugetlb page from the pool: allocated by the pool's growth.
 *
 * Right:   "is allocated" and the allocation stack is the page fault's
 *          (handle_mm_fault), not the migration's.
 * Wrong:   "is free", "has no record", or a stack with a migration frame
 *          (the record of the migration target's own allocation).
 * The old pfns must read "is free", freed by the migration.
 *
 *   pt_migrate [-n PAGES]        prints kselftest TAP; needs root
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest.h"
#include "pt_lookup.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define MPOL_MF_MOVE	(1 << 1)

static long page_size;

/* The pfn behind @addr, 0 if not present. */
static uint64_t pfn_of(int pagemap, void *addr)
{
	uint64_t e;
	off_t off = (uintptr_t)addr / page_size * sizeof(e);

	if (pread(pagemap, &e, sizeof(e), off) != sizeof(e))
		return 0;
	return (e & PM_PRESENT) ? (e & PM_PFN_MASK) : 0;
}

/* The text between "last allocated by:" and the next header. */
static const char *alloc_stack(char *block)
{
	char *s = strstr(block, "last allocated by:\n"), *e;

	if (!s)
		return NULL;
	s += strlen("last allocated by:\n");
	e = strstr(s, "pagetrail:");
	if (e)
		*e = '\0';
	return s;
}

struct tally {
	int right, wrong, moved;
	char first_wrong[512];
};

static void judge_new(struct tally *t, uint64_t pfn)
{
	char block[4096];
	const char *st;
	int ok;

	if (pt_lookup(pfn, block, sizeof(block))) {
		ok = 0;
		snprintf(block, sizeof(block), "lookup failed: %s", strerror(errno));
	} else {
		ok = strstr(block, ") is allocated\n") != NULL;
		st = ok ? alloc_stack(block) : NULL;
		ok = st && strstr(st, "handle_mm_fault") && !strstr(st, "migrat");
	}
	if (ok) {
		t->right++;
		return;
	}
	t->wrong++;
	if (!t->first_wrong[0])
		snprintf(t->first_wrong, sizeof(t->first_wrong), "pfn 0x%llx: %.400s",
			 (unsigned long long)pfn, block);
}

/*
 * An old pfn right after the move: 1 if free and freed by the migration,
 * 0 if it reads otherwise, -1 if allocated again since (cannot judge).
 */
static int old_freed_by_migration(uint64_t pfn)
{
	char block[4096], *s;

	if (pt_lookup(pfn, block, sizeof(block)))
		return 0;
	if (strstr(block, ") is allocated\n"))
		return -1;
	s = strstr(block, "last freed by:\n");
	return strstr(block, ") is free\n") && s && strstr(s, "migrat");
}

static void fault_in(char *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i * page_size] = (char)i;
}

int main(int argc, char **argv)
{
	int n = 64, opt, i, pagemap, node, cur, *nodes, *status;
	uint64_t *before;
	struct tally t = { 0 };
	void **pages;
	char *p;
	long ret;

	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			ksft_exit_fail_msg("usage: pt_migrate [-n PAGES]\n");
		n = atoi(optarg);
	}
	ksft_print_header();
	ksft_set_plan(4);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		ksft_exit_fail_msg("pagemap: %s\n", strerror(errno));
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	before = calloc(n, sizeof(*before));
	pages = calloc(n, sizeof(*pages));
	nodes = calloc(n, sizeof(*nodes));
	status = calloc(n, sizeof(*status));
	if (p == MAP_FAILED || !before || !pages || !nodes || !status)
		ksft_exit_fail_msg("out of memory\n");
	fault_in(p, n);

	/* Where are they now? Move them all to another node. */
	for (i = 0; i < n; i++)
		pages[i] = p + i * page_size;
	/* A kernel without NUMA (GKI) has no move_pages(): compaction only. */
	if (access("/sys/devices/system/node/node1", F_OK)) {
		ret = -1;
		errno = ENODEV;
	} else {
		ret = syscall(SYS_move_pages, 0, n, pages, NULL, status, 0);
		if (ret)
			ksft_exit_fail_msg("move_pages (query): %s\n",
					   strerror(errno));
	}
	cur = ret ? 0 : status[0];
	node = cur == 0 ? 1 : 0;
	for (i = 0; i < n; i++) {
		before[i] = pfn_of(pagemap, pages[i]);
		nodes[i] = node;
	}
	if (!ret)
		ret = syscall(SYS_move_pages, 0, n, pages, nodes, status,
			      MPOL_MF_MOVE);
	if (ret < 0) {
		ksft_test_result_skip("move_pages to node %d: %s (one NUMA node?)\n",
				      node, strerror(errno));
		ksft_test_result_skip("old pages read free\n");
	} else {
		int old_right = 0, old_reused = 0, r;

		for (i = 0; i < n; i++) {
			uint64_t now = pfn_of(pagemap, pages[i]);

			if (!now || now == before[i])
				continue;
			t.moved++;
			judge_new(&t, now);
			r = old_freed_by_migration(before[i]);
			old_right += r == 1;
			old_reused += r == -1;
		}
		ksft_print_msg("move_pages: node %d -> %d: %d of %d moved: %d right, %d wrong\n",
			       cur, node, t.moved, n, t.right, t.wrong);
		if (t.wrong)
			ksft_print_msg("first wrong: %s\n", t.first_wrong);
		/* move_pages() may leave a page (a positive return). */
		ksft_test_result(t.moved >= n / 2 && t.right == t.moved && !t.wrong,
				 "move_pages: %d migrated pages keep their fault's allocation stack\n",
				 t.moved);
		ksft_test_result(old_right && old_right + old_reused == t.moved,
				 "move_pages: the old pages read free, freed by the migration (%d; %d reused since)\n",
				 old_right, old_reused);
	}

	/*
	 * Compaction: fragment a larger area (every other page given back),
	 * compact, and judge whatever moved. It may move nothing.
	 */
	{
		int m = 4096, moved_before = t.moved;
		char *q = mmap(NULL, m * page_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t *was = calloc(m, sizeof(*was));
		int fd;

		if (q == MAP_FAILED || !was)
			ksft_exit_fail_msg("out of memory\n");
		fault_in(q, m);
		for (i = 1; i < m; i += 2)
			madvise(q + i * page_size, page_size, MADV_DONTNEED);
		for (i = 0; i < m; i += 2)
			was[i] = pfn_of(pagemap, q + i * page_size);
		fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
		if (fd < 0 || write(fd, "1", 1) != 1)
			ksft_exit_fail_msg("compact_memory: %s\n", strerror(errno));
		close(fd);
		t.right = t.wrong = 0;
		t.first_wrong[0] = '\0';
		t.moved = 0;
		for (i = 0; i < m; i += 2) {
			uint64_t now = pfn_of(pagemap, q + i * page_size);

			if (!now || now == was[i])
				continue;
			t.moved++;
			judge_new(&t, now);
		}
		ksft_print_msg("compaction: %d of %d pages moved: %d right, %d wrong\n",
			       t.moved, m / 2, t.right, t.wrong);
		if (t.wrong)
			ksft_print_msg("first wrong: %s\n", t.first_wrong);
		(void)moved_before;
		if (!t.moved)
			ksft_test_result_skip("compaction moved none of our pages\n");
		else
			ksft_test_result(!t.wrong,
					 "compaction: %d moved pages keep their fault's allocation stack\n",
					 t.moved);
	}
	/*
	 * hugetlb: pool pages come from the buddy allocator when the pool
	 * grows; a page mapped from the pool reads allocated by that growth
	 * (a hugetlb frame in its stack), and after the pool shrinks, freed
	 * by hugetlb. Gigantic (1 GiB) pages do not fit these guests.
	 */
	{
		int fd = open("/proc/sys/vm/nr_hugepages", O_RDWR);
		char *h = MAP_FAILED, block[4096] = "", was[32] = "0";
		const char *st;
		uint64_t pfn = 0;
		int right = 0;
		ssize_t len;

		len = fd >= 0 ? pread(fd, was, sizeof(was) - 1, 0) : -1;
		if (len > 0)
			was[len] = '\0';
		if (fd >= 0 && pwrite(fd, "2", 1, 0) == 1)
			h = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (h == MAP_FAILED) {
			ksft_test_result_skip("hugetlb: no huge page (%s)\n",
					      strerror(errno));
		} else {
			h[0] = 1;
			pfn = pfn_of(pagemap, h);
			if (pfn && !pt_lookup(pfn, block, sizeof(block))) {
				st = alloc_stack(block);
				right = strstr(block, ") is allocated\n") && st &&
					strstr(st, "hugetlb");
			}
			if (!right)
				ksft_print_msg("hugetlb: pfn 0x%llx: %.300s\n",
					       (unsigned long long)pfn, block);
			munmap(h, 2 << 20);
			ksft_test_result(right,
					 "hugetlb: a pool page reads allocated by the pool's growth\n");
		}
		if (fd >= 0) {
			if (pwrite(fd, was, strlen(was), 0) < 0)
				ksft_print_msg("nr_hugepages restore: %s\n",
					       strerror(errno));
			close(fd);
		}
	}
	ksft_finished();
}
