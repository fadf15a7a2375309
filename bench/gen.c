/*
 * gen: a synthetic district with ground truth.
 *
 *   gen [--days N] [--per-day M] [--seed S] [--end YYYY-MM-DD]
 *       [--district FILE] [--malformed-every K] [--last L] OUT
 *
 * Writes OUT/inbox/ (every input form of FORMAT.md: call-outs, cases and
 * tips as JSON Lines, informant and patrol notes as plain text, the
 * dispute register as CSV with a multi-line field, the hotel register as
 * GB18030 CSV, internet café as TSV, pawn shop as CSV), OUT/watchlist.csv,
 * and OUT/truth.jsonl: one line per planted situation, per report (the
 * identifiers and persons it holds) and per malformed record.
 *
 * People have valid ID numbers, phones and plates; a few common names
 * (张伟, 王芳 ...) are shared by many different people so that false
 * merges show.  Text varies as real records do: Traditional Chinese,
 * full-width digits, +86 and dashes in phones, plates with "·", dates in
 * many forms.  Output is a pure function of the options: the generator
 * has its own PRNG and never reads the clock.
 *
 * --last L writes only the reports of the last L days, as one night's
 * inbox holds them (no planted situation: those are the history): the
 * district is made whole and the rest left unwritten, so the night is
 * the same whatever L.
 */
#include "common/sbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <opencc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- randomness: splitmix64, so every platform draws the same ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd(int n)
{
	return n > 0 ? (int)(rnd64() % (uint64_t)n) : 0;
}

static int chance(int percent_x10)
{
	return rnd(1000) < percent_x10;
}

#define PICK(arr) (arr[rnd((int)(sizeof(arr) / sizeof(arr[0])))])

/* ---- vocabulary ---- */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
	"胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
	"邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
	"叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "欧阳", "司马",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
	"涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕",
	"红梅", "国庆", "文博", "子涵", "浩然", "雨轩", "思远", "立新", "春生", "玉兰",
	"德胜", "建国", "俊杰", "婷婷", "佳怡", "宇航", "梓萱", "一鸣", "家豪", "欣怡",
};
/* Full names many different people share. */
static const char *const common_names[] = { "张伟", "王芳", "李娜", "刘洋", "王伟", "张敏" };
static const char *const english_names[] = {
	"John Smith", "Maria Garcia", "David Miller", "Anna Kowalski", "Peter Brown",
};
static const char *const items[] = {
	"苹果iPhone 13手机", "华为Mate 40手机", "黑色笔记本电脑", "金项链", "电动车",
	"现金", "黑色钱包", "小米手机", "银行卡", "自行车", "金手镯", "平板电脑",
};
static const char *const hotels[] = {
	"如家快捷酒店(长江路店)", "锦江之星(新街口店)", "汉庭酒店(珠江路店)", "7天连锁酒店(卫岗店)",
	"金陵商务宾馆",
};
static const char *const netcafes[] = { "星际网咖", "网鱼网咖(丹凤街店)", "极速网吧" };
static const char *const pawnshops[] = { "恒通典当行", "鑫源二手手机回收店", "宝利再生资源回收站" };
static const char *const plate_chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
static const char *const dispute_reasons[] = {
	"楼道堆放杂物", "噪音", "漏水", "停车位", "宠物", "宅基地边界", "装修", "债务",
};

/* ---- the district ---- */

struct area {
	char street[64];
	char community[64];
	char roads[3][32];
	int nroads;
};

static struct area *areas;
static int nareas;

static void load_district(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "gen: cannot open '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		char *street, *community, *roads, *save = NULL, *r;
		struct area *a;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		street = strtok_r(line, "\t", &save);
		community = strtok_r(NULL, "\t", &save);
		roads = strtok_r(NULL, "\t", &save);
		if (!street || !community || !roads)
			continue;
		areas = xgrow(areas, &cap, (size_t)nareas + 1, sizeof(*areas));
		a = &areas[nareas++];
		memset(a, 0, sizeof(*a));
		snprintf(a->street, sizeof(a->street), "%s", street);
		snprintf(a->community, sizeof(a->community), "%s", community);
		for (r = strtok_r(roads, ",", &save); r && a->nroads < 3; r = strtok_r(NULL, ",", &save))
			snprintf(a->roads[a->nroads++], sizeof(a->roads[0]), "%s", r);
	}
	fclose(f);
	if (nareas == 0) {
		fprintf(stderr, "gen: no areas in '%s'\n", path);
		exit(1);
	}
}

/* ---- people ---- */

struct person {
	char name[32];
	char id[19];
	char phone[12];
	char plate[16];
	char imei[16];
	int sex;                /* 1 male, 0 female */
	int birth_year;
};

static struct person *people;
static int npeople;

static char check_digit(const char *id17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int s = 0;

	for (int i = 0; i < 17; i++)
		s += (id17[i] - '0') * w[i];
	return "10X98765432"[s % 11];
}

static void luhn_fill(char *digits, int n)
{
	/* digits[0..n-2] set; compute digits[n-1] */
	int s = 0;

	for (int i = n - 2, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int d = digits[i] - '0';

		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		s += d;
	}
	digits[n - 1] = (char)('0' + (10 - s % 10) % 10);
	digits[n] = '\0';
}

static const char *const regions[] = { "320102", "320104", "320106", "320111", "340104", "370102", "410105" };

static void make_person(struct person *p, int idx)
{
	static const char *const mobile_heads[] = { "139", "138", "137", "136", "135", "150", "151", "158", "186", "188", "177", "199", "131", "132", "189" };
	int year = 1950 + rnd(55), month = 1 + rnd(12), day = 1 + rnd(28);
	char id17[18];

	if (chance(40))
		snprintf(p->name, sizeof(p->name), "%s", PICK(common_names));
	else
		snprintf(p->name, sizeof(p->name), "%s%s", PICK(surnames), PICK(given));
	p->sex = rnd(2);
	p->birth_year = year;
	snprintf(id17, sizeof(id17), "%s%04d%02d%02d%02d%d", PICK(regions), year, month, day,
		 rnd(100), (rnd(5) * 2 + p->sex) % 10);
	snprintf(p->id, sizeof(p->id), "%s%c", id17, check_digit(id17));
	/* Phones are unique by construction: the index is in the digits. */
	snprintf(p->phone, sizeof(p->phone), "%s%08d", PICK(mobile_heads), (idx * 7919 + 1234567) % 100000000);
	p->plate[0] = '\0';
	if (chance(300)) {
		/* GA 36: at most two letters among the five, the rest digits. */
		char tail[6];
		int letters = rnd(3);

		for (int i = 0; i < 5; i++)
			tail[i] = (char)('0' + rnd(10));
		for (int i = 0; i < letters; i++)
			tail[rnd(5)] = plate_chars[rnd(24)];
		snprintf(p->plate, sizeof(p->plate), "苏A%.5s", tail);
	}
	snprintf(p->imei, sizeof(p->imei), "35%012d", (idx * 104729 + 77) % 1000000000);
	luhn_fill(p->imei, 15);
}

static struct person *someone(void)
{
	return &people[rnd(npeople)];
}

/* ---- output files that count their lines ---- */

struct out {
	FILE *f;
	char path[512];
	char name[64];          /* file name for the truth file */
	long line;              /* lines written so far */
	int gb18030;            /* convert each record before writing */
};

static iconv_t to_gb;

