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


static struct tracepoint *pt_report_tp;
bool pt_report_attached;

/* Print to the kernel log when @m is NULL, else to the seq_file. */
#define pt_out(m, fmt, ...)						\
	do {								\
		if (m)							\
			seq_printf(m, fmt, ##__VA_ARGS__);		\
		else							\
			pr_err(fmt, ##__VA_ARGS__);			\
	} while (0)

static void pt_print_stack(struct seq_file *m, const char *what, u32 rec)
{
	depot_stack_handle_t h = pt_rec_handle(rec);
	unsigned long *entries;
	unsigned int i, n;

	pt_out(m, "pagetrail: last %s by:\n", what);
	if (!rec) {
		pt_out(m, " (not recorded)\n");
		return;
	}
	n = h ? stack_depot_fetch(h, &entries) : 0;
	if (!n) {
		pt_out(m, " (no stack: stackdepot was full or unavailable)\n");
		return;
	}
	for (i = 0; i < n; i++)
		pt_out(m, " %pS\n", (void *)entries[i]);
}

void pt_print_pfn(struct seq_file *m, unsigned long pfn)
{
	struct pt_view v;
	u32 latest;

	if (!pt_table_read(pfn, &v)) {
		pt_out(m, "pagetrail: pfn 0x%lx is not tracked\n", pfn);
		return;
	}
	if (pt_mode == PT_MODE_LAST)
		latest = v.last;
	else
		latest = (v.alloc & PT_REC_LATEST) ? v.alloc : v.free;
	if (!latest) {
		pt_out(m, "pagetrail: pfn 0x%lx has no record\n", pfn);
		return;
	}
	if (pt_mode == PT_MODE_LAST) {
		bool alloc = latest & PT_REC_LATEST;

		pt_out(m, "pagetrail: pfn 0x%lx (order %d) is %s\n", pfn,
		       pt_rec_order(latest), alloc ? "allocated" : "free");
		pt_print_stack(m, alloc ? "allocated" : "freed", latest);
		return;
	}
	pt_out(m, "pagetrail: pfn 0x%lx (order %d) is %s\n", pfn,
	       pt_rec_order(latest), latest == v.alloc ? "allocated" : "free");
	pt_print_stack(m, "allocated", v.alloc);
	pt_print_stack(m, "freed", v.free);
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

int pt_report_init(void)
{
	int ret;

	pt_report_tp = pt_find_tracepoint("error_report_end");
	if (!pt_report_tp)
		return -ENOENT;
	ret = tracepoint_probe_register(pt_report_tp, pt_on_report, NULL);
	pt_report_attached = !ret;
	return ret;
}

void pt_report_exit(void)
{
	if (!pt_report_attached)
		return;
	tracepoint_probe_unregister(pt_report_tp, pt_on_report, NULL);
	tracepoint_synchronize_unregister();
	pt_report_attached = false;
}
