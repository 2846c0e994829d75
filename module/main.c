// SPDX-License-Identifier: GPL-2.0
/*
 * pagetrail: remember, for every physical page, the stack that last
 * allocated it and the stack that last freed it, and print both inside
 * KASAN reports. Loadable: no Kconfig change, no boot parameter.
 *
 * This file: the parameters and the init order (see the diagram in
 * pagetrail.h). The "mode" parameter belongs to table.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stackdepot.h>
#include <linux/string.h>

#include "pagetrail.h"
#define PT_OPTIONAL_WEAK_REFS
#include "compat.h"

/* ---- parameters ---- */

static bool pt_enabled = true;
bool pt_print_on_report = true;
bool pt_allow_partial;
unsigned int pt_depth = 16;
unsigned int pt_sample = 1;

DEFINE_STATIC_KEY_TRUE(pt_enabled_key);

/*
 * param_set_bool() decides on the first characters and would take "10" or
 * "yes please" (and 5.15's knows no "true"): the whole value must be one
 * of these words. Even indexes mean false, odd ones true.
 */
static const char *const pt_bool_words[] = {
	"0", "1", "n", "y", "N", "Y", "off", "on", "false", "true",
};

static int pt_param_set_bool(const char *val, const struct kernel_param *kp)
{
	int i = val ? sysfs_match_string(pt_bool_words, val) : -EINVAL;

	if (i < 0) {
		pr_warn_ratelimited("%s: expected 0/1/y/n/on/off/true/false, got '%.16s'\n",
				    kp->name, val ?: "");
		return -EINVAL;
	}
	WRITE_ONCE(*(bool *)kp->arg, i & 1);
	return 0;
}

/* As param_get_bool() prints it; that one is not in the GKI KMI lists. */
static int pt_param_get_bool(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", *(bool *)kp->arg ? 'Y' : 'N');
}

static const struct kernel_param_ops pt_bool_ops = {
	.set = pt_param_set_bool,
	.get = pt_param_get_bool,
};

/* Process context (sysfs write or insmod): patching the key may sleep. */
static int pt_param_set_enabled(const char *val, const struct kernel_param *kp)
{
	int ret = pt_param_set_bool(val, kp);

	if (ret)
		return ret;
	if (pt_enabled)
		static_branch_enable(&pt_enabled_key);
	else
		static_branch_disable(&pt_enabled_key);
	return 0;
}

static const struct kernel_param_ops pt_enabled_ops = {
	.set = pt_param_set_enabled,
	.get = pt_param_get_bool,
};

static int pt_param_set_depth(const char *val, const struct kernel_param *kp)
{
	return pt_param_set_range(val, kp, 1, PT_MAX_DEPTH);
}

static const struct kernel_param_ops pt_depth_ops = {
	.set = pt_param_set_depth,
	.get = param_get_uint,
};

static int pt_param_set_sample(const char *val, const struct kernel_param *kp)
{
	return pt_param_set_range(val, kp, 1, PT_SAMPLE_MAX);
}

static const struct kernel_param_ops pt_sample_ops = {
	.set = pt_param_set_sample,
	.get = param_get_uint,
};

module_param_cb(enabled, &pt_enabled_ops, &pt_enabled, 0644);
MODULE_PARM_DESC(enabled, "Record allocations and frees (runtime, default 1)");
module_param_cb(print_on_report, &pt_bool_ops, &pt_print_on_report, 0644);
MODULE_PARM_DESC(print_on_report, "Print stacks in KASAN/KFENCE reports (runtime, default 1)");
module_param_cb(depth, &pt_depth_ops, &pt_depth, 0444);
MODULE_PARM_DESC(depth, "Stack frames kept, 1..64 (load time, default 16)");
module_param_cb(sample, &pt_sample_ops, &pt_sample, 0644);
MODULE_PARM_DESC(sample, "1 event in N keeps depth frames, the others the API and its caller, 1..65536 (runtime, default 1)");
module_param_cb(allow_partial, &pt_bool_ops, &pt_allow_partial, 0444);
MODULE_PARM_DESC(allow_partial, "Load even if the self-test finds an allocator path not covered");

/* ---- the kernel's optional symbols (compat.h) ---- */

