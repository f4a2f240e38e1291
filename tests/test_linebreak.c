/* linebreak: ICU's layer against Unicode's LineBreakTest.txt, then the
 * tailoring rules (kinsoku, numbers with units, URLs) on chosen strings. */
#include "linebreak.h"
#include "test.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define LBTEST_FILE "/usr/share/unicode/auxiliary/LineBreakTest.txt"
/* Measured with ICU 72.1 (Debian 12) on LineBreakTest 15.0.0: 7,632 of 7,654
 * cases pass through linebreak_find(LINEBREAK_ICU, "zh"). A drop means our
 * layer mangles offsets; a newer ICU only passes more. */
#define LBTEST_FLOOR 7632

/* One test line: "× 0023 × 0020 ÷ 0030 ÷  # ...". Fills text and the
 * expected break offsets (after position 0). false for a comment line. */
static bool parse_case(const char *line, char *text, size_t *len, size_t *want,
                       size_t *n_want)
{
    *len = 0;
    *n_want = 0;
    const char *p = line;
    bool any = false;
    while (*p && *p != '#' && *p != '\n') {
        if (strncmp(p, "\xC3\xB7", 2) == 0) { /* ÷ */
            if (*len > 0)
                want[(*n_want)++] = *len;
            p += 2;
        } else if (strncmp(p, "\xC3\x97", 2) == 0) { /* × */
            p += 2;
        } else if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')) {
            char *end;
            unsigned long cp = strtoul(p, &end, 16);
            *len += text_utf8_put((uint32_t)cp, text + *len);
            p = end;
            any = true;
        } else {
            p++;
        }
    }
    return any;
}

static void test_unicode_file(void)
{
    size_t size;
    char *data = test_read_file(LBTEST_FILE, &size);
    if (!data) {
        SKIP("%s missing (Debian package unicode-data)", LBTEST_FILE);
        return;
    }
    linebreak *lb = linebreak_create("zh");
    int total = 0, passed = 0;
    char text[512];
    size_t want[128];
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len, n_want, n;
        if (parse_case(line, text, &len, want, &n_want)) {
            const size_t *got = linebreak_find(lb, text, len, LINEBREAK_ICU, &n);
            total++;
            passed += n == n_want && memcmp(got, want, n * sizeof *got) == 0;
        }
        line = nl ? nl + 1 : NULL;
    }
    printf("LineBreakTest.txt through LINEBREAK_ICU: %d of %d passed\n", passed, total);
    CHECKF(total > 7000, "only %d cases parsed", total);
    CHECKF(passed >= LBTEST_FLOOR, "%d passed, floor %d", passed, LBTEST_FLOOR);
    linebreak_destroy(lb);
    free(data);
}

/* true when offset p (relative to s) is among the opportunities. */
static bool has_break(const size_t *b, size_t n, size_t p)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] == p)
            return true;
    return false;
}

/* No opportunity strictly inside the first occurrence of word in s. */
static bool kept_whole(linebreak *lb, linebreak_mode mode, const char *s,
                       const char *word)
{
    const char *at = strstr(s, word);
    if (!at)
        return false;
    size_t n, a = (size_t)(at - s), b = a + strlen(word);
    const size_t *br = linebreak_find(lb, s, strlen(s), mode, &n);
    for (size_t i = 0; i < n; i++)
        if (br[i] > a && br[i] < b)
            return false;
    return true;
}