static void out_open(struct out *o, const char *dir, const char *name, int gb)
{
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->f = fopen(o->path, "wb");
	if (!o->f) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", o->path, strerror(errno));
		exit(1);
	}
	o->line = 0;
	o->gb18030 = gb;
}

static int muted;       /* --last: what is made now is not written */

static void out_write(struct out *o, const char *s)
{
	if (muted)
		return;
	for (const char *p = s; *p; p++)
		if (*p == '\n')
			o->line++;
	if (o->gb18030) {
		size_t inlen = strlen(s), outlen = inlen * 2 + 16;
		char *buf = xmalloc(outlen), *op = buf;
		char *ip = (char *)s;

		iconv(to_gb, NULL, NULL, NULL, NULL);
		if (iconv(to_gb, &ip, &inlen, &op, &outlen) == (size_t)-1) {
			fprintf(stderr, "gen: cannot convert to GB18030: %s\n", strerror(errno));
			exit(1);
		}
		fwrite(buf, 1, (size_t)(op - buf), o->f);
		free(buf);
	} else {
		fputs(s, o->f);
	}
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_write(o, buf);
}

static void out_close(struct out *o)
{
	if (o->f && fclose(o->f) != 0) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", o->path, strerror(errno));
		exit(1);
	}
	o->f = NULL;
}

/* ---- one record being built, with its truth ---- */

#define MAX_TRUTH 16

struct rec {
	char source[48];
	char id[48];
	const char *kind;
	const char *category;      /* the planted category key, for the truth file */
	const char *given_cat;     /* the category field as the channel writes it, or NULL */
	time_t occurred;           /* China time, as seconds of a naive calendar */
	time_t received;
	char place[192];
	struct sbuf text;
	int n_ids;
	const char *id_type[MAX_TRUTH];
	char id_value[MAX_TRUTH][40];
	int n_persons;
	char person_name[MAX_TRUTH][32];
	int person_pid[MAX_TRUTH];
	const char *reliability;   /* or NULL for the channel default */
};

static void rec_init(struct rec *r, const char *source, const char *kind)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->source, sizeof(r->source), "%s", source);
	r->kind = kind;
	sbuf_init(&r->text);
}

static void rec_id(struct rec *r, const char *type, const char *value)
{
	for (int i = 0; i < r->n_ids; i++)
		if (!strcmp(r->id_type[i], type) && !strcmp(r->id_value[i], value))
			return;
	if (r->n_ids < MAX_TRUTH) {
		r->id_type[r->n_ids] = type;
		snprintf(r->id_value[r->n_ids], sizeof(r->id_value[0]), "%s", value);
		r->n_ids++;
	}
}

static void rec_person(struct rec *r, const struct person *p)
{
	if (r->n_persons < MAX_TRUTH) {
		snprintf(r->person_name[r->n_persons], sizeof(r->person_name[0]), "%s", p->name);
		r->person_pid[r->n_persons] = (int)(p - people);
		r->n_persons++;
	}
}

/* ---- how people write identifiers ---- */

static void add_phone(struct rec *r, const char *phone)
{
	const char *p = phone;

	switch (rnd(8)) {
	case 0:
		sbuf_addf(&r->text, "%.3s-%.4s-%.4s", p, p + 3, p + 7);
		break;
	case 1:
		sbuf_addf(&r->text, "+86 %.3s %.4s %.4s", p, p + 3, p + 7);
		break;
	case 2:
		sbuf_addf(&r->text, "0086-%s", p);
		break;
	case 3:
		sbuf_addf(&r->text, "%.3s %.4s %.4s", p, p + 3, p + 7);
		break;
	default:
		sbuf_adds(&r->text, p);
		break;
	}
	rec_id(r, "phone", phone);
}

/*
 * A caller's number in an ordinary fraud report: a virtual operator's
 * 171 number, as scam calls often are, never a resident's (residents'
 * heads never include 171), fresh each time, so that only the planted
 * burst has many victims behind one number.  Borrowed until the next call.
 */
static const char *scam_phone(void)
{
	static char phone[12];

	snprintf(phone, sizeof(phone), "171%04d%04d", rnd(10000), rnd(10000));
	return phone;
}

static void add_plate(struct rec *r, const char *plate)
{
	/* plate is "苏A" (4 bytes) + 5 ASCII characters */
	switch (rnd(5)) {
	case 0:
		sbuf_addf(&r->text, "%.4s·%s", plate, plate + 4);
		break;
	case 1:
		sbuf_addf(&r->text, "%.4s-%s", plate, plate + 4);
		break;
	default:
		sbuf_adds(&r->text, plate);
		break;
	}
	rec_id(r, "plate", plate);
}

static void add_idcard(struct rec *r, const char *id)
{
	if (id[17] == 'X' && rnd(2))
		sbuf_addf(&r->text, "%.17sx", id);
	else
		sbuf_adds(&r->text, id);
	rec_id(r, "idcard", id);
}

static void add_name(struct rec *r, const struct person *p)
{
	sbuf_adds(&r->text, p->name);
	rec_person(r, p);
}

/* ---- dates as the channels write them ---- */

static void tm_of(time_t t, struct tm *tm)
{
	gmtime_r(&t, tm);
}

static const char *const cn_digit[] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

static void cn_small(char *out, size_t n, int v)
{
	/* 1..59 in Chinese numerals: 十一, 二十, 二十一 */
	if (v < 10)
		snprintf(out, n, "%s", cn_digit[v]);
	else if (v < 20)
		snprintf(out, n, "十%s", v % 10 ? cn_digit[v % 10] : "");
	else
		snprintf(out, n, "%s十%s", cn_digit[v / 10], v % 10 ? cn_digit[v % 10] : "");
}

/* A received_at as a system writes it (style 0..5). */
static void fmt_stamp(char *out, size_t n, time_t t, int style)
{
	struct tm tm;

	tm_of(t, &tm);
	switch (style) {
	case 1:
		strftime(out, n, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
		break;
	case 2:
		strftime(out, n, "%Y/%m/%d %H:%M", &tm);
		break;
	case 3:
		snprintf(out, n, "%d年%d月%d日%d时%d分", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
		break;
	case 4: {
		time_t u = t - 8 * 3600;
		struct tm utc;

		gmtime_r(&u, &utc);
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &utc);
		break;
	}
	default:
		strftime(out, n, "%Y-%m-%d %H:%M", &tm);
		break;
	}
}

/* An occurred_at as an officer writes it, relative to the received date. */
static void fmt_occurred(char *out, size_t n, time_t t)
{
	struct tm tm;
	char y[4][8], mo[16], d[16];
	int h;

	tm_of(t, &tm);
	h = tm.tm_hour;
	switch (rnd(6)) {
	case 0:
		if (h >= 19 && h <= 23)
			snprintf(out, n, "%d月%d日晚%d时许", tm.tm_mon + 1, tm.tm_mday, h - 12);
		else if (h < 5)
			snprintf(out, n, "%d月%d日凌晨%d时许", tm.tm_mon + 1, tm.tm_mday, h);
		else
			snprintf(out, n, "%d月%d日%d时许", tm.tm_mon + 1, tm.tm_mday, h);
		break;
	case 1:
		snprintf(out, n, "%d年%d月%d日%d时许", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, h);
		break;
	case 2: {
		int yr = tm.tm_year + 1900;

		for (int i = 0; i < 4; i++) {
			int digit = (yr / (i == 0 ? 1000 : i == 1 ? 100 : i == 2 ? 10 : 1)) % 10;

			snprintf(y[i], sizeof(y[i]), "%s", cn_digit[digit]);
		}
		cn_small(mo, sizeof(mo), tm.tm_mon + 1);
		cn_small(d, sizeof(d), tm.tm_mday);
		snprintf(out, n, "%s%s%s%s年%s月%s日", y[0], y[1], y[2], y[3], mo, d);
		break;
	}
	case 3:
		strftime(out, n, "%Y%m%d", &tm);
		break;
	default:
		strftime(out, n, "%Y-%m-%d %H:%M", &tm);
		break;
	}
}

/* ---- text variation ---- */

static void *s2t;       /* OpenCC handle, Simplified to Traditional */

/* Rewrite ASCII digits and letters as full-width, as some input methods do. */
static void to_fullwidth(struct sbuf *sb)
{
	struct sbuf o = SBUF_INIT;

	for (size_t i = 0; i < sb->len; i++) {
		unsigned char c = (unsigned char)sb->buf[i];

		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
			unsigned cp = 0xFF00u + (c - 0x20u);

			sbuf_addch(&o, (char)(0xE0 | (cp >> 12)));
			sbuf_addch(&o, (char)(0x80 | ((cp >> 6) & 0x3F)));
			sbuf_addch(&o, (char)(0x80 | (cp & 0x3F)));
		} else {
			sbuf_addch(&o, (char)c);
		}
	}
	sbuf_release(sb);
	*sb = o;
}

