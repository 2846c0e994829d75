// SPDX-License-Identifier: GPL-2.0
/*
 * Page bugs on purpose, for pagetrail's tests: one case per scenario, each
 * with its own noinline allocating and freeing helper so a test can assert
 * that pagetrail's stacks name exactly those.
 *
 *   echo <case> > /sys/kernel/debug/pt_cases/run
 *   cat /sys/kernel/debug/pt_cases/pages	(pages kept by "keep", "quiet")
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kasan.h>
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
	{ "bulk_uaf", pt_cases_bulk_uaf },
	{ "keep", pt_cases_keep },
	{ "quiet", pt_cases_quiet_alloc },
	{ "many", pt_cases_many_alloc },
	{ "wild", pt_cases_wild },
	{ "guard", pt_cases_guard },
	{ "depot_churn", pt_cases_depot_churn },
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
	for (i = 0; i < PT_CASES_MANY; i++) {
		if (pt_cases_many[i])
			__free_pages(pt_cases_many[i], 0);
	}
}

module_init(pt_cases_init);
module_exit(pt_cases_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail test cases: page bugs on purpose");
