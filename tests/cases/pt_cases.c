// SPDX-License-Identifier: GPL-2.0
/*
 * Page bugs on purpose, for pagetrail's tests: one case per scenario, each
 * with its own noinline allocating and freeing helper so a test can assert
 * that pagetrail's stacks name exactly those.
 *
 *   echo <case> > /sys/kernel/debug/pt_cases/run
 *   cat /sys/kernel/debug/pt_cases/pages	(pages kept by "keep", "quiet")
 *
 * Cases that need tasks (history, groups) run their owners as kthreads
 * with names of their own, and log their pids for the tests.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kasan.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat.h"

static struct dentry *pt_cases_dir;
static struct page *pt_cases_kept;

/*
 * The helpers must keep their own frame: a tail call would hide them from
 * the stacks the tests assert on.
 */
#define pt_cases_no_tail_call(x)	({ OPTIMIZER_HIDE_VAR(x); x; })

/* A read the compiler cannot drop. */
static noinline char pt_cases_read(const void *p)
{
	return READ_ONCE(*(const char *)p);
}

/* order-0 page use-after-free */
static noinline struct page *pt_cases_alloc_page0(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static noinline void pt_cases_free_page0(struct page *page)
{
	__free_pages(page, 0);
	barrier();
}

static int pt_cases_page_uaf(void)
{
	struct page *page = pt_cases_alloc_page0();
	char *p;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	pt_cases_free_page0(page);
	pt_cases_read(p + 42);
	return 0;
}

/* order-3 page use-after-free, touching the sixth page of the block */
static noinline struct page *pt_cases_alloc_order3(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 3);

	return pt_cases_no_tail_call(page);
}

static noinline void pt_cases_free_order3(struct page *page)
{
	__free_pages(page, 3);
	barrier();
}

static int pt_cases_order3_uaf(void)
{
	struct page *page = pt_cases_alloc_order3();
	char *p;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	pt_cases_free_order3(page);
	pt_cases_read(p + 5 * PAGE_SIZE + 8);
	return 0;
}

/* kmalloc() of more than two pages comes from the page allocator */
#define PT_CASES_LARGE (3 * PAGE_SIZE)

static noinline void *pt_cases_alloc_large(void)
{
	void *p = kmalloc(PT_CASES_LARGE, GFP_KERNEL);

	return pt_cases_no_tail_call(p);
}

static noinline void pt_cases_free_large(void *p)
{
	kfree(p);
	barrier();
}

static int pt_cases_kmalloc_large_uaf(void)
{
	char *p = pt_cases_alloc_large();

	if (!p)
		return -ENOMEM;
	pt_cases_free_large(p);
	pt_cases_read(p + PAGE_SIZE + 16);
	return 0;
}

/* out of bounds past a page-backed kmalloc(), into its last page */
static noinline void *pt_cases_alloc_oob(size_t size)
{
	void *p = kmalloc(size, GFP_KERNEL);

	return pt_cases_no_tail_call(p);
}

static noinline void pt_cases_free_oob(void *p)
{
	kfree(p);
	barrier();
}

static int pt_cases_page_oob(void)
{
	size_t size = PT_CASES_LARGE + 100;
	char *p = pt_cases_alloc_oob(size);

	if (!p)
		return -ENOMEM;
	/* Past the last granule: tag-based KASAN checks 16-byte granules. */
	pt_cases_read(p + ALIGN(size, 16) + 4);
	pt_cases_free_oob(p);
	return 0;
}

/* double free of a page-backed kmalloc(): KASAN reports the second one */
static noinline void *pt_cases_alloc_df(void)
{
	void *p = kmalloc(PT_CASES_LARGE, GFP_KERNEL);

	return pt_cases_no_tail_call(p);
}

static noinline void pt_cases_free_df(void *p)
{
	kfree(p);
	barrier();
}

static noinline void pt_cases_free_df_again(void *p)
{
	kfree(p);
	barrier();
}

