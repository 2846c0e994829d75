// SPDX-License-Identifier: GPL-2.0
/*
 * Views over the whole table, for debugfs.c's files:
 *  dump - every allocated block with a record, in the format of
 *         /sys/kernel/debug/page_owner, so tools/mm/page_owner_sort can
 *         aggregate it;
 *  top  - the stacks holding the most allocated pages right now;
 *  growth - the stacks holding more pages than at the mark (leaks.c
 *         counts them), with the age of their oldest page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sched/clock.h>
#include <linux/sort.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== Walking the table ==== */

/* The allocation that holds @pfn now: false if the page is free. */
static bool pt_alloc_event(unsigned long pfn, struct pt_event *e)
{
	struct pt_view v;

	if (!pt_table_read(pfn, &v) || !v.allocated)
		return false;
	*e = v.alloc;
	return true;
}

/**
 * pt_table_next_run - the next run of pages one allocation still holds
 * @pfn: where to look from; set to the run's first page
 * @e: the run's allocation event
 *
 * A run is pages of one aligned block with the same allocation record,
 * each still allocated. Walks pages, not blocks: after split_page() or a
 * partial free_pages_exact() a block's freed pages are not counted, and
 * pages allocated again inside it are runs of their own.
 *
 * Context: Process context; sleeps.
 * Return: the run's length; 0 at the end of the table.
 */
unsigned long pt_table_next_run(unsigned long *pfn, struct pt_event *e)
{
	unsigned long end = pt_table_end_pfn(), block_end, n;
	struct pt_event next;

	for (; *pfn < end; (*pfn)++) {
		if (!(*pfn & (PAGES_PER_SECTION - 1)))
			cond_resched();
		if (!pt_alloc_event(*pfn, e))
			continue;
		block_end = ALIGN(*pfn + 1, 1UL << e->order);
		for (n = 1; *pfn + n < block_end; n++) {
			if (!pt_alloc_event(*pfn + n, &next) ||
			    next.handle != e->handle || next.order != e->order)
				break;
		}
		return n;
	}
	return 0;
}

static void *pt_dump_start(struct seq_file *m, loff_t *pos)
{
	unsigned long pfn = *pos;
	struct pt_event e;

	if (!pt_table_next_run(&pfn, &e))
		return NULL;
	*pos = pfn;
	return pos;
}

static void *pt_dump_next(struct seq_file *m, void *v, loff_t *pos)
{
	unsigned long pfn = *pos;
	struct pt_event e;

	pfn += pt_table_next_run(&pfn, &e) ?: 1;
	if (!pt_table_next_run(&pfn, &e)) {
		*pos = pfn;
		return NULL;
	}
	*pos = pfn;
	return pos;
}

static void pt_dump_stop(struct seq_file *m, void *v)
{
}

/*
 * page_owner's block: header, PFN line, stack, blank line. pagetrail keeps
 * no gfp mask; pid, tgid, comm and time in mode=full only. The fields are
 * always present so the parsers of page_owner_sort find them: pid 0 and
 * "(pagetrail)" where they are not kept, "(unknown)" for a task no longer
 * known (see tasks.c). The page flags only while the page's section is
 * online: memory may be hot-removed during a read.
 */
static int pt_dump_show(struct seq_file *m, void *v)
{
	unsigned long pfn = *(loff_t *)v;
	struct pt_task t = { .comm = "pagetrail" };
	struct pt_event e;

	if (!pt_alloc_event(pfn, &e))
		return 0;
	if (e.stamp.ts && !pt_task_get(e.stamp.task, e.stamp.ts, &t)) {
		memset(&t, 0, sizeof(t));
		strscpy(t.comm, "unknown", sizeof(t.comm));
	}
	seq_printf(m, "Page allocated via order %d, mask 0x0(), pid %d, tgid %d (%s), ts %llu ns\n",
		   e.order, t.pid, t.tgid, t.comm, e.stamp.ts);
	seq_printf(m, "PFN 0x%lx type Unknown Block %lu type Unknown ", pfn,
		   pfn >> pageblock_order);
	if (pfn_valid(pfn) && online_section_nr(pfn_to_section_nr(pfn)))
		seq_printf(m, "Flags %pGp\n", &pfn_to_page(pfn)->flags);
	else
		seq_puts(m, "Flags (offline)\n");
	pt_print_frames(m, e.handle);
	seq_putc(m, '\n');
	return 0;
}

const struct seq_operations pt_dump_sops = {
	.start = pt_dump_start,
	.next = pt_dump_next,
	.stop = pt_dump_stop,
	.show = pt_dump_show,
};

/* ==== top: how many allocated pages each stack holds ==== */

#define PT_TOP_SLOTS	16384	/* distinct stacks counted per read */

/**
 * pt_top_add - count @pages for a stack in an open-addressing table
 * @t: the table, zeroed before the first call
 * @nr: its slots
 * @handle: the stack
 * @pages: pages to add
 *
 * Context: Any context.
 * Return: false if the table is full of other stacks.
 */
