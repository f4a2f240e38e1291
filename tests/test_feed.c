/* feed: JSON Feed parsing, _signage, dates, caps. Fixtures in data/feed/. */
#include "feed.h"
#include "sentence.h"
#include "util.h"
#include "log.h"
#include "test.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HEAD "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","

static feed *parse_str(const char *json)
{
    return feed_parse(json, strlen(json), "test");
}

static feed *parse_file(const char *name)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/feed/%s", TEST_DATA_DIR, name);
    char *buf = test_read_file(path, &len);
    CHECKF(buf != NULL, "cannot read %s", path);
    if (!buf)
        return NULL;
    feed *f = feed_parse(buf, len, name);
    free(buf);
    return f;
}

/* Parses json and checks that exactly `logs` problem lines were written. */
static feed *parse_logs(const char *json, unsigned logs, int line)
{
    unsigned before = log_problem_count();
    feed *f = parse_str(json);
    unsigned got = log_problem_count() - before;
    CHECKF(got == logs, "line %d: %u log lines, want %u", line, got, logs);
    return f;
}

static void test_valid(void)
{
    unsigned before = log_problem_count();
    feed *f = parse_file("valid.json");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(log_problem_count() == before);
    CHECK(strcmp(f->title, "沅陵社区 公告") == 0);
    CHECK(f->language && strcmp(f->language, "zh-CN") == 0);
    CHECK(f->home_page_url && strcmp(f->home_page_url, "https://example.org/") == 0);
    CHECK(!f->expired);
    CHECK(f->n_items == 6);
    CHECK(f->defaults.duration == 20 && f->defaults.days == 0x3E &&
          f->defaults.n_hours == 1);

    const feed_item *a1 = &f->items[0];
    CHECK(strcmp(a1->id, "a1") == 0 && strcmp(a1->title, "停水通知") == 0);
    CHECKF(strcmp(a1->body, "因管道维修，6月28日停水。\n请提前储水。") == 0, "%s",
           a1->body);
    CHECK(a1->has_date_published && a1->date_published == 1719450000);
    CHECK(a1->has_date_modified && a1->date_modified == 1719450000);
    const feed_signage *s = &a1->signage;
    CHECK(s->has_priority && s->priority == FEED_PRIORITY_URGENT);
    CHECK(s->duration == 30);
    CHECK(s->n_hours == 2 && s->hours[0].from == 22 * 60 && s->hours[0].to == 6 * 60);
    CHECK(s->hours[1].from == 12 * 60 && s->hours[1].to == 13 * 60);
    CHECK(s->has_order && s->order == -2);
    CHECK(s->has_enabled && s->enabled);
    CHECK(s->has_start && s->start == 1719417600);
    CHECK(s->has_end && s->end == 1719590400);
    CHECK(s->days == ((1 << 6) | (1 << 7)));

    const feed_item *a2 = &f->items[1];
    CHECKF(strcmp(a2->body, "时间：周六上午 9:00\n地点：活动室") == 0, "%s", a2->body);
    CHECK(a2->image && strcmp(a2->image, "https://example.org/a.jpg") == 0);
    CHECK(a2->banner_image && strcmp(a2->banner_image, "https://example.org/b.jpg") == 0);
    CHECK(feed_item_image(a2) == a2->image); /* image before banner_image */
    feed_item banner_only = {.banner_image = a2->banner_image};
    CHECK(feed_item_image(&banner_only) == a2->banner_image);
    CHECK(feed_item_image(&(feed_item){0}) == NULL);
    CHECK(a2->language && strcmp(a2->language, "zh-Hans") == 0);
    CHECK(!a2->has_date_published);
    /* Feed-level defaults reach an item without _signage. */
    CHECK(a2->signage.duration == 20 && a2->signage.days == 0x3E);
    CHECK(a2->signage.n_hours == 1 && a2->signage.hours[0].from == 480 &&
          a2->signage.hours[0].to == 1080);
    CHECK(a2->signage.has_priority && a2->signage.priority == FEED_PRIORITY_NORMAL);
    CHECK(!a2->signage.has_order && !a2->signage.has_enabled && !a2->signage.has_start);

    const feed_item *a3 = &f->items[2];
    CHECK(strcmp(a3->id, "42") == 0 && strcmp(a3->title, "") == 0);
    CHECK(strcmp(a3->body, "数字编号") == 0);
    CHECK(a3->summary && strcmp(a3->summary, "摘要") == 0);
    CHECK(strcmp(f->items[3].body, "text wins") == 0);
    CHECK(strcmp(f->items[4].body, "from html") == 0);
    CHECK(f->items[5].image == NULL && f->items[5].summary == NULL);
    CHECK(f->items[5].signage.duration == 20);

    CHECK(feed_find(f, "a4") == 3);
    CHECK(feed_find(f, "42") == 2);
    CHECK(feed_find(f, "nope") == -1);
    CHECK(feed_find(NULL, "a1") == -1);
    feed_destroy(f);
    feed_destroy(NULL);
}

