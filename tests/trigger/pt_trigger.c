// SPDX-License-Identifier: GPL-2.0
/*
 * pt_trigger: deliberately buggy memory operations for the pagetrail test bed.
 *
 * Writing a case name to /sys/kernel/debug/pt_trigger/run runs that case.
 * Every case has its own noinline allocating and freeing helper so that
 * allocation and free stacks are distinct and recognisable in reports.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

struct pt_trigger_case {
	const char *name;
	void (*fn)(void);
};

static struct dentry *pt_trigger_dir;

/* page_uaf: order-0 page read after free. */
static noinline struct page *pt_trigger_alloc_order0(void)
{
	return alloc_pages(GFP_KERNEL, 0);
}

static noinline void pt_trigger_free_order0(struct page *page)
{
	__free_pages(page, 0);
}

static noinline void pt_trigger_page_uaf(void)
{
	struct page *page = pt_trigger_alloc_order0();
	char *p;

	if (!page) {
		pr_err("pt_trigger: page_uaf: allocation failed\n");
		return;
	}
	p = page_address(page);
	pt_trigger_free_order0(page);
	pr_info("pt_trigger: page_uaf: read %d\n", READ_ONCE(p[42]));
}

/*
 * cfi_mismatch: an indirect call through a pointer of the wrong type. A
 * kCFI kernel (CONFIG_CFI_CLANG, not permissive) traps on it ("CFI
 * failure at ..."), and with PANIC_ON_OOPS the guest dies: the test bed
 * must call that run a failure. Elsewhere the call simply returns.
 */
static noinline int pt_trigger_cfi_target(int a)
{
	return a + 1;
}

typedef long (*pt_trigger_wrong_fn)(long a, long b);

/* Through data, so that the compiler cannot see the callee's type. */
static void *pt_trigger_cfi_ptr = pt_trigger_cfi_target;

static noinline void pt_trigger_cfi_mismatch(void)
{
	pt_trigger_wrong_fn fn = READ_ONCE(pt_trigger_cfi_ptr);

	pr_info("pt_trigger: cfi_mismatch: returned %ld\n", fn(1, 2));
}

static const struct pt_trigger_case pt_trigger_cases[] = {
	{ "page_uaf", pt_trigger_page_uaf },
	{ "cfi_mismatch", pt_trigger_cfi_mismatch },
};

static ssize_t pt_trigger_run_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char buf[64];
	size_t n = min(count, sizeof(buf) - 1);
	int i;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';

	for (i = 0; i < ARRAY_SIZE(pt_trigger_cases); i++) {
		if (sysfs_streq(buf, pt_trigger_cases[i].name)) {
			pr_info("pt_trigger: running %s\n",
				pt_trigger_cases[i].name);
			pt_trigger_cases[i].fn();
			pr_info("pt_trigger: done %s\n",
				pt_trigger_cases[i].name);
			return count;
		}
	}
	return -EINVAL;
}

static const struct file_operations pt_trigger_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = pt_trigger_run_write,
	.llseek = noop_llseek,
};

static int __init pt_trigger_init(void)
{
	pt_trigger_dir = debugfs_create_dir("pt_trigger", NULL);
	debugfs_create_file("run", 0200, pt_trigger_dir, NULL,
			    &pt_trigger_run_fops);
	return 0;
}

static void __exit pt_trigger_exit(void)
{
	debugfs_remove_recursive(pt_trigger_dir);
}

module_init(pt_trigger_init);
module_exit(pt_trigger_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagetrail test bed: deliberate memory bugs");
