// SPDX-License-Identifier: GPL-2.0
/*
 * What happened before: a ring of the latest events per CPU, each with its
 * pages, stack, task and time, searched for one pfn when a report or
 * lookup prints it. The table keeps only a page's last allocation and
 * free; a use-after-free through a stale pointer often needs the owner
 * before the last one.
 *
 * Bounded memory, chosen at load (history=<entries>, 0: off). A CPU's ring
 * holds its latest events: a page's history is complete back to the time
 * the busiest CPU's ring reaches, and the report says that time.
 *
 * Writers are the hooks on their own CPU, interrupts disabled while they
 * take and fill an entry. Readers take no lock: an
 * entry's time is 0 while it is written, and is read before and after.
 * report.c prints what pt_history_find() returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

#define PT_HISTORY_DEFAULT	32768	/* 1 MiB */
#define PT_HISTORY_MAX		(1U << 20)	/* 32 MiB */
#define PT_HISTORY_MIN_PER_CPU	64

DEFINE_STATIC_KEY_FALSE(pt_history_key);

static unsigned int pt_history_param = PT_HISTORY_DEFAULT;
static struct pt_past_event *pt_hist;
static unsigned int pt_hist_per_cpu;	/* a power of two */
static DEFINE_PER_CPU(unsigned long, pt_hist_head);

static int pt_param_set_history(const char *val, const struct kernel_param *kp)
{
	return pt_param_set_range(val, kp, 0, PT_HISTORY_MAX);
}

static const struct kernel_param_ops pt_history_ops = {
	.set = pt_param_set_history,
	.get = param_get_uint,
};

module_param_cb(history, &pt_history_ops, &pt_history_param, 0444);
MODULE_PARM_DESC(history, "Events kept for per-page history, all CPUs together, 32 B each (load time, default 32768; 0: off)");

static struct pt_past_event *pt_hist_ring(int cpu)
{
	return pt_hist + (size_t)cpu * pt_hist_per_cpu;
}

/**
 * pt_history_add - remember an event
 * @pfn: first page
 * @n: pages
 * @order: the order the table records for them
 * @kind: allocation or free
 * @handle: the event's stack
 * @st: who and when
 *
 * Context: Any context but NMI, preemption disabled.
 */
void pt_history_add(unsigned long pfn, unsigned long n, unsigned int order,
		    enum pt_kind kind, depot_stack_handle_t handle,
		    const struct pt_stamp *st)
{
	struct pt_past_event *e;
	unsigned long i, flags;

	/*
	 * An interrupt recording a ring's worth of events must not write the
	 * entry this one is writing: no interrupt between taking and filling.
	 */
	local_irq_save(flags);
	i = this_cpu_inc_return(pt_hist_head) - 1;
	e = pt_hist_ring(smp_processor_id()) + (i & (pt_hist_per_cpu - 1));
	WRITE_ONCE(e->ts, 0);
	smp_wmb(); /* readers see 0 before the fields change */
	e->pfn = pfn;
	e->nr = min_t(unsigned long, n, U32_MAX);
	e->handle = handle;
	e->task = st->task;
	e->kind = kind;
	e->order = min_t(unsigned int, order, PT_ORDER_BEYOND);
	smp_wmb(); /* the fields before the time that validates them */
	WRITE_ONCE(e->ts, st->ts ?: 1);
	local_irq_restore(flags);
}

/* A consistent copy of @e; false while it is (re)written or empty. */
static bool pt_hist_read(const struct pt_past_event *e,
			 struct pt_past_event *out)
{
	u64 ts = READ_ONCE(e->ts);

	if (!ts)
		return false;
	smp_rmb(); /* pairs with the writer's second smp_wmb() */
	*out = *e;
	smp_rmb(); /* the fields before the time's second read */
	out->ts = ts;
	return READ_ONCE(e->ts) == ts;
}

/* Keep @e among the PT_HISTORY_SHOW newest, newest first. */
static void pt_hist_keep(struct pt_history *h, const struct pt_past_event *e)
{
	unsigned int i = h->shown;

	if (i == PT_HISTORY_SHOW) {
		if (e->ts <= h->ev[i - 1].ts)
			return;
		i--;
	} else {
		h->shown++;
	}
	for (; i && h->ev[i - 1].ts < e->ts; i--)
		h->ev[i] = h->ev[i - 1];
	h->ev[i] = *e;
}

/**
 * pt_history_find - the events the history holds for one page
 * @pfn: the page
 * @h: filled in: the newest PT_HISTORY_SHOW events, newest first, and
 *	counts of all
 *
 * Reads every entry of every CPU's ring.
 *
 * Context: Any context: neither allocates nor sleeps.
 * Return: false if the history is off.
 */
bool pt_history_find(unsigned long pfn, struct pt_history *h)
{
	struct pt_past_event e;
	unsigned int i;
	int cpu;

	memset(h, 0, sizeof(*h));
	if (!static_branch_likely(&pt_history_key))
		return false;
	for_each_possible_cpu(cpu) {
		const struct pt_past_event *ring = pt_hist_ring(cpu);
		bool wrapped = READ_ONCE(per_cpu(pt_hist_head, cpu)) >=
			       pt_hist_per_cpu;
		u64 ring_oldest = U64_MAX;

		for (i = 0; i < pt_hist_per_cpu; i++) {
			if (!pt_hist_read(&ring[i], &e))
				continue;
			ring_oldest = min(ring_oldest, e.ts);
			if (pfn < e.pfn || pfn - e.pfn >= e.nr)
				continue;
			if (e.kind == PT_ALLOC)
				h->allocs++;
			else
				h->frees++;
			if (!h->oldest || e.ts < h->oldest)
				h->oldest = e.ts;
			pt_hist_keep(h, &e);
		}
		/* Events older than a wrapped ring's oldest may be gone. */
		if (wrapped && ring_oldest != U64_MAX)
			h->complete_since = max(h->complete_since, ring_oldest);
	}
	return true;
}

/**
 * pt_history_entries - how many events the history keeps
 *
 * Context: Any context.
 * Return: entries over all CPUs, 0 when off.
 */
unsigned long pt_history_entries(void)
{
	return pt_hist ? (unsigned long)pt_hist_per_cpu * nr_cpu_ids : 0;
}

/**
 * pt_history_bytes - what the history costs
 *
 * Context: Any context.
 * Return: its bytes, 0 when off.
 */
unsigned long pt_history_bytes(void)
{
	return pt_history_entries() * sizeof(*pt_hist);
}

/**
 * pt_history_init - allocate the rings, if history=N asks for them
 *
 * Context: Process context, at load; sleeps.
 * Return: 0 or -ENOMEM.
 */
int pt_history_init(void)
{
	unsigned int per;

	if (!pt_history_param)
		return 0;
	per = max_t(unsigned int, pt_history_param / nr_cpu_ids,
		    PT_HISTORY_MIN_PER_CPU);
	pt_hist_per_cpu = rounddown_pow_of_two(per);
	pt_hist = vzalloc(array_size(array_size(pt_hist_per_cpu, nr_cpu_ids),
				     sizeof(*pt_hist)));
	if (!pt_hist)
		return -ENOMEM;
	static_branch_enable(&pt_history_key);
	return 0;
}

/**
 * pt_history_exit - free the rings
 *
 * Context: Process context, after the hooks and readers are gone.
 */
void pt_history_exit(void)
{
	static_branch_disable(&pt_history_key);
	vfree(pt_hist);
	pt_hist = NULL;
}