static void test_required(void)
{
    static const char *const refused[] = {
        "{\"title\":\"t\",\"items\":[]}",
        "{\"version\":\"https://jsonfeed.org/version/2\",\"title\":\"t\",\"items\":[]}",
        "{\"version\":\"jsonfeed 1.1\",\"title\":\"t\",\"items\":[]}",
        "{\"version\":1.1,\"title\":\"t\",\"items\":[]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":5,\"items\":[]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":null,\"items\":[]}",
        HEAD "\"x\":1}",
        HEAD "\"items\":{}}",
        HEAD "\"items\":\"[]\"}",
        "[]",
        "\"feed\"",
        "{\"version\":\"https://jsonfeed.org/version/"
        "1.1\",\"title\":\"t\",\"items\":[],}",
        "",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        feed *f = parse_logs(refused[i], 1, __LINE__);
        CHECKF(f == NULL, "accepted: %s", refused[i]);
        feed_destroy(f);
    }
    CHECK(feed_parse(NULL, 0, "test") == NULL);
    feed *f = parse_logs("{\"version\":\"http://jsonfeed.org/version/1\",\"title\":\"t\","
                         "\"items\":[]}",
                         0, __LINE__);
    CHECK(f != NULL && f->n_items == 0 && strcmp(f->title, "t") == 0);
    feed_destroy(f);
}

/* Every known item field with every wrong type: the item goes, alone. */
static void test_item_types(void)
{
    static const char *const fields[] = {
        "title",    "summary",        "content_text",  "content_html",
        "url",      "external_url",   "image",         "banner_image",
        "language", "date_published", "date_modified", "tags"};
    static const char *const wrong[] = {"5", "true", "{}", "[\"x\"]", "\"s\""};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        for (size_t w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
            bool is_tags = strcmp(fields[i], "tags") == 0;
            bool right = is_tags ? w == 3 : w == 4;
            char json[512];
            /* The content the item has besides the field under test. */
            const char *base =
                strcmp(fields[i], "content_text") ? "content_text" : "content_html";
            snprintf(json, sizeof json,
                     HEAD "\"items\":[{\"id\":\"bad\",\"%s\":\"x\",\"%s\":%s},"
                          "{\"id\":\"good\",\"content_text\":\"y\"}]}",
                     base, fields[i], wrong[w]);
            /* A string date that is no date, or a language that is no tag
             * ("s" is too short for BCP 47), is one log line, item kept. */
            bool date =
                strncmp(fields[i], "date_", 5) == 0 || strcmp(fields[i], "language") == 0;
            feed *f = parse_logs(json, right && !date ? 0 : 1, __LINE__);
            CHECKF(f && f->n_items == (right ? 2u : 1u), "%s: %s", fields[i], wrong[w]);
            CHECK(f && feed_find(f, "good") >= 0);
            feed_destroy(f);
        }
    }
    /* Feed-level optional fields of the wrong type are ignored, the feed stays. */
    feed *f = parse_logs(HEAD "\"language\":5,\"expired\":\"yes\",\"home_page_url\":[],"
                              "\"_signage\":\"x\",\"items\":[]}",
                         4, __LINE__);
    CHECK(f && !f->language && !f->expired && !f->home_page_url);
    feed_destroy(f);
    f = parse_logs(HEAD
                   "\"expired\":true,\"items\":[{\"id\":\"a\",\"content_text\":\"x\","
                   "\"_signage\":5}]}",
                   1, __LINE__);
    CHECK(f && f->expired && f->n_items == 1);
    feed_destroy(f);
    f = parse_logs(HEAD
                   "\"language\":\"zh\\nCN\",\"items\":[{\"id\":\"a\",\"content_text\":"
                   "\"x\",\"language\":\"zh Hans\"},{\"id\":\"b\",\"content_text\":\"x\","
                   "\"language\":\"zh-Hant-TW\"}]}",
                   2, __LINE__);
    CHECK(f && !f->language && f->n_items == 2 && !f->items[0].language);
    CHECK(f && f->items[1].language && strcmp(f->items[1].language, "zh-Hant-TW") == 0);
    feed_destroy(f);
}