static void test_tailoring(void)
{
    linebreak *lb = linebreak_create(NULL);
    const char *s =
        "该项目拟拆除建筑面积达7.5万平方米，总产值超过17亿元。日期2024-06-28，"
        "详见https://example.org/a/b。今年2月25日，well-known SOP 5.2%的人";
    const char *whole[] = {
        "7.5万平方米，", "17亿元。", "2024-06-28，", "https://example.org/a/b。",
        "2月",           "25日，",   "well",         "5.2%"};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        CHECKF(kept_whole(lb, LINEBREAK_TAILORED, s, whole[i]), "%s split", whole[i]);
    /* What the rules are for: ICU alone splits these. */
    printf("ICU alone keeps 7.5万平方米: %s, the URL: %s\n",
           kept_whole(lb, LINEBREAK_ICU, s, "7.5万平方米") ? "yes" : "no",
           kept_whole(lb, LINEBREAK_ICU, s, "https://example.org/a/b") ? "yes" : "no");
    /* A unit char far from any number is still a break point. */
    size_t n;
    const char *t = "平方米平方米";
    const size_t *br = linebreak_find(lb, t, strlen(t), LINEBREAK_TAILORED, &n);
    CHECKF(n == 6, "%zu breaks in %s", n, t);
    /* The chain is capped: a digit followed by many unit characters. */
    const char *u = "5年月日时分秒周天";
    br = linebreak_find(lb, u, strlen(u), LINEBREAK_TAILORED, &n);
    CHECK(!has_break(br, n, 1) && has_break(br, n, 1 + 3 * LINEBREAK_UNIT_CHAIN));
    /* Breaks between Han and after spaces remain. */
    const char *v = "园岭街道 聚焦";
    br = linebreak_find(lb, v, strlen(v), LINEBREAK_TAILORED, &n);
    CHECK(has_break(br, n, 3) && has_break(br, n, strlen("园岭街道 ")));
    /* A phone number stays whole across the spaces between its groups
     * (ICU breaks after each); a long list of numbers keeps its breaks,
     * and so do words and a number and a word. */
    const char *tel = "咨询电话：0755-8321 0000（工作时间），手机 138 0013 8000。";
    CHECK(kept_whole(lb, LINEBREAK_TAILORED, tel, "0755-8321 0000"));
    CHECK(kept_whole(lb, LINEBREAK_TAILORED, tel, "138 0013 8000"));
    CHECK(!kept_whole(lb, LINEBREAK_ICU, tel, "0755-8321 0000"));
    const char *list = "1 2 3 4 5 6 7 8 9 10 11 12 13 14";
    br = linebreak_find(lb, list, strlen(list), LINEBREAK_TAILORED, &n);
    CHECKF(n >= 10, "%zu breaks in a list of numbers", n);
    CHECK(!kept_whole(lb, LINEBREAK_TAILORED, "room 2 east", "2 east") &&
          !kept_whole(lb, LINEBREAK_TAILORED, "at 9 10 people", "9 10 people"));
    linebreak_destroy(lb);
}

/* The pieces text is cut into at its opportunities, joined by '|'. */
static void cut(linebreak *lb, const char *text, char *out, size_t cap)
{
    size_t n, prev = 0, o = 0;
    const size_t *br = linebreak_find(lb, text, strlen(text), LINEBREAK_TAILORED, &n);
    for (size_t i = 0; i < n && o + (br[i] - prev) + 2 < cap; i++) {
        if (i > 0)
            out[o++] = '|';
        memcpy(out + o, text + prev, br[i] - prev);
        o += br[i] - prev;
        prev = br[i];
    }
    out[o] = '\0';
}

/* Marks that belong together (issue 11): each case the text and where it
 * may break. */
static void test_marks_together(void)
{
    static const char *const cases[][2] = {
        /* connectors never start a line (clreq 3.1.4) */
        {"北京～上海", "北|京～|上|海"},
        {"周一—周五", "周|一—|周|五"},
        {"第一－第二", "第|一－|第|二"},
        {"约翰·史密斯", "约|翰·|史|密|斯"},
        /* —— and …… are one unit */
        {"他说——好", "他|说——|好"},
        {"等等……好", "等|等……|好"},
        /* a number stays with its unit across the author's space */
        {"2025 年底", "2025 年|底"},
        {"达 1477.47 亿元", "达 |1477.47 亿元"},
        {"已 10 年", "已 |10 年"},
        {"第 3 名", "第 3 名"},
        {"第3名", "第3名"},
        /* spaces that join */
        {"ab\u00A0cd", "ab\u00A0cd"},
        {"ab\u202Fcd", "ab\u202Fcd"},
        {"ab\u2009cd", "ab\u2009cd"},
        {"5\u2009kg", "5\u2009kg"},
    };
    linebreak *lb = linebreak_create("zh");
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cut(lb, cases[i][0], got, sizeof got);
        CHECKF(strcmp(got, cases[i][1]) == 0, "%s: %s, want %s", cases[i][0], got,
               cases[i][1]);
    }
    /* A URL too long for a line breaks after / ? & = _ - only. */
    const char *url = "https://example.org/path/to?x=1&y_z=a-b";
    size_t n;
    const size_t *br = linebreak_emergency(lb, url, strlen(url), &n);
    CHECK(n > 3 && br[n - 1] == strlen(url));
    for (size_t i = 0; i + 1 < n; i++)
        CHECKF(strchr("/?&=_-", url[br[i] - 1]) && !strchr("/?&=_-", url[br[i]]),
               "break at %zu: %s", br[i], url + br[i]);
    CHECK(!has_break(br, n, strlen("https:/")) && has_break(br, n, strlen("https://")));
    /* Not a URL: grapheme clusters, as before. */
    br = linebreak_emergency(lb, "abc-def", 7, &n);
    CHECK(n == 7);
    linebreak_destroy(lb);
}