/*
 * KASAN reports the second kfree() and lets it go on: the free page's
 * refcount drops to -1, and whoever next takes the page off this CPU's
 * per-cpu list, or drains it, logs "Bad page state" long after the test.
 * Undo that before the page can move: interrupts stay off throughout.
 */
static int pt_cases_double_free(void)
{
	void *p = pt_cases_alloc_df();
	unsigned long flags;
	struct page *page;

	if (!p)
		return -ENOMEM;
	page = virt_to_page(p);
	local_irq_save(flags);
	pt_cases_free_df(p);
	pt_cases_free_df_again(p);
	if (page_ref_count(page) < 0)
		page_ref_inc(page);
	local_irq_restore(flags);
	return 0;
}

/*
 * vmalloc use-after-free. vfree() unmaps the area, so a real read would
 * fault after the report; kasan_check_read() reports without the access.
 */
static noinline void *pt_cases_alloc_vmalloc(void)
{
	void *p = vmalloc(2 * PAGE_SIZE);

	return pt_cases_no_tail_call(p);
}

static noinline void pt_cases_free_vmalloc(void *p)
{
	vfree(p);
	barrier();
}

static int pt_cases_vmalloc_uaf(void)
{
	char *p = pt_cases_alloc_vmalloc();

	if (!p)
		return -ENOMEM;
	p[PAGE_SIZE] = 1;
	pt_cases_free_vmalloc(p);
	kasan_check_read(p + PAGE_SIZE + 8, 1);
	return 0;
}

/*
 * vmalloc out-of-bounds: a read just past a vmalloc() area that ends
 * inside its second page. Every KASAN mode poisons that tail (hardware
 * tags with KASAN_VMALLOC too), and the page is mapped, so this is the
 * vmalloc case hardware tags can report: they check real accesses only,
 * and a read after vfree() faults on the unmapped area instead.
 */
#define PT_CASES_VMALLOC_OOB_SIZE	(PAGE_SIZE + 64)

static noinline void *pt_cases_alloc_vmalloc_oob(void)
{
	void *p = vmalloc(PT_CASES_VMALLOC_OOB_SIZE);

	return pt_cases_no_tail_call(p);
}

static int pt_cases_vmalloc_oob(void)
{
	char *p = pt_cases_alloc_vmalloc_oob();

	if (!p)
		return -ENOMEM;
	pr_info("pt_cases: vmalloc_oob read %d\n",
		READ_ONCE(p[PT_CASES_VMALLOC_OOB_SIZE + 32]));
	vfree(p);
	return 0;
}

/* alloc_pages_bulk then use-after-free of one of the batch */
#define PT_CASES_BULK 4

static noinline unsigned long pt_cases_alloc_bulk(struct page **pages)
{
	unsigned long n = pt_alloc_pages_bulk_array(GFP_KERNEL, PT_CASES_BULK, pages);

	return pt_cases_no_tail_call(n);
}

static noinline void pt_cases_free_bulk(struct page **pages, unsigned long n)
{
	while (n--)
		__free_pages(pages[n], 0);
	barrier();
}

static int pt_cases_bulk_uaf(void)
{
	struct page *pages[PT_CASES_BULK] = { };
	unsigned long n = pt_cases_alloc_bulk(pages);
	char *p;

	if (n < 3) {
		pt_cases_free_bulk(pages, n);
		return -ENOMEM;
	}
	p = page_address(pages[2]);
	pt_cases_free_bulk(pages, n);
	pt_cases_read(p + 100);
	return 0;
}

/* a page kept allocated, for debugfs lookup */
static noinline struct page *pt_cases_alloc_kept(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 1);

	return pt_cases_no_tail_call(page);
}

static int pt_cases_keep(void)
{
	if (!pt_cases_kept)
		pt_cases_kept = pt_cases_alloc_kept();
	return pt_cases_kept ? 0 : -ENOMEM;
}