static void test_bad_items(void)
{
    unsigned before = log_problem_count();
    feed *f = parse_file("bad-items.json");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECKF(log_problem_count() - before == 10, "%u log lines",
           log_problem_count() - before);
    CHECK(f->n_items == 2);
    long ok = feed_find(f, "ok");
    CHECK(ok == 0 && strcmp(f->items[0].body, "kept") == 0);
    CHECK(feed_find(f, "bad-date") == 1 && !f->items[1].has_date_published);
    CHECK(feed_find(f, "blank") == -1 && feed_find(f, "no-content") == -1);
    feed_destroy(f);

    /* The first usable item with an id wins; a skipped one does not count. */
    f = parse_logs(HEAD
                   "\"items\":[{\"id\":\"d\",\"title\":1,\"content_text\":\"a\"},"
                   "{\"id\":\"d\",\"content_text\":\"b\"},{\"id\":\"d\",\"content_text\":"
                   "\"c\"}]}",
                   2, __LINE__);
    CHECK(f && f->n_items == 1 && strcmp(f->items[0].body, "b") == 0);
    feed_destroy(f);
    f = parse_logs(HEAD "\"items\":[]}", 0, __LINE__);
    CHECK(f && f->n_items == 0);
    feed_destroy(f);
}

static void test_encoding(void)
{
    unsigned before = log_problem_count();
    feed *f = parse_file("not-utf8.json");
    CHECK(f == NULL);
    CHECK(log_problem_count() == before + 1);
    f = parse_file("bom.json");
    CHECK(f && f->n_items == 1 && strcmp(f->title, "bom") == 0);
    feed_destroy(f);
    /* Escaped control characters and bidi overrides are cleaned from text. */
    f = parse_str(HEAD "\"items\":[{\"id\":\"e\",\"title\":\"a\\u0007b\\u202Ec\","
                       "\"content_text\":\"\\u001b[31mred\\u001b[0m\\r\\nnext\"}]}");
    CHECK(f && f->n_items == 1);
    if (f && f->n_items == 1) {
        CHECKF(strcmp(f->items[0].title, "abc") == 0, "%s", f->items[0].title);
        CHECKF(strcmp(f->items[0].body, "red\nnext") == 0, "%s", f->items[0].body);
    }
    feed_destroy(f);
}

/* Builds a feed with n items whose ids are their indices. */
static char *many_items(size_t n, size_t *len)
{
    size_t cap = 128 + n * 64;
    char *buf = xmalloc(cap);
    size_t k = (size_t)snprintf(buf, cap, HEAD "\"items\":[");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k,
                              "%s{\"id\":\"%zu\",\"content_text\":\"第%zu条\"}",
                              i ? "," : "", i, i);
    k += (size_t)snprintf(buf + k, cap - k, "]}");
    *len = k;
    return buf;
}

