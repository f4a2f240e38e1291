/* text: normalising, HTML to text, UTF-8 helpers. */
#include "test.h"
#include "util.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Normalises s and compares with want; reports the difference. */
static void norm_is(const char *s, size_t len, size_t max_out, const char *want, int line)
{
    char *got = text_normalise(s, len, max_out);
    CHECKF(strcmp(got, want) == 0, "line %d: got \"%s\", want \"%s\"", line, got, want);
    free(got);
}
#define NORM(s, want) norm_is(s, sizeof(s) - 1, 1 << 20, want, __LINE__)

static void html_is(const char *s, const char *want, int line)
{
    char *got = text_from_html(s, strlen(s), 1 << 20);
    CHECKF(strcmp(got, want) == 0, "line %d: got \"%s\", want \"%s\"", line, got, want);
    free(got);
}
#define HTML(s, want) html_is(s, want, __LINE__)

/* The output promises of text.h, checked on any output. */
static bool clean(const char *s)
{
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n))
        return false;
    if (n && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n') || c == 0x7F)
            return false;
        if (i + 1 < n && (c == ' ' || c == '\n') && (s[i + 1] == ' ' || s[i + 1] == '\n'))
            return false;
    }
    return true;
}

/* clean() for output with kinds: each paragraph's text after its prefix
 * (cells and markers separated by TEXT_SEP). */
static bool clean_kinds(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    char *copy = xmalloc(n + 1);
    size_t o = 0;
    for (size_t a = 0; a <= n;) {
        const char *nl = memchr(s + a, '\n', n - a);
        size_t b = nl ? (size_t)(nl - s) : n;
        text_block k = text_block_parse(s + a, b - a);
        bool empty_ok = k.kind == TEXT_RULE || k.kind == TEXT_CODE;
        if ((k.len == 0 && !empty_ok) || (k.kind == TEXT_RULE && k.len))
            o = n + 1;
        for (size_t i = 0; i < k.len && o <= n; i++)
            copy[o++] = k.text[i] == TEXT_SEP || k.kind == TEXT_CODE ? 'x' : k.text[i];
        if (!nl || o > n)
            break;
        copy[o++] = '\n';
        a = b + 1;
    }
    bool ok = o <= n;
    if (ok) {
        copy[o] = '\0';
        ok = clean(copy);
    }
    free(copy);
    return ok;
}

static char *readable(const char *s);

static void test_lines_and_spaces(void)
{
    NORM("a\r\nb\rc\nd", "a\nb\nc\nd");
    NORM("  hello   world  ", "hello world");
    NORM("\n\n\na\n \n\t\nb\n\n", "a\nb");
    NORM("a\t\xC2\xA0 b", "a b");
    /* Chinese indents (two ideographic spaces) and ASCII ones are dropped. */
    NORM("\xE3\x80\x80\xE3\x80\x80第一段。\n\n\xE3\x80\x80\xE3\x80\x80第二段。",
         "第一段。\n第二段。");
    NORM("  first\n  second", "first\nsecond");
    /* Inside a line an ideographic space folds to one ASCII space. */
    NORM("甲\xE3\x80\x80\xE3\x80\x80乙", "甲 乙");
    NORM("a\xE2\x80\xA8"
         "b\xE2\x80\xA9"
         "c\xC2\x85"
         "d",
         "a\nb\nc\nd");
    NORM("", "");
    NORM(" \t\r\n\xE3\x80\x80 ", "");
    char *line = text_normalise_line("a\n\nb\r\n  c ", 11, 100);
    CHECKF(strcmp(line, "a b c") == 0, "%s", line);
    free(line);
}

