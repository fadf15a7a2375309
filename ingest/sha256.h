/*
 * sha256: FIPS 180-4 SHA-256, for batch checksums and record content
 * hashes.  No state beyond the caller's context; depends on nothing.
 */
#ifndef INGEST_SHA256_H
#define INGEST_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;           /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* Write the digest as 64 lower-case hex digits and a NUL into hex[65]. */
void sha256_final_hex(struct sha256 *c, char hex[65]);
/* One-shot: the hex digest of data[0..len). */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* For tests: 1 makes every hash use the plain code even where the
 * processor has the SHA extensions; 0 (the default) lets it use them. */
void sha256_use_plain(int plain);

#endif