static void test_caps(void)
{
    size_t len;
    char *json = many_items(FEED_MAX_ITEMS, &len);
    unsigned before = log_problem_count();
    clock_t t0 = clock();
    feed *f = feed_parse(json, len, "many");
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    printf("feed: %d items, %zu bytes parsed in %.1f ms CPU\n", FEED_MAX_ITEMS, len, ms);
    CHECK(f && f->n_items == FEED_MAX_ITEMS && log_problem_count() == before);
    CHECK(f && feed_find(f, "9999") == 9999);
    feed_destroy(f);
    free(json);

    json = many_items(FEED_MAX_ITEMS + 1, &len);
    before = log_problem_count();
    f = feed_parse(json, len, "many");
    CHECK(f && f->n_items == FEED_MAX_ITEMS && log_problem_count() == before + 1);
    CHECK(f && feed_find(f, "10000") == -1 && feed_find(f, "0") == 0);
    feed_destroy(f);
    free(json);

    /* Bigger than FEED_MAX_BYTES: refused before any parsing. */
    size_t big = FEED_MAX_BYTES + 1;
    json = xmalloc(big);
    memset(json, ' ', big);
    memcpy(json, "[]", 2);
    before = log_problem_count();
    CHECK(feed_parse(json, big, "big") == NULL && log_problem_count() == before + 1);
    free(json);

    /* Long text is cut at a character boundary within the caps. */
    size_t n = 40000;
    json = xmalloc(n * 3 + 4096);
    size_t cap = n * 3 + 4096;
    size_t k =
        (size_t)snprintf(json, cap, HEAD "\"items\":[{\"id\":\"long\",\"title\":\"");
    for (size_t i = 0; i < 1000; i++)
        k += (size_t)snprintf(json + k, cap - k, "标");
    k += (size_t)snprintf(json + k, cap - k, "\",\"content_text\":\"");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(json + k, cap - k, "中");
    k += (size_t)snprintf(json + k, cap - k, "\"}]}");
    f = feed_parse(json, k, "long");
    CHECK(f && f->n_items == 1);
    if (f && f->n_items == 1) {
        size_t body = strlen(f->items[0].body), title = strlen(f->items[0].title);
        /* One run-on sentence: cut at a character, then the note. */
        size_t note = strlen("\n" FEED_CUT_NOTE), kept = body - note;
        CHECK(body <= FEED_MAX_TEXT && body > FEED_MAX_TEXT - 3 && kept % 3 == 0);
        CHECK(strcmp(f->items[0].body + kept, "\n" FEED_CUT_NOTE) == 0);
        CHECK(title <= FEED_MAX_TITLE && title > FEED_MAX_TITLE - 3 && title % 3 == 0);
        CHECK(text_utf8_valid(f->items[0].body, body));
    }
    feed_destroy(f);
    free(json);
}

/* A body or summary over FEED_MAX_TEXT ends at a sentence end and says it
 * was cut; one at the cap is left whole. Table: the repeated sentence, how
 * many times, and whether the note is expected. */
static void test_cut_note(void)
{
    static const struct {
        const char *sentence;
        size_t times;
        bool cut;
    } cases[] = {
        {"居民朋友们请注意节约用水。", 2000, true},   /* 39 bytes each */
        {"他说：“明天停水！”", 3000, true},           /* closing quote kept */
        {"Water is off on Monday. ", 3000, true},     /* ASCII sentences */
        {"居民朋友们请注意节约用水。", 1680, false},  /* 65520 bytes: whole */
        {"第一段。\\n第二段没有句号\\n", 5000, true}, /* a paragraph end */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t one = strlen(cases[c].sentence), cap = one * cases[c].times + 4096, k;
        char *json = xmalloc(cap);
        for (int field = 0; field < 2; field++) {
            k = (size_t)snprintf(json, cap, HEAD "\"items\":[{\"id\":\"n\",\"%s\":\"",
                                 field ? "summary" : "content_text");
            for (size_t i = 0; i < cases[c].times; i++)
                k += (size_t)snprintf(json + k, cap - k, "%s", cases[c].sentence);
            k += (size_t)snprintf(json + k, cap - k, "\"%s}]}",
                                  field ? ",\"content_text\":\"x\"" : "");
            feed *f = feed_parse(json, k, "cut");
            CHECKF(f && f->n_items == 1, "case %zu", c);
            const char *t = f && f->n_items == 1
                                ? (field ? f->items[0].summary : f->items[0].body)
                                : NULL;
            size_t len = t ? strlen(t) : 0, note = strlen("\n" FEED_CUT_NOTE);
            bool has_note = len > note && strcmp(t + len - note, "\n" FEED_CUT_NOTE) == 0;
            CHECKF(t && len <= FEED_MAX_TEXT, "case %zu: %zu bytes", c, len);
            CHECKF(has_note == cases[c].cut, "case %zu field %d: note %d", c, field,
                   has_note);
            if (t && has_note)
                CHECKF(sentence_ends_at(t, len - note, len - note) &&
                           sentence_cut(t, len, len - note) == len - note,
                       "case %zu: cut mid-sentence: ...%s", c, t + len - note - 12);
            feed_destroy(f);
        }
        free(json);
    }
}

