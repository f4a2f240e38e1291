/* blocklist: loading, normalising, the automaton, and the shipped list. */
#include "test.h"
#include "blocklist.h"
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#define INJECTED "williamhill英国威廉希尔"

static blocklist *load(const char *s)
{
    return blocklist_load(s, strlen(s), "test");
}

static const char *match(const blocklist *bl, const char *s)
{
    return blocklist_match(bl, s, strlen(s));
}

static void test_load(void)
{
    blocklist *bl = load("# comment\n\n  bet365  \r\nbaccarat # inline comment\n"
                         "!!!\n \t\nBet 365\n");
    CHECK(blocklist_count(bl) == 3); /* "!!!" has no term character */
    CHECK(match(bl, "play BET-365 now") != NULL);
    CHECK(strcmp(match(bl, "baccarat"), "baccarat") == 0);
    CHECK(match(bl, "comment") == NULL);
    blocklist_destroy(bl);

    bl = load("");
    CHECK(bl && blocklist_count(bl) == 0);
    CHECK(match(bl, "anything") == NULL);
    blocklist_destroy(bl);
    CHECK(blocklist_match(NULL, "x", 1) == NULL);
}

static void test_caps(void)
{
    char *big = malloc(BLOCKLIST_MAX_BYTES + 2);
    memset(big, 'a', BLOCKLIST_MAX_BYTES + 1);
    big[BLOCKLIST_MAX_BYTES + 1] = '\0';
    CHECK(blocklist_load(big, BLOCKLIST_MAX_BYTES + 1, "big") == NULL);
    free(big);

    char line[BLOCKLIST_MAX_TERM + 3];
    memset(line, 'z', BLOCKLIST_MAX_TERM + 1);
    strcpy(line + BLOCKLIST_MAX_TERM + 1, "\n");
    blocklist *bl = load(line);
    CHECK(blocklist_count(bl) == 0);
    blocklist_destroy(bl);

    size_t n = BLOCKLIST_MAX_TERMS + 10, size = n * 8 + 1;
    char *many = malloc(size), *p = many;
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, size - (size_t)(p - many), "t%05zu\n", i);
    bl = blocklist_load(many, (size_t)(p - many), "many");
    CHECK(blocklist_count(bl) == BLOCKLIST_MAX_TERMS);
    CHECK(match(bl, "t00000") != NULL);
    CHECK(match(bl, "t19999") != NULL);
    CHECK(match(bl, "t20005") == NULL);
    blocklist_destroy(bl);
    free(many);

    bl = load("ok\n\xff\xfe\n");
    CHECK(blocklist_count(bl) == 1);
    blocklist_destroy(bl);
}

/* The five ways the injected term is written, each inside the sample
 * article in place of the original. */
static void test_injected_variants(void)
{
    size_t len;
    char *article =
        test_read_file(TEST_DATA_DIR "/content/yuanling-2024-06-28.txt", &len);
    if (!article) {
        SKIP("the sample article is missing");
        return;
    }
    char *at = strstr(article, INJECTED);
    CHECK(at != NULL);
    if (!at) {
        free(article);
        return;
    }
    blocklist *bl = load("williamhill\n威廉希尔\n");
    const char *variants[] = {
        INJECTED,
        "w i l l i a m h i l l 英 国 威 廉 希 尔",
        "ＷＩＬＬＩＡＭＨＩＬＬ英国",
        "WilliamHILL英国",
        "william\u200Bhill",
        "William-Hill",
        "威\u200D廉\uFEFF希 尔",
    };
    size_t head = (size_t)(at - article), tail = len - head - strlen(INJECTED);
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        size_t vl = strlen(variants[i]);
        char *text = malloc(head + vl + tail + 1);
        memcpy(text, article, head);
        memcpy(text + head, variants[i], vl);
        memcpy(text + head + vl, at + strlen(INJECTED), tail + 1);
        CHECKF(blocklist_match(bl, text, head + vl + tail) != NULL, "variant %zu", i);
        free(text);
    }
    /* Without the injected term, the article is clean. */
    memmove(at, at + strlen(INJECTED), tail + 1);
    CHECK(blocklist_match(bl, article, len - strlen(INJECTED)) == NULL);
    blocklist_destroy(bl);
    free(article);
}

