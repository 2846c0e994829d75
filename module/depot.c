// SPDX-License-Identifier: GPL-2.0
/*
 * Saving stacks in stackdepot from inside the page allocator: without
 * allocating where the allocator may hold its locks, topping the depot's
 * pool up later from a worker, and a "failed" handle for a stack that
 * could not be saved, so that every record holds a real handle.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/stackdepot.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== Topping up the pool ==== */

/*
 * Topping up stackdepot's pool. Where a save must not allocate, a full
 * pool (6.15+: or a contended pool lock) makes it fail; saving that stack
 * again from a worker, where allocating is safe, gives the depot a new
 * pool. Two slots: when both hold stacks new to the depot, the second save
 * also makes it allocate a spare pool, so the next fill does not fail
 * before the worker has run again.
 */
#define PT_TOPUP_SLOTS	2

static struct {
	unsigned long entries[PT_MAX_DEPTH];
	unsigned int nr;
} pt_pending[PT_TOPUP_SLOTS];
static unsigned long pt_pending_claimed;	/* bit per slot: taken */
static unsigned long pt_pending_ready;		/* bit per slot: written */
/* Allocating saves that failed in a row; stackdepot may be disabled. */
#define PT_TOPUP_GIVE_UP	8
static unsigned int pt_topup_failures;

static void pt_topup_work_fn(struct work_struct *work)
{
	int i;

	for (i = 0; i < PT_TOPUP_SLOTS; i++) {
		if (!test_bit(i, &pt_pending_ready))
			continue;
		smp_rmb(); /* pairs with smp_mb__before_atomic() in the request */
		if (stack_depot_save(pt_pending[i].entries, pt_pending[i].nr,
				     GFP_KERNEL)) {
			pt_count(PT_CTR_DEPOT_TOPUPS);
			WRITE_ONCE(pt_topup_failures, 0);
		} else {
			WRITE_ONCE(pt_topup_failures, pt_topup_failures + 1);
		}
		clear_bit(i, &pt_pending_ready);
		clear_bit_unlock(i, &pt_pending_claimed);
	}
}
static DECLARE_WORK(pt_topup_work, pt_topup_work_fn);

/*
 * From irq_work: queueing work directly could take locks the allocator
 * holds. Unbound, so that it can run while this CPU is busy freeing.
 */
static void pt_topup_irq_work_fn(struct irq_work *iw)
{
	queue_work(system_unbound_wq, &pt_topup_work);
}
static struct irq_work pt_topup_iw;

static void pt_topup_request(unsigned long *e, unsigned int n)
{
	int i;

	if (READ_ONCE(pt_topup_failures) >= PT_TOPUP_GIVE_UP)
		return;
	for (i = 0; i < PT_TOPUP_SLOTS; i++) {
		if (test_and_set_bit_lock(i, &pt_pending_claimed))
			continue;
		memcpy(pt_pending[i].entries, e, n * sizeof(*e));
		pt_pending[i].nr = n;
		smp_mb__before_atomic(); /* the stack before the ready bit */
		set_bit(i, &pt_pending_ready);
		irq_work_queue(&pt_topup_iw);
		return;
	}
}

/*
 * May stackdepot allocate its next pool here? Only for an allocation whose
 * caller may sleep (so it holds no spinlock) and whose hook runs outside
 * the allocator's locks (callers pass gfp 0 otherwise), and never on
 * PREEMPT_RT, where the page allocator's locks sleep and we run with
 * preemption off. Frees never allocate: the allocator may hold its locks
 * around them (6.15's free_pages_nolock()).
 */
static bool pt_depot_may_alloc(gfp_t gfp, enum pt_kind kind)
{
	return kind == PT_ALLOC && gfpflags_allow_blocking(gfp) &&
	       !IS_ENABLED(CONFIG_PREEMPT_RT);
}

/* ==== Saving ==== */

/* Stored for a stack stackdepot could not save: see pt_depot_init(). */
static depot_stack_handle_t pt_depot_failed __ro_after_init;
/* Stored for a migration target whose owner pagetrail cannot follow. */
static depot_stack_handle_t pt_depot_moved __ro_after_init;