/* Each field valid on its own, then each invalid value alone: that field
 * falls back to the feed default (duration 7), the others stay. */
static void test_signage_fields(void)
{
    static const struct {
        const char *field, *value;
    } valid[] = {
        {"start", "\"2024-01-01T00:00:00Z\""},
        {"end", "\"2024-12-31T00:00:00Z\""},
        {"days", "[1,7]"},
        {"hours", "[\"00:00-24:00\"]"},
        {"priority", "\"high\""},
        {"order", "3"},
        {"enabled", "false"},
        {"max_pages", "5"},
    };
    static const struct {
        const char *field, *value;
    } bad[] = {
        {"start", "\"2024-13-01T00:00:00Z\""},
        {"start", "5"},
        {"start", "\"yesterday\""},
        {"end", "\"2023-02-29T00:00:00Z\""},
        {"days", "[0]"},
        {"days", "[8]"},
        {"days", "[1.5]"},
        {"days", "\"1\""},
        {"days", "[]"},
        {"days", "[\"1\"]"},
        {"hours", "[\"8:00-18:00\"]"},
        {"hours", "[\"08:00-18:60\"]"},
        {"hours", "[\"08:00-08:00\"]"},
        {"hours", "[\"+8:00-18:00\"]"},
        {"hours", "[\"24:00-01:00\"]"},
        {"hours", "[\"08:00-24:01\"]"},
        {"hours", "[]"},
        {"hours", "\"08:00-18:00\""},
        {"hours", "[5]"},
        {"hours", "[\"08:00 - 18:00\"]"},
        {"hours", "[\"01:00-02:00\",\"02:00-03:00\",\"03:00-04:00\",\"04:00-05:00\","
                  "\"05:00-06:00\",\"06:00-07:00\",\"07:00-08:00\",\"08:00-09:00\","
                  "\"09:00-10:00\"]"},
        {"duration", "0"},
        {"duration", "-5"},
        {"duration", "1.5"},
        {"duration", "\"10\""},
        {"duration", "true"},
        {"priority", "\"critical\""},
        {"priority", "1"},
        {"priority", "\"URGENT\""},
        {"order", "1.5"},
        {"order", "\"1\""},
        {"order", "1e20"},
        {"enabled", "\"true\""},
        {"enabled", "1"},
        {"max_pages", "0"},
        {"max_pages", "1001"},
        {"max_pages", "2.5"},
        {"max_pages", "\"3\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* All valid fields but the one under test, then its bad value. */
        char sig[1024];
        size_t k = 0;
        for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++)
            if (strcmp(valid[v].field, bad[i].field) != 0)
                k += (size_t)snprintf(sig + k, sizeof sig - k, "\"%s\":%s,",
                                      valid[v].field, valid[v].value);
        snprintf(sig + k, sizeof sig - k, "\"%s\":%s", bad[i].field, bad[i].value);
        char json[2048];
        snprintf(json, sizeof json,
                 HEAD "\"_signage\":{\"duration\":7},\"items\":[{\"id\":\"s\","
                      "\"content_text\":\"x\",\"_signage\":{%s}}]}",
                 sig);
        feed *f = parse_logs(json, 1, __LINE__);
        CHECKF(f && f->n_items == 1, "%s=%s: item dropped", bad[i].field, bad[i].value);
        if (!f || f->n_items != 1) {
            feed_destroy(f);
            continue;
        }
        const feed_signage *s = &f->items[0].signage;
        const char *b = bad[i].field;
        bool is = strcmp(b, "start") == 0;
        CHECKF(s->has_start == !is, "%s", json);
        CHECK(s->has_end == (strcmp(b, "end") != 0));
        CHECK((s->days == 0) == (strcmp(b, "days") == 0));
        CHECK((s->n_hours == 0) == (strcmp(b, "hours") == 0));
        CHECK(s->duration == 7);
        CHECK(s->has_priority == (strcmp(b, "priority") != 0));
        CHECK(s->has_order == (strcmp(b, "order") != 0));
        CHECK(s->has_enabled == (strcmp(b, "enabled") != 0));
        CHECK(s->max_pages == (strcmp(b, "max_pages") != 0 ? 5 : 0));
        if (strcmp(b, "hours") != 0)
            CHECK(s->n_hours == 1 && s->hours[0].from == 0 && s->hours[0].to == 1440);
        if (strcmp(b, "enabled") != 0)
            CHECK(!s->enabled);
        feed_destroy(f);
    }

    /* Capped, not dropped: one log line, duration 3600. Null: absent. */
    feed *f = parse_logs(HEAD "\"items\":[{\"id\":\"c\",\"content_text\":\"x\","
                              "\"_signage\":{\"duration\":100000,\"enabled\":null,"
                              "\"unknown\":[1,2]}}]}",
                         1, __LINE__);
    CHECK(f && f->n_items == 1 && f->items[0].signage.duration == FEED_MAX_DURATION &&
          !f->items[0].signage.has_enabled);
    feed_destroy(f);
    /* Exactly FEED_MAX_HOURS windows is fine; item hours replace the default. */
    f = parse_logs(
        HEAD "\"_signage\":{\"hours\":[\"01:00-02:00\"],\"order\":5},"
             "\"items\":[{\"id\":\"h\",\"content_text\":\"x\",\"_signage\":{\"hours\":"
             "[\"00:00-01:00\",\"01:00-02:00\",\"02:00-03:00\",\"03:00-04:00\","
             "\"04:00-05:00\",\"05:00-06:00\",\"06:00-07:00\",\"23:30-00:15\"]}}]}",
        0, __LINE__);
    CHECK(f && f->n_items == 1 && f->items[0].signage.n_hours == FEED_MAX_HOURS);
    CHECK(f && f->items[0].signage.hours[7].from == 1410 &&
          f->items[0].signage.hours[7].to == 15);
    CHECK(f && f->items[0].signage.has_order && f->items[0].signage.order == 5);
    CHECK(f && f->defaults.n_hours == 1);
    feed_destroy(f);
}

