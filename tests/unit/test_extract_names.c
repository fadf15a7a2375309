/*
 * test_extract_names: persons (cues, redacted forms, traps), places
 * (parents, home area, levels), organisations and objects, and the
 * precision bars on the labelled sentences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/eval/names_score.h"

static struct names *names;
static struct mention_list list;

static int setup(void **state)
{
	struct err err;

	names = names_new(LOOKOUT_DATADIR, &err);
	if (!names)
		fprintf(stderr, "%s\n", err.msg);
	mention_list_init(&list);
	return names ? 0 : -1;
}

static int teardown(void **state)
{
	names_free(names);
	mention_list_release(&list);
	return 0;
}

static void run(const char *text)
{
	mention_list_clear(&list);
	assert_int_equal(names_extract(names, text, strlen(text), &list), 0);
}

/* The mention of this type and value, or NULL. */
static const struct mention *find(const char *type, const char *value)
{
	for (size_t i = 0; i < list.n; i++)
		if (!strcmp(list.v[i].type, type) && !strcmp(list.v[i].value, value))
			return &list.v[i];
	return NULL;
}

static size_t count(const char *type)
{
	size_t n = 0;

	for (size_t i = 0; i < list.n; i++)
		n += !strcmp(list.v[i].type, type);
	return n;
}

/* Run text; the mention of this type and value must be among those found. */
static void expect(const char *text, const char *type, const char *value)
{
	run(text);
	assert_non_null(find(type, value));
}

/* Run text; no mention of this type may be found. */
static void expect_none(const char *text, const char *type)
{
	run(text);
	assert_int_equal(count(type), 0);
}

/* The level l of the place mention whose surface is surface, from its
 * attrs, or "" when it has none; NULL when no such mention. */
static char *place_level(const char *surface, const char *level)
{
	for (size_t i = 0; i < list.n; i++)
		if (!strcmp(list.v[i].type, "place") && !strcmp(list.v[i].surface, surface)) {
			cJSON *a = cJSON_Parse(list.v[i].attrs);
			const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(a, "levels"),
							     level);
			char *s = strdup(cJSON_IsString(v) ? v->valuestring : "");

			cJSON_Delete(a);
			return s;
		}
	return NULL;
}