/* NULL where the kernel does not export them. */
struct pt_optional pt_opt __ro_after_init = {
	.stack_depot_init = &stack_depot_init,
#ifdef CONFIG_MEMORY_HOTPLUG
	.register_memory_notifier = &register_memory_notifier,
	.unregister_memory_notifier = &unregister_memory_notifier,
#endif
#ifdef PT_HAVE_OPT_TRACEPOINT_SRCU
	.tracepoint_srcu = &tracepoint_srcu,
#endif
	.for_each_kernel_tracepoint = &for_each_kernel_tracepoint,
#ifdef CONFIG_DYNAMIC_FTRACE
	.register_ftrace_function = &register_ftrace_function,
	.unregister_ftrace_function = &unregister_ftrace_function,
	.ftrace_set_filter = &ftrace_set_filter,
#endif
#ifdef STACK_DEPOT_EXTRA_BITS
	.stack_depot_get_extra_bits = &stack_depot_get_extra_bits,
#endif
#ifdef PT_HAVE_OPT_SET_EXTRA_BITS
	.stack_depot_set_extra_bits = &stack_depot_set_extra_bits,
#endif
#ifdef CONFIG_CONTIG_ALLOC
	.contig_alloc = &PT_CONTIG_FUNC,
	.contig_free = &free_contig_range,
#endif
#if defined(PT_HAVE_OPT_SAVE_FLAGS)
	.stack_depot_save_flags = &stack_depot_save_flags,
#elif defined(PT_HAVE_OPT_SAVE_CAN_ALLOC)
	.__stack_depot_save = &__stack_depot_save,
#endif
};

/* ---- init order: stacks, table, hooks, then the readers ---- */

static int __init pt_init(void)
{
	int ret;

	if (pt_table_check_layout()) {
		pr_err("unexpected stackdepot handle layout: this kernel's stackdepot is not one pagetrail was written for; please report its version and config\n");
		return -EOPNOTSUPP;
	}
	ret = pt_depot_init();
	if (ret)
		return ret;
	ret = pt_capture_init();
	if (ret)
		goto err_depot;
	ret = pt_table_init();
	if (ret) {
		pr_err("cannot allocate the page table (%d)\n", ret);
		goto err_capture;
	}
	ret = pt_history_init();
	if (!ret)
		ret = pt_leaks_init();
	/* Who: for mode=full's records and the history's events. */
	if (!ret && (pt_table_keeps_stamps() ||
		     static_key_enabled(&pt_history_key)))
		ret = pt_tasks_init();
	if (ret) {
		pr_err("cannot allocate the history, stack counts or tasks (%d)\n",
		       ret);
		goto err_who;
	}
	ret = pt_hooks_init();
	if (ret)
		goto err_who;
	if (pt_resolve_init())
		pr_warn("vfree() not traceable: vmalloc use-after-free reports will say 'no page'\n");
	if (pt_report_init())
		pr_warn("error_report_end tracepoint not found: reports will not be annotated\n");
	else if (!IS_ENABLED(CONFIG_KASAN) && !IS_ENABLED(CONFIG_KFENCE))
		pr_warn("kernel has neither KASAN nor KFENCE: reports will not be annotated, lookup still works\n");
	pt_debugfs_init();
	pr_info("tracking %lu pages, %lu KiB table, mode=%s depth=%u, history %lu events (%lu KiB), stack counts %lu KiB, tasks %lu KiB\n",
		pt_table_pages(), pt_table_bytes() >> 10, pt_table_mode(),
		pt_depth, pt_history_entries(), pt_history_bytes() >> 10,
		pt_leaks_bytes() >> 10, pt_tasks_bytes() >> 10);
	return 0;

err_who:
	pt_tasks_exit();
	pt_leaks_exit();
	pt_history_exit();
	pt_table_exit();
err_capture:
	pt_capture_exit();
err_depot:
	pt_depot_exit();
	return ret;
}

/* Readers first, then the hooks: nothing records once they are gone. */
static void __exit pt_exit(void)
{
	pt_debugfs_exit();
	pt_report_exit();
	pt_resolve_exit();
	pt_hooks_exit();
	pt_tasks_exit();
	pt_leaks_exit();
	pt_history_exit();
	pt_table_exit();
	pt_capture_exit();
	pt_depot_exit();
}

module_init(pt_init);
module_exit(pt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-page last allocation and free stacks in KASAN reports");
MODULE_VERSION("0.2.0");
