// SPDX-License-Identifier: GPL-2.0
/*
 * Reports: print a page's recorded stacks inside a KASAN (or KFENCE)
 * report, from the error_report_end tracepoint, and for debugfs.
 *
 * The report path runs under KASAN's report lock with interrupts off: it
 * reads the table and stackdepot and prints, and never allocates, sleeps
 * or touches memory that could fault.
 */
/*
 * The block's lines are a format that people and scripts read, the same
 * in the kernel log and in debugfs: frames as KASAN prints them (" %pS"),
 * headers with the module's name in front. No pr_fmt() prefix.
 */
#define pr_fmt(fmt) fmt
#define PT_PFX KBUILD_MODNAME ": "

#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
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
 * pt_print_frames - print a recorded stack, one %pS frame per line
 * @m: the seq_file, or NULL for the kernel log
 * @handle: the stack, as a record holds it
 *
 * The frames only, as page_owner prints them (dump): a cut stack's marker
 * (see pt_event_depth()) is not a frame and is left out.
 *
 * Context: Any context: neither allocates nor sleeps.
 * Return: true if the stack was cut after the API's caller (sample=).
 */
bool pt_print_frames(struct seq_file *m, depot_stack_handle_t handle)
{
	unsigned long *entries;
	unsigned int i, n;

	if (pt_depot_is_moved(handle)) {
		pt_out(m, " (owner unknown: migration moved a page here that pagetrail cannot follow)\n");
		return false;
	}
	n = pt_depot_is_failed(handle) ? 0 :
	    stack_depot_fetch(handle, &entries);
	if (!n) {
		pt_out(m, " (no stack: stackdepot could not save it)\n");
		return false;
	}
	for (i = 0; i < n; i++) {
		if (entries[i] != PT_CUT_MARK)
			pt_out(m, " %pS\n", (void *)entries[i]);
	}
	return entries[n - 1] == PT_CUT_MARK;
}

/**
 * pt_print_stack - print a recorded stack for a reader
 * @m: the seq_file, or NULL for the kernel log
 * @handle: the stack, as a record holds it
 *
 * pt_print_frames(), and under a stack sample= cut, a line that says so.
 *
 * Context: Any context: neither allocates nor sleeps.
 */
void pt_print_stack(struct seq_file *m, depot_stack_handle_t handle)
{
	if (pt_print_frames(m, handle))
		pt_out(m, " (sampled out: cut after the API's caller)\n");
}

/* ==== Who and when ==== */

#define PT_STAMP_LEN	80	/* " by pid N tgid N (comm) at S.US s" */

/* " by pid 1 tgid 1 (init) at 1.000000s", or less if not known. */
static void pt_stamp_str(char *buf, size_t len, const struct pt_stamp *st)
{
	char at[PT_TIME_LEN];
	struct pt_task t;

	pt_time_str(at, sizeof(at), st->ts);
	if (pt_task_get(st->task, st->ts, &t))
		scnprintf(buf, len, " by pid %d tgid %d (%s) at %s", t.pid,
			  t.tgid, t.comm, at);
	else if (st->ts)
		scnprintf(buf, len, " by an unknown task at %s", at);
	else
		buf[0] = '\0';
}

static void pt_print_event(struct seq_file *m, const char *what,
			   const struct pt_event *e)
{
	char who[PT_STAMP_LEN];

	if (e->order == PT_ORDER_NOT_KEPT)
		return;
	pt_stamp_str(who, sizeof(who), &e->stamp);
	if (who[0])
		pt_out(m, PT_PFX "last %s%s, by:\n", what, who);
	else
		pt_out(m, PT_PFX "last %s by:\n", what);
	if (pt_event_recorded(e))
		pt_print_stack(m, e->handle);
	else
		pt_out(m, " (not recorded)\n");
}

/**
 * pt_time_str - a local_clock() time as printk stamps its lines
 * @buf: the buffer, PT_TIME_LEN bytes will do
 * @len: its size
 * @ts: the time, 0 if not known
 *
 * Context: Any context.
 * Return: @buf: "12.345678s", or "" if @ts is 0.
 */
char *pt_time_str(char *buf, size_t len, u64 ts)
{
	buf[0] = '\0';
	if (ts)
		scnprintf(buf, len, "%llu.%06lus", ts / NSEC_PER_SEC,
			  (unsigned long)(ts % NSEC_PER_SEC) / NSEC_PER_USEC);
	return buf;
}

/* ==== History ==== */

/* " (order 3)", or " (order >10)" for a block beyond the buddy allocator. */
static void pt_order_str(char *buf, size_t len, unsigned int order)
{
	if (order == PT_ORDER_BEYOND)
		scnprintf(buf, len, " (order >%d)", PT_MAX_PAGE_ORDER);
	else
		scnprintf(buf, len, " (order %u)", order);
}