/* Decodes one code point of valid UTF-8 and advances *p. */
/* The code point at *p (text's decoder), stepping past it. */
static uint32_t decode(const char **p)
{
    uint32_t c;
    *p += text_utf8_next(*p, strlen(*p), &c);
    return c;
}

static void test_kinsoku_classes(void)
{
    const char *no_start = "，。、；：？！）」』》…”’〕】々,.:;!?)]}～〜—－·・";
    const char *no_end = "（「『《“‘〔【([{";
    const char *neither = "中a1 -万%＃";
    for (const char *p = no_start; *p;) {
        uint32_t c = decode(&p);
        CHECKF(linebreak_no_start(c) && !linebreak_no_end(c), "U+%04X", (unsigned)c);
    }
    for (const char *p = no_end; *p;) {
        uint32_t c = decode(&p);
        CHECKF(linebreak_no_end(c) && !linebreak_no_start(c), "U+%04X", (unsigned)c);
    }
    for (const char *p = neither; *p;) {
        uint32_t c = decode(&p);
        CHECKF(!linebreak_no_end(c) && !linebreak_no_start(c), "U+%04X", (unsigned)c);
    }
    CHECK(linebreak_is_unit(0x4E07) && linebreak_is_unit(0x7C73) &&
          !linebreak_is_unit('a'));
    CHECK(!linebreak_is_unit(0x4E2D) && linebreak_is_unit(0x2030));
    const char *units =
        "%°‰‱℃℉万两个亩人亿件位倍元兆克公分十千升厘只台号名吨周块天家寸尺"
        "层届岁平年度座户所批斤方日时月期条栋楼次毛毫百秒立米角辆里间顷项％";
    int n_units = 0;
    for (const char *p = units; *p; n_units++) {
        uint32_t c = decode(&p);
        CHECKF(linebreak_is_unit(c), "U+%04X is a unit", (unsigned)c);
    }
    CHECK(n_units == 68);
}

/* Random mixes of the characters that matter, checked for the invariants
 * of the tailored layer: ascending, ends at len, a subset of ICU's, and no
 * opportunity that breaks kinsoku. */
static void test_random_invariants(void)
{
    static const char *atoms[] = {"中",
                                  "文",
                                  "，",
                                  "。",
                                  "（",
                                  "）",
                                  "“",
                                  "”",
                                  "「",
                                  "」",
                                  "……",
                                  "——",
                                  "、",
                                  "？",
                                  "！",
                                  "《",
                                  "》",
                                  " ",
                                  "a",
                                  "word",
                                  "2024",
                                  "-",
                                  ".",
                                  "%",
                                  "万",
                                  "米",
                                  "/",
                                  "：",
                                  "https://x.org/p",
                                  "e\xCC\x81",
                                  "\xF0\x9F\x87\xA8"};
    linebreak *lb = linebreak_create("zh-CN");
    unsigned seed = 12345;
    int bad = 0;
    for (int round = 0; round < 2000; round++) {
        char text[512];
        size_t len = 0;
        int atoms_n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 30;
        for (int k = 0; k < atoms_n; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof *atoms)];
            memcpy(text + len, a, strlen(a));
            len += strlen(a);
        }
        text[len] = '\0'; /* decode() reads to the NUL */
        size_t n_icu, n;
        const size_t *icu = linebreak_find(lb, text, len, LINEBREAK_ICU, &n_icu);
        size_t icu_copy[512];
        memcpy(icu_copy, icu, n_icu * sizeof *icu);
        const size_t *br = linebreak_find(lb, text, len, LINEBREAK_TAILORED, &n);
        bool ok = n >= 1 && br[n - 1] == len;
        for (size_t i = 0; i < n && ok; i++) {
            ok = (i == 0 || br[i] > br[i - 1]) && has_break(icu_copy, n_icu, br[i]);
            if (!ok || br[i] == len)
                continue;
            const char *after = text + br[i];
            ok = !linebreak_no_start(decode(&after));
            size_t e = br[i];
            while (e > 0 && text[e - 1] == ' ')
                e--;
            size_t s = e;
            while (s > 0 && ((unsigned char)text[s - 1] & 0xC0) == 0x80)
                s--;
            if (s > 0) {
                const char *q = text + s - 1;
                ok = ok && !linebreak_no_end(decode(&q));
            }
        }
        if (!ok && bad++ < 5)
            fprintf(stderr, "bad breaks in: %.*s\n", (int)len, text);
    }
    CHECKF(bad == 0, "%d random strings with bad breaks", bad);
    linebreak_destroy(lb);
}

