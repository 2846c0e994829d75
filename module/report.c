// SPDX-License-Identifier: GPL-2.0
/*
 * Reporting: print a page's recorded stacks inside a KASAN (or KFENCE)
 * report, from the error_report_end tracepoint, and for debugfs lookup.
 *
 * The report path runs under KASAN's report lock with interrupts off: it
 * reads the table and stackdepot and prints, and never allocates, sleeps
 * or touches memory that could fault.
 */
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <trace/events/error_report.h>

#include "pagetrail.h"
#include "compat.h"


/* Print to the kernel log when @m is NULL, else to the seq_file. */
#define pt_out(m, fmt, ...)						\
	do {								\
		if (m)							\
			seq_printf(m, fmt, ##__VA_ARGS__);		\
		else							\
			pr_err(fmt, ##__VA_ARGS__);			\
	} while (0)

/**
 * pt_print_stack - print a stackdepot stack, one %pS frame per line
 * @m: the seq_file, or NULL for the kernel log
 * @handle: the stack; 0 prints why there is none
 *
 * Context: Any context: neither allocates nor sleeps.
 */
void pt_print_stack(struct seq_file *m, depot_stack_handle_t handle)
{
	unsigned long *entries;
	unsigned int i, n;

	n = handle ? stack_depot_fetch(handle, &entries) : 0;
	if (!n) {
		pt_out(m, " (no stack: stackdepot could not save it)\n");
		return;
	}
	for (i = 0; i < n; i++)
		pt_out(m, " %pS\n", (void *)entries[i]);
}

static void pt_print_event(struct seq_file *m, const char *what,
			   const struct pt_event *e)
{
	pt_out(m, "pagetrail: last %s by:\n", what);
	if (e->order < 0)
		pt_out(m, " (not recorded)\n");
	else
		pt_print_stack(m, e->handle);
}

void pt_print_pfn(struct seq_file *m, unsigned long pfn)
{
	struct pt_view v;

	if (!pt_table_read(pfn, &v)) {
		pt_out(m, "pagetrail: pfn 0x%lx is not tracked\n", pfn);
		return;
	}
	if (pt_view_empty(&v)) {
		pt_out(m, "pagetrail: pfn 0x%lx has no record\n", pfn);
		return;
	}
	pt_out(m, "pagetrail: pfn 0x%lx (order %d) is %s\n", pfn,
	       pt_view_latest(&v)->order, v.allocated ? "allocated" : "free");
	if (v.both || v.allocated)
		pt_print_event(m, "allocated", &v.alloc);
	if (v.both || !v.allocated)
		pt_print_event(m, "freed", &v.free);
}

/* The pfn behind a (possibly tagged) kernel address. */
bool pt_addr_to_pfn(unsigned long addr, unsigned long *pfn)
{
	void *p = kasan_reset_tag((void *)addr);
	struct page *page;

	if (virt_addr_valid(p)) {
		*pfn = PHYS_PFN(__pa(p));
		return true;
	}
	if (is_vmalloc_addr(p)) {
		page = vmalloc_to_page(p);
		if (page) {
			*pfn = page_to_pfn(page);
			return true;
		}
		/*
		 * Unmapped right after a mapped page: the guard page of a live
		 * area. Never backed by a page, whatever an older vfree() of
		 * the same address left in the ring.
		 */
		if (is_vmalloc_addr(p - PAGE_SIZE) &&
		    vmalloc_to_page(p - PAGE_SIZE))
			return false;
		/* Unmapped by vfree(): which page was behind it? */
		return pt_vfree_lookup((unsigned long)p, pfn);
	}
	return false;
}

static void pt_on_report(void *data, enum error_detector detector,
			 unsigned long id)
{
	unsigned long pfn;

	if (!READ_ONCE(pt_print_on_report))
		return;
	if (detector != ERROR_DETECTOR_KASAN && detector != ERROR_DETECTOR_KFENCE)
		return;
	if (!pt_addr_to_pfn(id, &pfn)) {
		pr_err("pagetrail: no page behind 0x%lx\n", id);
		return;
	}
	pt_print_pfn(NULL, pfn);
}

struct pt_hook pt_report_hook = PT_TP_HOOK("error_report_end", pt_on_report);

int pt_report_init(void)
{
	return pt_hook_attach(&pt_report_hook);
}

void pt_report_exit(void)
{
	pt_hook_detach(&pt_report_hook);
}
