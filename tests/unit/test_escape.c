/*
 * test_escape: HTML and Markdown escaping of record strings, and the
 * snippet clipper.  Markup, script, entities, Markdown constructs and
 * broken UTF-8 must all come out as inert text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "output/escape.h"

enum { HTML, MD, CLIP };

/* Escape s in the given context and compare with want. */
static void check(int how, const char *s, const char *want)
{
	struct sbuf sb = SBUF_INIT;

	if (how == HTML)
		escape_html(&sb, s);
	else if (how == MD)
		escape_md(&sb, s);
	else
		escape_clip(&sb, s, 5);
	assert_string_equal(sbuf_str(&sb), want);
	sbuf_release(&sb);
}

static void test_html(void **state)
{
	(void)state;
	check(HTML, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	check(HTML, "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;");
	check(HTML, "a\" onmouseover=\"x' b", "a&quot; onmouseover=&quot;x&#39; b");
	check(HTML, "&lt;b&gt; & &amp;", "&amp;lt;b&amp;gt; &amp; &amp;amp;");
	check(HTML, "幸福路12号 Room 3", "幸福路12号 Room 3");
	check(HTML, "tab\tnew\nline", "tab\tnew\nline");
	check(HTML, "bell\a esc\x1b del\x7f", "bell  esc  del ");
	check(HTML, "", "");
}

static void test_html_bad_utf8(void **state)
{
	(void)state;
	/* A lone lead byte must not swallow the '<' after it. */
	check(HTML, "\xE5<b>", "\xEF\xBF\xBD&lt;b&gt;");
	check(HTML, "\xC0\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD");          /* overlong '<' */
	check(HTML, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
	check(HTML, "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	check(HTML, "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");            /* a real emoji */
	{
		struct sbuf sb = SBUF_INIT;

		escape_html(&sb, NULL);
		assert_int_equal(sb.len, 0);
		sbuf_release(&sb);
	}
}

static void test_md_inline(void **state)
{
	(void)state;
	check(MD, "**紧急** [点我](javascript:alert(1))",
	      "\\*\\*紧急\\*\\* \\[点我\\](javascript:alert(1))");
	check(MD, "<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>");
	check(MD, "a | b `c` _d_ ~e~ &amp; ![i](x)",
	      "a \\| b \\`c\\` \\_d\\_ \\~e\\~ \\&amp; \\!\\[i\\](x)");
	check(MD, "back\\slash", "back\\\\slash");
	check(MD, "title #", "title \\#");
	check(MD, "2026-11-21 12:00", "2026-11-21 12:00");
}

static void test_md_blocks(void **state)
{
	(void)state;
	check(MD, "- item", "\\- item");
	check(MD, "+ item", "\\+ item");
	check(MD, "# heading", "\\# heading");
	check(MD, "> quote", "\\> quote");
	check(MD, "=====", "\\=====");
	check(MD, "12. ordered", "12\\. ordered");
	check(MD, "3) ordered", "3\\) ordered");
	check(MD, "  - indented", "\\- indented");
	check(MD, "2026 年", "2026 年");
	/* A line break would start a new block or end a table row. */
	check(MD, "line one\n- two\r\n\n| x |", "line one - two \\| x \\|");
	check(MD, "\xE5*", "\xEF\xBF\xBD\\*");
}

static void test_clip(void **state)
{
	(void)state;
	check(CLIP, "幸福路12号", "幸福路12…");
	check(CLIP, "短句", "短句");
	check(CLIP, "  a\n\n b   c ", "a b c");
	check(CLIP, "abcd efgh", "abcd…");
	check(CLIP, "abcde", "abcde");
	check(CLIP, "\xFF" "abcdef", "\xEF\xBF\xBD" "abcd…");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_bad_utf8),
		cmocka_unit_test(test_md_inline),
		cmocka_unit_test(test_md_blocks),
		cmocka_unit_test(test_clip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