/**
 * pt_depot_save - save a trimmed stack in stackdepot
 * @e: the frames
 * @n: how many; 0 gives the failed handle
 * @gfp: the allocation's gfp mask; 0 where stackdepot must not allocate
 * @kind: allocation or free
 *
 * Context: Between pt_enter() and pt_leave(): any context but NMI; with
 * @n 0, anywhere.
 * Return: the stack's handle, or the failed handle (never 0).
 */
depot_stack_handle_t pt_depot_save(unsigned long *e, unsigned int n,
				   gfp_t gfp, enum pt_kind kind)
{
	depot_stack_handle_t h;

	/* Nothing left after trimming: no stack, but not a failure. */
	if (!n)
		return pt_depot_failed;
	if (!pt_depot_may_alloc(gfp, kind) && pt_depot_can_nolock()) {
		h = pt_depot_save_nolock(e, n);
		if (!h) {
			pt_count(PT_CTR_DEPOT_NOLOCK_FAILED);
			pt_topup_request(e, n);
		}
	} else {
		/* No reclaim: we may sit under the caller's locks. */
		gfp = (gfp & (GFP_KERNEL | GFP_ATOMIC) & ~__GFP_DIRECT_RECLAIM) |
		      __GFP_NOWARN;
		h = stack_depot_save(e, n, gfp);
	}
	if (h)
		return h;
	pt_count(PT_CTR_NO_STACK);
	return pt_depot_failed;
}

/**
 * pt_depot_is_failed - is this the handle of a stack that was not saved
 * @handle: a handle from a record
 *
 * Context: Any context.
 * Return: true for the failed handle.
 */
bool pt_depot_is_failed(depot_stack_handle_t handle)
{
	return handle == pt_depot_failed;
}

/**
 * pt_depot_nolock_via - how frees and non-sleeping allocations are saved
 *
 * Context: Any context.
 * Return: a name for "stats".
 */
const char *pt_depot_nolock_via(void)
{
	return pt_depot_can_nolock() ? PT_DEPOT_NOLOCK_VIA :
	       "unavailable: saves may allocate without reclaim";
}

/**
 * pt_depot_moved_handle - the handle of "moved here, owner unknown"
 *
 * Description: A page that migration filled from a page pagetrail cannot
 * follow (one not on the LRU: zsmalloc, balloon) gets this instead of the
 * migration's own allocation stack, which is not its owner's.
 *
 * Context: Any context.
 * Return: the handle.
 */
depot_stack_handle_t pt_depot_moved_handle(void)
{
	return pt_depot_moved;
}

/**
 * pt_depot_is_moved - is this the "moved here, owner unknown" handle
 * @handle: a handle from a record
 *
 * Context: Any context.
 * Return: true for it.
 */
bool pt_depot_is_moved(depot_stack_handle_t handle)
{
	return handle == pt_depot_moved;
}

/*
 * The sentinel handles' stacks: one frame each in pagetrail's init code,
 * which no allocator stack contains. page_owner keeps such handles too.
 */
static noinline depot_stack_handle_t pt_depot_save_sentinel(int which)
{
	unsigned long entry = _RET_IP_ + which;

	return stack_depot_save(&entry, 1, GFP_KERNEL);
}

/**
 * pt_depot_init - set stackdepot up and save the sentinel handles
 *
 * Context: Process context, at load; sleeps.
 * Return: 0, or a negative errno.
 */
int pt_depot_init(void)
{
	int ret;

	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !pt_depot_can_nolock()) {
		pr_err("PREEMPT_RT needs a stackdepot save that does not allocate; this kernel exports none (" PT_DEPOT_NOLOCK_VIA ")\n");
		return -EOPNOTSUPP;
	}
	ret = pt_stack_depot_init();
	if (ret)
		return ret;
	pt_depot_failed = pt_depot_save_sentinel(0);
	pt_depot_moved = pt_depot_save_sentinel(1);
	if (!pt_depot_failed || !pt_depot_moved) {
		pr_err("stackdepot saves no stack (disabled with stack_depot_disable=on, or out of memory)\n");
		return -EOPNOTSUPP;
	}
	init_irq_work(&pt_topup_iw, pt_topup_irq_work_fn);
	return 0;
}

/**
 * pt_depot_exit - wait for the top-up worker
 *
 * Context: Process context, after the hooks are detached: nothing records
 * any more, so no top-up can be requested after the syncs.
 */
void pt_depot_exit(void)
{
	irq_work_sync(&pt_topup_iw);
	cancel_work_sync(&pt_topup_work);
}
