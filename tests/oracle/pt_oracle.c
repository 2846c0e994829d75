// SPDX-License-Identifier: GPL-2.0
/*
 * Accuracy oracle: creates pages through every allocator path it can
 * reach from a module and remembers the truth about each, for
 * tests/tools/pt_oracle to hold against pagetrail's lookup.
 *
 *   echo hold > /sys/kernel/debug/pt_oracle/run
 *	allocate through every path and keep the pages; between steps the
 *	thread hops to another CPU (run it under pt_stress's storm);
 *   echo free > /sys/kernel/debug/pt_oracle/run
 *	free them through their free paths (run it without the storm);
 *   cat /sys/kernel/debug/pt_oracle/truth
 *	one line per page: PATH PFN allocated|free FUNCTION ALLOCATOR,
 *	FUNCTION being the helper the page's last stack must name, and
 *	ALLOCATOR the helper that allocated it (for a freed page: if its
 *	allocation stack names another, the page was reused since).
 *
 * Each helper is its own noinline function: the truth names it.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat.h"

#define PT_OR_PAGES	4096	/* truth lines kept */
#define PT_OR_BULK	8
#define PT_OR_VMALLOC	8
#define PT_OR_EXACT	3
#define PT_OR_CONTIG_ORDER	min_t(unsigned int, pageblock_order, 9)

struct pt_or_truth {
	const char *path;
	unsigned long pfn;
	bool allocated;
	bool notrun;		/* the path could not create its pages */
	const char *func;
	const char *allocator;
};

static struct pt_or_truth pt_truth[PT_OR_PAGES];
static unsigned int pt_nr_truth;
static DEFINE_MUTEX(pt_or_lock);

/* What "hold" kept, for "free". */
static struct page *pt_blocks[PT_MAX_PAGE_ORDER + 1];
static struct page *pt_bulk[PT_OR_BULK];
static struct page *pt_compound;
static LIST_HEAD(pt_bulk_list);
static struct page *pt_split;
static void *pt_exact;
static void *pt_vmalloc;
static unsigned long pt_contig_pfn;

static void pt_or_note_free(const char *path, struct page *page,
			    unsigned long nr, const char *func,
			    const char *allocator)
{
	struct pt_or_truth *t;
	unsigned long i;

	for (i = 0; i < nr && pt_nr_truth < PT_OR_PAGES; i++) {
		t = &pt_truth[pt_nr_truth++];
		t->path = path;
		t->pfn = page_to_pfn(page) + i;
		t->allocated = !func;
		t->notrun = false;
		t->func = func ?: allocator;
		t->allocator = allocator;
	}
}

/* @nr pages from @page on are allocated, by @func. */
static void pt_or_note(const char *path, struct page *page, unsigned long nr,
		       const char *func)
{
	pt_or_note_free(path, page, nr, NULL, func);
}

/* Between steps, move to the next online CPU. */
static void pt_or_hop(void)
{
	int cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	set_cpus_allowed_ptr(current, cpumask_of(cpu));
}

static const gfp_t pt_or_gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;

static noinline struct page *pt_oracle_alloc_order(unsigned int order)
{
	return alloc_pages(pt_or_gfp, order);
}

static noinline struct page *pt_oracle_prefill(void)
{
	return alloc_page(pt_or_gfp);
}

static noinline unsigned long pt_oracle_bulk_array(struct page **pages)
{
	return pt_alloc_pages_bulk_array(pt_or_gfp, PT_OR_BULK, pages);
}

#ifdef PT_HAVE_BULK_LIST
static noinline unsigned long pt_oracle_bulk_list(struct list_head *list)
{
	return alloc_pages_bulk_list(pt_or_gfp, PT_OR_BULK, list);
}
#endif

static noinline struct page *pt_oracle_alloc_compound(void)
{
	return alloc_pages(pt_or_gfp | __GFP_COMP, 2);
}

static noinline struct page *pt_oracle_alloc_split(void)
{
	struct page *page = alloc_pages(pt_or_gfp, 2);

	if (page)
		split_page(page, 2);
	return page;
}

static noinline void *pt_oracle_alloc_exact(void)
{
	return alloc_pages_exact(PT_OR_EXACT * PAGE_SIZE, pt_or_gfp);
}

static noinline void *pt_oracle_vmalloc(void)
{
	return vmalloc(PT_OR_VMALLOC * PAGE_SIZE);
}

#ifdef CONFIG_CONTIG_ALLOC
/*
 * Weak, through data (arm64 modules take no GOT relocations): a GKI kernel
 * does not export it (not in the KMI lists), and then the path is not run.
 * Not static, or the compiler reads the pointer at build time (a GOT load).
 */
extern typeof(PT_CONTIG_FUNC) PT_CONTIG_FUNC __weak;
typeof(&PT_CONTIG_FUNC) pt_oracle_contig_fn = &PT_CONTIG_FUNC;
#endif

