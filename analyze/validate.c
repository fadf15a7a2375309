/*
 * validate: checksums and canonical forms.  Each check reads the
 * candidate as written (separators, prefixes, lower case) and either
 * rejects it or writes the one form used in entity keys, so the
 * extractor, the watchlist and the register fields agree on a key.
 * Everything here is table-free arithmetic except the short lists of
 * province codes and plate abbreviations, which are fixed by law
 * (GB 11643 for ID numbers, GA 36 for plates) and so live in code.
 */
#include "analyze/validate.h"

#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

size_t validate_digits(const char *s, size_t len, char *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (is_digit(s[i]) && n + 1 < max)
			out[n++] = s[i];
	if (max)
		out[n < max ? n : max - 1] = '\0';
	return n;
}

/* Count digits without keeping them, so an over-long candidate is seen as such. */
static size_t count_digits(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += is_digit(s[i]);
	return n;
}

/* Only digits and the separators people write inside numbers. */
static int only_digits_and_separators(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && !strchr(" -", s[i]))
			return 0;
	return 1;
}

char validate_idcard_check(const char *d)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (d[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

/* The province-level codes of GB/T 2260 that begin an ID number (83: residence permits of Hong Kong, Macao and Taiwan residents). */
static int province_code(int code)
{
	static const int codes[] = {
		11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
		71, 81, 82, 83,
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == code)
			return 1;
	return 0;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int real_date(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

int validate_idcard18(const char *id)
{
	int y, m, d;

	for (int i = 0; i < 17; i++)
		if (!is_digit(id[i]))
			return -1;
	if (validate_idcard_check(id) != id[17])
		return -1;
	y = num(id + 6, 4);
	m = num(id + 10, 2);
	d = num(id + 12, 2);
	return real_date(y, m, d) ? y * 10000 + m * 100 + d : -1;
}

int validate_idcard(const char *s, size_t len, int today, char out[VALIDATE_MAX])
{
	char id[19];
	int birth;

	if (len == 15) {
		for (size_t i = 0; i < 15; i++)
			if (!is_digit(s[i]))
				return -1;
		memcpy(id, s, 6);
		memcpy(id + 6, "19", 2);
		memcpy(id + 8, s + 6, 9);
		id[17] = validate_idcard_check(id);
	} else if (len == 18) {
		memcpy(id, s, 17);
		id[17] = upper(s[17]);
	} else {
		return -1;
	}
	birth = validate_idcard18(id);
	if (birth < 19000000 || !province_code(num(id, 2)))
		return -1;
	if (today > 0 && birth > today)
		return -1;
	memcpy(out, id, 18);
	out[18] = '\0';
	return 0;
}

int validate_luhn(const char *s, size_t len)
{
	int sum = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int v = s[len - 1 - i] - '0';

		if (v < 0 || v > 9)
			return 0;
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/*
 * The area code of a landline: 010 and 02x have three digits, every
 * other code four (03xx-09xx).  Returns its length, or 0.
 */
static size_t area_code_len(const char *d, size_t n)
{
	if (n < 3 || d[0] != '0')
		return 0;
	if (d[1] == '1')
		return d[2] == '0' ? 3 : 0;
	if (d[1] == '2')
		return 3;
	if (d[1] >= '3' && d[1] <= '9' && n >= 4)
		return 4;
	return 0;
}

int validate_phone(const char *s, size_t len, char out[VALIDATE_MAX])
{
	char d[32];
	const char *p = d;
	size_t n, area, local;

	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && !strchr(" -+()", s[i]))
			return -1;
	if (count_digits(s, len) >= sizeof(d))
		return -1;
	n = validate_digits(s, len, d, sizeof(d));
	if (n == 15 && memcmp(d, "0086", 4) == 0) {
		p += 4;
		n -= 4;
	} else if (n == 13 && memcmp(d, "86", 2) == 0) {
		p += 2;
		n -= 2;
	}
	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9') {
		memcpy(out, p, 11);
		out[11] = '\0';
		return 0;
	}
	if (p != d)
		return -1;      /* a country prefix before a landline is not a form we read */
	area = area_code_len(d, n);
	if (!area)
		return -1;
	local = n - area;
	if (local != 8 && !(local == 7 && area == 4))
		return -1;
	if (d[area] < '2')
		return -1;
	memcpy(out, d, area);
	out[area] = '-';
	memcpy(out + area + 1, d + area, local);
	out[n + 1] = '\0';
	return 0;
}

int validate_imei(const char *s, size_t len, char out[VALIDATE_MAX])
{
	if (!only_digits_and_separators(s, len) || count_digits(s, len) != 15)
		return -1;
	validate_digits(s, len, out, VALIDATE_MAX);
	return validate_luhn(out, 15) ? 0 : -1;
}

int validate_bankcard(const char *s, size_t len, char out[VALIDATE_MAX])
{
	size_t n;

	if (!only_digits_and_separators(s, len))
		return -1;
	n = count_digits(s, len);
	if (n < 16 || n > 19)
		return -1;
	validate_digits(s, len, out, VALIDATE_MAX);
	return validate_luhn(out, n) ? 0 : -1;
}

/* The ISO 3779 value of a VIN character, or -1 for I, O, Q and anything else. */
static int vin_value(char c)
{
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	static const int values[] = { 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9,
				      2, 3, 4, 5, 6, 7, 8, 9 };
	const char *p;

	if (is_digit(c))
		return c - '0';
	if (c == '\0' || !(p = strchr(letters, c)))
		return -1;
	return values[p - letters];
}

char validate_vin_check(const char *vin)
{
	static const int weight[17] = { 8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		int v = vin_value(vin[i]);

		if (v < 0)
			return 0;
		sum += v * weight[i];
	}
	return sum % 11 == 10 ? 'X' : (char)('0' + sum % 11);
}

int validate_vin(const char *s, size_t len, char out[VALIDATE_MAX])
{
	if (len != 17)
		return -1;
	for (size_t i = 0; i < 17; i++)
		out[i] = upper(s[i]);
	out[17] = '\0';
	if (validate_vin_check(out) != out[8])
		return -1;
	return 0;
}

/* The province abbreviations of GA 36 plates, each 3 bytes of UTF-8. */
static const char plate_provinces[] =
	"京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/* Characters that may end a plate: trailer, learner, police, Hong Kong, Macao, consulate. */
static const char plate_suffixes[] = "挂学警港澳领";

/* Whether the 3-byte character at s is one of the characters of set. */
static int in_set3(const char *set, const char *s, size_t len)
{
	if (len < 3 || (unsigned char)s[0] < 0xE0)
		return 0;
	for (size_t i = 0; set[i]; i += 3)
		if (memcmp(set + i, s, 3) == 0)
			return 1;
	return 0;
}

int validate_plate_province(const char *s, size_t len, size_t *n)
{
	if (!in_set3(plate_provinces, s, len))
		return 0;
	*n = 3;
	return 1;
}

/* The byte length of a separator written inside a plate at s, or 0. */
static size_t plate_separator(const char *s, size_t len)
{
	static const char *const seps[] = { "\xC2\xB7", "\xE3\x83\xBB", "\xE2\x80\xA2",
					    "\xE2\x80\xA7", "-", ".", " " };

	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		size_t n = strlen(seps[i]);

		if (n <= len && memcmp(s, seps[i], n) == 0)
			return n;
	}
	return 0;
}

static int plate_letter(char c)
{
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

int validate_plate(const char *s, size_t len, char out[VALIDATE_MAX], int *partial)
{
	char body[8];
	size_t i = 0, n = 0, o, sep, skip;
	const char *suffix = NULL;
	int masked = 0, digits = 0;

	*partial = 0;
	if (!validate_plate_province(s, len, &skip))
		return -1;
	memcpy(out, s, 3);
	o = 3;
	i = 3;
	if ((sep = plate_separator(s + i, len - i)))
		i += sep;
	if (i >= len || !plate_letter(upper(s[i])))
		return -1;
	out[o++] = upper(s[i++]);
	if ((sep = plate_separator(s + i, len - i)))
		i += sep;
	while (i < len) {
		char c = upper(s[i]);

		if (suffix || n >= 6)
			return -1;
		if (in_set3(plate_suffixes, s + i, len - i)) {
			suffix = s + i;
			i += 3;
			continue;
		}
		if (c == '*')
			masked++;
		else if (is_digit(c))
			digits++;
		else if (!plate_letter(c))
			return -1;
		body[n++] = c;
		i++;
	}
	if (suffix) {
		if (n != 4)
			return -1;
	} else if (n == 6) {
		/* new-energy: D or F first (small cars) or last (large ones) */
		if (!strchr("DF*", body[0]) && !strchr("DF*", body[5]))
			return -1;
	} else if (n != 5) {
		return -1;
	}
	if (n - (size_t)masked < 2 || (digits == 0 && masked == 0))
		return -1;
	memcpy(out + o, body, n);
	o += n;
	if (suffix) {
		memcpy(out + o, suffix, 3);
		o += 3;
	}
	out[o] = '\0';
	*partial = masked > 0;
	return 0;
}
