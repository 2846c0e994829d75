// SPDX-License-Identifier: GPL-2.0
/*
 * The leak view: per stack, how many pages it holds allocated now and how
 * many it has freed since load, kept up to date on every event (table.c
 * calls in whenever it replaces an allocation record), so a read never
 * scans the pages. Three files read it (debugfs.c; growth through views.c):
 *  show_stacks - page_owner's format (6.8+): the stack, then
 *                "nr_base_pages: N", for the stacks holding at least
 *                count_threshold pages;
 *  growth      - write "mark", later read the stacks that hold more pages
 *                than at the mark, with the growth and (mode=full) the age
 *                of their oldest page;
 *  top_free    - the stacks that freed the most pages.
 *
 * The counts live in a bounded open-addressing table keyed by stackdepot
 * handle (the stacks themselves stay in stackdepot). Entries are never
 * removed, so a stack that found no free entry never has one, and the
 * count of every stack that has one is exact; the pages of the others are
 * counted in stats (stacks_full).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

#define PT_STACKS_DEFAULT	16384	/* 384 KiB */
#define PT_STACKS_MAX		(1U << 20)
#define PT_STACKS_PROBES	64	/* entries a stack may land in */

struct pt_stack_count {
	u32 handle;		/* 0: free entry */
	atomic_t live;		/* pages it holds allocated now */
	int mark;		/* live at the last mark */
	atomic_long_t freed;	/* pages it freed since load */
};

DEFINE_STATIC_KEY_FALSE(pt_leaks_key);

static unsigned int pt_stacks_param = PT_STACKS_DEFAULT;
static struct pt_stack_count *pt_stacks;
static unsigned int pt_stacks_bits;
static u64 pt_mark_time;	/* 0: no mark yet */

/* show_stacks prints stacks holding at least this many pages. */
unsigned int pt_count_threshold;

static int pt_param_set_stacks(const char *val, const struct kernel_param *kp)
{
	return pt_param_set_range(val, kp, 0, PT_STACKS_MAX);
}

static const struct kernel_param_ops pt_stacks_ops = {
	.set = pt_param_set_stacks,
	.get = param_get_uint,
};

module_param_cb(stacks, &pt_stacks_ops, &pt_stacks_param, 0444);
MODULE_PARM_DESC(stacks, "Distinct stacks the leak view counts pages for, 24 B each (load time, default 16384; 0: off)");

static unsigned int pt_stacks_nr(void)
{
	return pt_stacks ? 1U << pt_stacks_bits : 0;
}

/* @handle's entry; with @create, a new one if it has none. */
static struct pt_stack_count *pt_stack_find(u32 handle, bool create)
{
	unsigned int mask = pt_stacks_nr() - 1;
	unsigned int i, j = hash_32(handle, pt_stacks_bits);
	u32 h;

	for (i = 0; i < PT_STACKS_PROBES; i++, j = (j + 1) & mask) {
		h = READ_ONCE(pt_stacks[j].handle);
		if (h == handle)
			return &pt_stacks[j];
		if (h)
			continue;
		if (!create)
			return NULL;
		h = cmpxchg(&pt_stacks[j].handle, 0, handle);
		if (!h || h == handle)
			return &pt_stacks[j];
	}
	return NULL;
}

/**
 * pt_leaks_add - count pages a stack holds
 * @handle: the allocating stack
 * @pages: pages it now holds more (negative: fewer)
 *
 * Context: Any context; lock-free.
 */
void pt_leaks_add(depot_stack_handle_t handle, long pages)
{
	struct pt_stack_count *c = pt_stack_find(handle, pages > 0);

	if (c)
		atomic_add(pages, &c->live);
	else if (pages > 0)
		this_cpu_add(pt_counters[PT_CTR_STACKS_FULL], pages);
}

/**
 * pt_leaks_freed - count pages a stack freed
 * @handle: the freeing stack
 * @pages: how many
 *
 * Context: Any context; lock-free.
 */
