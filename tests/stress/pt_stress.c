// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation storm for pagetrail's reliability tests. From load to rmmod:
 * one kthread per online CPU allocates and frees pages of mixed orders
 * through alloc_pages(), the bulk allocator and batches of folios, a timer
 * allocates from softirq and an hrtimer from hardirq context. With
 * leave_mb=N it first holds pages until only N MiB are available, so the
 * storm runs near OOM (its own allocations may then fail; they never
 * retry or warn). At rmmod it prints what it did:
 *
 *   pt_stress: done allocs=<n> frees=<n> failed=<n> softirq=<n> hardirq=<n> held_pages=<n>
 *
 * allocs and frees count allocator events as the tracepoints see them: one
 * per block (an order-3 block or a folio is one), one per bulk page.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/timer.h>

#include "compat.h"

static unsigned int leave_mb;
module_param(leave_mb, uint, 0444);
MODULE_PARM_DESC(leave_mb, "hold memory until this many MiB are available (0: no pressure)");

#define PT_STRESS_KEEP		32	/* blocks each thread keeps for a while */
#define PT_STRESS_BATCH		8
#define PT_STRESS_MAX_ORDER	3
#define PT_STRESS_HOG_ORDER	4

static atomic_long_t pt_allocs, pt_frees, pt_failed, pt_softirq, pt_hardirq;
static struct task_struct **pt_threads;
static unsigned int pt_nr_threads;
static LIST_HEAD(pt_held);
static unsigned long pt_held_pages;
static struct timer_list pt_timer;
static struct hrtimer pt_hrtimer;
static bool pt_stopping;

static const gfp_t pt_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;

static void pt_free(struct page *page, unsigned int order)
{
	__free_pages(page, order);
	atomic_long_inc(&pt_frees);
}

static struct page *pt_alloc(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	if (page)
		atomic_long_inc(&pt_allocs);
	else
		atomic_long_inc(&pt_failed);
	return page;
}

static void pt_bulk(void)
{
	struct page *pages[PT_STRESS_BATCH] = { };
	unsigned long n, i;

	n = pt_alloc_pages_bulk_array(pt_gfp, PT_STRESS_BATCH, pages);
	atomic_long_add(n, &pt_allocs);
	if (n < PT_STRESS_BATCH)
		atomic_long_inc(&pt_failed);
	for (i = 0; i < n; i++)
		pt_free(pages[i], 0);
}

/*
 * Large folios (compound pages: 5.15 has no folio_alloc()) freed together,
 * as page reclaim and truncation do.
 */
static void pt_folio_batch(unsigned long i)
{
	struct page *pages[PT_STRESS_BATCH / 2];
	unsigned int order = 1 + i % 2, n = 0;

	while (n < ARRAY_SIZE(pages)) {
		struct page *page = alloc_pages(pt_gfp | __GFP_COMP, order);

		if (!page) {
			atomic_long_inc(&pt_failed);
			break;
		}
		atomic_long_inc(&pt_allocs);
		pages[n++] = page;
	}
	release_pages(pages, n);
	atomic_long_add(n, &pt_frees);
}

static int pt_stress_thread(void *arg)
{
	struct page *kept[PT_STRESS_KEEP] = { };
	unsigned int kept_order[PT_STRESS_KEEP];
	unsigned long i = 0;
	unsigned int s;

	while (!kthread_should_stop()) {
		s = i % PT_STRESS_KEEP;
		switch (i % 4) {
		case 0:
		case 1:
			if (kept[s])
				pt_free(kept[s], kept_order[s]);
			kept_order[s] = (i / 4) % (PT_STRESS_MAX_ORDER + 1);
			kept[s] = pt_alloc(pt_gfp, kept_order[s]);
			break;
		case 2:
			pt_bulk();
			break;
		default:
			pt_folio_batch(i);
		}
		/*
		 * Sleep now and then, as real allocating threads do: under
		 * CONFIG_PREEMPT cond_resched() is a no-op, and a thread that
		 * never switches voluntarily holds back every RCU-tasks grace
		 * period, hence every ftrace (un)registration, hence rmmod.
		 */
		if (!(i % 256))
			usleep_range(50, 100);
		else if (!(i % 16))
			cond_resched();
		i++;
	}
	for (s = 0; s < PT_STRESS_KEEP; s++) {
		if (kept[s])
			pt_free(kept[s], kept_order[s]);
	}
	return 0;
}

