// SPDX-License-Identifier: GPL-2.0
/*
 * pagetrail: remember, for every physical page, the stack that last
 * allocated it and the stack that last freed it, and print both inside
 * KASAN reports. Loadable: no Kconfig change, no boot parameter.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stackdepot.h>
#include <linux/string.h>

#include "pagetrail.h"
#define PT_OPTIONAL_WEAK_REFS
#include "compat.h"

bool pt_enabled = true;
bool pt_print_on_report = true;
bool pt_allow_partial;
unsigned int pt_depth = 16;
enum pt_mode pt_mode = PT_MODE_BOTH;

DEFINE_PER_CPU(struct pt_stats, pt_stats);

/* NULL where the kernel does not export them (compat.h). */
struct pt_optional pt_opt __ro_after_init = {
	.stack_depot_init = &stack_depot_init,
	.for_each_kernel_tracepoint = &for_each_kernel_tracepoint,
#ifdef CONFIG_DYNAMIC_FTRACE
	.register_ftrace_function = &register_ftrace_function,
	.unregister_ftrace_function = &unregister_ftrace_function,
	.ftrace_set_filter = &ftrace_set_filter,
#endif
#ifdef STACK_DEPOT_EXTRA_BITS
	.stack_depot_get_extra_bits = &stack_depot_get_extra_bits,
#endif
#if defined(PT_HAVE_OPT_SAVE_FLAGS)
	.stack_depot_save_flags = &stack_depot_save_flags,
#elif defined(PT_HAVE_OPT_SAVE_CAN_ALLOC)
	.__stack_depot_save = &__stack_depot_save,
#endif
};

void pt_stats_sum(struct pt_stats *sum)
{
	unsigned long *dst = (unsigned long *)sum;
	unsigned int i, cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		unsigned long *src = (unsigned long *)per_cpu_ptr(&pt_stats, cpu);

		for (i = 0; i < sizeof(*sum) / sizeof(long); i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

/*
 * Stricter than kstrtobool(), which looks at the first characters only and
 * would take "10" or "yes please": the whole value must be one of these.
 * Even indexes mean false, odd ones true.
 */
static const char *const pt_bool_words[] = {
	"0", "1", "n", "y", "N", "Y", "off", "on", "false", "true",
};

static int pt_param_set_bool(const char *val, const struct kernel_param *kp)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(pt_bool_words); i++) {
		if (sysfs_streq(val, pt_bool_words[i])) {
			WRITE_ONCE(*(bool *)kp->arg, i & 1);
			return 0;
		}
	}
	pr_warn_ratelimited("pagetrail: %s: expected 0/1/y/n/on/off/true/false, got '%.16s'\n",
			    kp->name, val);
	return -EINVAL;
}

static const struct kernel_param_ops pt_bool_ops = {
	.set = pt_param_set_bool,
	.get = param_get_bool,
};

static int pt_param_set_mode(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "both")) {
		pt_mode = PT_MODE_BOTH;
	} else if (sysfs_streq(val, "last")) {
		pt_mode = PT_MODE_LAST;
	} else {
		pr_warn("pagetrail: mode: expected 'both' or 'last', got '%.16s'\n",
			val);
		return -EINVAL;
	}
	return 0;
}

static int pt_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", pt_mode == PT_MODE_BOTH ? "both" : "last");
}

static const struct kernel_param_ops pt_mode_ops = {
	.set = pt_param_set_mode,
	.get = pt_param_get_mode,
};

static int pt_param_set_depth(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < 1 || v > PT_MAX_DEPTH) {
		pr_warn("pagetrail: depth: expected 1..%d, got '%.16s'\n",
			PT_MAX_DEPTH, val);
		return -EINVAL;
	}
	pt_depth = v;
	return 0;
}

static const struct kernel_param_ops pt_depth_ops = {
	.set = pt_param_set_depth,
	.get = param_get_uint,
};

module_param_cb(enabled, &pt_bool_ops, &pt_enabled, 0644);
MODULE_PARM_DESC(enabled, "Record allocations and frees (runtime, default 1)");
module_param_cb(print_on_report, &pt_bool_ops, &pt_print_on_report, 0644);
MODULE_PARM_DESC(print_on_report, "Print stacks in KASAN/KFENCE reports (runtime, default 1)");
module_param_cb(mode, &pt_mode_ops, NULL, 0444);
MODULE_PARM_DESC(mode, "both: alloc and free stack, 8 B/page; last: last event only, 4 B/page (load time)");
module_param_cb(depth, &pt_depth_ops, &pt_depth, 0444);
MODULE_PARM_DESC(depth, "Stack frames kept, 1..64 (load time, default 16)");
module_param_cb(allow_partial, &pt_bool_ops, &pt_allow_partial, 0444);
MODULE_PARM_DESC(allow_partial, "Load even if the self-test finds an allocator path not covered");

static int __init pt_init(void)
{
	int ret;

	if (pt_table_check_layout()) {
		pr_err("pagetrail: unexpected stackdepot handle layout\n");
		return -EINVAL;
	}
	ret = pt_depot_init();
	if (ret)
		return ret;
	ret = pt_stack_init();
	if (ret)
		return ret;
	ret = pt_table_init();
	if (ret) {
		pr_err("pagetrail: cannot allocate the page table (%d)\n", ret);
		goto err_stack;
	}
	ret = pt_hooks_init();
	if (ret)
		goto err_table;
	if (pt_vfree_init())
		pr_warn("pagetrail: vfree() not traceable: vmalloc use-after-free reports will say 'no page'\n");
	if (pt_report_init())
		pr_warn("pagetrail: error_report_end tracepoint not found: reports will not be annotated\n");
	else if (!IS_ENABLED(CONFIG_KASAN) && !IS_ENABLED(CONFIG_KFENCE))
		pr_warn("pagetrail: kernel has neither KASAN nor KFENCE: reports will not be annotated, lookup still works\n");
	pt_debugfs_init();
	pr_info("pagetrail: tracking %lu pages, %lu KiB table, mode=%s depth=%u\n",
		pt_table_pages(), pt_table_bytes() >> 10,
		pt_mode == PT_MODE_BOTH ? "both" : "last", pt_depth);
	return 0;

err_table:
	pt_table_exit();
err_stack:
	pt_stack_exit();
	return ret;
}

static void __exit pt_exit(void)
{
	pt_debugfs_exit();
	pt_report_exit();
	pt_vfree_exit();
	pt_hooks_exit();
	pt_table_exit();
	pt_stack_exit();
}

module_init(pt_init);
module_exit(pt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-page last allocation and free stacks in KASAN reports");