static void to_traditional(struct sbuf *sb)
{
	char *t = opencc_convert_utf8((opencc_t)s2t, sb->buf, sb->len);

	if (t == NULL)
		return;
	sbuf_reset(sb);
	sbuf_adds(sb, t);
	opencc_convert_utf8_free(t);
}

/* ---- places ---- */

static const struct area *pick_area(void)
{
	return &areas[rnd(nareas)];
}

/* Fill r->place: a road and number, with the street and community most of the time. */
static void set_place(struct rec *r, const struct area *a, int road, int number)
{
	if (chance(600))
		snprintf(r->place, sizeof(r->place), "玄武区%s%s%s%d号", a->street, a->community,
			 a->roads[road % a->nroads], number);
	else
		snprintf(r->place, sizeof(r->place), "%s%d号", a->roads[road % a->nroads], number);
}

/* ---- narratives, one per incident category ---- */

static const char *const categories[] = {
	"theft", "theft", "dispute", "dispute", "traffic", "traffic", "fraud", "noise",
	"lost_property", "lost_property", "suspicious", "assault", "burglary", "vehicle_theft",
	"pickpocketing", "missing_person", "gambling", "fire", "other",
};

static const char *given_category(const char *cat)
{
	static const struct { const char *key, *cn; } names[] = {
		{ "theft", "盗窃" }, { "dispute", "纠纷" }, { "traffic", "交通事故" },
		{ "fraud", "诈骗" }, { "noise", "噪音扰民" }, { "lost_property", "遗失" },
		{ "suspicious", "可疑情况" }, { "assault", "打架斗殴" }, { "burglary", "入室盗窃" },
		{ "vehicle_theft", "盗窃电动车" }, { "pickpocketing", "扒窃" },
		{ "missing_person", "走失" }, { "gambling", "赌博" }, { "fire", "火灾" },
		{ "other", "其他" }, { "threat", "威胁" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].key, cat))
			return names[i].cn;
	return "其他";
}

static void reporter_intro(struct rec *r, struct person *p)
{
	static const char *const cues[] = { "报警人", "报警人", "事主", "群众" };

	sbuf_adds(&r->text, PICK(cues));
	add_name(r, p);
	sbuf_adds(&r->text, "(");
	add_phone(r, p->phone);
	sbuf_adds(&r->text, ")称");
}

static void narrative(struct rec *r, const char *cat)
{
	struct person *p = someone(), *q = someone();
	int amount = (1 + rnd(50)) * 100;

	r->category = cat;
	if (!strcmp(cat, "theft")) {
		reporter_intro(r, p);
		sbuf_addf(&r->text, "其停放在%s的%s被盗,价值约%d元。", r->place, PICK(items), amount);
	} else if (!strcmp(cat, "burglary")) {
		reporter_intro(r, p);
		sbuf_addf(&r->text, "其位于%s的家中被盗,门锁有撬压痕迹,丢失%s及现金%d元。", r->place,
			  PICK(items), amount);
	} else if (!strcmp(cat, "dispute")) {
		sbuf_addf(&r->text, "%s居民", r->place);
		add_name(r, p);
		sbuf_adds(&r->text, "与邻居");
		add_name(r, q);
		sbuf_addf(&r->text, "因%s发生纠纷,民警到场调解,双方达成谅解。", PICK(dispute_reasons));
	} else if (!strcmp(cat, "traffic")) {
		struct person *d = someone();

		sbuf_addf(&r->text, "%s发生两车刮擦事故,", r->place);
		if (d->plate[0]) {
			sbuf_adds(&r->text, "小型轿车");
			add_plate(r, d->plate);
			sbuf_adds(&r->text, "驾驶人");
			add_name(r, d);
			sbuf_adds(&r->text, ",");
		}
		sbuf_adds(&r->text, "无人员受伤,已移交交警处理。");
	} else if (!strcmp(cat, "fraud")) {
		sbuf_adds(&r->text, "受害人");
		add_name(r, p);
		sbuf_adds(&r->text, "报称接到自称客服人员的电话");
		add_phone(r, scam_phone());
		sbuf_addf(&r->text, ",对方以退款为由诱导其转账,被骗%d元。", amount * 10);
	} else if (!strcmp(cat, "noise")) {
		sbuf_addf(&r->text, "群众反映%s楼上深夜噪音扰民,民警到场劝解。", r->place);
	} else if (!strcmp(cat, "lost_property")) {
		add_name(r, p);
		sbuf_addf(&r->text, "报称在%s附近遗失%s,联系电话", r->place, PICK(items));
		add_phone(r, p->phone);
		sbuf_adds(&r->text, "。");
	} else if (!strcmp(cat, "suspicious")) {
		sbuf_addf(&r->text, "群众反映%s有一名男子形迹可疑,在楼道内反复查看门锁。", r->place);
	} else if (!strcmp(cat, "assault")) {
		sbuf_addf(&r->text, "%s两名男子因琐事发生打架斗殴,一人头部受伤。嫌疑人", r->place);
		add_name(r, p);
		sbuf_addf(&r->text, "(%s,%d岁)已被带回派出所。", p->sex ? "男" : "女", 2026 - p->birth_year);
	} else if (!strcmp(cat, "vehicle_theft")) {
		reporter_intro(r, p);
		sbuf_addf(&r->text, "其停放在%s楼下的电动车被盗。", r->place);
	} else if (!strcmp(cat, "pickpocketing")) {
		sbuf_adds(&r->text, "事主");
		add_name(r, p);
		sbuf_addf(&r->text, "在%s公交站候车时手机被扒窃。", r->place);
	} else if (!strcmp(cat, "missing_person")) {
		reporter_intro(r, p);
		sbuf_addf(&r->text, "其年迈的父亲于%s走失,身穿灰色外套。", r->place);
	} else if (!strcmp(cat, "gambling")) {
		sbuf_addf(&r->text, "群众举报%s一棋牌室内有人聚众赌博。", r->place);
	} else if (!strcmp(cat, "fire")) {
		sbuf_addf(&r->text, "%s一居民楼厨房起火,已扑灭,无人员伤亡。", r->place);
	} else {
		sbuf_addf(&r->text, "%s群众求助,民警到场处置。", r->place);
	}
}