void pt_leaks_freed(depot_stack_handle_t handle, long pages)
{
	struct pt_stack_count *c = pt_stack_find(handle, true);

	if (c)
		atomic_long_add(pages, &c->freed);
	else
		this_cpu_add(pt_counters[PT_CTR_STACKS_FULL], pages);
}

/* Pages @c holds. Never below 0 (see pt_leaks_reset()). */
static int pt_live(const struct pt_stack_count *c)
{
	return max(atomic_read(&c->live), 0);
}

/* A stack worth printing: not one of depot.c's placeholders. */
static bool pt_stack_real(u32 handle)
{
	return handle && !pt_depot_is_failed(handle) &&
	       !pt_depot_is_moved(handle);
}

/* ==== show_stacks: page_owner's format ==== */

static void *pt_ss_next_from(loff_t *pos)
{
	unsigned int min = max(pt_count_threshold, 1U);

	for (; *pos < pt_stacks_nr(); ++*pos) {
		struct pt_stack_count *c = &pt_stacks[*pos];

		if (pt_stack_real(READ_ONCE(c->handle)) && pt_live(c) >= min)
			return c;
	}
	return NULL;
}

static void *pt_ss_start(struct seq_file *m, loff_t *pos)
{
	return pt_ss_next_from(pos);
}

static void *pt_ss_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pt_ss_next_from(pos);
}

static void pt_ss_stop(struct seq_file *m, void *v)
{
}

/* As page_owner's stack_print(): " %pS" frames, then the count. */
static int pt_ss_show(struct seq_file *m, void *v)
{
	struct pt_stack_count *c = v;
	unsigned long *entries;
	unsigned int i, n;

	n = stack_depot_fetch(READ_ONCE(c->handle), &entries);
	for (i = 0; i < n; i++) {
		if (entries[i] != PT_CUT_MARK)	/* see pt_event_depth() */
			seq_printf(m, " %pS\n", (void *)entries[i]);
	}
	seq_printf(m, "nr_base_pages: %d\n\n", pt_live(c));
	return 0;
}

const struct seq_operations pt_show_stacks_sops = {
	.start = pt_ss_start,
	.next = pt_ss_next,
	.stop = pt_ss_stop,
	.show = pt_ss_show,
};

/* ==== growth since the mark, and top_free ==== */

/**
 * pt_leaks_mark - remember how many pages each stack holds now
 *
 * Context: Process context.
 */
void pt_leaks_mark(void)
{
	unsigned int i;

	for (i = 0; i < pt_stacks_nr(); i++)
		WRITE_ONCE(pt_stacks[i].mark, pt_live(&pt_stacks[i]));
	WRITE_ONCE(pt_mark_time, local_clock());
}

static int pt_row_cmp_pages(const void *a, const void *b)
{
	const struct pt_leak_row *x = a, *y = b;

	return x->pages == y->pages ? 0 : x->pages > y->pages ? -1 : 1;
}

/**
 * pt_leaks_sort - sort rows, most pages first
 * @rows: rows from pt_leaks_rows()
 * @n: how many
 *
 * Context: Process context.
 */
void pt_leaks_sort(struct pt_leak_row *rows, unsigned int n)
{
	sort(rows, n, sizeof(*rows), pt_row_cmp_pages, NULL);
}

/**
 * pt_leaks_rows - a row per stack that grew since the mark, or that freed pages
 * @rows: room for pt_leaks_capacity() rows
 * @freed: rows of the pages each stack freed since load, not of growth
 *
 * Context: Any context.
 * Return: the rows filled in.
 */