static void assert_level(const char *surface, const char *level, const char *want)
{
	char *got = place_level(surface, level);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Run text; its place surface lies in community and on road ("" for none). */
static void expect_levels(const char *text, const char *surface, const char *community,
			  const char *road)
{
	run(text);
	assert_level(surface, "community", community);
	assert_level(surface, "road", road);
}

static void test_cues_and_roles(void **state)
{
	const struct mention *m;

	run("报警人张伟称其家中被盗。");
	m = find("person", "张伟");
	assert_non_null(m);
	assert_string_equal(m->role, "reporter");
	assert_string_equal(m->surface, "张伟");
	assert_int_equal(m->start, 9);
	assert_int_equal(m->end, 15);

	run("犯罪嫌疑人李建国逃跑,受害人赵磊受伤,证人孙丽丽在场。");
	assert_string_equal(find("person", "李建国")->role, "suspect");
	assert_string_equal(find("person", "赵磊")->role, "victim");
	assert_string_equal(find("person", "孙丽丽")->role, "witness");

	/* the second given character is taken only when it reads as one */
	run("嫌疑人张伟逃跑。");
	assert_non_null(find("person", "张伟"));
	assert_int_equal(count("person"), 1);

	/* 群众 before a name is the member of the public who called; 目击群众 saw it */
	run("群众宋红梅(13876393796)称其停放在楼下的电动车被盗,目击群众孙丽丽在场。");
	assert_string_equal(find("person", "宋红梅")->role, "reporter");
	assert_string_equal(find("person", "孙丽丽")->role, "witness");

	/* 家 ends a name (张伟家中), but 家豪 after a surname is a given name */
	run("报警人彭家豪(13105621693)称其家中被盗。");
	assert_string_equal(find("person", "彭家豪")->role, "reporter");
	assert_int_equal(count("person"), 1);
	expect("彭家豪报称在中央路遗失电脑。", "person", "彭家豪");
	run("报警人张伟家中被盗。");
	assert_non_null(find("person", "张伟"));
	assert_int_equal(count("person"), 1);
	run("张家中被盗。");
	assert_int_equal(count("person"), 0);
	run("老刘和田某发生纠纷。");
	assert_null(find("person", "刘和田"));

	/* two names joined share the cue's role */
	run("当事人王某和李某某因琐事发生纠纷。");
	assert_string_equal(find("person", "王某")->role, "party");
	assert_string_equal(find("person", "李某某")->role, "party");

	/* a name with a cue after it only */
	expect("经查,陈晓明称其不认识对方。", "person", "陈晓明");
}

static void test_redacted(void **state)
{
	const struct mention *m;

	run("嫌疑人王某(男,44岁)与张某某、王某俊发生纠纷。");
	m = find("person", "王某");
	assert_non_null(m);
	assert_string_equal(m->attrs, "{\"redacted\":true,\"sex\":\"男\",\"age\":44}");
	assert_non_null(find("person", "张某某"));
	assert_non_null(find("person", "王某俊"));

	run("23岁张姓男子在路边被打伤。");
	m = find("person", "张某");
	assert_non_null(m);
	assert_string_equal(m->surface, "张姓男子");
	assert_string_equal(m->attrs,
			    "{\"redacted\":true,\"surname_only\":true,\"sex\":\"男\",\"age\":23}");

	run("车主自称姓王,电话未留。");
	m = find("person", "王某");
	assert_non_null(m);
	assert_string_equal(m->surface, "姓王");

	/* a redacted name is not followed into the next word */
	run("张某发生纠纷后,民警将刘某送往医院。");
	assert_non_null(find("person", "张某"));
	assert_non_null(find("person", "刘某"));
	assert_int_equal(count("person"), 2);
}

static void test_traps(void **state)
{
	run("社区民警赶到派出所,发现某理发店内无人。");
	assert_int_equal(count("person"), 0);
	assert_int_equal(count("org"), 0);   /* 派出所 and 某理发店 name no org */

	run("于某日晚间,位于某某小区的一家店被盗。");
	assert_int_equal(count("person"), 0);
	assert_int_equal(count("place"), 0);

	expect_none("司机称乘客下车后未付车费,老板称监控损坏。", "person");

	expect_none("民警查获一辆电动车。", "person");

	/* spans claimed before (here by hand, as the identifier extractor
	 * would) are left alone */
	mention_list_clear(&list);
	mention_add(&list, "phone", "13912345678", "张伟", 9, 15, "test", 1.0);
	assert_int_equal(names_extract(names, "报警人张伟称", strlen("报警人张伟称"), &list), 0);
	assert_int_equal(count("person"), 0);
}

static void test_no_cue(void **state)
{
	const struct mention *m;

	/* two names joined vouch for each other, even before a context word */
	run("王磊和张强经常在网吧上网。");
	assert_string_equal(find("person", "王磊")->rule, "name.pair");
	assert_non_null(find("person", "张强"));
	assert_int_equal(count("person"), 2);

	expect("嫌疑人的朋友李明经常来。", "person", "李明");

	/* a context word after the name, at lower confidence */
	run("线人反映,王磊家住锁金村。");
	m = find("person", "王磊");
	assert_non_null(m);
	assert_string_equal(m->rule, "name.context");
	assert_true(m->confidence < 0.7);
	expect("群众举报,赵刚驾驶一辆无牌摩托车在龙蟠路一带飙车。", "person", "赵刚");
	expect("张强持有一把管制刀具。", "person", "张强");
	expect("周涛电话13912345678,曾多次参与赌博。", "person", "周涛");
	run("陈军的朋友周涛在新街口开店。");
	assert_non_null(find("person", "陈军"));
	assert_non_null(find("person", "周涛"));

	/* a title before it, and a boundary or an after-cue behind */
	expect("值班民警接到求助,称其同学黄磊失联两天。", "person", "黄磊");
	expect("研究部主任李成说,此事仍在调查。", "person", "李成");

	/* look-alikes: no boundary before, a number before, an everyday
	 * word, an address or an org after */
	expect_none("老人取1200元全是假钞。", "person");
	expect_none("报警人称,白天在家中睡觉时被盗。", "person");
	expect_none("该男子称,明天在此交易。", "person");
	run("嫌疑人胡某将盗得的苹果手机在华强手机维修店出售。");
	assert_null(find("person", "华强"));
	assert_non_null(find("org", "华强手机维修店"));
	expect_none("据了解,美国在此设有办事处。", "person");
	/* a name with nothing around it stays unsaid */
	expect_none("据反映,王磊经营一家水果店。", "person");
}

static void test_english(void **state)
{
	run("Suspect John Smith was seen near the hotel; Mr. Brown said he saw him.");
	assert_string_equal(find("person", "John Smith")->role, "suspect");
	assert_non_null(find("person", "Brown"));
	expect_none("Police Station officers visited the area.", "person");
}

static void test_english_places(void **state)
{
	const struct mention *m;
	struct names_place pl;
	char *v;

	run("Police Station officers visited Queen Street at 9 pm.");
	m = find("place", "Queen Street");
	assert_non_null(m);
	assert_string_equal(m->rule, "place.en");
	assert_int_equal(count("place"), 1);

	/* the house number goes after the road, as the building */
	run("A bicycle was stolen at 12 Baker Road last night.");
	m = find("place", "Baker Road 12");
	assert_non_null(m);
	assert_string_equal(m->surface, "12 Baker Road");
	assert_level("12 Baker Road", "road", "Baker Road");
	assert_level("12 Baker Road", "building", "Baker Road 12");

	run("Witness Mary Jones said the car turned into Hill Street.");
	assert_non_null(find("person", "Mary Jones"));
	assert_non_null(find("place", "Hill Street"));

	/* a road word with no name before it is no place */
	expect_none("The Road to nowhere.", "place");

	/* a register field, and its value read back */
	names_place_init(&pl);
	v = names_place(names, "No. 12 Baker Road", strlen("No. 12 Baker Road"), &pl);
	assert_string_equal(v, "Baker Road 12");
	assert_string_equal(pl.level[NAMES_ROAD], "Baker Road");
	assert_null(pl.level[NAMES_DISTRICT]);
	free(v);
	v = names_place(names, "Baker Road 12", strlen("Baker Road 12"), &pl);
	assert_string_equal(v, "Baker Road 12");
	free(v);
	names_place_release(&pl);
}

static void test_places(void **state)
{
	const struct mention *m;

	/* the home area before a bare address */
	run("报警人称其在幸福路12号被盗。");
	m = find("place", "江苏省南京市玄武区幸福路12号");
	assert_non_null(m);
	assert_string_equal(m->surface, "幸福路12号");
	assert_non_null(strstr(m->attrs, "\"road\":\"江苏省南京市玄武区幸福路\""));

	/* parents from the gazetteer; 中山 is not the city before 北路 */
	expect("南京市鼓楼区中山北路8号一商铺被撬。", "place", "江苏省南京市鼓楼区中山北路8号");

	expect("在北京朝阳区建国路88号被抓获。", "place", "北京市朝阳区建国路88号");

	/* a district the gazetteer lacks: the address lies there, not in
	 * the home area; but 城区 (downtown) is no district */
	expect("嫌疑人逃往高新区科技路8号一带。", "place", "高新区科技路8号");
	expect("被害人住在城区幸福路2号。", "place", "江苏省南京市玄武区幸福路2号");

	run("江苏省南京市玄武区孝陵卫街道卫岗社区发生一起盗窃。");
	m = find("place", "江苏省南京市玄武区孝陵卫街道卫岗社区");
	assert_non_null(m);
	assert_non_null(strstr(m->attrs, "\"code\":\"320102009\""));

	/* words that end like an address but are not one */
	expect_none("村民反映,该小区的社区民警路过时发现异常。", "place");
	expect_none("经查,杨帆与马超系同乡。", "place");
}

static void test_place_chain(void **state)
{
	struct names_place pl;
	char *v;

	names_place_init(&pl);
	v = names_place(names, "城东社区幸福路12号3栋2单元501室", strlen("城东社区幸福路12号3栋2单元501室"), &pl);
	assert_string_equal(v, "江苏省南京市玄武区城东社区幸福路12号3栋2单元501室");
	assert_string_equal(pl.level[NAMES_DISTRICT], "江苏省南京市玄武区");
	assert_string_equal(pl.level[NAMES_COMMUNITY], "江苏省南京市玄武区城东社区");
	assert_string_equal(pl.level[NAMES_ROAD], "江苏省南京市玄武区城东社区幸福路");
	assert_string_equal(pl.level[NAMES_BUILDING], "江苏省南京市玄武区城东社区幸福路12号3栋");
	assert_string_equal(pl.part[NAMES_BUILDING], "12号3栋");
	assert_null(pl.level[NAMES_STREET]);
	assert_string_equal(pl.code, "320102");

	/* idempotent: the canonical value gives itself back */
	{
		char *again = names_place(names, v, strlen(v), &pl);

		assert_string_equal(again, v);
		free(again);
	}
	free(v);

	v = names_place(names, "梅园新村街道", strlen("梅园新村街道"), &pl);
	assert_string_equal(v, "江苏省南京市玄武区梅园新村街道");
	assert_string_equal(pl.part[NAMES_STREET], "梅园新村街道");
	free(v);

	/* a name that reaches the start of the text, longer than a name may
	 * run back: the last characters only, so the value reads back alike */
	v = names_place(names, "群众䏍映直辖社区", strlen("群众䏍映直辖社区"), &pl);
	assert_string_equal(v, "江苏省南京市玄武区直辖社区");
	{
		char *again = names_place(names, v, strlen(v), NULL);

		assert_string_equal(again, v);
		free(again);
	}
	free(v);

	/* a district the gazetteer lacks (江北新区) ends the road's name and
	 * holds the address: under its city, not in the home district */
	v = names_place(names, "南京市江北新区浦滨路8号", strlen("南京市江北新区浦滨路8号"), &pl);
	assert_string_equal(v, "江苏省南京市江北新区浦滨路8号");
	assert_string_equal(pl.code, "3201");
	assert_null(pl.level[NAMES_DISTRICT]);
	assert_string_equal(pl.part[NAMES_ROAD], "浦滨路");
	free(v);

	/* with nothing known before it the address lies nowhere known: no
	 * home area, the text as written, and it reads back alike */
	v = names_place(names, "江蹦区梅园新村12号", strlen("江蹦区梅园新村12号"), &pl);
	assert_string_equal(v, "江蹦区梅园新村12号");
	assert_null(pl.level[NAMES_DISTRICT]);
	assert_string_equal(pl.part[NAMES_COMMUNITY], "梅园新村");
	{
		char *again = names_place(names, v, strlen(v), NULL);

		assert_string_equal(again, v);
		free(again);
	}
	free(v);

	/* a municipality: the city level is the province's */
	v = names_place(names, "北京", strlen("北京"), &pl);
	assert_string_equal(v, "北京市");
	free(v);

	/* no address: the text, trimmed */
	v = names_place(names, " 如家 ", strlen(" 如家 "), &pl);
	assert_string_equal(v, "如家");
	assert_null(pl.level[NAMES_DISTRICT]);
	free(v);
	assert_string_equal(names_level_name(NAMES_STREET), "street");
	names_place_release(&pl);
}

static void test_place_village_roads(void **state)
{
	/* 村 inside a road name is no village: the road is 锁金村路 and the
	 * community the one the address names */
	expect_levels("其位于玄武区锁金村街道锁金一村社区锁金村路38号的家中被盗。",
		      "玄武区锁金村街道锁金一村社区锁金村路38号",
		      "江苏省南京市玄武区锁金村街道锁金一村社区",
		      "江苏省南京市玄武区锁金村街道锁金一村社区锁金村路");
	assert_non_null(find("place", "江苏省南京市玄武区锁金村街道锁金一村社区锁金村路38号"));

	/* bare, it has no community at all */
	expect_levels("其停放在锁金村路38号的电动车被盗。", "锁金村路38号", "",
		      "江苏省南京市玄武区锁金村路");

	expect_levels("群众反映红山街道五塘村社区五塘村路12号有人打架。",
		      "红山街道五塘村社区五塘村路12号", "江苏省南京市玄武区红山街道五塘村社区",
		      "江苏省南京市玄武区红山街道五塘村社区五塘村路");

	/* a road word before 社区 is part of the community's name */
	expect_levels("城北路社区居民反映楼道堆放杂物。", "城北路社区",
		      "江苏省南京市玄武区城北路社区", "");
	run("西岗村社区发生一起盗窃。");
	assert_level("西岗村社区", "community", "江苏省南京市玄武区西岗村社区");

	/* 社区卫 is not 社区卫生: 卫岗社区卫岗12号 keeps its community */
	run("其位于玄武区孝陵卫街道卫岗社区卫岗12号的家中被盗。");
	assert_level("玄武区孝陵卫街道卫岗社区卫岗12号", "community",
		     "江苏省南京市玄武区孝陵卫街道卫岗社区");

	/* 街道 after a village word ends the street's name (石桥村街道): it
	 * is no township of its own, though the gazetteer holds two named
	 * 街道, so the door number stays with the street */
	run("其住在石桥村街道3号。");
	assert_level("石桥村街道3号", "street", "江苏省南京市玄武区石桥村街道");
	assert_non_null(find("place", "江苏省南京市玄武区石桥村街道3号"));

	/* an address goes coarse to fine: a street after a door number
	 * starts another address, not a second home area inside the first */
	run("其先后住在幸福路12号梅园新村街道长江路社区。");
	assert_non_null(find("place", "江苏省南京市玄武区幸福路12号"));
	assert_non_null(find("place", "江苏省南京市玄武区梅园新村街道长江路社区"));
	assert_int_equal(count("place"), 2);

	/* a road that starts with a stop word (和 'and') */
	expect("其位于和燕路7号的家中被盗。", "place", "江苏省南京市玄武区和燕路7号");

	/* 于 is a surname too, but not before an address */
	run("其年迈的父亲于孝陵卫街7号走失。");
	assert_int_equal(count("person"), 0);
	assert_non_null(find("place", "江苏省南京市玄武区孝陵卫街7号"));

	/* the house number is the address's, not the start of an org name */
	run("群众举报和燕路88号3单元一棋牌室内有人聚众赌博。");
	assert_non_null(find("place", "江苏省南京市玄武区和燕路88号3单元"));
	assert_int_equal(count("org"), 0);
}

/*
 * Every street, community and road of the synthetic district
 * (bench/district.tsv) in the forms bench/gen writes, inside a sentence:
 * the place is the whole address, at its community and road.
 */
static void test_place_district(void **state)
{
	FILE *f = fopen(LOOKOUT_DATADIR "/../bench/district.tsv", "r");
	char line[512], text[1024], surface[512], want[512], want_road[512];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *street = strtok(line, "\t\n"), *community = strtok(NULL, "\t\n");
		char *roads = strtok(NULL, "\t\n"), *road, *save = NULL;

		if (!street || street[0] == '#' || !community || !roads)
			continue;
		for (road = strtok_r(roads, ",", &save); road; road = strtok_r(NULL, ",", &save)) {
			char *got;

			snprintf(surface, sizeof(surface), "玄武区%s%s%s%d号", street, community,
				 road, 12 + n);
			snprintf(text, sizeof(text), "群众反映%s楼上深夜噪音扰民,民警到场劝解。",
				 surface);
			snprintf(want, sizeof(want), "江苏省南京市玄武区%s%s", street, community);
			snprintf(want_road, sizeof(want_road), "江苏省南京市玄武区%s%s%s", street,
				 community, road);
			expect_levels(text, surface, want, want_road);

			snprintf(surface, sizeof(surface), "%s%d号", road, 12 + n);
			snprintf(text, sizeof(text), "其位于%s的家中被盗,门锁有撬压痕迹。", surface);
			run(text);
			got = place_level(surface, "road");
			assert_non_null(got);
			assert_non_null(strstr(got, road));
			free(got);
			n++;
		}
	}
	fclose(f);
	assert_true(n >= 30);
}