static void test_automaton(void)
{
    /* Overlapping terms: the classic he/she/his/hers, and a term inside
     * another. */
    blocklist *bl = load("he\nshe\nhis\nhers\nabcd\nbc\n");
    CHECK(strcmp(match(bl, "ushers"), "she") == 0);
    CHECK(strcmp(match(bl, "xhi s"), "his") == 0);
    CHECK(strcmp(match(bl, "abxabc"), "bc") == 0);
    CHECK(match(bl, "abxab cx") != NULL);
    CHECK(match(bl, "a b x a") == NULL);
    blocklist_destroy(bl);

    bl = load("赌场\nzzz\n");
    CHECK(match(bl, "赌场在前") != NULL);   /* at the start */
    CHECK(match(bl, "前面是赌场") != NULL); /* at the end */
    CHECK(match(bl, "zz") == NULL);
    CHECK(match(bl, "赌") == NULL);
    CHECK(match(bl, "zzz") != NULL);
    CHECK(match(bl, "赌，场") != NULL);
    CHECK(match(bl, "赌博场所") == NULL);
    blocklist_destroy(bl);
}

/* The shipped list against ordinary notices: no false positive. */
static void test_no_false_positives(void)
{
    size_t len, nlen;
    char *list = test_read_file(TEST_SOURCE_DIR "/config/blocklist.txt", &len);
    char *notices = test_read_file(TEST_DATA_DIR "/blocklist/notices.txt", &nlen);
    if (!list || !notices) {
        SKIP("config/blocklist.txt or tests/data/blocklist/notices.txt missing");
        free(list);
        free(notices);
        return;
    }
    blocklist *bl = blocklist_load(list, len, "blocklist.txt");
    CHECK(blocklist_count(bl) >= 30);
    CHECK(match(bl, INJECTED) != NULL);
    int n = 0;
    for (char *line = strtok(notices, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        n++;
        const char *t = match(bl, line);
        CHECKF(t == NULL, "\"%s\" blocked by \"%s\"", line, t ? t : "");
    }
    CHECKF(n >= 200, "%d notices", n);
    blocklist_destroy(bl);
    free(list);
    free(notices);
}

static void test_apply(void)
{
    const char *json =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
        "{\"id\":\"a\",\"title\":\"停水通知\",\"content_text\":\"明天停水。\"},"
        "{\"id\":\"b\",\"title\":\"好消息\",\"content_text\":\"正文\","
        "\"summary\":\"Ｂｅｔ３６５ 注册\"},"
        "{\"id\":\"c\",\"title\":\"链接\",\"content_text\":\"正文\","
        "\"url\":\"https://example.com/william-hill\"}]}";
    feed *f = feed_parse(json, strlen(json), "test");
    CHECK(f && f->n_items == 3);
    if (!f)
        return;
    blocklist *bl = load("bet365\nwilliamhill\n");
    CHECK(blocklist_apply(bl, f, "test") == 2);
    CHECK(f->items[0].blocked == NULL);
    CHECK(f->items[1].blocked && strcmp(f->items[1].blocked, "bet365") == 0);
    CHECK(f->items[2].blocked && strcmp(f->items[2].blocked, "williamhill") == 0);
    CHECK(blocklist_apply(NULL, f, "test") == 0);
    blocklist_destroy(bl);
    feed_destroy(f);
}

int main(void)
{
    RUN(test_load);
    RUN(test_caps);
    RUN(test_injected_variants);
    RUN(test_automaton);
    RUN(test_no_false_positives);
    RUN(test_apply);
    return test_done("blocklist");
}