static void test_times(void)
{
    static const struct {
        const char *s;
        int64_t t;
    } good[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2024-06-28T09:00:00+08:00", 1719536400},
        {"2024-06-28T01:00:00.123456Z", 1719536400},
        {"2024-06-28t01:00:00z", 1719536400},
        {"2024-06-28 01:00:00Z", 1719536400},
        {"2024-02-29T12:00:00-05:30", 1709227800},
        {"2000-03-01T00:00:00Z", 951868800},
        {"2000-02-29T00:00:00Z", 951782400},
        {"1969-12-31T23:59:59Z", -1},
        {"2016-12-31T23:59:60Z", 1483228800},
        {"0000-01-01T00:00:00Z", -62167219200},
        {"9999-12-31T23:59:59Z", 253402300799},
        {"2024-01-01T00:00:00+23:59", 1704067200 - 86340},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t t = 12345;
        bool ok = feed_parse_time(good[i].s, &t);
        CHECKF(ok && t == good[i].t, "%s: %d %lld", good[i].s, ok, (long long)t);
    }
    static const char *const bad[] = {
        "2024-13-01T00:00:00Z",       "2024-00-10T00:00:00Z",
        "2024-02-30T00:00:00Z",       "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",       "2024-04-31T00:00:00Z",
        "2024-06-00T00:00:00Z",       "2024-06-28",
        "2024-06-28T24:00:00Z",       "2024-06-28T09:60:00Z",
        "2024-06-28T09:00:61Z",       "2024-06-28T09:00:00",
        "2024-06-28T09:00:00+8:00",   "2024-06-28T09:00:00+08:00x",
        "2024-06-28T09:00:00.Z",      "2024-6-28T09:00:00Z",
        "2024-06-28T09:00:00+24:00",  "2024-06-28T09:00:00+08:60",
        "2024-06-28X09:00:00Z",       "",
        "-024-06-28T09:00:00Z",       "2024-06-28T09:00Z",
        "2024-06-28T09:00:00 +08:00", "２０２４-06-28T09:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 777;
        CHECKF(!feed_parse_time(bad[i], &t) && t == 777, "accepted %s", bad[i]);
    }
    int64_t t;
    CHECK(!feed_parse_time(NULL, &t));
    /* Against the C library over many dates from 1970 to 2100. */
    int mismatches = 0;
    uint32_t seed = 7;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1664525u + 1013904223u;
        time_t when = (time_t)(seed % 4102444800u);
        struct tm tm;
        gmtime_r(&when, &tm);
        char buf[40];
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (!feed_parse_time(buf, &t) || t != (int64_t)when)
            mismatches++;
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S-03:30", &tm);
        if (!feed_parse_time(buf, &t) || t != (int64_t)when + 12600)
            mismatches++;
    }
    CHECKF(mismatches == 0, "%d dates differ from gmtime", mismatches);
}