/* ---- writers ---- */

static void json_str(struct sbuf *sb, const char *s)
{
	sbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			sbuf_adds(sb, "\\n");
		else if (c < 0x20)
			sbuf_addf(sb, "\\u%04x", c);
		else
			sbuf_addch(sb, (char)c);
	}
	sbuf_addch(sb, '"');
}

static void json_field(struct sbuf *sb, const char *key, const char *value)
{
	if (!value)
		return;
	sbuf_addf(sb, "%s\"%s\":", sb->len > 1 ? "," : "", key);
	json_str(sb, value);
}

static struct out o_truth;
static char last_ref[128];     /* SOURCE/ID of the record written last */

static void truth_report(const struct rec *r, const struct out *o, long line)
{
	struct sbuf sb = SBUF_INIT;
	char ref[128];

	snprintf(ref, sizeof(ref), "%s/%s", r->source, r->id);
	snprintf(last_ref, sizeof(last_ref), "%s", ref);
	sbuf_adds(&sb, "{");
	json_field(&sb, "type", "report");
	json_field(&sb, "report", ref);
	json_field(&sb, "file", o->name);
	sbuf_addf(&sb, ",\"line\":%ld", line);
	json_field(&sb, "category", r->category);
	sbuf_adds(&sb, ",\"ids\":[");
	for (int i = 0; i < r->n_ids; i++) {
		sbuf_addf(&sb, "%s[", i ? "," : "");
		json_str(&sb, r->id_type[i]);
		sbuf_addch(&sb, ',');
		json_str(&sb, r->id_value[i]);
		sbuf_addch(&sb, ']');
	}
	sbuf_adds(&sb, "],\"persons\":[");
	for (int i = 0; i < r->n_persons; i++) {
		sbuf_addf(&sb, "%s[", i ? "," : "");
		json_str(&sb, r->person_name[i]);
		sbuf_addf(&sb, ",%d]", r->person_pid[i]);
	}
	sbuf_adds(&sb, "]}\n");
	out_write(&o_truth, sb.buf);
	sbuf_release(&sb);
}

/* Vary the narrative's script and digits the way real inputs do. */
static void vary_text(struct rec *r, int allow_traditional)
{
	if (allow_traditional && chance(80))
		to_traditional(&r->text);
	if (chance(50))
		to_fullwidth(&r->text);
}

static void write_jsonl(struct out *o, struct rec *r, const char *case_no, const char *persons_json)
{
	struct sbuf sb = SBUF_INIT;
	char recv[48], occ[96];
	long line = o->line + 1;

	fmt_stamp(recv, sizeof(recv), r->received, rnd(5));
	fmt_occurred(occ, sizeof(occ), r->occurred);
	sbuf_adds(&sb, "{");
	json_field(&sb, "id", r->id);
	json_field(&sb, "source", r->source);
	json_field(&sb, "kind", r->kind);
	json_field(&sb, "category", r->given_cat);
	json_field(&sb, "received_at", recv);
	json_field(&sb, "occurred_at", occ);
	json_field(&sb, "place", r->place);
	json_field(&sb, "text", r->text.buf);
	json_field(&sb, "case_no", case_no);
	json_field(&sb, "reliability", r->reliability);
	if (persons_json)
		sbuf_addf(&sb, ",\"persons\":%s", persons_json);
	sbuf_adds(&sb, "}\n");
	out_write(o, sb.buf);
	sbuf_release(&sb);
	truth_report(r, o, line);
}

static void write_note(struct out *o, struct rec *r)
{
	char recv[48];
	long line;

	fmt_stamp(recv, sizeof(recv), r->received, rnd(4));
	if (o->line > 0)
		out_write(o, "---\n");
	line = o->line + 1;
	out_printf(o, "编号: %s\n来源: %s\n类型: %s\n上报时间: %s\n地点: %s\n%s\n",
		   r->id, r->source, r->kind, recv, r->place, r->text.buf);
	truth_report(r, o, line);
}

/* A CSV cell: quoted when it holds a separator, quote or newline. */
static void csv_cell(struct sbuf *sb, const char *s, char sep)
{
	if (strchr(s, sep) || strchr(s, '"') || strchr(s, '\n')) {
		sbuf_addch(sb, '"');
		for (; *s; s++) {
			if (*s == '"')
				sbuf_addch(sb, '"');
			sbuf_addch(sb, *s);
		}
		sbuf_addch(sb, '"');
	} else {
		sbuf_adds(sb, s);
	}
}

static void write_row(struct out *o, struct rec *r, char sep, const char *const *cells, int n)
{
	struct sbuf sb = SBUF_INIT;
	long line = o->line + 1;

	for (int i = 0; i < n; i++) {
		if (i)
			sbuf_addch(&sb, sep);
		csv_cell(&sb, cells[i] ? cells[i] : "", sep);
	}
	sbuf_addch(&sb, '\n');
	out_write(o, sb.buf);
	sbuf_release(&sb);
	truth_report(r, o, line);
}

/* ---- channels ---- */

enum {
	O_CALLS, O_CASES, O_TIPS, O_INFORMANT, O_PATROL, O_DISPUTE, O_HOTEL, O_NETCAFE, O_PAWN,
	O_COUNT
};

static struct out outs[O_COUNT];
static long seq;                /* one counter makes every id unique */
static time_t day0;             /* midnight of the first day */
static int ndays;
static long per_day = 5;      /* records of the ordinary flow a day */

static time_t at(int day, int hour, int minute)
{
	return day0 + (time_t)day * 86400 + hour * 3600 + minute * 60;
}

static void set_times(struct rec *r, int day)
{
	int h = rnd(24), m = rnd(60);

	r->occurred = at(day, h, m);
	r->received = r->occurred + 60 * (5 + rnd(120));
}

static void make_id(struct rec *r, const char *prefix, int day)
{
	struct tm tm;

	tm_of(at(day, 0, 0), &tm);
	seq++;
	if (!strcmp(prefix, "A"))
		snprintf(r->id, sizeof(r->id), "A320102%04d%06ld", tm.tm_year + 1900, seq % 1000000);
	else
		snprintf(r->id, sizeof(r->id), "%s%04d%02d%02d%06ld", prefix, tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, seq);
}

static const struct {
	const char *file;
	const char *source;      /* NULL: chosen per record */
	const char *kind;
	const char *id_prefix;
} channels[O_COUNT] = {
	[O_CALLS] = { "110-calls.jsonl", "110", "incident", "J" },
	[O_CASES] = { "case-records.jsonl", "case", "case", "A" },
	[O_TIPS] = { "tips.jsonl", NULL, "tip", "T" },
	[O_INFORMANT] = { "informant-notes.txt", NULL, "informant", "I" },
	[O_PATROL] = { "patrol-log.txt", "patrol", "patrol", "P" },
	[O_DISPUTE] = { "dispute-register.csv", "dispute-register", "dispute", "D" },
	[O_HOTEL] = { "hotel-register.csv", "hotel-register", "lodging", "H" },
	[O_NETCAFE] = { "netcafe-register.tsv", "netcafe-register", "netcafe", "N" },
	[O_PAWN] = { "pawn-register.csv", "pawn-register", "pawn", "W" },
};

