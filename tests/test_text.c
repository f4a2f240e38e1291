/* text: normalising, HTML to text, UTF-8 helpers. */
#include "test.h"
#include "util.h"
#include "text.h"

#include <stdint.h>
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
        if (!clean(a) || !clean(b) || !clean(c) || strlen(a) > cap || strlen(b) > cap ||
            strchr(c, '\n'))
            bad++;
        free(a);
        free(b);
        free(c);
    }
    CHECKF(bad == 0, "%d random inputs gave output that breaks the contract", bad);
}

static void test_html(void)
{
    HTML("<p>One</p><p>Two</p>", "One\nTwo");
    HTML("a<br>b<br/>c<BR />d", "a\nb\nc\nd");
    HTML("<div><h1>T</h1><ul><li>x</li><li>y</li></ul></div>",
         "T\n\xe2\x80\xa2 x\n\xe2\x80\xa2 y");
    HTML("<script>alert('<p>')</script>ok<style>p{color:red}</style>", "ok");
    HTML("<SCRIPT type=x>bad()</SCRIPT >ok", "ok");
    HTML("a<!-- <p>hidden</p> -->b", "ab");
    HTML("<!DOCTYPE html><?xml x?>t", "t");
    HTML("&amp;&lt;&gt;&quot;&apos;", "&<>\"'");
    HTML("a&nbsp;b", "a b");
    HTML("&#20013;&#x6587;&#X6587", "中文文");
    HTML("&mdash;&hellip;&ldquo;x&rdquo;&lsquo;&rsquo;&middot;", "—…“x”‘’·");
    HTML("&foo; &amp x &#; &", "&foo; & x &#; &");
    HTML("9&nbsp&lt;10 &ampx &mdash x&copy", "9 <10 &ampx &mdash x©");
    HTML("&#0;&#x110000;&#xD800;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    HTML("&#150;&#151;", "–—");
    HTML("a&#10;b", "a b");
    HTML("<b>bold</b> and <a href=\"x>y\" title='<p>'>link</a>", "bold and link");
    HTML("<p>\n  Hello\n  world\n</p>", "Hello world");
    HTML("1 < 2 and 3 > 2", "1 < 2 and 3 > 2");
    HTML("text<p", "text");
    HTML("a<!-- never closed", "a");
    HTML("<script>never closed", "");
    HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc");
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
    /* The HTML pass's largest growth, 3 bytes to 5, is not cut. */
    char *li = text_from_html("<li", 3, 64);
    CHECKF(strcmp(li, "\xe2\x80\xa2") == 0, "'%s'", li);
    free(li);
    char *html = text_from_html(LI_HTML, strlen(LI_HTML), 4096);
    CHECKF(strcmp(html, "项目：\n\xe2\x80\xa2 测血压\n\xe2\x80\xa2 测血糖") == 0,
           "li: '%s'", html);
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

int main(void)
{
    RUN(test_lines_and_spaces);
    RUN(test_controls_and_escapes);
    RUN(test_invalid_utf8);
    RUN(test_caps);
    RUN(test_html);
    RUN(test_article);
    RUN(test_cjk_punct);
    RUN(test_random);
    RUN(test_combining_marks);
    return test_done("text");
}