static void test_landmarks(void **state)
{
	/* a landmark with no address word, under its street */
	expect("报称在新街口地铁站被扒窃。", "place", "江苏省南京市玄武区新街口街道新街口");
	run("群众反映玄武门附近有人打架。");
	assert_level("玄武门", "building", "江苏省南京市玄武区玄武门街道玄武门");

	/* with its community, so both forms are one place */
	expect("其停放在卫岗12号的电动车被盗。", "place", "江苏省南京市玄武区孝陵卫街道卫岗社区卫岗12号");
	expect("其位于玄武区孝陵卫街道卫岗社区卫岗12号的家中被盗。", "place", "江苏省南京市玄武区孝陵卫街道卫岗社区卫岗12号");

	/* an address word after it makes a place of its own */
	expect("其位于后宰门街5号的家中被盗。", "place", "江苏省南京市玄武区后宰门街5号");
	/* a community of the home area named alone gets its street */
	expect_levels("长江路社区居民反映楼道堆放杂物。", "长江路社区",
		      "江苏省南京市玄武区梅园新村街道长江路社区", "");
	expect("群众举报后宰门社区后宰门街5号有人吸毒。", "place",
	       "江苏省南京市玄武区玄武湖街道后宰门社区后宰门街5号");
	/* another district's 新街口 is not the home area's */
	expect("其在鼓楼区新街口被扒窃。", "place", "江苏省南京市鼓楼区新街口");

	/* after a name left unresolved (南京市 is not under 玄武区) where the
	 * landmark stands is unknown: no street before it, so the value,
	 * read again, stays as it is */
	{
		char *v = names_place(names, "玄武区南京市卫岗12号", strlen("玄武区南京市卫岗12号"), NULL);
		char *again = names_place(names, v, strlen(v), NULL);

		assert_string_equal(v, "江苏省南京市玄武区南京市卫岗12号");
		assert_string_equal(again, v);
		free(again);
		free(v);
	}
}