static const char *const tip_sources[] = { "hotline", "hotline", "wechat", "96110", "12345" };
static const char *const informant_codes[] = { "informant:K07", "informant:K12", "informant:M03" };

/*
 * House numbers a road has.  The district file names 14 communities and
 * some 30 roads: 120 numbers a road are a real district's for a few
 * hundred records a day.  A larger flow stands for a larger district, so
 * the addresses grow with it and a building sees what a building sees
 * (at 10,000 a day, 120 numbers would give each building a crime every
 * four days and three disputes a month: every detector that looks at one
 * place would fire everywhere).  Up to 300 a day: 120, as ever.
 */
static int house_numbers(void)
{
	return per_day > 300 ? (int)(120 * per_day / 300) : 120;
}

/* Start a record of a channel on a day: id, source, kind, times, a place. */
static void begin(struct rec *r, int ch, int day)
{
	const struct area *a = pick_area();

	rec_init(r, channels[ch].source ? channels[ch].source : "", channels[ch].kind);
	if (ch == O_TIPS)
		snprintf(r->source, sizeof(r->source), "%s", PICK(tip_sources));
	else if (ch == O_INFORMANT)
		snprintf(r->source, sizeof(r->source), "%s", PICK(informant_codes));
	make_id(r, channels[ch].id_prefix, day);
	set_times(r, day);
	set_place(r, a, rnd(3), 1 + rnd(house_numbers()));
}

/* Write a narrative record to its channel's file and free it. */
static void finish(struct rec *r, int ch, const char *persons_json)
{
	if (ch == O_CALLS && chance(700))
		r->given_cat = given_category(r->category ? r->category : "other");
	vary_text(r, ch == O_TIPS || ch == O_INFORMANT);
	if (ch == O_INFORMANT || ch == O_PATROL)
		write_note(&outs[ch], r);
	else
		write_jsonl(&outs[ch], r, ch == O_CASES ? r->id : NULL, persons_json);
	sbuf_release(&r->text);
}

/* A person as the JSON "persons" array of a case record holds them. */
static void persons_add(struct sbuf *sb, const struct person *p, const char *role, int with_id)
{
	sbuf_adds(sb, sb->len ? "," : "[");
	sbuf_adds(sb, "{\"name\":");
	json_str(sb, p->name);
	if (with_id)
		sbuf_addf(sb, ",\"id_number\":\"%s\"", p->id);
	sbuf_addf(sb, ",\"phone\":\"%s\",\"role\":\"%s\"}", p->phone, role);
}

static void emit_narrative(int ch, int day, const char *cat)
{
	struct rec r;
	struct sbuf persons = SBUF_INIT;

	begin(&r, ch, day);
	if (ch == O_CASES)
		r.given_cat = given_category(cat);
	narrative(&r, cat);
	if (ch == O_CASES && r.n_persons > 0) {
		persons_add(&persons, &people[r.person_pid[0]], "victim", 1);
		rec_id(&r, "idcard", people[r.person_pid[0]].id);
		rec_id(&r, "phone", people[r.person_pid[0]].phone);
		sbuf_addch(&persons, ']');
	}
	finish(&r, ch, persons.len ? persons.buf : NULL);
	sbuf_release(&persons);
}

static void emit_english_tip(int day)
{
	struct rec r;
	struct person *p = someone();

	begin(&r, O_TIPS, day);
	r.category = "theft";
	sbuf_addf(&r.text, "Caller %s reported that a bicycle was stolen near %s, phone ",
		  PICK(english_names), r.place);
	add_phone(&r, p->phone);
	sbuf_adds(&r.text, ".");
	finish(&r, O_TIPS, NULL);
}

static void emit_patrol(int day)
{
	struct rec r;
	struct person *p = someone();

	begin(&r, O_PATROL, day);
	r.category = "suspicious";
	if (p->plate[0]) {
		sbuf_addf(&r.text, "巡逻至%s,发现车辆", r.place);
		add_plate(&r, p->plate);
		sbuf_adds(&r.text, "长时间停放,经查车主");
		add_name(&r, p);
		sbuf_adds(&r.text, ",无异常。");
	} else {
		r.category = "other";
		sbuf_addf(&r.text, "巡逻至%s,走访商户三家,提醒防范电信诈骗。", r.place);
	}
	finish(&r, O_PATROL, NULL);
}

static void emit_informant(int day)
{
	struct rec r;
	struct person *p = someone();

	begin(&r, O_INFORMANT, day);
	r.category = "gambling";
	sbuf_addf(&r.text, "据反映,%s附近一棋牌室夜间聚众赌博,组织者", r.place);
	add_name(&r, p);
	sbuf_adds(&r.text, ",手机");
	add_phone(&r, p->phone);
	sbuf_adds(&r.text, "。");
	finish(&r, O_INFORMANT, NULL);
}

/* ---- registers: one row a person, fields rather than narrative ---- */

static void emit_dispute_row(int day, struct person *a, struct person *b, const char *place,
			     const char *situation, const char *cat)
{
	struct rec r;
	char recv[48];
	const char *cells[8];

	begin(&r, O_DISPUTE, day);
	if (place)
		snprintf(r.place, sizeof(r.place), "%s", place);
	r.category = cat;
	rec_person(&r, a);
	rec_person(&r, b);
	rec_id(&r, "phone", a->phone);
	fmt_stamp(recv, sizeof(recv), r.received, 0);
	sbuf_addf(&r.text, "%s", situation);
	cells[0] = r.id;
	cells[1] = recv;
	cells[2] = r.place;
	cells[3] = a->name;
	cells[4] = a->phone;
	cells[5] = b->name;
	cells[6] = r.text.buf;
	cells[7] = "纠纷";
	write_row(&outs[O_DISPUTE], &r, ',', cells, 8);
	sbuf_release(&r.text);
}

static void emit_hotel_row(int day, struct person *p, const char *hotel, int hour)
{
	struct rec r;
	char in[48], out[48], room[8];
	const char *cells[8];

	begin(&r, O_HOTEL, day);
	r.occurred = at(day, hour, rnd(60));
	r.received = r.occurred + 60;
	snprintf(r.place, sizeof(r.place), "%s", hotel);
	rec_person(&r, p);
	rec_id(&r, "idcard", p->id);
	rec_id(&r, "phone", p->phone);
	fmt_stamp(in, sizeof(in), r.occurred, rnd(4));
	fmt_stamp(out, sizeof(out), at(day + 1, 11, 0), 0);
	snprintf(room, sizeof(room), "%d", 201 + rnd(400));
	cells[0] = r.id;
	cells[1] = p->name;
	cells[2] = p->id;
	cells[3] = p->phone;
	cells[4] = hotel;
	cells[5] = room;
	cells[6] = in;
	cells[7] = out;
	write_row(&outs[O_HOTEL], &r, ',', cells, 8);
	sbuf_release(&r.text);
}