/* A body of 64 KiB that is one run of numbers ("1 1 1 ..."): rule 5 looks
 * at most LINEBREAK_NUMBER_RUN bytes around each break, so the run costs
 * as much as any text (before: the whole run walked at each of its 32,768
 * breaks, seconds on the loop's thread). In a child with an alarm. */
static int long_number_run(void *arg)
{
    (void)arg;
    enum { LEN = 64 * 1024 };
    char *s = malloc(LEN + 1);
    for (size_t i = 0; i < LEN; i++)
        s[i] = i % 2 ? ' ' : (char)('1' + i / 2 % 9);
    s[LEN] = '\0';
    linebreak *lb = linebreak_create("zh");
    size_t n = 0;
    linebreak_find(lb, s, LEN, LINEBREAK_TAILORED, &n);
    linebreak_destroy(lb);
    free(s);
    return n >= LEN / 2 - 1 ? 0 : 1; /* a list: every break kept */
}

static void test_long_number_run(void)
{
    int rc = test_in_child(long_number_run, NULL, 2, NULL);
    CHECKF(rc == 0, "a 64 KiB run of numbers: %s",
           rc < 0 ? "still breaking after 2 s" : "breaks lost");
}

static void test_graphemes_and_bad_input(void)
{
    linebreak *lb = linebreak_create("en");
    const char *s = "e\xCC\x81\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3中";
    size_t n;
    const size_t *g = linebreak_graphemes(lb, s, strlen(s), &n);
    CHECKF(n == 3 && g[0] == 3 && g[1] == 11 && g[2] == 14, "%zu clusters", n);
    linebreak_graphemes(lb, "", 0, &n);
    CHECK(n == 0);
    linebreak_find(lb, "", 0, LINEBREAK_TAILORED, &n);
    CHECK(n == 0);
    /* Bad UTF-8: stray continuation, truncated sequence, overlong NUL. */
    const char bad[] = "\x80\xFF中\xE4\xB8 a\xC0\x80（\xE3";
    g = linebreak_find(lb, bad, sizeof bad - 1, LINEBREAK_TAILORED, &n);
    CHECK(n >= 1 && g[n - 1] == sizeof bad - 1);
    g = linebreak_graphemes(lb, bad, sizeof bad - 1, &n);
    CHECK(n >= 1 && g[n - 1] == sizeof bad - 1);
    linebreak_destroy(lb);
    const char *langs[] = {
        "", "zh-Hant-TW", "ja", "!!not a tag!!",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        lb = linebreak_create(langs[i]);
        g = linebreak_find(lb, "中文，测试", strlen("中文，测试"), LINEBREAK_TAILORED,
                           &n);
        CHECKF(n == 4 && !has_break(g, n, 6), "lang %s: %zu breaks", langs[i], n);
        linebreak_destroy(lb);
    }
    linebreak_destroy(NULL);
}

int main(void)
{
    RUN(test_unicode_file);
    RUN(test_tailoring);
    RUN(test_marks_together);
    RUN(test_kinsoku_classes);
    RUN(test_random_invariants);
    RUN(test_graphemes_and_bad_input);
    RUN(test_long_number_run);
    return test_done("linebreak");
}