static void test_orgs(void **state)
{
	run("张伟和李强在如家快捷酒店发生争执,随后到城东派出所报警。");
	assert_non_null(find("org", "如家快捷酒店"));
	assert_non_null(find("org", "城东派出所"));
	assert_non_null(find("person", "张伟"));
	assert_non_null(find("person", "李强"));

	run("万某在中国工商银行玄武支行被人诈骗。");
	assert_non_null(find("org", "中国工商银行玄武支行"));
	assert_int_equal(count("org"), 1);

	expect_none("其银行卡被盗刷。", "org");

	/* a count is no name: 一家麻将馆, 有三家网吧 */
	expect_none("据反映,陈军在锁金村路开了一家麻将馆,附近有三家网吧。", "org");
	expect("民警在一品香饭店调取监控。", "org", "一品香饭店");
}

static void test_items(void **state)
{
	const struct mention *m;

	run("报警人称其一部黑色苹果iPhone 13手机被盗。");
	m = find("item", "苹果iPhone 13手机");
	assert_non_null(m);
	assert_string_equal(m->surface, "黑色苹果iPhone 13手机");
	assert_string_equal(m->attrs,
			    "{\"colour\":\"黑色\",\"brand\":\"苹果\",\"model\":\"iPhone 13\"}");

	/* identifiers after the object go into its attrs */
	mention_list_clear(&list);
	{
		const char *t = "其华为手机被盗,串号356938035643809。";
		const char *imei = strstr(t, "356");

		mention_add(&list, "imei", "356938035643809", "356938035643809",
			    imei - t, imei - t + 15, "test", 1.0);
		names_extract(names, t, strlen(t), &list);
	}
	m = find("item", "华为手机");
	assert_non_null(m);
	assert_non_null(strstr(m->attrs, "\"imei\":\"356938035643809\""));

	/* no theft, loss or sale in the sentence: no exhibit */
	expect_none("民警用手机联系报警人。他的手机号码是多少。", "item");
}

static void test_labelled_bars(void **state)
{
	struct names_score sc[SCORE_NTYPES];
	long n = score_file(names, LOOKOUT_DATADIR "/../tests/eval/labelled-names.jsonl",
			    sc, NULL);

	assert_true(n >= 120);
	assert_true(score_p(&sc[SCORE_PERSON]) >= 0.9);
	assert_true(score_p(&sc[SCORE_PLACE]) >= 0.9);
	assert_true(score_r(&sc[SCORE_PERSON]) >= 0.8);
	assert_true(score_r(&sc[SCORE_PLACE]) >= 0.7);
}

static void test_bad_datadir(void **state)
{
	struct err err;

	assert_null(names_new("/nonexistent", &err));
	assert_non_null(strstr(err.msg, "surnames.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cues_and_roles),
		cmocka_unit_test(test_redacted),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_no_cue),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_english_places),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_place_chain),
		cmocka_unit_test(test_place_village_roads),
		cmocka_unit_test(test_place_district),
		cmocka_unit_test(test_landmarks),
		cmocka_unit_test(test_orgs),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_labelled_bars),
		cmocka_unit_test(test_bad_datadir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
