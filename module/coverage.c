// SPDX-License-Identifier: GPL-2.0
/*
 * The coverage self-test: allocate and free through every path the page
 * allocator offers and check that the hooks recorded each event exactly
 * once (never missed, never twice). hooks.c runs it on each hook set it
 * tries, and keeps the first set that records every path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

/* The hooks look at pt_coverage_task only while the key is on. */
DEFINE_STATIC_KEY_FALSE(pt_coverage_key);
struct task_struct *pt_coverage_task;

#define PT_NOTES 512
static struct {
	unsigned long pfn;
	enum pt_kind kind;
} pt_notes[PT_NOTES];
static unsigned int pt_nr_notes;
/* More events than notes (reclaim under memory pressure): proves nothing. */
static bool pt_notes_lost;
/* Non-zero: note this pfn's events only (a path with many other events). */
static unsigned long pt_notes_only;

struct pt_coverage_result pt_coverage_results[PT_NR_PATHS] = {
	{ "order-0" }, { "high-order" }, { "bulk" }, { "folio-batch" },
	{ "compound" }, { "free_pages_exact" }, { "vmalloc" }, { "contig" },
};

enum {
	PT_ST_ORDER0, PT_ST_HIGH, PT_ST_BULK, PT_ST_BATCH, PT_ST_COMPOUND,
	PT_ST_EXACT, PT_ST_VMALLOC, PT_ST_CONTIG,
};

/**
 * pt_coverage_note - note an event the self-test caused
 * @pfn: the block's first page
 * @order: the block's order
 * @kind: allocation or free
 *
 * Context: pt_store(), for events of pt_coverage_task in task context.
 */
void pt_coverage_note(unsigned long pfn, unsigned int order, enum pt_kind kind)
{
	if (pt_notes_only && pfn != pt_notes_only)
		return;
	if (pt_nr_notes == PT_NOTES) {
		pt_notes_lost = true;
	} else {
		pt_notes[pt_nr_notes].pfn = pfn;
		pt_notes[pt_nr_notes].kind = kind;
		pt_nr_notes++;
	}
}

static void pt_notes_reset(void)
{
	WRITE_ONCE(pt_nr_notes, 0);
}

/*
 * True if @page's latest @kind event was recorded exactly once since the
 * last reset. The page may legitimately have been allocated and freed
 * before (e.g. KASAN populating vmalloc shadow); only a repeat with no
 * opposite event in between is a double record.
 */
static bool pt_seen_once(struct page *page, enum pt_kind kind)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int i, n = 0;

	for (i = 0; i < READ_ONCE(pt_nr_notes); i++) {
		if (pt_notes[i].pfn != pfn)
			continue;
		n = pt_notes[i].kind == kind ? n + 1 : 0;
	}
	return n == 1;
}

static noinline struct page *pt_st_alloc(gfp_t gfp, unsigned int order)
{
	return alloc_pages(gfp, order);
}

static noinline void pt_st_free(struct page *page, unsigned int order)
{
	__free_pages(page, order);
}

static void pt_st_order(struct pt_coverage_result *r, gfp_t gfp,
			unsigned int order)
{
	struct page *page;

	pt_notes_reset();
	page = pt_st_alloc(gfp, order);
	if (!page)
		return;
	r->alloc_ok = pt_seen_once(page, PT_ALLOC);
	pt_notes_reset();
	if (gfp & __GFP_COMP)
		put_page(page);
	else
		pt_st_free(page, order);
	r->free_ok = pt_seen_once(page, PT_FREE);
	r->ran = true;
}

#define PT_ST_BULK_NR 8

static void pt_st_bulk(struct pt_coverage_result *r)
{
	struct page *pages[PT_ST_BULK_NR] = { };
	unsigned long i, n;

	pt_notes_reset();
	n = pt_alloc_pages_bulk_array(GFP_KERNEL, PT_ST_BULK_NR, pages);
	r->alloc_ok = n > 0;
	for (i = 0; i < n; i++)
		r->alloc_ok &= pt_seen_once(pages[i], PT_ALLOC);
	pt_notes_reset();
	r->free_ok = n > 0;
	for (i = 0; i < n; i++) {
		pt_st_free(pages[i], 0);
		r->free_ok &= pt_seen_once(pages[i], PT_FREE);
	}
	/*
	 * For one page the bulk allocator calls __alloc_pages(), whose
	 * mm_page_alloc event the bulk hook must not record a second time.
	 */
	pages[0] = NULL;
	pt_notes_reset();
	n = pt_alloc_pages_bulk_array(GFP_KERNEL, 1, pages);
	r->alloc_ok &= n == 1 && pt_seen_once(pages[0], PT_ALLOC);
	if (n == 1) {
		pt_notes_reset();
		pt_st_free(pages[0], 0);
		r->free_ok &= pt_seen_once(pages[0], PT_FREE);
	}
	r->ran = true;
}

/* A folio batch's release: order-0 pages and large folios (release_pages()). */
static void pt_st_batch(struct pt_coverage_result *r)
{
	static const unsigned int orders[] = { 0, 0, 0, 2, 0, 3 };
	struct page *pages[ARRAY_SIZE(orders)];
	int i, n = 0;

	pt_notes_reset();
	r->alloc_ok = true;
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		pages[n] = pt_st_alloc(GFP_KERNEL | __GFP_COMP, orders[i]);
		if (!pages[n])
			continue;
		r->alloc_ok &= pt_seen_once(pages[n], PT_ALLOC);
		n++;
	}
	if (!n)
		return;
	pt_notes_reset();
	pt_release_batch(pages, n);
	r->free_ok = true;
	for (i = 0; i < n; i++)
		r->free_ok &= pt_seen_once(pages[i], PT_FREE);
	r->ran = true;
}