static noinline int pt_oracle_contig(unsigned long pfn)
{
#ifdef CONFIG_CONTIG_ALLOC
	if (!pt_oracle_contig_fn)
		return -EOPNOTSUPP;
	return pt_oracle_contig_fn(pfn, pfn + 1, PT_CONTIG_MOVABLE,
				   GFP_KERNEL | __GFP_NOWARN);
#else
	return -EOPNOTSUPP;
#endif
}

static void pt_or_hold(void)
{
	struct page *page;
	unsigned int order;
	unsigned long n;
	int i;

	for (order = 0; order <= PT_MAX_PAGE_ORDER; order++) {
		pt_or_hop();
		pt_blocks[order] = pt_oracle_alloc_order(order);
		if (pt_blocks[order])
			pt_or_note("order", pt_blocks[order], 1UL << order,
				   "pt_oracle_alloc_order");
	}

	/* An array with holes: slots 0, 2 and 5 filled before the call. */
	pt_or_hop();
	memset(pt_bulk, 0, sizeof(pt_bulk));
	pt_bulk[0] = pt_oracle_prefill();
	pt_bulk[2] = pt_oracle_prefill();
	pt_bulk[5] = pt_oracle_prefill();
	for (i = 0; i < PT_OR_BULK; i++) {
		if (pt_bulk[i])
			pt_or_note("bulk-prefilled", pt_bulk[i], 1,
				   "pt_oracle_prefill");
	}
	n = pt_oracle_bulk_array(pt_bulk);
	for (i = 0; i < PT_OR_BULK && n; i++) {
		if (pt_bulk[i] && i != 0 && i != 2 && i != 5)
			pt_or_note("bulk-array", pt_bulk[i], 1,
				   "pt_oracle_bulk_array");
	}

#ifdef PT_HAVE_BULK_LIST
	pt_or_hop();
	pt_oracle_bulk_list(&pt_bulk_list);
	list_for_each_entry(page, &pt_bulk_list, lru)
		pt_or_note("bulk-list", page, 1, "pt_oracle_bulk_list");
#endif

	pt_or_hop();
	pt_compound = pt_oracle_alloc_compound();
	if (pt_compound)
		pt_or_note("compound", pt_compound, 4,
			   "pt_oracle_alloc_compound");

	/* split_page(), then pages 1-3 freed: page 0 stays allocated. */
	pt_or_hop();
	pt_split = pt_oracle_alloc_split();
	if (pt_split) {
		for (i = 1; i < 4; i++)
			__free_page(pt_split + i);
		pt_or_note("split", pt_split, 1, "pt_oracle_alloc_split");
	}

	pt_or_hop();
	pt_exact = pt_oracle_alloc_exact();
	if (pt_exact)
		pt_or_note("exact", virt_to_page(pt_exact), PT_OR_EXACT,
			   "pt_oracle_alloc_exact");

	pt_or_hop();
	pt_vmalloc = pt_oracle_vmalloc();
	for (i = 0; pt_vmalloc && i < PT_OR_VMALLOC; i++) {
		page = vmalloc_to_page(pt_vmalloc + i * PAGE_SIZE);
		if (page)
			pt_or_note("vmalloc", page, 1, "pt_oracle_vmalloc");
	}

	/*
	 * The first page of a pageblock that was just free as a whole,
	 * taken by alloc_contig_range(); from an unmovable allocation, as a
	 * movable one may be in a CMA block.
	 */
	pt_or_hop();
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
			   PT_OR_CONTIG_ORDER);
	pt_contig_pfn = 0;
	if (page) {
		unsigned long pfn = page_to_pfn(page);
		int ret;

		__free_pages(page, PT_OR_CONTIG_ORDER);
		ret = pt_oracle_contig(pfn);
		if (!ret) {
			pt_contig_pfn = pfn;
			pt_or_note("contig", pfn_to_page(pfn), 1,
				   "pt_oracle_contig");
		} else {
			pr_info("pt_oracle: alloc_contig_range(0x%lx) = %d\n",
				pfn, ret);
		}
	}
	if (!pt_contig_pfn && pt_nr_truth < PT_OR_PAGES) {
		pt_truth[pt_nr_truth].path = "contig";
		pt_truth[pt_nr_truth].pfn = 0;
		pt_truth[pt_nr_truth].notrun = true;
		pt_truth[pt_nr_truth].func = "pt_oracle_contig";
		pt_truth[pt_nr_truth].allocator = "pt_oracle_contig";
		pt_nr_truth++;
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static noinline void pt_oracle_free_order(struct page *page,
					  unsigned int order)
{
	__free_pages(page, order);
}

static noinline void pt_oracle_release(struct page **pages, int n)
{
	release_pages(pages, n);
}

static noinline void pt_oracle_free_exact(void *p)
{
	free_pages_exact(p, PT_OR_EXACT * PAGE_SIZE);
}

static noinline void pt_oracle_vfree(void *p)
{
	vfree(p);
}

static noinline void pt_oracle_free_contig(unsigned long pfn)
{
	free_contig_range(pfn, 1);
}

/* Free what hold kept; the truth becomes "free" by each free helper. */
static void pt_or_free(void)
{
	struct page *batch[PT_OR_BULK + 1];
	const char *allocator[PT_OR_BULK + 1];
	struct page *vpages[PT_OR_VMALLOC];
	unsigned int order;
	int i, n = 0;

	pt_nr_truth = 0;
	for (order = 0; order <= PT_MAX_PAGE_ORDER; order++) {
		if (!pt_blocks[order])
			continue;
		pt_oracle_free_order(pt_blocks[order], order);
		pt_or_note_free("order", pt_blocks[order], 1UL << order,
				"pt_oracle_free_order", "pt_oracle_alloc_order");
		pt_blocks[order] = NULL;
	}
	/* A folio batch: the bulk pages and the compound block. */
	for (i = 0; i < PT_OR_BULK; i++) {
		if (!pt_bulk[i])
			continue;
		allocator[n] = i == 0 || i == 2 || i == 5 ?
			       "pt_oracle_prefill" : "pt_oracle_bulk_array";
		batch[n++] = pt_bulk[i];
	}
	if (pt_compound) {
		allocator[n] = "pt_oracle_alloc_compound";
		batch[n++] = pt_compound;
	}
	if (n) {
		pt_oracle_release(batch, n);
		for (i = 0; i < n; i++)
			pt_or_note_free("batch", batch[i],
					batch[i] == pt_compound ? 4 : 1,
					"pt_oracle_release", allocator[i]);
	}
	memset(pt_bulk, 0, sizeof(pt_bulk));
	pt_compound = NULL;
	while (!list_empty(&pt_bulk_list)) {
		struct page *page = list_first_entry(&pt_bulk_list,
						     struct page, lru);

		list_del(&page->lru);
		pt_oracle_free_order(page, 0);
		pt_or_note_free("bulk-list", page, 1, "pt_oracle_free_order",
				"pt_oracle_bulk_list");
	}
	if (pt_split) {
		pt_oracle_free_order(pt_split, 0);
		pt_or_note_free("split", pt_split, 1, "pt_oracle_free_order",
				"pt_oracle_alloc_split");
		pt_split = NULL;
	}
	if (pt_exact) {
		struct page *page = virt_to_page(pt_exact);

		pt_oracle_free_exact(pt_exact);
		pt_or_note_free("exact", page, PT_OR_EXACT,
				"pt_oracle_free_exact", "pt_oracle_alloc_exact");
		pt_exact = NULL;
	}
	if (pt_vmalloc) {
		for (i = 0; i < PT_OR_VMALLOC; i++)
			vpages[i] = vmalloc_to_page(pt_vmalloc + i * PAGE_SIZE);
		pt_oracle_vfree(pt_vmalloc);
		for (i = 0; i < PT_OR_VMALLOC; i++) {
			if (vpages[i])
				pt_or_note_free("vmalloc", vpages[i], 1,
						"pt_oracle_vfree",
						"pt_oracle_vmalloc");
		}
		pt_vmalloc = NULL;
	}
	if (pt_contig_pfn) {
		pt_oracle_free_contig(pt_contig_pfn);
		pt_or_note_free("contig", pfn_to_page(pt_contig_pfn), 1,
				"pt_oracle_free_contig", "pt_oracle_contig");
		pt_contig_pfn = 0;
	}
}

static ssize_t pt_or_run(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char buf[8] = "";

	if (copy_from_user(buf, ubuf, min(count, sizeof(buf) - 1)))
		return -EFAULT;
	mutex_lock(&pt_or_lock);
	if (sysfs_streq(buf, "hold")) {
		pt_nr_truth = 0;
		pt_or_hold();
	} else if (sysfs_streq(buf, "free")) {
		pt_or_free();
	} else {
		count = -EINVAL;
	}
	mutex_unlock(&pt_or_lock);
	return count;
}

static const struct file_operations pt_or_run_fops = {
	.owner = THIS_MODULE,
	.write = pt_or_run,
};

static int pt_or_truth_show(struct seq_file *m, void *v)
{
	unsigned int i;

	mutex_lock(&pt_or_lock);
	for (i = 0; i < pt_nr_truth; i++)
		seq_printf(m, "%s 0x%lx %s %s %s\n", pt_truth[i].path,
			   pt_truth[i].pfn, pt_truth[i].notrun ? "notrun" :
			   pt_truth[i].allocated ? "allocated" : "free",
			   pt_truth[i].func, pt_truth[i].allocator);
	mutex_unlock(&pt_or_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pt_or_truth);

static struct dentry *pt_or_dir;

static int __init pt_or_init(void)
{
	pt_or_dir = debugfs_create_dir("pt_oracle", NULL);
	debugfs_create_file("run", 0200, pt_or_dir, NULL, &pt_or_run_fops);
	debugfs_create_file("truth", 0400, pt_or_dir, NULL,
			    &pt_or_truth_fops);
	return 0;
}

static void __exit pt_or_exit(void)
{
	debugfs_remove_recursive(pt_or_dir);
	mutex_lock(&pt_or_lock);
	pt_or_free();
	mutex_unlock(&pt_or_lock);
}

module_init(pt_or_init);
module_exit(pt_or_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail accuracy oracle: pages with a known truth");
