// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocator micro-benchmark for "make bench": from one kthread per
 * online CPU, time alloc+free pairs of order 0, of order 3, of pages taken
 * in batches from the bulk allocator, and of order 0 again from 20 frames
 * deeper ("deep": real callers sit under syscalls and filesystems, and
 * stack capture costs per frame). Runs at load time, prints one
 * result line per path and stays loaded until rmmod:
 *
 *   pt_bench: result order0 pairs=<n> cpus=<c> ns=<elapsed> ns_per_pair=<x>
 *
 * ns_per_pair is the phase's guest time divided by the pairs all CPUs did
 * together: the CPU cost of one pair, not the latency seen by one thread.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"

static unsigned int pairs = 20000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "alloc+free pairs per CPU and path (default 20000)");

static unsigned int batch = 16;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch, "pages per alloc_pages_bulk call, 1..64 (default 16)");

enum pt_bench_path {
	PT_BENCH_ORDER0, PT_BENCH_ORDER3, PT_BENCH_BULK, PT_BENCH_DEEP,
};
static const char *const pt_bench_names[] = {
	"order0", "order3", "bulk", "deep",
};

#define PT_BENCH_MAX_BATCH	64
#define PT_BENCH_WARMUP		256
#define PT_BENCH_NEST		20

struct pt_bench_thread {
	enum pt_bench_path path;
	u64 t0, t1;
	unsigned long done;	/* pairs completed */
	int err;
};

static atomic_t pt_bench_ready;
static atomic_t pt_bench_left;
static unsigned int pt_bench_nthreads;
static DECLARE_COMPLETION(pt_bench_finished);

static int pt_bench_order(struct pt_bench_thread *t, unsigned int order,
			  unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);

		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
		t->done++;
		if (!(i & 255))
			cond_resched();
	}
	return 0;
}

static int pt_bench_bulk(struct pt_bench_thread *t, unsigned long n)
{
	struct page *pages[PT_BENCH_MAX_BATCH];
	unsigned long got, i, goal = t->done + n;

	while (t->done < goal) {
		memset(pages, 0, sizeof(pages));
		got = pt_alloc_pages_bulk_array(GFP_KERNEL, batch, pages);
		if (!got)
			return -ENOMEM;
		for (i = 0; i < got; i++)
			__free_pages(pages[i], 0);
		t->done += got;
		cond_resched();
	}
	return 0;
}

/* One frame per level: the code after the call keeps it off tail calls. */
static noinline int pt_bench_nest(struct pt_bench_thread *t, unsigned long n,
				  int level)
{
	int ret;

	if (!level)
		return pt_bench_order(t, 0, n);
	ret = pt_bench_nest(t, n, level - 1);
	barrier();
	return ret;
}

static int pt_bench_run(struct pt_bench_thread *t, unsigned long n)
{
	switch (t->path) {
	case PT_BENCH_ORDER0:
		return pt_bench_order(t, 0, n);
	case PT_BENCH_ORDER3:
		return pt_bench_order(t, 3, n);
	case PT_BENCH_BULK:
		return pt_bench_bulk(t, n);
	default:
		return pt_bench_nest(t, n, PT_BENCH_NEST);
	}
}

static int pt_bench_thread_fn(void *arg)
{
	struct pt_bench_thread *t = arg;

	/* Warm up (new stacks reach stackdepot here), then start together. */
	t->err = pt_bench_run(t, PT_BENCH_WARMUP);
	atomic_inc(&pt_bench_ready);
	while (atomic_read(&pt_bench_ready) < pt_bench_nthreads)
		cond_resched();
	t->done = 0;
	t->t0 = ktime_get_ns();
	if (!t->err)
		t->err = pt_bench_run(t, pairs);
	t->t1 = ktime_get_ns();
	if (atomic_dec_and_test(&pt_bench_left))
		complete(&pt_bench_finished);
	return 0;
}

static int pt_bench_phase(enum pt_bench_path path,
			  struct pt_bench_thread *threads,
			  struct task_struct **tasks)
{
	unsigned long total = 0;
	u64 t0 = U64_MAX, t1 = 0;
	unsigned int i = 0, cpu;

	atomic_set(&pt_bench_ready, 0);
	atomic_set(&pt_bench_left, pt_bench_nthreads);
	reinit_completion(&pt_bench_finished);
	/* Create all threads before starting any: none may wait in vain. */
	for_each_online_cpu(cpu) {
		if (i == pt_bench_nthreads)
			break;
		threads[i] = (struct pt_bench_thread){ .path = path };
		tasks[i] = kthread_create(pt_bench_thread_fn, &threads[i],
					  "pt_bench/%u", cpu);
		if (IS_ERR(tasks[i])) {
			int err = PTR_ERR(tasks[i]);

			while (i--)
				kthread_stop(tasks[i]);
			return err;
		}
		kthread_bind(tasks[i], cpu);
		i++;
	}
	if (i < pt_bench_nthreads) {	/* a CPU went offline meanwhile */
		while (i--)
			kthread_stop(tasks[i]);
		return -EAGAIN;
	}
	for (i = 0; i < pt_bench_nthreads; i++)
		wake_up_process(tasks[i]);
	wait_for_completion(&pt_bench_finished);

	for (i = 0; i < pt_bench_nthreads; i++) {
		if (threads[i].err)
			return threads[i].err;
		t0 = min(t0, threads[i].t0);
		t1 = max(t1, threads[i].t1);
		total += threads[i].done;
	}
	pr_info("pt_bench: result %s pairs=%lu cpus=%u ns=%llu ns_per_pair=%llu\n",
		pt_bench_names[path], total, pt_bench_nthreads, t1 - t0,
		div64_u64(t1 - t0, total));
	return 0;
}

static int __init pt_bench_init(void)
{
	struct pt_bench_thread *threads;
	struct task_struct **tasks;
	int path, ret = 0;

	if (!pairs || !batch || batch > PT_BENCH_MAX_BATCH) {
		pr_warn("pt_bench: need pairs >= 1 and batch 1..%d\n",
			PT_BENCH_MAX_BATCH);
		return -EINVAL;
	}
	pt_bench_nthreads = num_online_cpus();
	threads = kcalloc(pt_bench_nthreads, sizeof(*threads), GFP_KERNEL);
	tasks = kcalloc(pt_bench_nthreads, sizeof(*tasks), GFP_KERNEL);
	if (!threads || !tasks) {
		ret = -ENOMEM;
		goto out;
	}
	for (path = PT_BENCH_ORDER0; path <= PT_BENCH_DEEP && !ret; path++)
		ret = pt_bench_phase(path, threads, tasks);
out:
	kfree(tasks);
	kfree(threads);
	if (ret)
		pr_err("pt_bench: failed (%d)\n", ret);
	else
		pr_info("pt_bench: done\n");
	return ret;
}

static void __exit pt_bench_exit(void)
{
}

module_init(pt_bench_init);
module_exit(pt_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail benchmark: ns per page alloc+free pair");
