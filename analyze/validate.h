/*
 * validate: pure checks and canonical forms of structured identifiers
 * (ID numbers, phones, plates, IMEI, bank cards, VIN).  No state, no I/O,
 * no allocation: each function reads s[0..len) (ASCII or UTF-8) and
 * writes the canonical value into a caller's buffer.  Depends on nothing.
 */
#ifndef ANALYZE_VALIDATE_H
#define ANALYZE_VALIDATE_H

#include <stddef.h>

/* Room for any canonical value written here, with its NUL. */
#define VALIDATE_MAX 48

/* ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number. */
char validate_idcard_check(const char *digits17);

/*
 * The checks every ID number passes, on 18 characters in canonical form:
 * 17 digits, then the check character that fits them (a digit or an
 * upper-case X), and a real calendar birth date.  Returns that date as
 * YYYYMMDD, or -1.
 */
int validate_idcard18(const char *id);

/*
 * An ID number: 18 characters (17 digits and a check digit, lower-case x
 * accepted) or a 15-digit legacy number, which is upgraded to 18 (the
 * year gets "19", the check digit is computed).  The region must be a
 * province code, the birth date a real calendar date from 1900 up to
 * today (YYYYMMDD as an int, 0 for no upper bound).  Writes 18
 * characters with an upper-case X.  Returns 0, or -1 when invalid.
 */
int validate_idcard(const char *s, size_t len, int today, char out[VALIDATE_MAX]);

/* 1 when the decimal digits s[0..len) pass the Luhn check, else 0. */
int validate_luhn(const char *s, size_t len);

/* The digits of s[0..len) into out (at most max-1 of them); returns their count. */
size_t validate_digits(const char *s, size_t len, char *out, size_t max);

/*
 * A phone number: a mainland mobile (11 digits, 1[3-9], after dropping
 * +86, 0086, 86 and separators) is written as 11 digits; a landline with
 * its area code (010, 02x, or four digits 03xx-09xx, then 7 or 8 digits)
 * as "0755-83001234".  Short service numbers (110, 12345, 96110) are not
 * phones.  Returns 0, or -1.
 */
int validate_phone(const char *s, size_t len, char out[VALIDATE_MAX]);

/* IMEI: 15 digits (separators allowed), Luhn valid.  Returns 0 or -1. */
int validate_imei(const char *s, size_t len, char out[VALIDATE_MAX]);

/* Bank card: 16 to 19 digits (separators allowed), Luhn valid.  Returns 0 or -1. */
int validate_bankcard(const char *s, size_t len, char out[VALIDATE_MAX]);

/* VIN check character (position 9) of 17 upper-case characters, or 0 when a character is not allowed. */
char validate_vin_check(const char *vin17);

/* VIN: 17 characters without I, O, Q, check digit valid.  Upper-cases.  Returns 0 or -1. */
int validate_vin(const char *s, size_t len, char out[VALIDATE_MAX]);

/*
 * A vehicle plate: one of the 31 province abbreviations, a letter, then
 * 5 characters (6 for a new-energy plate, whose first or last is D or F;
 * the last may be 挂 学 警 港 澳 领), no I or O; separators "·", "-",
 * ".", "•" and spaces dropped; upper-cased.  '*' masks a character: such
 * a plate is valid and *partial is set to 1.  Returns 0 or -1.
 */
int validate_plate(const char *s, size_t len, char out[VALIDATE_MAX], int *partial);

/* 1 when the UTF-8 character at s is a province abbreviation of plates (its byte length in *n). */
int validate_plate_province(const char *s, size_t len, size_t *n);

#endif
