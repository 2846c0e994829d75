// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of pagetrail's pure logic: the record encoding, lookup's
 * parser, frame classification and top's aggregation. Loaded after
 * pagetrail.ko, whose functions they call (EXPORT_SYMBOL_IF_KUNIT).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/stackdepot.h>
#include <linux/string.h>

#include "pagetrail.h"
#include "compat.h"

/* A real stackdepot handle: the test's own stack, saved once per caller. */
static noinline depot_stack_handle_t pt_kunit_handle(int salt)
{
	unsigned long e[3] = { _RET_IP_, _THIS_IP_, (unsigned long)salt };

	return stack_depot_save(e, ARRAY_SIZE(e), GFP_KERNEL);
}

/* Every order, both flag values: decode(encode(x)) == x; fetch unchanged. */
static void pt_kunit_record_roundtrip(struct kunit *test)
{
	depot_stack_handle_t h[2] = { pt_kunit_handle(1), pt_kunit_handle(2) };
	unsigned long *want, *got;
	struct pt_event e;
	struct pt_rec r;
	unsigned int order, i, n;
	bool alloc, allocated;

	KUNIT_ASSERT_NE(test, h[0], 0U);
	KUNIT_ASSERT_NE(test, h[1], 0U);
	KUNIT_ASSERT_NE(test, h[0], h[1]);
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		n = stack_depot_fetch(h[i], &want);
		for (order = 0; order <= PT_ORDER_BEYOND; order++) {
			for (alloc = false; ; alloc = true) {
				r = pt_rec_encode(h[i], order, alloc);
				pt_rec_decode(r, &e, &allocated);
				KUNIT_EXPECT_EQ(test, e.handle, h[i]);
				KUNIT_EXPECT_EQ(test, e.order, (int)order);
				KUNIT_EXPECT_EQ(test, allocated, alloc);
				/* stackdepot ignores the flags in the handle. */
				KUNIT_EXPECT_EQ(test, stack_depot_fetch(r.word, &got), n);
				KUNIT_EXPECT_PTR_EQ(test, got, want);
				if (alloc)
					break;
			}
		}
	}
	/* An empty record is "nothing recorded", not order 0. */
	r.word = 0;
	r.side = 0;
	pt_rec_decode(r, &e, &allocated);
	KUNIT_EXPECT_EQ(test, e.order, PT_ORDER_NONE);
	KUNIT_EXPECT_FALSE(test, allocated);
}

static void pt_kunit_lookup_good(struct kunit *test)
{
	static const struct {
		const char *in;
		enum pt_lookup_key key;
		unsigned long val;
	} good[] = {
		{ "pfn 0x10", PT_LOOKUP_PFN, 0x10 },
		{ "pfn 16\n", PT_LOOKUP_PFN, 16 },
		{ "  pfn \t 0x2aa4\t\n", PT_LOOKUP_PFN, 0x2aa4 },
		{ "phys 0x2aa4000", PT_LOOKUP_PHYS, 0x2aa4000 },
		{ "virt 0xffff888000001000", PT_LOOKUP_VIRT,
		  0xffff888000001000UL },
		{ "pfn 010", PT_LOOKUP_PFN, 8 },
	};
	enum pt_lookup_key key;
	unsigned long val;
	int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		KUNIT_EXPECT_EQ_MSG(test, pt_lookup_parse(good[i].in, &key, &val),
				    0, "input '%s'", good[i].in);
		KUNIT_EXPECT_EQ_MSG(test, (int)key, (int)good[i].key, "input '%s'",
				    good[i].in);
		KUNIT_EXPECT_EQ_MSG(test, val, good[i].val, "input '%s'",
				    good[i].in);
	}
}

static void pt_kunit_lookup_bad(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "pfn", "pfn ", "pfn\n", "pfn 0x", "pfn -1",
		"pfn 0xzz", "pfn 12abc", "PFN 0x1", "pfnx 1", "pfn 1 2",
		"phys", "virt 0xg", "page 0x1000", "lookup pfn 1",
		"pfn 99999999999999999999999", "pfn 1.5", "pfn\t",
	};
	enum pt_lookup_key key;
	unsigned long val;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, pt_lookup_parse(bad[i], &key, &val),
				    -EINVAL, "input '%s'", bad[i]);
}

static bool pt_kunit_listed(const char *name, const char *const *list,
			    size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (!strcmp(name, list[i]))
			return true;
	}
	return false;
}