static void emit_netcafe_row(int day, struct person *p, const char *cafe, int hour, int minute)
{
	struct rec r;
	char in[48], seat[8];
	const char *cells[6];

	begin(&r, O_NETCAFE, day);
	r.occurred = at(day, hour, minute);
	r.received = r.occurred;
	snprintf(r.place, sizeof(r.place), "%s", cafe);
	rec_person(&r, p);
	rec_id(&r, "idcard", p->id);
	fmt_stamp(in, sizeof(in), r.occurred, 0);
	snprintf(seat, sizeof(seat), "A%03d", 1 + rnd(120));
	cells[0] = r.id;
	cells[1] = p->name;
	cells[2] = p->id;
	cells[3] = cafe;
	cells[4] = seat;
	cells[5] = in;
	write_row(&outs[O_NETCAFE], &r, '\t', cells, 6);
	sbuf_release(&r.text);
}

static void emit_pawn_row(int day, struct person *p, const char *item, const char *imei)
{
	struct rec r;
	char when[48];
	const char *cells[8];

	begin(&r, O_PAWN, day);
	snprintf(r.place, sizeof(r.place), "%s", PICK(pawnshops));
	rec_person(&r, p);
	rec_id(&r, "idcard", p->id);
	rec_id(&r, "phone", p->phone);
	if (imei)
		rec_id(&r, "imei", imei);
	fmt_stamp(when, sizeof(when), r.occurred, rnd(4));
	cells[0] = r.id;
	cells[1] = p->name;
	cells[2] = p->id;
	cells[3] = p->phone;
	cells[4] = item;
	cells[5] = imei ? imei : "";
	cells[6] = when;
	cells[7] = r.place;
	write_row(&outs[O_PAWN], &r, ',', cells, 8);
	sbuf_release(&r.text);
}

/* ---- malformed records, planted with their expected reasons ---- */

static void truth_bad(const struct out *o, long line, const char *why)
{
	out_printf(&o_truth, "{\"type\":\"malformed\",\"file\":\"%s\",\"line\":%ld,\"why\":\"%s\"}\n",
		   o->name, line, why);
}

static void emit_malformed(int which)
{
	struct out *o;

	switch (which % 5) {
	case 0:
		o = &outs[O_CALLS];
		truth_bad(o, o->line + 1, "broken json");
		out_printf(o, "{\"id\":\"J-BAD-%ld\",\"source\":\"110\",\"text\":\"报警人称家中被盗\n", ++seq);
		break;
	case 1:
		o = &outs[O_TIPS];
		truth_bad(o, o->line + 1, "text is a number");
		out_printf(o, "{\"id\":\"T-BAD-%ld\",\"source\":\"hotline\",\"kind\":\"tip\",\"text\":12345}\n", ++seq);
		break;
	case 2:
		o = &outs[O_PAWN];
		truth_bad(o, o->line + 1, "wrong column count");
		out_printf(o, "W-BAD-%ld,李四,只有三列\n", ++seq);
		break;
	case 3:
		o = &outs[O_TIPS];
		truth_bad(o, o->line + 1, "invalid bytes");
		out_printf(o, "{\"id\":\"T-BAD-%ld\",\"source\":\"hotline\",\"kind\":\"tip\",\"text\":\"\xff\xfe\xfd 乱码\"}\n", ++seq);
		break;
	default:
		o = &outs[O_CALLS];
		truth_bad(o, o->line + 1, "nul byte");
		fputs("{\"id\":\"J-NUL\",\"source\":\"110\",\"text\":\"a", o->f);
		fputc('\0', o->f);
		fputs("b\"}\n", o->f);
		o->line++;
		break;
	}
}

/* ---- the ordinary flow of a day ---- */

static void emit_random(int day)
{
	int x = rnd(100);

	if (x < 35)
		emit_narrative(O_CALLS, day, PICK(categories));
	else if (x < 43)
		emit_narrative(O_CASES, day, PICK(categories));
	else if (x < 54) {
		if (chance(80))
			emit_english_tip(day);
		else
			emit_narrative(O_TIPS, day, PICK(categories));
	} else if (x < 58)
		emit_informant(day);
	else if (x < 66)
		emit_patrol(day);
	else if (x < 71) {
		struct person *a = someone(), *b = someone();
		char text[256];

		snprintf(text, sizeof(text), "%s与%s因%s发生纠纷,经调解双方同意协商解决。",
			 a->name, b->name, PICK(dispute_reasons));
		emit_dispute_row(day, a, b, NULL, text, "dispute");
	} else if (x < 87)
		emit_hotel_row(day, someone(), PICK(hotels), 12 + rnd(12));
	else if (x < 94)
		emit_netcafe_row(day, someone(), PICK(netcafes), rnd(24), rnd(60));
	else
		emit_pawn_row(day, someone(), PICK(items), NULL);
}

/* ---- planted situations ---- */

struct refs {
	char v[16][128];
	int n;
};

static void refs_add(struct refs *rs)
{
	if (rs->n < 16)
		snprintf(rs->v[rs->n++], sizeof(rs->v[0]), "%s", last_ref);
}

static void truth_situation(const char *kind, const char *subject, const char *note,
			    const struct refs *rs)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "{\"type\":\"situation\",\"kind\":");
	json_str(&sb, kind);
	sbuf_adds(&sb, ",\"subject\":");
	json_str(&sb, subject);
	sbuf_adds(&sb, ",\"note\":");
	json_str(&sb, note);
	sbuf_adds(&sb, ",\"reports\":[");
	for (int i = 0; i < rs->n; i++) {
		if (i)
			sbuf_addch(&sb, ',');
		json_str(&sb, rs->v[i]);
	}
	sbuf_adds(&sb, "]}\n");
	out_write(&o_truth, sb.buf);
	sbuf_release(&sb);
}

/* A planted narrative record: text written by the caller via fill. */
static void planted(int ch, int day, const char *cat, const char *place,
		    void (*fill)(struct rec *r, void *arg), void *arg)
{
	struct rec r;
	struct sbuf persons = SBUF_INIT;

	begin(&r, ch, day);
	if (place)
		snprintf(r.place, sizeof(r.place), "%s", place);
	r.category = cat;
	r.given_cat = ch == O_CASES ? given_category(cat) : NULL;
	fill(&r, arg);
	if (ch == O_CASES && r.n_persons > 0) {
		for (int i = 0; i < r.n_persons; i++)
			persons_add(&persons, &people[r.person_pid[i]], i == 0 ? "suspect" : "party", 1);
		sbuf_addch(&persons, ']');
	}
	finish(&r, ch, persons.len ? persons.buf : NULL);
	sbuf_release(&persons);
}

static struct person *fresh(void)
{
	/* Planted people are drawn from the end of the pool and never reused. */
	static int next;

	return &people[npeople - 1 - next++];
}

static int clampday(int d)
{
	return d < 0 ? 0 : d;
}

struct crew {
	struct person *c1, *c2, *victim;
};

static void fill_burglary(struct rec *r, void *arg)
{
	struct person *v = arg;

	reporter_intro(r, v);
	sbuf_addf(&r->text, "其位于%s的家中被盗,门窗有撬压痕迹,丢失%s。", r->place, PICK(items));
}

static void fill_crew_call(struct rec *r, void *arg)
{
	struct crew *c = arg;

	reporter_intro(r, c->victim);
	sbuf_addf(&r->text, "其家中被盗,丢失金项链一条。邻居看到一辆牌号为");
	add_plate(r, c->c1->plate);
	sbuf_adds(&r->text, "的白色轿车在楼下停留,车上有两名男子。");
}