static void test_controls_and_escapes(void)
{
    NORM("a\x01"
         "b\x7F"
         "c\xC2\x9F"
         "d\x00"
         "e",
         "abcde");
    NORM("\x1B[1;31mred\x1B[0m text", "red text");
    NORM("\x1B]0;window title\x07"
         "after",
         "after");
    NORM("\x1B]8;;http://x/\x1B\\link\x1B]8;;\x1B\\", "link");
    NORM("a\x1B"
         "cb",
         "ab");
    NORM("\x1B(Bx", "x");
    NORM("x\x1B", "x");
    NORM("\x1B[中", "中");
    /* An unterminated string sequence ends at the line end. */
    NORM("\x1B]title\nnext", "next");
    NORM("a\xE2\x80\x8B"
         "b\xE2\x80\x8E"
         "c\xEF\xBB\xBF"
         "d\xE2\x80\xAE"
         "e\xC2\xAD"
         "f",
         "abcdef");
    /* The zero-width joiner holds emoji sequences together: kept. */
    NORM("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
         "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9");
}

static void test_invalid_utf8(void)
{
    NORM("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");                 /* overlong */
    NORM("\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* overlong */
    NORM("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
    NORM("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    NORM("\xF5x", "\xEF\xBF\xBDx");
    NORM("a\xE4\xB8", "a\xEF\xBF\xBD"); /* truncated at end */
    NORM("\xE4\xB8x", "\xEF\xBF\xBDx"); /* truncated inside */
    NORM("\xF0\x9F\x98", "\xEF\xBF\xBD");
    NORM("\xEF\xBF\xBE", ""); /* noncharacter */
    uint32_t cp;
    CHECK(text_utf8_next("\xE4\xB8\xAD", 3, &cp) == 3 && cp == 0x4E2D);
    CHECK(text_utf8_next("\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
    CHECK(text_utf8_next("\xE4\xB8", 2, &cp) == 2 && cp == TEXT_UTF8_INVALID);
    CHECK(text_utf8_next("\x80", 1, &cp) == 1 && cp == TEXT_UTF8_INVALID);
    CHECK(text_utf8_valid("中文 ok", strlen("中文 ok")));
    CHECK(!text_utf8_valid("\xC3", 1));
    CHECK(text_count_chars("中a\xF0\x9F\x98\x80", 8) == 3);
    CHECK(text_count_chars("", 0) == 0);
}

static void test_caps(void)
{
    norm_is("中文字", 9, 7, "中文", __LINE__);
    norm_is("中文字", 9, 9, "中文字", __LINE__);
    norm_is("中文字", 9, 0, "", __LINE__);
    /* The owed space is never written without the character after it. */
    norm_is("ab cd", 5, 3, "ab", __LINE__);
    norm_is("ab\ncd", 5, 3, "ab", __LINE__);
    norm_is("ab\ncd", 5, 4, "ab\nc", __LINE__);
    norm_is("\xFF\xFF\xFF", 3, 5, "\xEF\xBF\xBD", __LINE__);
}

/* Random bytes biased towards the interesting ones; every output must keep
 * the promises of text.h. */
static void test_random(void)
{
    static const char *const atoms[] = {" ",
                                        "\n",
                                        "\r",
                                        "\t",
                                        "\x1B",
                                        "[",
                                        "]",
                                        "\x07",
                                        "\xE3\x80\x80",
                                        "中",
                                        "\xC2\xA0",
                                        "\xE2\x80\x8B",
                                        "<p>",
                                        "&amp;",
                                        "&#",
                                        "x",
                                        "\xF0",
                                        "\x80",
                                        "\xED\xA0\x80",
                                        "<"};
    uint32_t seed = 12345;
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        char buf[400];
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 60;
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
            size_t k = strlen(a);
            memcpy(buf + n, a, k);
            n += k;
        }
        size_t cap = (seed >> 8) % 3 == 0 ? (seed >> 4) % 50 : 1000;
        char *a = text_normalise(buf, n, cap);
        char *b = text_from_html(buf, n, cap);
        char *c = text_normalise_line(buf, n, cap);
        if (!clean(a) || !clean_kinds(b) || !clean(c) || strlen(a) > cap ||
            strlen(b) > cap || strchr(c, '\n')) {
            if (bad++ == 0)
                fprintf(stderr, "first bad: [%.*s] cap %zu -> [%s]\n", (int)n, buf, cap,
                        b);
        }
        free(a);
        free(b);
        free(c);
    }
    CHECKF(bad == 0, "%d random inputs gave output that breaks the contract", bad);
}

static void test_html(void)
{
    HTML("<p>One</p><p>Two</p>", "One\nTwo");
    HTML("a<br>b<br/>c<BR />d", "a\n\x07"
                                "b\n\x07"
                                "c\n\x07"
                                "d");
    HTML("<div><h1>T</h1><ul><li>x</li><li>y</li></ul></div>", "\x01"
                                                               "1T\n\x02"
                                                               "1\xe2\x80\xa2\x1fx\n\x02"
                                                               "1\xe2\x80\xa2\x1fy");
    HTML("<script>alert('<p>')</script>ok<style>p{color:red}</style>", "ok");
    HTML("<SCRIPT type=x>bad()</SCRIPT >ok", "ok");
    HTML("a<!-- <p>hidden</p> -->b", "ab");
    HTML("<!DOCTYPE html><?xml x?>t", "t");
    HTML("&amp;&lt;&gt;&quot;&apos;", "&<>\"'");
    HTML("a&nbsp;b", "a b");
    HTML("&#20013;&#x6587;&#X6587", "中文文");
    HTML("&mdash;&hellip;&ldquo;x&rdquo;&lsquo;&rsquo;&middot;", "—…“x”‘’·");
    HTML("&foo; &amp x &#; &", "&foo; & x &#; &");
    /* HTML5: "&ampx" is "&x" (amp is a legacy name, taken without ';'). */
    HTML("9&nbsp&lt;10 &ampx &mdash x&copy", "9 <10 &x &mdash x©");
    HTML("&#0;&#x110000;&#xD800;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    HTML("&#150;&#151;", "–—");
    HTML("a&#10;b", "a b");
    HTML("<b>bold</b> and <a href=\"x>y\" title='<p>'>link</a>", "bold and link");
    HTML("<p>\n  Hello\n  world\n</p>", "Hello world");
    HTML("1 < 2 and 3 > 2", "1 < 2 and 3 > 2");
    HTML("text<p", "text");
    HTML("a<!-- never closed", "a");
    HTML("<script>never closed", "");
    HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "\x06"
                                                                            "a\x1f"
                                                                            "b\n\x06"
                                                                            "c");
    HTML("<p>\xE3\x80\x80\xE3\x80\x80第一段。</p>\n<p>\xE3\x80\x80\xE3\x80\x80第二段。</"
         "p>",
         "第一段。\n第二段。");
    HTML("&lt;script&gt;x&lt;/script&gt;", "<script>x</script>");
    HTML("<p>a</p>\x1B[31m<p>b</p>", "a\nb");
    char *cut = text_from_html("<p>中文字</p>", strlen("<p>中文字</p>"), 7);
    CHECKF(strcmp(cut, "中文") == 0, "%s", cut);
    free(cut);
}

/* The sample article: 26 non-blank lines, most indented with two ASCII
 * spaces. Each must come out as one paragraph without the indent. */
static void test_article(void)
{
    const char *path = TEST_DATA_DIR "/content/yuanling-2024-06-28.txt";
    size_t len;
    char *in = test_read_file(path, &len);
    CHECKF(in != NULL, "cannot read %s", path);
    if (!in)
        return;
    char *out = text_normalise(in, len, 1 << 20);
    CHECK(clean(out));
    /* Written a paragraph per line: content_text keeps every line. */
    char *plain = text_from_plain(in, len, 1 << 20);
    CHECKF(strcmp(plain, out) == 0, "text_from_plain joined lines of the article");
    free(plain);

    size_t paras = 0, indented = 0, matched = 0;
    const char *o = out;
    for (char *line = in, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t n = strlen(line);
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strncmp(line, "  ", 2) == 0)
            indented++;
        while (*line == ' ')
            line++;
        if (!*line)
            continue;
        paras++;
        size_t k = strlen(line);
        if (strncmp(o, line, k) == 0 && (o[k] == '\n' || o[k] == '\0')) {
            matched++;
            o += k + (o[k] == '\n');
        }
    }
    CHECKF(indented >= 20, "the article should have indented paragraphs, %zu", indented);
    CHECKF(matched == paras && *o == '\0', "%zu of %zu paragraphs kept", matched, paras);
    size_t breaks = 0;
    for (const char *p = out; *p; p++)
        breaks += *p == '\n';
    CHECK(breaks + 1 == paras);
    CHECK(strstr(out, "\n  ") == NULL && strstr(out, "\n ") == NULL);
    CHECK(strstr(out, "\nwilliamhill") != NULL);
    free(in);
    free(out);
}

static void check_punct(const char *in, const char *want)
{
    char *copy = strdup(in);
    char *got = text_cjk_punct(copy);
    CHECKF(strcmp(got, want) == 0, "'%s' gave '%s', want '%s'", in, got, want);
    free(got);
}

/* ASCII marks between Chinese characters become full-width; others stay. */
#define LI_HTML "<p>项目：</p><ul><li>测血压</li><li>测血糖</li></ul>"
static void test_cjk_punct(void)
{
    check_punct("街道,已初步构建", "街道，已初步构建");
    check_punct("40年,园岭", "40年，园岭");
    check_punct("真的吗?是的!", "真的吗？是的！");
    check_punct("时间:9:00", "时间：9:00");
    check_punct("甲;乙", "甲；乙");
    check_punct("1,000 people", "1,000 people");
    check_punct("Hello, world", "Hello, world");
    check_punct("9:00-11:30", "9:00-11:30");
    check_punct("中文, English", "中文, English");
    check_punct("SOP,标准", "SOP,标准");
    check_punct("“加速度”,致力", "“加速度”，致力");
    check_punct("“quoted”, he", "“quoted”, he");
    check_punct("", "");
    /* issue 11: a space after the mark, parentheses, straight quotes */
    check_punct("今天, 我们", "今天，我们");
    check_punct("好吗? 是的", "好吗？是的");
    check_punct("用 (免费) 的", "用（免费）的");
    check_punct("苹果(Apple)公司", "苹果（Apple）公司");
    check_punct("他说\"好的\"。", "他说“好的”。");
    check_punct("他说 \"好的\" 然后", "他说“好的”然后");
    check_punct("f(x) = \"a\"", "f(x) = \"a\"");
    check_punct("见 https://a.org/x?(1),y", "见 https://a.org/x?(1),y");
    check_punct("共 3,000 人", "共 3,000 人");
    check_punct("他说\"没有结尾", "他说\"没有结尾");
    check_punct("(注)\n(a)", "（注）\n(a)");
    check_punct("说明(详见 (附件))后", "说明（详见（附件））后");
    /* a code line (TEXT_CODE) is kept as written; the next paragraph is not */
    check_punct("\x05print(\"你好\"),中文\n你好,世界",
                "\x05print(\"你好\"),中文\n你好，世界");
    /* Wide is ICU's East_Asian_Width W or F: Hangul, kana, full-width forms
     * and CJK Extension B count; the Ambiguous dash and quotes do not. */
    check_punct("한국,서울", "한국，서울");
    check_punct("カナ!", "カナ！");
    check_punct("Ａ,b", "Ａ，b");
    check_punct("𠀋,字", "𠀋，字");
    check_punct("—,x", "—,x");
    CHECK(text_is_wide(0x4E2D) && text_is_wide(0x3000) && text_is_wide(0xFF01));
    CHECK(!text_is_wide('a') && !text_is_wide(0x201C) && !text_is_wide(0x2014));
    CHECK(!text_is_wide(0xFF61) && !text_is_wide(TEXT_UTF8_INVALID));
    /* A <li> cut off at the end of the input is no element. */
    char *li = text_from_html("<li", 3, 64);
    CHECKF(strcmp(li, "") == 0, "'%s'", li);
    free(li);
    char *html = text_from_html(LI_HTML, strlen(LI_HTML), 4096);
    char *r = readable(html);
    CHECKF(strcmp(r, "项目：\nL1[•]测血压\nL1[•]测血糖") == 0, "li: '%s'", r);
    free(r);
    free(html);
}

/* "x" and n copies of the UTF-8 mark, NUL-terminated; *len excludes it. */
static char *marks_after(const char *base, const char *mark, size_t n, size_t *len)
{
    size_t b = strlen(base), m = strlen(mark);
    char *s = xmalloc(b + n * m + 1);
    memcpy(s, base, b);
    for (size_t i = 0; i < n; i++)
        memcpy(s + b + i * m, mark, m);
    *len = b + n * m;
    s[*len] = '\0';
    return s;
}

/* 60,000 combining marks on one character drew far past the margin: at
 * most TEXT_MAX_MARKS are kept, per character. */
static void test_combining_marks(void)
{
    size_t len;
    char *s = marks_after("x", "\u0489", 60000, &len);
    char *want = marks_after("x", "\u0489", TEXT_MAX_MARKS, &len);
    char *got = text_normalise(s, strlen(s), 1 << 20);
    CHECKF(strcmp(got, want) == 0, "%zu bytes kept, want %zu", strlen(got), len);
    free(got);
    free(s);
    char *t = text_normalise_line(want, len, 1 << 20);
    CHECK(strcmp(t, want) == 0); /* exactly the cap: all kept */
    free(t);
    free(want);
    /* The count starts again at each character and after a space. */
    s = marks_after("a\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301b", "\u0301",
                    9, &len);
    want = marks_after("a\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301b", "\u0301", 8,
                       &len);
    norm_is(s, strlen(s), 1 << 20, want, __LINE__);
    free(s);
    free(want);
    /* A joiner in the run does not reset it. */
    s = marks_after("a\u0300\u0300\u0300\u0300\u0300\u0300\u0300\u0300\u200d", "\u0300",
                    8, &len);
    norm_is(s, len, 1 << 20, "a\u0300\u0300\u0300\u0300\u0300\u0300\u0300\u0300\u200d",
            __LINE__);
    free(s);
    /* What real text needs stays whole: emoji ZWJ sequences with skin
     * tones, a tag flag, Hangul jamo, Devanagari and Vietnamese marks. */
    NORM("👨🏽‍👩🏽‍👧🏽‍👦🏽",
         "👨🏽‍👩🏽‍👧🏽‍👦🏽");
    NORM("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
         "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F");
    NORM("\u1100\u1161\u11A8\u1100\u1161", "\u1100\u1161\u11A8\u1100\u1161");
    NORM("क्षत्रिय", "क्षत्रिय");
    NORM("Tiê\u0301ng Viê\u0323t", "Tiê\u0301ng Viê\u0323t");
}

/* Paragraphs with kinds in a readable form: "H2:", "L1[•]", "Q1:", "---",
 * "C:", "R:a|b", "BR:", body as it is; '\n' between. Caller frees. */
static char *readable(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n * 3 + 16), *o = out;
    for (size_t a = 0; a <= n;) {
        const char *nl = memchr(s + a, '\n', n - a);
        size_t b = nl ? (size_t)(nl - s) : n;
        text_block k = text_block_parse(s + a, b - a);
        static const char *const names[] = {"", "H", "L", "Q", "---", "C:", "R:", "BR:"};
        o += sprintf(o, "%s", names[k.kind]);
        if (k.kind == TEXT_HEADING || k.kind == TEXT_QUOTE)
            o += sprintf(o, "%d:", k.level);
        if (k.kind == TEXT_ITEM)
            o += sprintf(o, "%d[%.*s]", k.level, (int)k.marker_len, k.marker);
        for (size_t i = 0; i < k.len; i++)
            *o++ = k.text[i] == TEXT_SEP ? '|' : k.text[i];
        if (!nl)
            break;
        *o++ = '\n';
        a = b + 1;
    }
    *o = '\0';
    return out;
}

typedef struct {
    const char *name, *in, *want;
} text_case;

static void run_cases(const text_case *c, size_t n, bool html)
{
    for (size_t i = 0; i < n; i++) {
        char *got = html ? text_from_html(c[i].in, strlen(c[i].in), 1 << 20)
                         : text_from_plain(c[i].in, strlen(c[i].in), 1 << 20);
        char *r = readable(got);
        CHECKF(strcmp(r, c[i].want) == 0, "%s:\n got: %s\nwant: %s", c[i].name, r,
               c[i].want);
        free(r);
        free(got);
    }
}

/* Hard-wrapped text is joined; text written a paragraph per line is not. */
static const text_case plain_cases[] = {
    {"mail, hard-wrapped at 72",
     "Hi all,\n\n"
     "The water supply to blocks 3 and 4 will be interrupted on Tuesday\n"
     "morning while the contractor replaces the main valve in the basement.\n"
     "Please store enough water for cooking and drinking before 8 am, and\n"
     "keep the taps closed until the supply is back, around noon.\n\n"
     "Thanks for your patience,\n"
     "The management office\n",
     "Hi all,\n"
     "The water supply to blocks 3 and 4 will be interrupted on Tuesday morning "
     "while the contractor replaces the main valve in the basement. Please store "
     "enough water for cooking and drinking before 8 am, and keep the taps closed "
     "until the supply is back, around noon.\n"
     "Thanks for your patience,\n"
     "The management office"},
    {"old Chinese text file: 35 characters a line, paragraphs indented",
     "\xE3\x80\x80\xE3\x80\x80园岭街道始建于一九八四年，是福田区最早开发的片区之一。四十"
     "年来，街\n"
     "道内的老旧小区逐步完成改造，居民的生活条件得到了明显改善，社区服务也越\n"
     "来越完善。\n"
     "\xE3\x80\x80\xE3\x80\x80今年以来，街道聚焦「百千万工程」，推进城市更新和社区治理，"
     "共完成老\n"
     "旧小区改造项目十二个，惠及居民三千多户，新增公共空间两万平方米。\n",
     "园岭街道始建于一九八四年，是福田区最早开发的片区之一。四十年来，街道内的老旧小区"
     "逐步完成改造，居民的生活条件得到了明显改善，社区服务也越来越完善。\n"
     "今年以来，街道聚焦「百千万工程」，推进城市更新和社区治理，共完成老旧小区改造项目十"
     "二个，惠及居民三千多户，新增公共空间两万平方米。"},
    {"Chinese notice, one paragraph per line",
     "各位居民：\n"
     "因市政管道维修，本小区将于6月30日（周日）8:00至18:00停水。\n"
     "请提前储水，停水期间请关闭水龙头，以免来水时发生跑水。\n"
     "如有疑问，请致电物业服务中心。\n"
     "园岭物业管理处\n"
     "2024年6月28日\n",
     "各位居民：\n"
     "因市政管道维修，本小区将于6月30日（周日）8:00至18:00停水。\n"
     "请提前储水，停水期间请关闭水龙头，以免来水时发生跑水。\n"
     "如有疑问，请致电物业服务中心。\n"
     "园岭物业管理处\n"
     "2024年6月28日"},
    {"mixed Chinese and Latin, hard-wrapped at 60 columns",
     "社区服务中心本周六上午开设智能手机课程，教老年人使用微信和\n"
     "iPhone 自带的健康应用，并现场演示如何在「i深圳」App 上预约挂\n"
     "号、缴纳水电费和查询社保记录。课程免费，名额三十人，请到一楼\n"
     "前台报名。\n",
     "社区服务中心本周六上午开设智能手机课程，教老年人使用微信和 iPhone "
     "自带的健康应用，并现场演示如何在「i深圳」App 上预约挂号、缴纳水电费和查询社保记录"
     "。课程免费，名额三十人，请到一楼前台报名。"},
    {"English, one paragraph per line",
     "The library is closed on Monday.\n"
     "Swimming pool: 6:00-21:00 every day.\n"
     "Lost and found items are kept at the front desk for 30 days.\n",
     "The library is closed on Monday.\n"
     "Swimming pool: 6:00-21:00 every day.\n"
     "Lost and found items are kept at the front desk for 30 days."},
    {"a timetable stays as it is", "周一至周五 9:00—21:00\n周六 9:00—18:00\n周日 休息\n",
     "周一至周五 9:00—21:00\n周六 9:00—18:00\n周日 休息"},
    {"a list in hard-wrapped mail keeps its items",
     "Please bring the following documents to the service centre on the\n"
     "ground floor before the end of the month, so that the subsidy for the\n"
     "second quarter can be paid in July as planned:\n"
     "- your identity card\n"
     "- the rental contract\n",
     "Please bring the following documents to the service centre on the ground floor "
     "before the end of the month, so that the subsidy for the second quarter can be "
     "paid in July as planned:\n"
     "- your identity card\n"
     "- the rental contract"},
    {"no paragraph starts with closing punctuation",
     "通知如下\n。明天上午停水\n、停电\n）完\n", "通知如下。明天上午停水、停电）完"},
    {"LS, PS and NEL end lines, not the bytes inside 八 (E5 85 AB)",
     "八\xE2\x80\xA8第二\xE2\x80\xA9第三\xC2\x85第四", "八\n第二\n第三\n第四"},
    {"blank lines and CRLF", "第一段。\r\n\r\n\r\n第二段。\r\n", "第一段。\n第二段。"},
};

static const text_case html_cases[] = {
    {"br: a line break in the paragraph", "<p>地址：园岭街道<br>电话：123</p>",
     "地址：园岭街道\nBR:电话：123"},
    {"two br: a new paragraph", "一<br><br>二<br/>三", "一\n二\nBR:三"},
    {"source newline between Chinese characters", "<p>糖尿病\n的预防</p>",
     "糖尿病的预防"},
    {"source newline between Latin words", "<p>water\nsupply</p>", "water supply"},
    {"implied end tags", "<p>a<p>b<ul><li>x<li>y</ul>", "a\nb\nL1[•]x\nL1[•]y"},
    {"nested lists, numbered",
     "<ol><li>一<ol><li>甲</li><li>乙</li></ol></li><li>二</li></ol>"
     "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>",
     "L1[1.]一\nL2[1.]甲\nL2[2.]乙\nL1[2.]二\nL1[•]a\nL2[◦]b\nL3[▪]c"},
    {"ol start", "<ol start=\"4\"><li>d</li><li>e</li></ol>", "L1[4.]d\nL1[5.]e"},
    {"headings", "<h1>大标题</h1><p>正文</p><h3>小节</h3>正文二",
     "H1:大标题\n正文\nH3:小节\n正文二"},
    {"blockquote and hr",
     "<p>前</p><blockquote><p>引文一</p><p>引文二</p></blockquote><hr>后",
     "前\nQ1:引文一\nQ1:引文二\n---\n后"},
    {"pre keeps its lines and spaces", "<pre>\nint main(void)\n{\n\treturn 0;\n}\n</pre>",
     "C:int main(void)\nC:{\nC:    return 0;\nC:}"},
    {"code block capped at 8 lines",
     "<pre><code>1a\n2b\n3c\n4d\n5e\n6f\n7g\n8h\n9i\n10j</code></pre>",
     "C:1a\nC:2b\nC:3c\nC:4d\nC:5e\nC:6f\nC:7g\nC:8h\n（代码共 10 行，只显示前 8 行）"},
    {"simple table",
     "<table><tr><th>时间</th><th>活动</th></tr><tr><td>9:00</td>"
     "<td>义诊</td></tr></table>",
     "R:时间|活动\nR:9:00|义诊"},
    {"gutter table (highlighter)",
     "<table class=highlight><tr><td class=gutter><pre>1\n2\n3</pre></td>"
     "<td class=code><pre>a = 1\nb = 2\nprint(a + b)</pre></td></tr></table>",
     "C:a = 1\nC:b = 2\nC:print(a + b)"},
    {"gutter column in rows",
     "<table><tr><td>1</td><td>x = 1</td></tr><tr><td>2</td><td>y = 2</td></tr></table>",
     "R:x = 1\nR:y = 2"},
    {"entities, the whole table",
     "&hellip;&nbsp;&mdash;&eacute;&amp;&lt;&gt;&quot;&apos;&copy;&frac12;&rarr;"
     "&NotNestedGreaterGreater;&#20013;&#x6587;&#150;",
     "… —é&<>\"'©½→⪢̸中文–"},
    {"entity without ';' and unknown ones", "&amp x &foo; &copy2024", "& x &foo; ©2024"},
    {"dropped: script, style, template, noscript",
     "<script>alert(1)</script><style>p{}</style><template><p>t</p></template>"
     "<noscript>请启用脚本</noscript><p>ok</p>",
     "ok"},
    {"comments and doctype", "<!DOCTYPE html><!-- <p>x</p> -->a<!-- b", "a"},
    {"closing punctuation after a block", "<p>文字</p><p>。后面</p>", "文字。后面"},
    {"item with br", "<ul><li>周一<br>9:00</li></ul>", "L1[•]周一\nBR:9:00"},
};

static void test_plain_structure(void)
{
    run_cases(plain_cases, sizeof plain_cases / sizeof *plain_cases, false);
}

static void test_html_structure(void)
{
    run_cases(html_cases, sizeof html_cases / sizeof *html_cases, true);
}

/* text_from_html's caps: nesting past 512 open elements is cut there (the
 * text after it is lost, the parser's time bounded), and so is the input
 * after 20,000 start tags; flat tags (<p>, <li>, <br>) do not nest. */
static void test_html_caps(void)
{
    size_t n = 600 * 5 + 1;
    char *deep = xmalloc(n + 1);
    for (int i = 0; i < 600; i++)
        memcpy(deep + i * 5, "<div>", 5);
    memcpy(deep + 3000, "x", 2);
    char *out = text_from_html(deep, n, 1024);
    CHECKF(strcmp(out, "") == 0, "'%s'", out);
    free(out);
    out = text_from_html(deep + 100 * 5, n - 100 * 5, 1024); /* 500 deep */
    CHECKF(strcmp(out, "x") == 0, "'%s'", out);
    free(out);
    free(deep);
    size_t m = 30000 * 6;
    char *flat = xmalloc(m + 1);
    for (int i = 0; i < 30000; i++)
        memcpy(flat + i * 6, i % 2 ? "<p>b  " : "<li>a ", 6);
    flat[m] = '\0';
    out = text_from_html(flat, m, 1 << 20);
    size_t paras = 1;
    for (const char *p = out; *p; p++)
        paras += *p == '\n';
    CHECKF(paras == 20000, "%zu paragraphs", paras); /* the tag cap, not the depth */
    free(out);
    free(flat);
}

int main(void)
{
    RUN(test_lines_and_spaces);
    RUN(test_controls_and_escapes);
    RUN(test_invalid_utf8);
    RUN(test_caps);
    RUN(test_html);
    RUN(test_plain_structure);
    RUN(test_html_structure);
    RUN(test_html_caps);
    RUN(test_article);
    RUN(test_cjk_punct);
    RUN(test_random);
    RUN(test_combining_marks);
    return test_done("text");
}