static void pt_kunit_frame_class(struct kunit *test)
{
	char name[KSYM_NAME_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pt_internal_funcs); i++) {
		KUNIT_EXPECT_EQ_MSG(test, (int)pt_frame_name_class(pt_internal_funcs[i]),
				    PT_FRAME_INTERNAL, "%s", pt_internal_funcs[i]);
		/* Compiler clones keep the class of their function. */
		snprintf(name, sizeof(name), "%s.constprop.0",
			 pt_internal_funcs[i]);
		KUNIT_EXPECT_EQ_MSG(test, (int)pt_frame_name_class(name),
				    PT_FRAME_INTERNAL, "%s", name);
	}
	for (i = 0; i < ARRAY_SIZE(pt_api_funcs); i++) {
		if (pt_kunit_listed(pt_api_funcs[i], pt_internal_funcs,
				    ARRAY_SIZE(pt_internal_funcs)))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, (int)pt_frame_name_class(pt_api_funcs[i]),
				    PT_FRAME_API, "%s", pt_api_funcs[i]);
		snprintf(name, sizeof(name), "%s.isra.0", pt_api_funcs[i]);
		KUNIT_EXPECT_EQ_MSG(test, (int)pt_frame_name_class(name),
				    PT_FRAME_API, "%s", name);
		/* A longer name that starts like an API is a caller. */
		snprintf(name, sizeof(name), "%sx", pt_api_funcs[i]);
		KUNIT_EXPECT_EQ_MSG(test, (int)pt_frame_name_class(name),
				    PT_FRAME_CALLER, "%s", name);
	}
	KUNIT_EXPECT_EQ(test, (int)pt_frame_name_class("pt_kunit_frame_class"),
			PT_FRAME_CALLER);
	KUNIT_EXPECT_EQ(test, (int)pt_frame_name_class("ext4_readahead"),
			PT_FRAME_CALLER);
	/* Unnamed text (an ftrace trampoline) is hook glue. */
	KUNIT_EXPECT_EQ(test, (int)pt_frame_name_class(""), PT_FRAME_INTERNAL);
	KUNIT_EXPECT_EQ(test, (int)pt_frame_name_class("0xffffffffc0201000"),
			PT_FRAME_INTERNAL);
	/* So is a BPF trampoline (fexit on an allocator function). */
	KUNIT_EXPECT_EQ(test,
			(int)pt_frame_name_class("bpf_trampoline_6442522539"),
			PT_FRAME_INTERNAL);
	KUNIT_EXPECT_EQ(test, (int)pt_frame_name_class("bpf_trampoline"),
			PT_FRAME_CALLER);
}

#define PT_KUNIT_TOP_SLOTS	8

static void pt_kunit_top(struct kunit *test)
{
	struct pt_top_slot t[PT_KUNIT_TOP_SLOTS] = { };
	u32 h;

	/* 5 and 13 hash to the same slot; the same stack adds up. */
	KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 5, 1));
	KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 13, 2));
	KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 5, 3));
	KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 13, 8));
	/* Fill the other slots; one more stack does not fit. */
	for (h = 100; h < 100 + PT_KUNIT_TOP_SLOTS - 2; h++)
		KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, h, 1));
	KUNIT_EXPECT_FALSE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 999, 1));
	/* A stack already counted still adds when the table is full. */
	KUNIT_EXPECT_TRUE(test, pt_top_add(t, PT_KUNIT_TOP_SLOTS, 5, 1));
	pt_top_sort(t, PT_KUNIT_TOP_SLOTS);
	KUNIT_EXPECT_EQ(test, t[0].handle, 13U);
	KUNIT_EXPECT_EQ(test, t[0].pages, 10U);
	KUNIT_EXPECT_EQ(test, t[1].handle, 5U);
	KUNIT_EXPECT_EQ(test, t[1].pages, 5U);
	KUNIT_EXPECT_EQ(test, t[PT_KUNIT_TOP_SLOTS - 1].pages, 1U);
}

static struct kunit_case pt_kunit_cases[] = {
	KUNIT_CASE(pt_kunit_record_roundtrip),
	KUNIT_CASE(pt_kunit_lookup_good),
	KUNIT_CASE(pt_kunit_lookup_bad),
	KUNIT_CASE(pt_kunit_frame_class),
	KUNIT_CASE(pt_kunit_top),
	{}
};

static struct kunit_suite pt_kunit_suite = {
	.name = "pagetrail",
	.test_cases = pt_kunit_cases,
};
kunit_test_suites(&pt_kunit_suite);

PT_KUNIT_IMPORT_NS();
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of pagetrail's record encoding, lookup parsing, frame classification and top aggregation");
