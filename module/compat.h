/* SPDX-License-Identifier: GPL-2.0 */
/* Every kernel-version difference pagetrail cares about, in one place. */
#ifndef _PAGETRAIL_COMPAT_H
#define _PAGETRAIL_COMPAT_H

#include <linux/version.h>
#include <linux/ftrace.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/stackdepot.h>

#ifndef CONFIG_STACKDEPOT
#error "pagetrail needs CONFIG_STACKDEPOT (select it, e.g. via CONFIG_PAGE_OWNER or CONFIG_KASAN)"
#endif
#ifndef CONFIG_SPARSEMEM
#error "pagetrail needs CONFIG_SPARSEMEM"
#endif
#if !defined(CONFIG_TRACEPOINTS) && !defined(CONFIG_DYNAMIC_FTRACE)
#error "pagetrail needs CONFIG_TRACEPOINTS or CONFIG_DYNAMIC_FTRACE"
#endif

/* stackdepot: 6.1 has __stack_depot_save(), 6.8+ stack_depot_save_flags(). */
static inline depot_stack_handle_t pt_depot_save(unsigned long *entries,
						 unsigned int nr, gfp_t gfp,
						 bool can_alloc)
{
#ifdef STACK_DEPOT_FLAG_CAN_ALLOC
	return stack_depot_save_flags(entries, nr, gfp,
				      can_alloc ? STACK_DEPOT_FLAG_CAN_ALLOC : 0);
#else
	return __stack_depot_save(entries, nr, 0, gfp, can_alloc);
#endif
}

/* Largest buddy order: 6.4 made it inclusive and renamed it later. */
#ifdef MAX_PAGE_ORDER
#define PT_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define PT_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/* Allocator entry points whose names changed with alloc tagging (6.10). */
#ifdef alloc_hooks
#define PT_BULK_FUNC		"alloc_pages_bulk_noprof"
#else
#define PT_BULK_FUNC		"__alloc_pages_bulk"
#endif

/*
 * Reading a traced function's arguments in an ftrace callback. x86 saves
 * the argument registers (WITH_ARGS) in a pt_regs until 6.12 made
 * ftrace_regs opaque; elsewhere before 6.12 ask for full regs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) /* the one version test */
#define PT_FTRACE_FLAGS	0
static inline unsigned long pt_ftrace_arg(struct ftrace_regs *fregs,
					  unsigned int n)
{
	return ftrace_regs_get_argument(fregs, n);
}
#elif defined(CONFIG_X86_64) && defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define PT_FTRACE_FLAGS	0
static inline unsigned long pt_ftrace_arg(struct ftrace_regs *fregs,
					  unsigned int n)
{
	return regs_get_kernel_argument(&fregs->regs, n);
}
#else
#define PT_FTRACE_FLAGS	FTRACE_OPS_FL_SAVE_REGS
static inline unsigned long pt_ftrace_arg(struct ftrace_regs *fregs,
					  unsigned int n)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs_get_kernel_argument(regs, n) : 0;
}
#endif

#endif /* _PAGETRAIL_COMPAT_H */