/* Parses json with stderr sent to a file; returns what was logged. */
static char *capture_log(const char *json, feed **out)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    if (!tmp || saved < 0)
        abort();
    dup2(fileno(tmp), 2);
    *out = parse_str(json);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    char *buf = xcalloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
    return buf;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_log_lines(void)
{
    /* One line naming source, index, id (cut on a character boundary,
     * control bytes made harmless) and the problem. */
    char json[2048];
    char id[400] = "";
    for (int i = 0; i < 100; i++)
        memcpy(id + 3 * i, "编", 4);
    snprintf(json, sizeof json,
             HEAD "\"items\":[{\"id\":\"x\\n%s\",\"title\":[],\"content_text\":\"x\"}]}",
             id);
    feed *f;
    char *log = capture_log(json, &f);
    CHECK(f && f->n_items == 0);
    CHECKF(count_lines(log) == 1, "%s", log);
    CHECK(strstr(log, "feed: test: items[0] \"x?编编") != NULL);
    CHECK(strstr(log, "...\": title is not a string, skipped") != NULL);
    CHECK(text_utf8_valid(log, strlen(log)));
    free(log);
    feed_destroy(f);

    /* A thousand bad items: FEED_MAX_LOG_LINES lines and one summary. */
    size_t cap = 64 * 1024, k = 0;
    char *many = xmalloc(cap);
    k += (size_t)snprintf(many, cap, HEAD "\"items\":[");
    for (int i = 0; i < 1000; i++)
        k += (size_t)snprintf(many + k, cap - k, "%s{\"id\":\"%d\"}", i ? "," : "", i);
    snprintf(many + k, cap - k, ",{\"id\":\"ok\",\"content_text\":\"x\"}]}");
    log = capture_log(many, &f);
    CHECK(f && f->n_items == 1);
    CHECKF(count_lines(log) == FEED_MAX_LOG_LINES + 1, "%zu lines", count_lines(log));
    CHECK(strstr(log, "950 more problems") != NULL);
    free(log);
    free(many);
    feed_destroy(f);
}

/* cJSON ends a string at \u0000: "a\u0000b" would become "a" and take the
 * id of another item. Such an item is skipped instead. */
static void test_nul_escape(void)
{
    feed *f =
        parse_logs(HEAD "\"items\":[{\"id\":\"a\\u0000b\",\"content_text\":\"x\"},"
                        "{\"id\":\"a\",\"content_text\":\"y\"},"
                        "{\"id\":\"c\",\"title\":\"t\\u0000\",\"content_text\":\"z\"},"
                        "{\"id\":\"d\",\"k\\u0000\":1,\"content_text\":\"w\"}]}",
                   3, __LINE__);
    CHECK(f && f->n_items == 1);
    CHECK(f && feed_find(f, "a") == 0 && strcmp(f->items[0].body, "y") == 0);
    feed_destroy(f);
    /* Outside the items: the feed's own fields, refused whole. */
    f = parse_logs(
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\\u0000x\","
        "\"items\":[]}",
        1, __LINE__);
    CHECK(f == NULL);
    /* A NUL character written whole is still fine where JSON allows it:
     * nowhere raw, and "\\u0000" as text is six printable characters. */
    f = parse_logs(HEAD "\"items\":[{\"id\":\"a\\\\u0000b\",\"content_text\":\"x\"}]}", 0,
                   __LINE__);
    CHECK(f && f->n_items == 1 && strcmp(f->items[0].id, "a\\u0000b") == 0);
    feed_destroy(f);
}