static void fill_crew_case(struct rec *r, void *arg)
{
	struct crew *c = arg;

	sbuf_addf(&r->text, "%s发生入室盗窃案件,经侦查,犯罪嫌疑人", r->place);
	add_name(r, c->c1);
	sbuf_adds(&r->text, "(身份证号");
	add_idcard(r, c->c1->id);
	sbuf_adds(&r->text, ")驾驶");
	add_plate(r, c->c1->plate);
	sbuf_adds(&r->text, "多次作案,同伙");
	add_name(r, c->c2);
	sbuf_adds(&r->text, "在逃。");
}

static void fill_crew_patrol(struct rec *r, void *arg)
{
	struct crew *c = arg;

	sbuf_addf(&r->text, "巡逻至%s,盘查车辆", r->place);
	add_plate(r, c->c1->plate);
	sbuf_adds(&r->text, ",车内两名男子,其中一人自称");
	add_name(r, c->c2);
	sbuf_adds(&r->text, ",电话");
	add_phone(r, c->c2->phone);
	sbuf_adds(&r->text, ",形迹可疑,已登记。");
}

static void fill_crew_theft(struct rec *r, void *arg)
{
	struct crew *c = arg;

	reporter_intro(r, c->victim);
	sbuf_adds(&r->text, "其电动车电瓶被盗,监控显示一男子作案后上了");
	add_plate(r, c->c1->plate);
	sbuf_adds(&r->text, ",该男子此前曾用电话");
	add_phone(r, c->c2->phone);
	sbuf_adds(&r->text, "联系收购电瓶。");
}

struct burst {
	struct person *victim;
	const char *fraud_phone;
};

static void fill_fraud(struct rec *r, void *arg)
{
	struct burst *b = arg;

	sbuf_adds(&r->text, "受害人");
	add_name(r, b->victim);
	sbuf_adds(&r->text, "报称接到电话");
	add_phone(r, b->fraud_phone);
	sbuf_addf(&r->text, ",对方冒充快递客服称包裹丢失需理赔,诱导其转账%d元。", 2000 + rnd(30000));
}

struct dispute {
	struct person *a, *b;
};

static void fill_threat(struct rec *r, void *arg)
{
	struct dispute *d = arg;

	sbuf_addf(&r->text, "%s居民", r->place);
	add_name(r, d->a);
	sbuf_adds(&r->text, "报警称与邻居");
	add_name(r, d->b);
	sbuf_adds(&r->text, "再次因楼道堆放杂物发生争吵,对方扬言要报复,并持刀威胁。电话");
	add_phone(r, d->a->phone);
	sbuf_adds(&r->text, "。");
}

struct stolen {
	struct person *owner;
	const char *imei;
};

static void fill_stolen_phone(struct rec *r, void *arg)
{
	struct stolen *s = arg;

	reporter_intro(r, s->owner);
	sbuf_addf(&r->text, "在%s被盗苹果iPhone 13手机一部,串号", r->place);
	sbuf_adds(&r->text, s->imei);
	rec_id(r, "imei", s->imei);
	sbuf_adds(&r->text, "。");
}

static const struct area *area_named(const char *community)
{
	for (int i = 0; i < nareas; i++)
		if (!strcmp(areas[i].community, community))
			return &areas[i];
	return &areas[0];
}

static void plant(const char *outdir)
{
	int L = ndays - 1;
	struct refs rs;
	char place[192], subject[256], path[512];
	FILE *wl;

	/*
	 * 1. A burglary spike in one community: six in three days, and on
	 * the night as many more as make it a rise over what the community
	 * has anyway.  The ordinary flow gives each community about
	 * per_day / 250 burglaries a day (a burglary is 1 in 19 narratives,
	 * narratives 45% of the flow, 14 communities, and the roads two
	 * communities share count in both: 1.2 a day at 300 a day,
	 * measured); a spike stands about five standard deviations (of a
	 * Poisson count) over that, as one that a chief should hear of does.
	 * A small district (under 125 a day) has next to none, and six in
	 * three days are a spike already.
	 */
	{
		const struct area *a = area_named("锁金一村社区");
		int extra = (int)(5 * sqrt(per_day / 250.0)), n = 6 + extra;
		char note[64];

		memset(&rs, 0, sizeof(rs));
		for (int i = 0; i < n; i++) {
			snprintf(place, sizeof(place), "玄武区%s%s%s%d号", a->street, a->community,
				 a->roads[i % a->nroads], 10 + i * 7);
			planted(i % 2 ? O_TIPS : O_CALLS, i < 6 ? L - 2 + i / 2 : L, "burglary", place,
				fill_burglary, fresh());
			refs_add(&rs);
		}
		snprintf(subject, sizeof(subject), "%s|burglary", a->community);
		snprintf(note, sizeof(note), "%d burglaries in 3 days", n);
		truth_situation("spike", subject, note, &rs);
	}

	/* 2. A crew with a vehicle across several channels: a series. */
	{
		struct crew c = { fresh(), fresh(), fresh() };
		struct crew c2 = c;
		const struct area *a = area_named("卫岗社区");
		const char *h = hotels[4];

		snprintf(c.c1->plate, sizeof(c.c1->plate), "苏A%s", "7K39D");
		memset(&rs, 0, sizeof(rs));
		snprintf(place, sizeof(place), "玄武区%s%s%s%d号", a->street, a->community, a->roads[0], 31);
		planted(O_CALLS, clampday(L - 20), "burglary", place, fill_crew_call, &c);
		refs_add(&rs);
		snprintf(place, sizeof(place), "%s%d号", a->roads[1], 8);
		planted(O_CASES, clampday(L - 12), "burglary", place, fill_crew_case, &c);
		refs_add(&rs);
		planted(O_PATROL, clampday(L - 5), "suspicious", NULL, fill_crew_patrol, &c);
		refs_add(&rs);
		c2.victim = fresh();
		planted(O_CALLS, clampday(L - 2), "theft", NULL, fill_crew_theft, &c2);
		refs_add(&rs);
		emit_hotel_row(clampday(L - 3), c.c1, h, 22);
		refs_add(&rs);
		emit_hotel_row(clampday(L - 3), c.c2, h, 22);
		refs_add(&rs);
		snprintf(subject, sizeof(subject), "plate:%s", c.c1->plate);
		truth_situation("series", subject, "a crew with a vehicle across channels", &rs);
	}

	/* 3. One fraud number reported by six victims within five days: a burst. */
	{
		struct burst b;

		b.fraud_phone = fresh()->phone;
		memset(&rs, 0, sizeof(rs));
		for (int i = 0; i < 6; i++) {
			b.victim = fresh();
			planted(i % 3 == 2 ? O_CALLS : O_TIPS, clampday(L - 4 + i * 4 / 6), "fraud", NULL,
				fill_fraud, &b);
			refs_add(&rs);
		}
		snprintf(subject, sizeof(subject), "phone:%s", b.fraud_phone);
		truth_situation("burst", subject, "six victims report one number", &rs);
	}

	/* 4. A dispute that recurs and turns to threats. */
	{
		struct dispute d = { fresh(), fresh() };
		const struct area *a = area_named("丹凤街社区");
		char text[512];
		const int days[3] = { L - 25, L - 14, L - 6 };

		snprintf(place, sizeof(place), "玄武区%s%s%s%d号", a->street, a->community, a->roads[0], 66);
		memset(&rs, 0, sizeof(rs));
		for (int i = 0; i < 3; i++) {
			snprintf(text, sizeof(text), "%s与邻居%s因楼道堆放杂物再次发生纠纷,%s", d.a->name,
				 d.b->name, i == 2 ? "双方发生推搡,情绪激动。" : "经调解暂时平息。");
			emit_dispute_row(clampday(days[i]), d.a, d.b, place, text, "dispute");
			refs_add(&rs);
		}
		planted(O_CALLS, clampday(L - 1), "threat", place, fill_threat, &d);
		refs_add(&rs);
		snprintf(subject, sizeof(subject), "%s", place);
		truth_situation("dispute", subject, "recurring dispute turning to threats", &rs);
	}

	/* 5. Watchlist: a wanted person in a hotel register, a stolen phone pawned. */
	snprintf(path, sizeof(path), "%s/watchlist.csv", outdir);
	wl = fopen(path, "w");
	if (!wl) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	fputs("list,name,id_number,imei,phone,plate,note\n", wl);
	{
		struct person *w = fresh(), *thief = fresh();
		struct stolen s = { fresh(), NULL };
		char imei[16];

		memset(&rs, 0, sizeof(rs));
		emit_hotel_row(L, w, hotels[1], 23);
		refs_add(&rs);
		fprintf(wl, "wanted,%s,%s,,,,网上追逃人员\n", w->name, w->id);
		snprintf(subject, sizeof(subject), "idcard:%s", w->id);
		truth_situation("watchlist", subject, "wanted person checks into a hotel", &rs);

		snprintf(imei, sizeof(imei), "%s", "86801203456789");
		luhn_fill(imei, 15);
		s.imei = imei;
		planted(O_CALLS, clampday(L - 30), "theft", NULL, fill_stolen_phone, &s);
		memset(&rs, 0, sizeof(rs));
		emit_pawn_row(clampday(L - 1), thief, "苹果iPhone 13手机", imei);
		refs_add(&rs);
		fprintf(wl, "stolen,,,%s,,,被盗手机\n", imei);
		snprintf(subject, sizeof(subject), "imei:%s", imei);
		truth_situation("watchlist", subject, "stolen phone in a pawn register", &rs);
	}
	fclose(wl);

	/* 6. Companions who keep checking in together. */
	{
		struct person *e1 = fresh(), *e2 = fresh();
		const int days[4] = { L - 40, L - 30, L - 17, L - 8 };

		memset(&rs, 0, sizeof(rs));
		for (int i = 0; i < 4; i++) {
			const char *h = hotels[i % 3];

			emit_hotel_row(clampday(days[i]), e1, h, 21);
			refs_add(&rs);
			emit_hotel_row(clampday(days[i]), e2, h, 21);
			refs_add(&rs);
		}
		snprintf(subject, sizeof(subject), "%s|%s", e1->id, e2->id);
		truth_situation("companion", subject, "four nights in the same hotel", &rs);
	}

	/* 7. Near-repeat burglaries in one building and its neighbour. */
	{
		const struct area *a = area_named("红山社区");

		memset(&rs, 0, sizeof(rs));
		for (int i = 0; i < 3; i++) {
			snprintf(place, sizeof(place), "玄武区%s%s红山路%d号%d单元", a->street, a->community,
				 i < 2 ? 88 : 90, 1 + i);
			planted(i == 1 ? O_CASES : O_CALLS, clampday(L - 3 + i), "burglary", place,
				fill_burglary, fresh());
			refs_add(&rs);
		}
		truth_situation("near_repeat", "红山路88号", "burglaries in one building and next door", &rs);
	}
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: gen [--days N] [--per-day M] [--seed S] [--end YYYY-MM-DD]\n"
	      "           [--district FILE] [--malformed-every K] [--last L] OUT\n", stderr);
	exit(2);
}