static void pt_print_past(struct seq_file *m, unsigned long pfn,
			  const struct pt_view *v, struct pt_history *h)
{
	bool seen[2] = { false, false };
	char who[PT_STAMP_LEN], since[PT_TIME_LEN], order[16];
	unsigned int i;

	pt_history_find(pfn, h);
	if (h->complete_since)
		pt_time_str(since, sizeof(since), h->complete_since);
	else
		strscpy(since, "load", sizeof(since));
	if (!h->shown) {
		pt_out(m, PT_PFX "history of pfn 0x%lx: no events kept (complete since %s)\n",
		       pfn, since);
		return;
	}
	pt_time_str(who, sizeof(who), h->oldest);
	pt_out(m, PT_PFX "history of pfn 0x%lx, newest first: allocated %u times, freed %u times since %s (complete since %s)\n",
	       pfn, h->allocs, h->frees, who, since);
	for (i = 0; i < h->shown; i++) {
		const struct pt_past_event *e = &h->ev[i];
		struct pt_stamp st = { .ts = e->ts, .task = e->task };
		bool alloc = e->kind == PT_ALLOC;
		const struct pt_event *cur = alloc ? &v->alloc : &v->free;
		const char *what = alloc ? "allocated" : "freed";

		pt_stamp_str(who, sizeof(who), &st);
		pt_order_str(order, sizeof(order), e->order);
		/* The newest of each kind with the table's stack: shown above. */
		if (!seen[alloc] && pt_event_recorded(cur) &&
		    cur->handle == e->handle) {
			seen[alloc] = true;
			pt_out(m, PT_PFX "  %s%s%s: the stack above\n",
			       what, order, who);
			continue;
		}
		seen[alloc] = true;
		pt_out(m, PT_PFX "  %s%s%s, by:\n", what, order, who);
		pt_print_stack(m, e->handle);
	}
	if (h->allocs + h->frees > h->shown)
		pt_out(m, PT_PFX "  older events not shown: %u\n",
		       h->allocs + h->frees - h->shown);
}

/*
 * The page's earlier events, newest first, after its block. A report
 * (KASAN's lock held, interrupts off) uses one static buffer, and says so
 * should another report hold it; a lookup allocates its own.
 */
static void pt_print_history(struct seq_file *m, unsigned long pfn,
			     const struct pt_view *v)
{
	static DEFINE_RAW_SPINLOCK(lock);
	static struct pt_history report_buf;
	struct pt_history *h;
	unsigned long flags;

	if (!static_branch_likely(&pt_history_key))
		return;
	if (m) {
		h = kmalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return;
		pt_print_past(m, pfn, v, h);
		kfree(h);
		return;
	}
	if (!raw_spin_trylock_irqsave(&lock, flags)) {
		pr_err(PT_PFX "history of pfn 0x%lx: busy, another report is reading it\n",
		       pfn);
		return;
	}
	pt_print_past(NULL, pfn, v, &report_buf);
	raw_spin_unlock_irqrestore(&lock, flags);
}

/* ==== The block ==== */

/**
 * pt_print_pfn - print what pagetrail knows about a page
 * @m: the seq_file, or NULL for the kernel log
 * @pfn: the page
 *
 * Context: Any context: neither allocates nor sleeps.
 */
void pt_print_pfn(struct seq_file *m, unsigned long pfn)
{
	unsigned long missed;
	struct pt_view v;
	int order;

	if (!pt_table_read(pfn, &v)) {
		pt_out(m, PT_PFX "pfn 0x%lx is not tracked\n", pfn);
		return;
	}
	if (pt_view_empty(&v)) {
		pt_out(m, PT_PFX "pfn 0x%lx has no record\n", pfn);
		return;
	}
	order = pt_view_latest(&v)->order;
	if (order == PT_ORDER_BEYOND)
		pt_out(m, PT_PFX "pfn 0x%lx (order >%d) is %s\n", pfn,
		       PT_MAX_PAGE_ORDER, v.allocated ? "allocated" : "free");
	else
		pt_out(m, PT_PFX "pfn 0x%lx (order %d) is %s\n", pfn, order,
		       v.allocated ? "allocated" : "free");
	missed = pt_hooks_missed();
	if (missed)
		pt_out(m, PT_PFX "%lu allocations were not seen since load (stats): this record may predate the page's last allocation\n",
		       missed);
	pt_print_event(m, "allocated", &v.alloc);
	pt_print_event(m, "freed", &v.free);
	pt_print_history(m, pfn, &v);
}

/*
 * A vmalloc address found through the vfree ring: its page was freed by
 * vfree() and may have a new owner by now.
 */
static void pt_print_vfreed(unsigned long addr, unsigned long pfn,
			    depot_stack_handle_t vfree_stack)
{
	struct pt_view v;

	pr_err(PT_PFX "0x%lx was unmapped by vfree() from:\n", addr);
	pt_print_stack(NULL, vfree_stack);
	if (pt_table_read(pfn, &v) && v.allocated)
		pr_err(PT_PFX "pfn 0x%lx, which backed it, was allocated again since: the records below are of its new owner\n",
		       pfn);
}

static void pt_on_report(void *data, enum error_detector detector,
			 unsigned long id)
{
	depot_stack_handle_t vfree_stack;
	unsigned long pfn;

	if (!READ_ONCE(pt_print_on_report))
		return;
	if (detector != ERROR_DETECTOR_KASAN && detector != ERROR_DETECTOR_KFENCE)
		return;
	if (!pt_addr_to_pfn(id, &pfn, &vfree_stack)) {
		pr_err(PT_PFX "no page behind 0x%lx\n", id);
		return;
	}
	if (vfree_stack)
		pt_print_vfreed(id, pfn, vfree_stack);
	pt_print_pfn(NULL, pfn);
}

struct pt_hook pt_report_hook = PT_TP_HOOK("error_report_end", pt_on_report);

/**
 * pt_report_init - annotate KASAN and KFENCE reports from now on
 *
 * Context: Process context; sleeps.
 * Return: 0, or a negative errno if the tracepoint cannot be attached.
 */
int pt_report_init(void)
{
	return pt_hook_attach(&pt_report_hook);
}

/**
 * pt_report_exit - stop annotating reports
 *
 * Context: Process context; sleeps until no report prints any more.
 */
void pt_report_exit(void)
{
	pt_hook_detach(&pt_report_hook);
}