static void pt_st_exact(struct pt_coverage_result *r)
{
	size_t size = 3 * PAGE_SIZE;
	struct page *page;
	void *p;
	int i;

	pt_notes_reset();
	p = alloc_pages_exact(size, GFP_KERNEL);
	if (!p)
		return;
	page = virt_to_page(p);
	r->alloc_ok = pt_seen_once(page, PT_ALLOC);
	pt_notes_reset();
	free_pages_exact(p, size);
	r->free_ok = true;
	for (i = 0; i < 3; i++)
		r->free_ok &= pt_seen_once(page + i, PT_FREE);
	r->ran = true;
}

#define PT_ST_VMALLOC_PAGES 4

static void pt_st_vmalloc(struct pt_coverage_result *r)
{
	struct page *pages[PT_ST_VMALLOC_PAGES];
	char *p;
	int i;

	pt_notes_reset();
	p = vmalloc(PT_ST_VMALLOC_PAGES * PAGE_SIZE);
	if (!p)
		return;
	r->alloc_ok = true;
	for (i = 0; i < PT_ST_VMALLOC_PAGES; i++) {
		pages[i] = vmalloc_to_page(p + i * PAGE_SIZE);
		r->alloc_ok &= pages[i] && pt_seen_once(pages[i], PT_ALLOC);
	}
	pt_notes_reset();
	vfree(p);
	r->free_ok = true;
	for (i = 0; i < PT_ST_VMALLOC_PAGES; i++)
		r->free_ok &= pages[i] && pt_seen_once(pages[i], PT_FREE);
	r->ran = true;
}

/*
 * alloc_contig_range() on the first page of a pageblock that was just
 * free as a whole (isolating a block with pages in use may fail), and
 * free_contig_range(). The block comes from an unmovable allocation: a
 * movable one may sit in a CMA pageblock, which alloc_contig_range()
 * isolates only for CMA. If it still fails (-EBUSY), the path did not run.
 */
#define PT_ST_CONTIG_ORDER	min_t(unsigned int, pageblock_order, 9)

static void pt_st_contig(struct pt_coverage_result *r)
{
#ifdef CONFIG_CONTIG_ALLOC
	struct page *page;
	unsigned long pfn;

	if (!pt_have(contig_alloc) || !pt_have(contig_free))
		return;
	page = pt_st_alloc(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
			   PT_ST_CONTIG_ORDER);
	if (!page)
		return;
	pfn = page_to_pfn(page);
	pt_st_free(page, PT_ST_CONTIG_ORDER);
	/* It frees the rest of the block it isolates: note our page only. */
	pt_notes_reset();
	WRITE_ONCE(pt_notes_only, pfn);
	if (pt_opt.contig_alloc(pfn, pfn + 1, PT_CONTIG_MOVABLE,
				GFP_KERNEL | __GFP_NOWARN)) {
		WRITE_ONCE(pt_notes_only, 0);
		return;
	}
	r->alloc_ok = pt_seen_once(page, PT_ALLOC);
	pt_notes_reset();
	pt_opt.contig_free(pfn, 1);
	r->free_ok = pt_seen_once(page, PT_FREE);
	WRITE_ONCE(pt_notes_only, 0);
	r->ran = true;
#endif
}

/**
 * pt_coverage_run - run every path once and fill pt_coverage_results
 *
 * @contig: run the contiguous-range path (its hook is attached)
 *
 * Context: Process context, at load; sleeps; one caller at a time.
 */
void pt_coverage_run(bool contig)
{
	struct pt_coverage_result *r = pt_coverage_results;
	int i;

	for (i = 0; i < PT_NR_PATHS; i++) {
		r[i].alloc_ok = false;
		r[i].free_ok = false;
		r[i].ran = false;
	}
	WRITE_ONCE(pt_coverage_task, current);
	static_branch_enable(&pt_coverage_key);
	for (i = 0; i < PT_NR_PATHS; i++) {
		pt_notes_lost = false;
		switch (i) {
		case PT_ST_ORDER0:
			pt_st_order(&r[i], GFP_KERNEL, 0);
			break;
		case PT_ST_HIGH:
			pt_st_order(&r[i], GFP_KERNEL, 3);
			break;
		case PT_ST_BULK:
			pt_st_bulk(&r[i]);
			break;
		case PT_ST_BATCH:
			pt_st_batch(&r[i]);
			break;
		case PT_ST_COMPOUND:
			pt_st_order(&r[i], GFP_KERNEL | __GFP_COMP, 2);
			break;
		case PT_ST_EXACT:
			pt_st_exact(&r[i]);
			break;
		case PT_ST_VMALLOC:
			pt_st_vmalloc(&r[i]);
			break;
		case PT_ST_CONTIG:
			if (contig)
				pt_st_contig(&r[i]);
			break;
		}
		/* The task caused more events than the notes hold. */
		if (READ_ONCE(pt_notes_lost))
			r[i].ran = false;
	}
	static_branch_disable(&pt_coverage_key);
	WRITE_ONCE(pt_coverage_task, NULL);
}