static void write_headers(void)
{
	out_write(&outs[O_DISPUTE], "\xEF\xBB\xBF编号,登记时间,地点,姓名,联系电话,对方当事人,情况,类别\n");
	out_write(&outs[O_HOTEL], "序号,姓名,身份证号,联系电话,旅馆名称,房号,入住时间,退房时间\n");
	out_write(&outs[O_NETCAFE], "序号\t姓名\t证件号码\t网吧名称\t机器号\t上网时间\n");
	out_write(&outs[O_PAWN], "编号,姓名,身份证号,联系电话,物品名称,串号,典当时间,场所\n");
}

int main(int argc, char **argv)
{
	const char *outdir = NULL, *district = "bench/district.tsv", *end = "2026-11-21";
	long malformed_every = 0;
	int last = 0;
	uint64_t seed = 1;
	char inbox[512];
	struct tm tm = { 0 };
	long total = 0;

	ndays = 60;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--days") && i + 1 < argc)
			ndays = atoi(argv[++i]);
		else if (!strcmp(a, "--per-day") && i + 1 < argc)
			per_day = atol(argv[++i]);
		else if (!strcmp(a, "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(a, "--end") && i + 1 < argc)
			end = argv[++i];
		else if (!strcmp(a, "--district") && i + 1 < argc)
			district = argv[++i];
		else if (!strcmp(a, "--malformed-every") && i + 1 < argc)
			malformed_every = atol(argv[++i]);
		else if (!strcmp(a, "--last") && i + 1 < argc)
			last = atoi(argv[++i]);
		else if (a[0] == '-' || outdir)
			usage();
		else
			outdir = a;
	}
	if (!outdir || ndays < 45 || per_day < 1 || last < 0 || last > ndays)
		usage();
	if (!strptime(end, "%Y-%m-%d", &tm)) {
		fprintf(stderr, "gen: bad --end '%s'\n", end);
		return 2;
	}
	day0 = timegm(&tm) - (time_t)(ndays - 1) * 86400;
	rng_state = seed;
	load_district(district);
	to_gb = iconv_open("GB18030", "UTF-8");
	s2t = opencc_open("s2t.json");
	if (to_gb == (iconv_t)-1 || s2t == (void *)-1) {
		fprintf(stderr, "gen: cannot open iconv or OpenCC\n");
		return 1;
	}

	npeople = (int)(per_day * ndays / 3 + 500);
	people = xcalloc((size_t)npeople, sizeof(*people));
	for (int i = 0; i < npeople; i++)
		make_person(&people[i], i);

	snprintf(inbox, sizeof(inbox), "%s/inbox", outdir);
	mkdir(outdir, 0755);
	mkdir(inbox, 0755);
	for (int c = 0; c < O_COUNT; c++)
		out_open(&outs[c], inbox, channels[c].file, c == O_HOTEL);
	out_open(&o_truth, outdir, "truth.jsonl", 0);
	write_headers();

	muted = last > 0;
	plant(outdir);
	for (int d = 0; d < ndays; d++) {
		muted = last > 0 && d < ndays - last;
		for (long i = 0; i < per_day; i++) {
			emit_random(d);
			total++;
			if (malformed_every > 0 && total % malformed_every == 0)
				emit_malformed((int)(total / malformed_every));
		}
	}
	if (malformed_every == 0)
		for (int k = 0; k < 5; k++)
			emit_malformed(k);

	for (int c = 0; c < O_COUNT; c++)
		out_close(&outs[c]);
	out_close(&o_truth);
	opencc_close((opencc_t)s2t);
	iconv_close(to_gb);
	free(people);
	free(areas);
	return 0;
}
