/*
 * encoding: what a file's bytes are and how to make them UTF-8.  UTF-8
 * (with or without BOM) is taken as it is; otherwise GB18030 (a superset
 * of GBK and GB2312) is tried with iconv.  Depends on libc and on norm's
 * utf8_valid.
 */
#ifndef COMMON_ENCODING_H
#define COMMON_ENCODING_H

#include <stddef.h>

#include "common/err.h"
#include "common/sbuf.h"

enum encoding { ENC_UTF8, ENC_GB18030, ENC_UNKNOWN };

/* Length of a UTF-8 BOM at the start of buf (3 or 0). */
size_t enc_bom_len(const char *buf, size_t len);

/*
 * Guess the encoding of a whole buffer: ENC_UTF8 when it is valid UTF-8,
 * ENC_GB18030 when it is not but converts cleanly from GB18030,
 * ENC_UNKNOWN otherwise.
 */
enum encoding enc_detect(const char *buf, size_t len);
/*
 * What enc_detect decides, keeping the conversion it tried: for
 * ENC_GB18030 the UTF-8 text is appended to out (out unchanged
 * otherwise).  One conversion where detecting and then converting took
 * two.
 */
enum encoding enc_decode(const char *buf, size_t len, struct sbuf *out);
const char *enc_name(enum encoding e);   /* "utf-8", "gb18030", "unknown" */

/*
 * Convert GB18030 bytes to UTF-8, appending to out.  On bytes that are
 * not GB18030 returns -1 with the byte offset in the message ("invalid
 * gb18030 byte 0xff at byte 4", "truncated gb18030 sequence at byte 2")
 * and leaves out unchanged.  Borrows in.
 */
int enc_gb18030_to_utf8(const char *in, size_t len, struct sbuf *out, struct err *err);

#endif