/* a page allocated and freed cleanly, for enabled=0 */
static noinline struct page *pt_cases_alloc_quiet(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static struct page *pt_cases_quiet;

static int pt_cases_quiet_alloc(void)
{
	if (!pt_cases_quiet)
		pt_cases_quiet = pt_cases_alloc_quiet();
	return pt_cases_quiet ? 0 : -ENOMEM;
}

/*
 * a page allocated anew each run, two calls deep: for the return-address
 * trampolines (function graph, kretprobes) a tracer puts on these frames
 */
static struct page *pt_cases_nested;

static noinline struct page *pt_cases_alloc_nested(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static noinline struct page *pt_cases_nested_outer(void)
{
	struct page *page = pt_cases_alloc_nested();

	return pt_cases_no_tail_call(page);
}

static int pt_cases_nested_alloc(void)
{
	if (pt_cases_nested)
		__free_pages(pt_cases_nested, 0);
	pt_cases_nested = pt_cases_nested_outer();
	return pt_cases_nested ? 0 : -ENOMEM;
}

/* many pages from one stack, kept: for dump, top and page_owner_sort */
#define PT_CASES_MANY 128
static struct page *pt_cases_many[PT_CASES_MANY];

static noinline struct page *pt_cases_alloc_many(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static int pt_cases_many_alloc(void)
{
	int i;

	for (i = 0; i < PT_CASES_MANY; i++) {
		if (!pt_cases_many[i])
			pt_cases_many[i] = pt_cases_alloc_many();
		if (!pt_cases_many[i])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Frees from PT_CASES_CHURN distinct stacks, each new to stackdepot: the
 * depot fills pool after pool. Frees must not let it allocate the next one,
 * so some saves fail until pagetrail's worker tops the pool up ("stats").
 * Each recursion level is one of two functions, chosen by one bit of the
 * page's number: the frames spell the number.
 */
#define PT_CASES_CHURN_BITS	10
#define PT_CASES_CHURN		(1U << PT_CASES_CHURN_BITS)

static noinline void pt_cases_churn_a(struct page *page, unsigned int bits,
				      int level);
static noinline void pt_cases_churn_b(struct page *page, unsigned int bits,
				      int level);

static __always_inline void pt_cases_churn_step(struct page *page,
						unsigned int bits, int level)
{
	if (!level)
		__free_pages(page, 0);
	else if (bits & 1)
		pt_cases_churn_b(page, bits >> 1, level - 1);
	else
		pt_cases_churn_a(page, bits >> 1, level - 1);
}

static noinline void pt_cases_churn_a(struct page *page, unsigned int bits,
				      int level)
{
	pt_cases_churn_step(page, bits, level);
	barrier();
}

static noinline void pt_cases_churn_b(struct page *page, unsigned int bits,
				      int level)
{
	pt_cases_churn_step(page, bits, level);
	barrier();
}

static noinline struct page *pt_cases_churn_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL);

	return pt_cases_no_tail_call(page);
}

static int pt_cases_depot_churn(void)
{
	unsigned int i;

	for (i = 0; i < PT_CASES_CHURN; i++) {
		struct page *page = pt_cases_churn_alloc();

		if (!page)
			return -ENOMEM;
		pt_cases_churn_a(page, i, PT_CASES_CHURN_BITS);
	}
	return 0;
}

/* ==== who and when ==== */

/*
 * A job: @fn(@arg) in a kthread of its own name. Started first (creating
 * a task allocates pages), run later on a "go", then stopped.
 */
struct pt_cases_job {
	int (*fn)(void *arg);
	void *arg;
	int ret;
	pid_t pid;
	struct task_struct *task;
	struct completion go, done;
};

static int pt_cases_job_thread(void *data)
{
	struct pt_cases_job *job = data;

	job->pid = current->pid;
	wait_for_completion(&job->go);
	job->ret = job->fn(job->arg);
	complete(&job->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int pt_cases_job_start(struct pt_cases_job *job, const char *name,
			      int cpu)
{
	init_completion(&job->go);
	init_completion(&job->done);
	job->task = kthread_create(pt_cases_job_thread, job, "%s", name);
	if (IS_ERR(job->task))
		return PTR_ERR(job->task);
	if (cpu >= 0)
		kthread_bind(job->task, cpu);
	wake_up_process(job->task);
	return 0;
}

static int pt_cases_job_run(struct pt_cases_job *job)
{
	complete(&job->go);
	wait_for_completion(&job->done);
	return job->ret;
}

static void pt_cases_job_stop(struct pt_cases_job *job)
{
	if (IS_ERR_OR_NULL(job->task))
		return;
	complete(&job->go);
	kthread_stop(job->task);
}

/* Run @fn(@arg) in a kthread named @name; wait for it. */
static int pt_cases_in_task(const char *name, int (*fn)(void *arg),
			    void *arg, pid_t *pid)
{
	struct pt_cases_job job = { .fn = fn, .arg = arg };
	int ret = pt_cases_job_start(&job, name, -1);

	if (!ret)
		ret = pt_cases_job_run(&job);
	pt_cases_job_stop(&job);
	*pid = job.pid;
	return ret;
}

/*
 * history: one page allocated and freed by three owners in turn, each in
 * its own task (pt_hist_a, _b, _c) with its own functions; the last one
 * reads it right after freeing it. The tasks share a CPU, so the page freed by one is at the
 * head of the per-cpu list the next one allocates from.
 */
#define PT_CASES_HIST_TRIES	256

struct pt_cases_owner {
	struct page *(*alloc)(void);
	void (*free)(struct page *page);
	unsigned long pfn;	/* ULONG_MAX: any page */
	char *addr;		/* its address, taken while allocated */
	bool use_after_free;	/* read it right after freeing it */
};

#define PT_CASES_OWNER(x)						\
static noinline struct page *pt_cases_hist_alloc_##x(void)		\
{									\
	struct page *page = alloc_pages(GFP_KERNEL, 0);			\
									\
	return pt_cases_no_tail_call(page);				\
}									\
									\
static noinline void pt_cases_hist_free_##x(struct page *page)		\
{									\
	__free_pages(page, 0);						\
	barrier();							\
}

PT_CASES_OWNER(a)
PT_CASES_OWNER(b)
PT_CASES_OWNER(c)

static struct page *pt_cases_spares[PT_CASES_HIST_TRIES];

/* Allocate until the page is the wanted one, then free it. */
static int pt_cases_own(void *arg)
{
	struct pt_cases_owner *o = arg;
	int n = 0, ret = -EAGAIN;
	struct page *page;

	while (n < PT_CASES_HIST_TRIES) {
		page = o->alloc();
		if (!page) {
			ret = -ENOMEM;
			break;
		}
		if (o->pfn == ULONG_MAX || page_to_pfn(page) == o->pfn) {
			o->pfn = page_to_pfn(page);
			/* Tag-based KASAN: the pointer keeps the page's tag. */
			o->addr = page_address(page);
			o->free(page);
			/* At once: a later read could find it reused. */
			if (o->use_after_free)
				pt_cases_read(o->addr + 8);
			ret = 0;
			break;
		}
		pt_cases_spares[n++] = page;
	}
	while (n--)
		__free_pages(pt_cases_spares[n], 0);
	return ret;
}

static int pt_cases_history(void)
{
	struct pt_cases_owner o[] = {
		{ pt_cases_hist_alloc_a, pt_cases_hist_free_a },
		{ pt_cases_hist_alloc_b, pt_cases_hist_free_b },
		{ pt_cases_hist_alloc_c, pt_cases_hist_free_c },
	};
	int cpu = cpumask_first(cpu_online_mask), i, ret = 0;
	struct pt_cases_job job[ARRAY_SIZE(o)] = { };
	unsigned long pfn = ULONG_MAX;
	char name[TASK_COMM_LEN];

	/* Every task exists before the first owner runs. */
	for (i = 0; i < ARRAY_SIZE(o) && !ret; i++) {
		snprintf(name, sizeof(name), "pt_hist_%c", 'a' + i);
		job[i].fn = pt_cases_own;
		job[i].arg = &o[i];
		ret = pt_cases_job_start(&job[i], name, cpu);
	}
	o[ARRAY_SIZE(o) - 1].use_after_free = true;
	for (i = 0; i < ARRAY_SIZE(o) && !ret; i++) {
		o[i].pfn = pfn;
		ret = pt_cases_job_run(&job[i]);
		if (ret)
			pr_info("pt_cases: history: pt_hist_%c could not get pfn 0x%lx (%d)\n",
				'a' + i, pfn, ret);
		pfn = o[i].pfn;
	}
	for (i = 0; i < ARRAY_SIZE(o); i++)
		pt_cases_job_stop(&job[i]);
	if (ret)
		return ret;
	pr_info("pt_cases: history pfn 0x%lx pids %d %d %d\n", pfn,
		job[0].pid, job[1].pid, job[2].pid);
	return 0;
}

/* groups: pages kept by two tasks, pt_grp_a and pt_grp_b, one stack */
#define PT_CASES_GRP_A	24
#define PT_CASES_GRP_B	40
static struct page *pt_cases_grp[PT_CASES_GRP_A + PT_CASES_GRP_B];

static noinline struct page *pt_cases_alloc_grp(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static int pt_cases_grp_fill(void *arg)
{
	struct page **pages = arg;
	int i, n = pages == pt_cases_grp ? PT_CASES_GRP_A : PT_CASES_GRP_B;

	for (i = 0; i < n; i++) {
		pages[i] = pt_cases_alloc_grp();
		if (!pages[i])
			return -ENOMEM;
	}
	return 0;
}

static void pt_cases_free_list(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pages[i])
			__free_pages(pages[i], 0);
		pages[i] = NULL;
	}
}

static int pt_cases_groups(void)
{
	pid_t a, b;
	int ret;

	pt_cases_free_list(pt_cases_grp, ARRAY_SIZE(pt_cases_grp));
	ret = pt_cases_in_task("pt_grp_a", pt_cases_grp_fill, pt_cases_grp,
			       &a);
	if (!ret)
		ret = pt_cases_in_task("pt_grp_b", pt_cases_grp_fill,
				       pt_cases_grp + PT_CASES_GRP_A, &b);
	if (ret)
		return ret;
	pr_info("pt_cases: groups pt_grp_a pid %d keeps %d pages, pt_grp_b pid %d keeps %d\n",
		a, PT_CASES_GRP_A, b, PT_CASES_GRP_B);
	return 0;
}

/* leak: pages kept; churn: as many allocated and freed */
#define PT_CASES_LEAK	48
static struct page *pt_cases_leaked[PT_CASES_LEAK];

static noinline struct page *pt_cases_leak_grow(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static noinline struct page *pt_cases_churn_grow(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	return pt_cases_no_tail_call(page);
}

static noinline void pt_cases_churn_free(struct page **pages, int n)
{
	pt_cases_free_list(pages, n);
	barrier();
}

static int pt_cases_leak(void)
{
	int i;

	for (i = 0; i < PT_CASES_LEAK; i++) {
		if (!pt_cases_leaked[i])
			pt_cases_leaked[i] = pt_cases_leak_grow();
		if (!pt_cases_leaked[i])
			return -ENOMEM;
	}
	return 0;
}

static int pt_cases_churn(void)
{
	struct page **pages;
	int i, ret = 0;

	pages = kcalloc(PT_CASES_LEAK, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < PT_CASES_LEAK && !ret; i++) {
		pages[i] = pt_cases_churn_grow();
		if (!pages[i])
			ret = -ENOMEM;
	}
	pt_cases_churn_free(pages, PT_CASES_LEAK);
	kfree(pages);
	return ret;
}

/*
 * KASAN reports for addresses with no page behind them. kasan_check_read()
 * reports without touching the memory, so nothing faults; hardware tags have
 * no software check to call.
 */
#if defined(CONFIG_KASAN_GENERIC) || defined(CONFIG_KASAN_SW_TAGS)
static int pt_cases_check(const void *p)
{
	pr_info("pt_cases: checking 0x%lx\n", (unsigned long)p);
	kasan_check_read(p, 1);
	return 0;
}

/* below every address KASAN keeps shadow for */
static int pt_cases_wild(void)
{
	return pt_cases_check((void *)(PAGE_SIZE * 3 + 16));
}

/* the guard page after a one-page vmalloc area */
static int pt_cases_guard(void)
{
	char *p = vmalloc(PAGE_SIZE);

	if (!p)
		return -ENOMEM;
	pt_cases_check(p + PAGE_SIZE + 8);
	vfree(p);
	return 0;
}
#else
static int pt_cases_wild(void)
{
	return -EOPNOTSUPP;
}

static int pt_cases_guard(void)
{
	return -EOPNOTSUPP;
}
#endif

static const struct {
	const char *name;
	int (*run)(void);
} pt_cases[] = {
	{ "page_uaf", pt_cases_page_uaf },
	{ "order3_uaf", pt_cases_order3_uaf },
	{ "kmalloc_large_uaf", pt_cases_kmalloc_large_uaf },
	{ "page_oob", pt_cases_page_oob },
	{ "double_free", pt_cases_double_free },
	{ "vmalloc_uaf", pt_cases_vmalloc_uaf },
	{ "vmalloc_oob", pt_cases_vmalloc_oob },
	{ "bulk_uaf", pt_cases_bulk_uaf },
	{ "keep", pt_cases_keep },
	{ "quiet", pt_cases_quiet_alloc },
	{ "nested", pt_cases_nested_alloc },
	{ "many", pt_cases_many_alloc },
	{ "wild", pt_cases_wild },
	{ "guard", pt_cases_guard },
	{ "depot_churn", pt_cases_depot_churn },
	{ "history", pt_cases_history },
	{ "groups", pt_cases_groups },
	{ "leak", pt_cases_leak },
	{ "churn", pt_cases_churn },
};

static ssize_t pt_cases_run_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char buf[32];
	int i;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	for (i = 0; i < ARRAY_SIZE(pt_cases); i++) {
		if (sysfs_streq(buf, pt_cases[i].name)) {
			int ret = pt_cases[i].run();

			return ret ? ret : count;
		}
	}
	return -EINVAL;
}

static const struct file_operations pt_cases_run_fops = {
	.owner = THIS_MODULE,
	.write = pt_cases_run_write,
};

static int pt_cases_pages_show(struct seq_file *m, void *v)
{
	if (pt_cases_kept)
		seq_printf(m, "kept pfn 0x%lx phys 0x%llx virt 0x%lx\n",
			   page_to_pfn(pt_cases_kept),
			   (unsigned long long)page_to_phys(pt_cases_kept),
			   (unsigned long)page_address(pt_cases_kept));
	if (pt_cases_quiet)
		seq_printf(m, "quiet pfn 0x%lx\n", page_to_pfn(pt_cases_quiet));
	if (pt_cases_nested)
		seq_printf(m, "nested pfn 0x%lx\n", page_to_pfn(pt_cases_nested));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pt_cases_pages);

static int __init pt_cases_init(void)
{
	pt_cases_dir = debugfs_create_dir("pt_cases", NULL);
	debugfs_create_file("run", 0200, pt_cases_dir, NULL, &pt_cases_run_fops);
	debugfs_create_file("pages", 0400, pt_cases_dir, NULL,
			    &pt_cases_pages_fops);
	return 0;
}

static void __exit pt_cases_exit(void)
{
	int i;

	debugfs_remove_recursive(pt_cases_dir);
	if (pt_cases_kept)
		__free_pages(pt_cases_kept, 1);
	if (pt_cases_quiet)
		__free_pages(pt_cases_quiet, 0);
	if (pt_cases_nested)
		__free_pages(pt_cases_nested, 0);
	for (i = 0; i < PT_CASES_MANY; i++) {
		if (pt_cases_many[i])
			__free_pages(pt_cases_many[i], 0);
	}
	pt_cases_free_list(pt_cases_grp, ARRAY_SIZE(pt_cases_grp));
	pt_cases_free_list(pt_cases_leaked, PT_CASES_LEAK);
}

module_init(pt_cases_init);
module_exit(pt_cases_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail test cases: page bugs on purpose");
