/*
 * encoding: decide what a buffer's bytes are and turn GB18030 into UTF-8.
 * Valid UTF-8 wins: GB18030 can decode almost any byte string, so it is
 * only the fallback, and a buffer that is neither (a lone lead byte at the
 * end, bytes iconv refuses) is unknown.  iconv is opened per call: files
 * are converted whole, so the cost of iconv_open does not matter.
 */
#include "common/encoding.h"
#include "common/norm.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

size_t enc_bom_len(const char *buf, size_t len)
{
	if (len >= 3 && (unsigned char)buf[0] == 0xEF &&
	    (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
		return 3;
	return 0;
}

const char *enc_name(enum encoding e)
{
	switch (e) {
	case ENC_UTF8:
		return "utf-8";
	case ENC_GB18030:
		return "gb18030";
	default:
		return "unknown";
	}
}

/*
 * Convert with iconv, appending to out when out is not NULL (detection
 * only needs the verdict).  The output grows in chunks; E2BIG just means
 * the chunk is full.
 */
static int gb18030_convert(const char *in, size_t len, struct sbuf *out,
			   struct err *err)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char chunk[4096];
	char *src = (char *)in;
	size_t left = len;
	int rc = -1;

	if (cd == (iconv_t)-1)
		return err_set(err, "cannot convert from gb18030: %s", strerror(errno));
	while (left > 0) {
		char *dst = chunk;
		size_t room = sizeof(chunk);
		size_t r = iconv(cd, &src, &left, &dst, &room);

		if (out)
			sbuf_add(out, chunk, sizeof(chunk) - room);
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			err_set(err, "truncated gb18030 sequence at byte %zu", len - left);
		else
			err_set(err, "invalid gb18030 byte 0x%02x at byte %zu",
				(unsigned char)*src, len - left);
		goto out;
	}
	rc = 0;
out:
	iconv_close(cd);
	return rc;
}


int enc_gb18030_to_utf8(const char *in, size_t len, struct sbuf *out, struct err *err)
{
	size_t start = out->len;

	if (gb18030_convert(in, len, out, err) < 0) {
		out->len = start;
		if (out->buf)
			out->buf[start] = '\0';
		return -1;
	}
	return 0;
}

enum encoding enc_decode(const char *buf, size_t len, struct sbuf *out)
{
	if (utf8_valid(buf, len))
		return ENC_UTF8;
	if (out ? enc_gb18030_to_utf8(buf, len, out, NULL) == 0
		: gb18030_convert(buf, len, NULL, NULL) == 0)
		return ENC_GB18030;
	return ENC_UNKNOWN;
}

enum encoding enc_detect(const char *buf, size_t len)
{
	return enc_decode(buf, len, NULL);
}