unsigned int pt_leaks_rows(struct pt_leak_row *rows, bool freed)
{
	unsigned int i, n = 0;

	for (i = 0; i < pt_stacks_nr(); i++) {
		struct pt_stack_count *c = &pt_stacks[i];
		u32 handle = READ_ONCE(c->handle);
		long pages = freed ? atomic_long_read(&c->freed) :
				     pt_live(c) - READ_ONCE(c->mark);

		if (!pt_stack_real(handle) || pages <= 0)
			continue;
		rows[n].handle = handle;
		rows[n].pages = pages;
		rows[n].live = pt_live(c);
		rows[n].oldest = 0;
		n++;
	}
	return n;
}

/**
 * pt_leaks_capacity - how many stacks the counts hold
 *
 * Context: Any context.
 * Return: that many, 0 when off (stacks=0).
 */
unsigned int pt_leaks_capacity(void)
{
	return pt_stacks_nr();
}

/**
 * pt_leaks_mark_time - when the last mark was set
 *
 * Context: Any context.
 * Return: its local_clock() time, 0 if none.
 */
u64 pt_leaks_mark_time(void)
{
	return READ_ONCE(pt_mark_time);
}

/**
 * pt_top_free_print - the "top_free" file: the stacks that freed the most pages
 * @m: the seq_file
 * @n: how many stacks
 *
 * Context: Process context; sleeps.
 * Return: 0, or -ENOMEM.
 */
int pt_top_free_print(struct seq_file *m, unsigned int n)
{
	struct pt_leak_row *rows;
	unsigned int i, nr;
	unsigned long total = 0;

	if (!pt_stacks) {
		seq_puts(m, "off: loaded with stacks=0\n");
		return 0;
	}
	rows = kvcalloc(pt_stacks_nr(), sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return -ENOMEM;
	nr = pt_leaks_rows(rows, true);
	for (i = 0; i < nr; i++)
		total += rows[i].pages;
	pt_leaks_sort(rows, nr);
	seq_printf(m, "%lu pages freed since load by %u stacks; top %u:\n",
		   total, nr, n);
	for (i = 0; i < n && i < nr; i++) {
		seq_printf(m, "\n%ld pages freed:\n", rows[i].pages);
		pt_print_stack(m, rows[i].handle);
	}
	kvfree(rows);
	return 0;
}

/* ==== setup ==== */

/**
 * pt_leaks_reset - forget every count
 *
 * Description: The coverage self-test clears the table between the hook
 * sets it tries, the counts go with it. Events recorded meanwhile on other
 * CPUs can leave a count off by their pages; pt_live() never shows it
 * below 0.
 *
 * Context: Process context.
 */
void pt_leaks_reset(void)
{
	if (pt_stacks)
		memset(pt_stacks, 0, pt_leaks_bytes());
	WRITE_ONCE(pt_mark_time, 0);
}

/**
 * pt_leaks_bytes - what the counts cost
 *
 * Context: Any context.
 * Return: bytes, 0 when off.
 */
unsigned long pt_leaks_bytes(void)
{
	return (unsigned long)pt_stacks_nr() * sizeof(*pt_stacks);
}

/**
 * pt_leaks_init - allocate the counts, if stacks=N asks for them
 *
 * Context: Process context, at load; sleeps.
 * Return: 0 or -ENOMEM.
 */
int pt_leaks_init(void)
{
	unsigned int n;

	if (!pt_stacks_param)
		return 0;
	n = max_t(unsigned int, pt_stacks_param, PT_STACKS_PROBES);
	pt_stacks_bits = ilog2(roundup_pow_of_two(n));
	pt_stacks = vzalloc(array_size(1UL << pt_stacks_bits,
				       sizeof(*pt_stacks)));
	if (!pt_stacks)
		return -ENOMEM;
	static_branch_enable(&pt_leaks_key);
	return 0;
}

/**
 * pt_leaks_exit - free the counts
 *
 * Context: Process context, after the hooks and readers are gone.
 */
void pt_leaks_exit(void)
{
	static_branch_disable(&pt_leaks_key);
	vfree(pt_stacks);
	pt_stacks = NULL;
}
