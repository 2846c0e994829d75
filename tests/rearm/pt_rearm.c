// SPDX-License-Identifier: GPL-2.0
/*
 * pt_rearm: turn hardware tag checking back on, for the test bed only.
 *
 * After an MTE tag fault arm64 reports it and turns tag checking off on
 * the CPU that faulted (do_tag_recovery() in arch/arm64/mm/fault.c), so a
 * hardware tag-based KASAN kernel reports one bad access per CPU. The
 * kernel's own KASAN KUnit suite re-enables checking between its cases
 * (kasan_enable_hw_tags(), exported only for that suite); this module does
 * what that function does in sync mode, on every CPU, each time 1 is
 * written to /sys/kernel/debug/pt_rearm. It reads back how many CPUs had
 * checking off before the last write. pagetrail never needs this: it is
 * the test bed's way to see more than one report per CPU in one boot.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/smp.h>
#include <linux/atomic.h>
#include <linux/kstrtox.h>
#include <asm/sysreg.h>

static struct dentry *pt_rearm_file;
static atomic_t pt_rearm_were_off;

static void pt_rearm_cpu(void *unused)
{
	u64 sctlr = read_sysreg(sctlr_el1);

	if (!(sctlr & SCTLR_EL1_TCF_MASK))
		atomic_inc(&pt_rearm_were_off);
	sysreg_clear_set(sctlr_el1, SCTLR_EL1_TCF_MASK,
			 SYS_FIELD_PREP(SCTLR_EL1, TCF, SCTLR_EL1_TCF_SYNC));
	isb();
}

static int pt_rearm_set(void *data, u64 val)
{
	if (val != 1)
		return -EINVAL;
	atomic_set(&pt_rearm_were_off, 0);
	on_each_cpu(pt_rearm_cpu, NULL, 1);
	return 0;
}

static int pt_rearm_get(void *data, u64 *val)
{
	*val = atomic_read(&pt_rearm_were_off);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(pt_rearm_fops, pt_rearm_get, pt_rearm_set, "%llu\n");

static int __init pt_rearm_init(void)
{
	pt_rearm_file = debugfs_create_file_unsafe("pt_rearm", 0600, NULL, NULL,
						   &pt_rearm_fops);
	return 0;
}

static void __exit pt_rearm_exit(void)
{
	debugfs_remove(pt_rearm_file);
}

module_init(pt_rearm_init);
module_exit(pt_rearm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail test bed: re-enable MTE tag checks after a report");