static void pt_atomic_pair(unsigned int order)
{
	struct page *page = pt_alloc(GFP_ATOMIC | __GFP_NOWARN, order);

	if (page)
		pt_free(page, order);
}

static void pt_timer_fn(struct timer_list *t)
{
	pt_atomic_pair(atomic_long_inc_return(&pt_softirq) % 2);
	if (!READ_ONCE(pt_stopping))
		mod_timer(&pt_timer, jiffies + 1);
}

/*
 * PREEMPT_RT forbids page allocation in hard interrupt context (the zone
 * and pcp locks sleep there): its hrtimer runs in softirq context instead.
 */
#ifdef CONFIG_PREEMPT_RT
#define PT_HRTIMER_MODE		HRTIMER_MODE_REL
#define pt_hrtimer_count	pt_softirq
#else
#define PT_HRTIMER_MODE		HRTIMER_MODE_REL_HARD
#define pt_hrtimer_count	pt_hardirq
#endif

static enum hrtimer_restart pt_hrtimer_fn(struct hrtimer *t)
{
	atomic_long_inc(&pt_hrtimer_count);
	pt_atomic_pair(0);
	if (READ_ONCE(pt_stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(1));
	return HRTIMER_RESTART;
}

/*
 * What the hog's unmovable allocations compete for: free CMA pages count
 * as available but serve only movable allocations.
 */
static unsigned long pt_available(void)
{
	long avail = si_mem_available();

#ifdef CONFIG_CMA
	avail -= global_zone_page_state(NR_FREE_CMA_PAGES);
#endif
	return avail > 0 ? avail : 0;
}

/* Hold memory until only leave_mb MiB are available. */
static void pt_hog(void)
{
	unsigned long leave = (unsigned long)leave_mb << (20 - PAGE_SHIFT);
	unsigned int order = PT_STRESS_HOG_ORDER;

	while (pt_available() > leave + (1UL << order)) {
		struct page *page = alloc_pages(pt_gfp, order);

		if (!page) {
			if (!order)
				break;
			order--;
			continue;
		}
		set_page_private(page, order);
		list_add(&page->lru, &pt_held);
		pt_held_pages += 1UL << order;
		if (!(pt_held_pages % 4096))
			cond_resched();
	}
}

static void pt_unhog(void)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &pt_held, lru) {
		list_del(&page->lru);
		__free_pages(page, page_private(page));
	}
}

static void pt_stop_threads(void)
{
	unsigned int i;

	for (i = 0; i < pt_nr_threads; i++)
		kthread_stop(pt_threads[i]);
	kfree(pt_threads);
}

static int __init pt_stress_init(void)
{
	unsigned int cpu;

	if (leave_mb)
		pt_hog();
	pt_threads = kcalloc(num_possible_cpus(), sizeof(*pt_threads),
			     GFP_KERNEL);
	if (!pt_threads) {
		pt_unhog();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create(pt_stress_thread, NULL, "pt_stress/%u", cpu);
		if (IS_ERR(t)) {
			pt_stop_threads();
			pt_unhog();
			return PTR_ERR(t);
		}
		kthread_bind(t, cpu);
		pt_threads[pt_nr_threads++] = t;
	}
	timer_setup(&pt_timer, pt_timer_fn, 0);
	mod_timer(&pt_timer, jiffies + 1);
	pt_hrtimer_setup(&pt_hrtimer, pt_hrtimer_fn, CLOCK_MONOTONIC,
			 PT_HRTIMER_MODE);
	hrtimer_start(&pt_hrtimer, ms_to_ktime(1), PT_HRTIMER_MODE);
	for (cpu = 0; cpu < pt_nr_threads; cpu++)
		wake_up_process(pt_threads[cpu]);
	pr_info("pt_stress: started %u threads, holding %lu pages\n",
		pt_nr_threads, pt_held_pages);
	return 0;
}

static void __exit pt_stress_exit(void)
{
	WRITE_ONCE(pt_stopping, true);
	hrtimer_cancel(&pt_hrtimer);
	timer_delete_sync(&pt_timer);
	pt_stop_threads();
	pt_unhog();
	pr_info("pt_stress: done allocs=%ld frees=%ld failed=%ld softirq=%ld hardirq=%ld held_pages=%lu\n",
		atomic_long_read(&pt_allocs), atomic_long_read(&pt_frees),
		atomic_long_read(&pt_failed), atomic_long_read(&pt_softirq),
		atomic_long_read(&pt_hardirq), pt_held_pages);
}

module_init(pt_stress_init);
module_exit(pt_stress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail tests: page allocation storm in every context");
