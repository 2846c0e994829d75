// SPDX-License-Identifier: GPL-2.0
/*
 * Address resolution for reports and lookup: which page is behind a kernel
 * address, through the direct map, a live vmalloc mapping, or the vfree
 * ring.
 *
 * vfree() unmaps an area before it frees the pages, so by the time KASAN
 * reports a vmalloc use-after-free, no page table leads from the address to
 * the page. The ring remembers, for the most recently vfree'd pages, which
 * pfn backed which virtual page, so a report can still find the page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== The vfree ring ==== */

#define PT_VFREE_RING	2048	/* pages remembered: 48 KiB */
#define PT_VFREE_MAX	256	/* pages remembered per vfree() */

/* Frames to trim in vfree()'s caller stacks (see pt_capture_buf()). */
static unsigned int pt_hint_vfree = PT_TRIM_HINT_INIT;

struct pt_vfree_slot {
	unsigned long vaddr;	/* page-aligned; 0 while being written */
	unsigned long pfn;
	depot_stack_handle_t handle;	/* the vfree() call's stack */
};

static struct pt_vfree_slot pt_vfree_ring[PT_VFREE_RING];
static atomic_t pt_vfree_next;

static void pt_vfree_remember(unsigned long vaddr, unsigned long pfn,
			      depot_stack_handle_t handle)
{
	unsigned int i = (unsigned int)atomic_inc_return(&pt_vfree_next) %
			 PT_VFREE_RING;
	struct pt_vfree_slot *s = &pt_vfree_ring[i];

	/* A reader that sees vaddr before and after pfn sees a matching pfn. */
	WRITE_ONCE(s->vaddr, 0);
	smp_wmb(); /* vaddr cleared before pfn changes */
	WRITE_ONCE(s->pfn, pfn);
	WRITE_ONCE(s->handle, handle);
	smp_wmb(); /* pfn written before vaddr names it */
	WRITE_ONCE(s->vaddr, vaddr);
}

/* vfree(addr): the area is still mapped and ends at its guard page. */
static void notrace pt_vfree_entry(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	unsigned long addr = pt_ftrace_arg(fregs, 0), *e;
	depot_stack_handle_t handle;
	struct page *page;
	unsigned int len;
	int i;

	/* In interrupt, vfree() defers to a worker which calls us again. */
	if (!pt_recording() || !is_vmalloc_addr((void *)addr) ||
	    in_interrupt() || !pt_enter())
		return;
	/* Who called vfree(): the page's own free stack is of a worker. */
	e = pt_capture_buf(&pt_hint_vfree, &len);
	handle = pt_capture_finish(&pt_hint_vfree, stack_trace_save(e, len, 0), -1,
				   0, PT_FREE, 0, 0);
	/* Tag-based KASAN hands out tagged pointers; lookups are untagged. */
	addr = (unsigned long)kasan_reset_tag((void *)addr) & PAGE_MASK;
	for (i = 0; i < PT_VFREE_MAX; i++, addr += PAGE_SIZE) {
		page = vmalloc_to_page((void *)addr);
		if (!page)
			break;
		pt_vfree_remember(addr, page_to_pfn(page), handle);
	}
	pt_leave();
}

/* The pfn that backed vmalloc address @addr when it was last vfree'd. */
static bool pt_vfree_lookup(unsigned long addr, unsigned long *pfn,
			    depot_stack_handle_t *handle)
{
	unsigned int i, newest = (unsigned int)atomic_read(&pt_vfree_next);

	addr &= PAGE_MASK;
	for (i = 0; i < PT_VFREE_RING; i++) {
		struct pt_vfree_slot *s =
			&pt_vfree_ring[(newest - i) % PT_VFREE_RING];
		depot_stack_handle_t h;
		unsigned long p;

		if (READ_ONCE(s->vaddr) != addr)
			continue;
		smp_rmb(); /* pairs with the second smp_wmb() */
		p = READ_ONCE(s->pfn);
		h = READ_ONCE(s->handle);
		smp_rmb(); /* pairs with the first smp_wmb() */
		if (READ_ONCE(s->vaddr) == addr) {
			*pfn = p;
			if (handle)
				*handle = h;
			return true;
		}
	}
	return false;
}

/* ==== Resolution ==== */

/**
 * pt_addr_to_pfn - the page behind a kernel address
 * @addr: the address, possibly tagged (tag-based KASAN)
 * @pfn: set to the page's pfn
 * @vfree_stack: if not NULL, set to the stack of the vfree() that unmapped
 *	@addr when the page was found in the vfree ring, else to 0
 *
 * Context: Any context: neither allocates nor sleeps.
 * Return: false if no page is, or was, behind @addr.
 */
bool pt_addr_to_pfn(unsigned long addr, unsigned long *pfn,
		    depot_stack_handle_t *vfree_stack)
{
	void *p = kasan_reset_tag((void *)addr);
	struct page *page;

	if (vfree_stack)
		*vfree_stack = 0;
	if (virt_addr_valid(p)) {
		*pfn = PHYS_PFN(__pa(p));
		return true;
	}
	if (!is_vmalloc_addr(p))
		return false;
	page = vmalloc_to_page(p);
	if (page) {
		*pfn = page_to_pfn(page);
		return true;
	}
	/*
	 * Unmapped right after a mapped page: the guard page of a live area.
	 * Never backed by a page, whatever an older vfree() of the same
	 * address left in the ring.
	 */
	if (is_vmalloc_addr(p - PAGE_SIZE) && vmalloc_to_page(p - PAGE_SIZE))
		return false;
	/* Unmapped by vfree(): which page was behind it? */
	return pt_vfree_lookup((unsigned long)p, pfn, vfree_stack);
}

struct pt_hook pt_vfree_hook = PT_FT_HOOK("vfree", pt_vfree_entry);

/**
 * pt_resolve_init - start remembering vfree'd pages
 *
 * Context: Process context; sleeps.
 * Return: 0, or a negative errno if vfree() cannot be traced.
 */
int pt_resolve_init(void)
{
	return pt_hook_attach(&pt_vfree_hook);
}

/**
 * pt_resolve_exit - stop remembering vfree'd pages
 *
 * Context: Process context; sleeps.
 */
void pt_resolve_exit(void)
{
	pt_hook_detach(&pt_vfree_hook);
}