bool pt_top_add(struct pt_top_slot *t, unsigned int nr, u32 handle,
		u32 pages)
{
	unsigned int i, j;

	/* The handle itself is a good hash. */
	for (i = 0, j = handle % nr; i < nr; i++, j = (j + 1) % nr) {
		if (!t[j].pages || t[j].handle == handle) {
			t[j].handle = handle;
			t[j].pages += pages;
			return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(pt_top_add);

static int pt_top_cmp(const void *a, const void *b)
{
	const struct pt_top_slot *x = a, *y = b;

	return x->pages == y->pages ? 0 : x->pages > y->pages ? -1 : 1;
}

/**
 * pt_top_sort - sort a pt_top_add() table, most pages first
 * @t: the table
 * @nr: its slots
 *
 * Context: Process context.
 */
void pt_top_sort(struct pt_top_slot *t, unsigned int nr)
{
	sort(t, nr, sizeof(*t), pt_top_cmp, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(pt_top_sort);

/**
 * pt_top_print - print the @n stacks that hold the most allocated pages
 * @m: the seq_file
 * @n: how many
 *
 * Walks the whole table.
 *
 * Context: Process context; sleeps.
 * Return: 0 or -ENOMEM.
 */
int pt_top_print(struct seq_file *m, unsigned int n)
{
	unsigned long pfn = 0, total = 0, lost = 0, pages;
	struct pt_top_slot *t;
	struct pt_event e;
	unsigned int i;

	t = kvcalloc(PT_TOP_SLOTS, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	while ((pages = pt_table_next_run(&pfn, &e))) {
		total += pages;
		pfn += pages;
		if (!pt_top_add(t, PT_TOP_SLOTS, e.handle, pages))
			lost += pages;
	}
	pt_top_sort(t, PT_TOP_SLOTS);
	seq_printf(m, "%lu allocated pages with a record; top %u stacks:\n",
		   total, n);
	for (i = 0; i < n && t[i].pages; i++) {
		seq_printf(m, "\n%u pages:\n", t[i].pages);
		pt_print_stack(m, t[i].handle);
	}
	if (lost)
		seq_printf(m, "\n%lu pages not counted: too many distinct stacks\n",
			   lost);
	kvfree(t);
	return 0;
}

/* ==== growth: the stacks holding more pages than at the mark ==== */

static int pt_row_cmp_handle(const void *a, const void *b)
{
	const struct pt_leak_row *x = a, *y = b;

	return x->handle == y->handle ? 0 : x->handle < y->handle ? -1 : 1;
}

/* mode=full: the time of each row's oldest allocated page. */
static void pt_rows_oldest(struct pt_leak_row *rows, unsigned int n)
{
	unsigned long pfn = 0, pages;
	struct pt_leak_row key, *r;
	struct pt_event e;

	sort(rows, n, sizeof(*rows), pt_row_cmp_handle, NULL);
	while ((pages = pt_table_next_run(&pfn, &e))) {
		pfn += pages;
		key.handle = e.handle;
		/* The inline one: bsearch() is not in the GKI KMI lists. */
		r = __inline_bsearch(&key, rows, n, sizeof(*rows),
				     pt_row_cmp_handle);
		if (r && e.stamp.ts && (!r->oldest || e.stamp.ts < r->oldest))
			r->oldest = e.stamp.ts;
	}
}

/**
 * pt_growth_print - the "growth" file: stacks holding more pages than at the mark
 * @m: the seq_file
 *
 * Most growth first. The counts are leaks.c's; in mode=full, one walk of
 * the table finds the age of each stack's oldest page.
 *
 * Context: Process context; sleeps.
 * Return: 0, or -ENOMEM.
 */
int pt_growth_print(struct seq_file *m)
{
	u64 mark = pt_leaks_mark_time(), now;
	char at[PT_TIME_LEN], t[PT_TIME_LEN];
	struct pt_leak_row *rows;
	unsigned int i, n;

	if (!pt_leaks_capacity()) {
		seq_puts(m, "off: loaded with stacks=0\n");
		return 0;
	}
	rows = kvcalloc(pt_leaks_capacity(), sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return -ENOMEM;
	n = pt_leaks_rows(rows, false);
	if (pt_table_keeps_stamps())
		pt_rows_oldest(rows, n);
	pt_leaks_sort(rows, n);
	now = local_clock();	/* after the walk: no page is newer */
	pt_time_str(t, sizeof(t), now);
	if (mark)
		seq_printf(m, "mark at %s, now %s; %u stacks hold more pages than at the mark:\n",
			   pt_time_str(at, sizeof(at), mark), t, n);
	else
		seq_printf(m, "no mark yet (write 'mark'), now %s; %u stacks hold pages allocated since load:\n",
			   t, n);
	for (i = 0; i < n; i++) {
		seq_printf(m, "\n+%ld pages, %ld allocated now", rows[i].pages,
			   rows[i].live);
		if (rows[i].oldest)
			seq_printf(m, ", oldest allocated at %s (%llu s ago)",
				   pt_time_str(at, sizeof(at), rows[i].oldest),
				   (now - min(now, rows[i].oldest)) /
				   NSEC_PER_SEC);
		seq_puts(m, ":\n");
		pt_print_stack(m, rows[i].handle);
	}
	kvfree(rows);
	return 0;
}
