// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching a hook of any kind (tracepoint, ftrace,
 * kretprobe) through one pair of calls, for the allocator hooks, the
 * report hook and the vfree hook alike.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "pagetrail.h"
#include "compat.h"

static void pt_find_tp(struct tracepoint *tp, void *priv)
{
	struct pt_hook *h = priv;

	if (!strcmp(tp->name, h->target))
		h->tp = tp;
}

static int pt_tp_attach(struct pt_hook *h)
{
	if (!pt_have(for_each_kernel_tracepoint)) {
		h->why = "for_each_kernel_tracepoint is not exported";
		return -EOPNOTSUPP;
	}
	h->tp = NULL;
	pt_opt.for_each_kernel_tracepoint(pt_find_tp, h);
	if (!h->tp) {
		h->why = "no such tracepoint";
		return -ENOENT;
	}
	return tracepoint_probe_register(h->tp, h->probe, NULL);
}

#ifdef CONFIG_DYNAMIC_FTRACE
/*
 * Free the filter of an unregistered ops: an empty filter is the shared
 * empty hash. ftrace_free_filter() does the same, exported only from 6.1.
 */
static void pt_ft_clear_filter(struct pt_hook *h)
{
	pt_opt.ftrace_set_filter(&h->ops, NULL, 0, 1);
}
#endif

static int pt_ft_attach(struct pt_hook *h)
{
#ifdef CONFIG_DYNAMIC_FTRACE
	int ret;

	/*
	 * The allocation hooks run under the allocator's locks; where
	 * stackdepot has no non-allocating save (5.15, some GKI kernels) it
	 * would allocate there.
	 */
	if (h->needs_nolock_depot && !pt_depot_can_nolock()) {
		h->why = "stackdepot would allocate under the allocator's locks";
		return -EOPNOTSUPP;
	}

	if (!pt_have(register_ftrace_function) ||
	    !pt_have(unregister_ftrace_function) || !pt_have(ftrace_set_filter)) {
		h->why = "ftrace registration is not exported";
		return -EOPNOTSUPP;
	}
	memset(&h->ops, 0, sizeof(h->ops));
	h->ops.func = h->ftrace_func;
	h->ops.flags = PT_FTRACE_FLAGS;
	ret = pt_opt.ftrace_set_filter(&h->ops, (unsigned char *)h->target,
				       strlen(h->target), 1);
	if (!ret)
		ret = pt_opt.register_ftrace_function(&h->ops);
	if (ret)
		pt_ft_clear_filter(h);
	return ret;
#else
	h->why = "no CONFIG_DYNAMIC_FTRACE";
	return -EOPNOTSUPP;
#endif
}

/* Calls in flight at once (a task may sleep inside one). */
#define PT_KRETPROBE_MIN_ACTIVE		64
#define PT_KRETPROBE_ACTIVE_PER_CPU	4

static int pt_kr_attach(struct pt_hook *h)
{
	memset(&h->rp, 0, sizeof(h->rp));
	h->rp.kp.symbol_name = h->target;
	h->rp.entry_handler = h->entry;
	h->rp.handler = h->ret;
	h->rp.data_size = h->data_size;
	h->rp.maxactive = max_t(int, PT_KRETPROBE_MIN_ACTIVE,
				PT_KRETPROBE_ACTIVE_PER_CPU * num_possible_cpus());
	return register_kretprobe(&h->rp);
}

/**
 * pt_hook_attach - attach one hook, whatever its kind
 * @h: the hook
 *
 * Records the outcome in @h for the "hooks" file: h->err, and h->why when
 * the running kernel cannot offer what the hook needs.
 *
 * Context: Process context; may sleep.
 * Return: 0 or a negative errno.
 */
int pt_hook_attach(struct pt_hook *h)
{
	int ret;

	h->why = h->unavailable;
	if (h->why) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	switch (h->type) {
	case PT_HOOK_TRACEPOINT:
		ret = pt_tp_attach(h);
		break;
	case PT_HOOK_FTRACE:
		ret = pt_ft_attach(h);
		break;
	case PT_HOOK_KRETPROBE:
		ret = pt_kr_attach(h);
		break;
	default:
		ret = -EINVAL;
	}
out:
	h->err = ret;
	h->attached = !ret;
	return ret;
}

/**
 * pt_hook_detach - detach a hook attached by pt_hook_attach()
 * @h: the hook; nothing happens if it is not attached
 *
 * Returns once no CPU runs the hook's handler any more.
 *
 * Context: Process context; sleeps.
 */
void pt_hook_detach(struct pt_hook *h)
{
	if (!h->attached)
		return;
	switch (h->type) {
	case PT_HOOK_TRACEPOINT:
		tracepoint_probe_unregister(h->tp, h->probe, NULL);
		pt_tracepoint_sync();
		break;
	case PT_HOOK_FTRACE:
#ifdef CONFIG_DYNAMIC_FTRACE
		pt_opt.unregister_ftrace_function(&h->ops);
		pt_ft_clear_filter(h);
#endif
		break;
	case PT_HOOK_KRETPROBE:
		unregister_kretprobe(&h->rp);
		break;
	}
	h->attached = false;
}

static const char *const pt_hook_type_names[] = {
	[PT_HOOK_TRACEPOINT] = "tracepoint",
	[PT_HOOK_FTRACE] = "ftrace",
	[PT_HOOK_KRETPROBE] = "kretprobe",
};

/**
 * pt_hook_show - one line about a hook for the "hooks" file
 * @m: the seq_file
 * @h: the hook
 *
 * Context: Process context.
 */
void pt_hook_show(struct seq_file *m, const struct pt_hook *h)
{
	seq_printf(m, "%s:%s %s", pt_hook_type_names[h->type], h->target,
		   h->attached ? "attached" : "detached");
	if (h->why)
		seq_printf(m, " (unavailable: %s)", h->why);
	else if (h->err)
		seq_printf(m, " (error %d)", h->err);
	if (h->type == PT_HOOK_KRETPROBE && h->attached)
		seq_printf(m, " missed=%d", h->rp.nmissed);
	seq_putc(m, '\n');
}