/* A document of about FEED_MAX_BYTES holding "<head>[0,0,...,0]}". */
static char *zeros_feed(const char *head, size_t *len)
{
    size_t cap = FEED_MAX_BYTES - 16, n = strlen(head);
    char *buf = xmalloc(cap + 8);
    memcpy(buf, head, n);
    while (n + 4 < cap) {
        memcpy(buf + n, "0,", 2);
        n += 2;
    }
    memcpy(buf + n, "0]}", 4);
    *len = n + 3;
    return buf;
}

typedef struct {
    const char *json;
    size_t len;
    bool refused;
} memory_job;

/* In a child: resets the peak RSS, parses, and checks the peak growth
 * (bounded by a small multiple of the document) and the RSS left after a
 * small feed replaces it. 2: the peak cannot be measured here. */
static int parse_and_measure(void *arg)
{
    const memory_job *job = arg;
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (!fp || fputs("5", fp) < 0 || fclose(fp) != 0)
        return 2;
    long base = util_status_kb("VmHWM:"), rss0 = util_status_kb("VmRSS:");
    feed *f = feed_parse(job->json, job->len, "zeros");
    long peak = util_status_kb("VmHWM:") - base;
    bool shape = job->refused ? f == NULL : f && f->n_items == 0;
    feed_destroy(f);
    f = parse_str(HEAD "\"items\":[{\"id\":\"a\",\"content_text\":\"x\"},"
                       "{\"id\":\"b\",\"content_text\":\"y\"}]}");
    long left = util_status_kb("VmRSS:") - rss0;
    feed_destroy(f);
    printf("feed: %zu-byte document: peak RSS +%ld KiB, after a small feed %+ld KiB\n",
           job->len, peak, left);
    fflush(stdout);
    return shape && peak < 4 * FEED_MAX_BYTES / 1024 && left < 10 * 1024 ? 0 : 1;
}

/* 4 million tiny values once took 337 MB in cJSON's tree, kept after. */
static void test_memory(void)
{
    memory_job job = {0};
    char *json = zeros_feed(HEAD "\"items\":[", &job.len);
    job.json = json;
    int rc = test_in_child(parse_and_measure, &job, 120, "/dev/null");
    if (rc == 2)
        printf("feed: peak RSS cannot be reset here; memory check skipped\n");
    else
        CHECKF(rc == 0, "items of zeros: %d", rc);
    free(json);
    json = zeros_feed(HEAD "\"items\":[],\"x\":[", &job.len);
    job.json = json;
    job.refused = true;
    rc = test_in_child(parse_and_measure, &job, 120, "/dev/null");
    CHECKF(rc == 0 || rc == 2, "other array of zeros: %d", rc);
    free(json);
}

/* Each priority's name reads back as that priority: the name table and the
 * parser are one. */
static void test_priority_names(void)
{
    for (int p = 0; p < FEED_PRIORITY_COUNT; p++) {
        const char *name = feed_priority_name((feed_priority)p);
        char json[256];
        snprintf(json, sizeof json,
                 HEAD "\"items\":[{\"id\":\"p\",\"content_text\":\"x\","
                      "\"_signage\":{\"priority\":\"%s\"}}]}",
                 name ? name : "");
        feed *f = feed_parse(json, strlen(json), "t");
        CHECKF(name && f && f->n_items == 1 && f->items[0].signage.has_priority &&
                   f->items[0].signage.priority == (feed_priority)p,
               "priority %d", p);
        feed_destroy(f);
    }
    CHECK(feed_priority_name(FEED_PRIORITY_COUNT) == NULL);
    CHECK(feed_priority_name((feed_priority)-1) == NULL);
}

int main(void)
{
    RUN(test_log_lines);
    RUN(test_valid);
    RUN(test_required);
    RUN(test_item_types);
    RUN(test_bad_items);
    RUN(test_encoding);
    RUN(test_caps);
    RUN(test_cut_note);
    RUN(test_signage_fields);
    RUN(test_priority_names);
    RUN(test_times);
    RUN(test_nul_escape);
    RUN(test_memory);
    return test_done("feed");
}
