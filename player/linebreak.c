#define LOG_MODULE "linebreak"
#include "linebreak.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "buf.h"
#include "log.h"
#include "util.h"

#define LANG_MAX 64

/* Characters that stay with a number before them: magnitudes, money,
 * measures, time and the common counters (sorted, for bsearch):
 * % ° ‰ ‱ ℃ ℉ 万两个亩人亿件位倍元兆克公分十千升厘只台号名吨周块天家寸尺层届岁
 * 平年度座户所批斤方日时月期条栋楼次毛毫百秒立米角辆里间顷项％.
 * Chosen to keep "7.5万平方米", "17亿元", "2024年", "28日", "96个", "8名"
 * whole; gluing a few more characters than needed only ends a line a
 * little earlier, while splitting a number from its unit misreads it. */
static const uint32_t unit_chars[] = {
    0x0025, 0x00B0, 0x2030, 0x2031, 0x2103, 0x2109, 0x4E07, 0x4E24, 0x4E2A, 0x4EA9,
    0x4EBA, 0x4EBF, 0x4EF6, 0x4F4D, 0x500D, 0x5143, 0x5146, 0x514B, 0x516C, 0x5206,
    0x5341, 0x5343, 0x5347, 0x5398, 0x53EA, 0x53F0, 0x53F7, 0x540D, 0x5428, 0x5468,
    0x5757, 0x5929, 0x5BB6, 0x5BF8, 0x5C3A, 0x5C42, 0x5C4A, 0x5C81, 0x5E73, 0x5E74,
    0x5EA6, 0x5EA7, 0x6237, 0x6240, 0x6279, 0x65A4, 0x65B9, 0x65E5, 0x65F6, 0x6708,
    0x671F, 0x6761, 0x680B, 0x697C, 0x6B21, 0x6BDB, 0x6BEB, 0x767E, 0x79D2, 0x7ACB,
    0x7C73, 0x89D2, 0x8F86, 0x91CC, 0x95F4, 0x9877, 0x9879, 0xFF05};

struct linebreak {
    UBreakIterator *line; /* NULL: ICU failed, fallback rules */
    UBreakIterator *chars;
    UText *ut;
    size_t *pos, n_pos, cap_pos;
    size_t *gr, n_gr, cap_gr;
};

static void push(size_t **arr, size_t *n, size_t *cap, size_t v)
{
    *arr = buf_grow(*arr, cap, *n + 1, sizeof **arr);
    (*arr)[(*n)++] = v;
}

static void locale_for(const char *language, char *out, size_t cap)
{
    if (!language || !*language || strlen(language) >= LANG_MAX)
        language = "zh";
    UErrorCode err = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(language, out, (int32_t)cap, &parsed, &err);
    if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING || !*out)
        snprintf(out, cap, "zh");
}

linebreak *linebreak_create(const char *language)
{
    linebreak *lb = xcalloc(1, sizeof *lb);
    char loc[ULOC_FULLNAME_CAPACITY];
    locale_for(language, loc, sizeof loc);
    UErrorCode err = U_ZERO_ERROR;
    lb->line = ubrk_open(UBRK_LINE, loc, NULL, 0, &err);
    if (U_SUCCESS(err))
        lb->chars = ubrk_open(UBRK_CHARACTER, loc, NULL, 0, &err);
    if (U_FAILURE(err)) {
        LOG_ERR("ICU break iterator for \"%s\": %s; breaking between characters", loc,
                u_errorName(err));
        ubrk_close(lb->line);
        ubrk_close(lb->chars);
        lb->line = lb->chars = NULL;
    }
    return lb;
}

void linebreak_destroy(linebreak *lb)
{
    if (!lb)
        return;
    ubrk_close(lb->line);
    ubrk_close(lb->chars);
    utext_close(lb->ut);
    free(lb->pos);
    free(lb->gr);
    free(lb);
}

/* Decodes the code point at *i (advancing it); bad bytes give U+FFFD. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    int32_t k = (int32_t)*i;
    UChar32 c;
    U8_NEXT((const uint8_t *)s, k, (int32_t)len, c);
    *i = (size_t)k;
    return c < 0 ? 0xFFFD : (uint32_t)c;
}

/* Decodes the code point that ends at *i (moving *i to its start). */
static uint32_t prev_cp(const char *s, size_t *i)
{
    int32_t k = (int32_t)*i;
    UChar32 c;
    U8_PREV((const uint8_t *)s, 0, k, c);
    *i = (size_t)k;
    return c < 0 ? 0xFFFD : (uint32_t)c;
}

/* Every character boundary except before a space: used without ICU. */
static void fallback_breaks(const char *s, size_t len, size_t **arr, size_t *n,
                            size_t *cap, bool spaces_too)
{
    size_t i = 0;
    while (i < len) {
        next_cp(s, len, &i);
        if (i < len && (spaces_too || s[i] != ' '))
            push(arr, n, cap, i);
    }
    if (len)
        push(arr, n, cap, len);
}

/* Runs the iterator over text, collecting boundaries after 0. */
static bool icu_breaks(linebreak *lb, UBreakIterator *bi, const char *s, size_t len,
                       size_t **arr, size_t *n, size_t *cap)
{
    UErrorCode err = U_ZERO_ERROR;
    lb->ut = utext_openUTF8(lb->ut, s, (int64_t)len, &err);
    if (U_SUCCESS(err))
        ubrk_setUText(bi, lb->ut, &err);
    if (U_FAILURE(err)) {
        LOG_ERR("ICU cannot take the text: %s", u_errorName(err));
        return false;
    }
    ubrk_first(bi);
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi))
        if (p > 0 && (size_t)p <= len)
            push(arr, n, cap, (size_t)p);
    if (*n == 0 || (*arr)[*n - 1] != len)
        push(arr, n, cap, len);
    return true;
}

/* Connectors (clreq 3.1.4): a wave dash, a dash, a full-width hyphen or a
 * middle dot joins what is on both sides of it, so no line starts with one. */
static bool is_connector(uint32_t cp)
{
    return cp == 0xFF5E || cp == 0x301C || cp == 0x2014 || cp == 0xFF0D || cp == 0x00B7 ||
           cp == 0x30FB || cp == 0x2013;
}

/* Spaces that join: no line breaks before or after them. */
static bool is_joining_space(uint32_t cp)
{
    return cp == 0x00A0 || cp == 0x202F || cp == 0x2009;
}

bool linebreak_no_start(uint32_t cp)
{
    if (is_connector(cp))
        return true;
    switch (u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK)) {
    case U_LB_CLOSE_PUNCTUATION:
    case U_LB_CLOSE_PARENTHESIS:
    case U_LB_EXCLAMATION:
    case U_LB_INFIX_NUMERIC:
    case U_LB_NONSTARTER:
    case U_LB_INSEPARABLE:
    case U_LB_CONDITIONAL_JAPANESE_STARTER:
        return true;
    case U_LB_QUOTATION:
        return u_charType((UChar32)cp) == U_FINAL_PUNCTUATION;
    default:
        return false;
    }
}

bool linebreak_no_end(uint32_t cp)
{
    switch (u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK)) {
    case U_LB_OPEN_PUNCTUATION:
        return true;
    case U_LB_QUOTATION:
        return u_charType((UChar32)cp) == U_INITIAL_PUNCTUATION;
    default:
        return false;
    }
}

static int cmp_cp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

bool linebreak_is_unit(uint32_t cp)
{
    return bsearch(&cp, unit_chars, sizeof unit_chars / sizeof *unit_chars,
                   sizeof *unit_chars, cmp_cp) != NULL;
}

/* Rule 1: the line before p would end with a no-end character, or the
 * line from p would start with a no-start one. Spaces before p don't count. */
static bool breaks_kinsoku(const char *s, size_t len, size_t p)
{
    size_t i = p;
    uint32_t after = next_cp(s, len, &i);
    if (linebreak_no_start(after))
        return true;
    i = p;
    while (i > 0 && s[i - 1] == ' ')
        i--;
    return i > 0 && linebreak_no_end(prev_cp(s, &i));
}

#define ORDINAL_PREFIX 0x7B2C /* 第 */

/* Rule 2: p sits after a digit, or inside a unit chain after one; spaces
 * the author put between a number and its unit ("2025 年") count as none.
 * Also a number stays with a leading 第 ("第 3", "第3"). */
static bool breaks_unit(const char *s, size_t len, size_t p)
{
    size_t i = p;
    uint32_t after = next_cp(s, len, &i);
    i = p;
    while (i > 0 && s[i - 1] == ' ')
        i--;
    if (u_isdigit((UChar32)after))
        return i > 0 && prev_cp(s, &i) == ORDINAL_PREFIX;
    if (!linebreak_is_unit(after))
        return false;
    i = p;
    for (int k = 1; i > 0; k++) {
        uint32_t c = prev_cp(s, &i);
        if (c == ' ') {
            while (i > 0 && s[i - 1] == ' ')
                i--;
            return i > 0 && u_isdigit((UChar32)prev_cp(s, &i));
        }
        if (u_isdigit((UChar32)c))
            return true;
        if (k >= LINEBREAK_UNIT_CHAIN || !linebreak_is_unit(c))
            return false;
    }
    return false;
}

static bool ascii_graphic(char c)
{
    return c > 0x20 && c < 0x7f;
}

static bool is_url_run(const char *s, size_t a, size_t b)
{
    size_t n = b - a;
    if (n >= 4 && strncasecmp(s + a, "www.", 4) == 0)
        return true;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '@' && i > a && i + 1 < b)
            return true;
        if (s[i] == ':' && i + 2 < b && s[i + 1] == '/' && s[i + 2] == '/')
            return true;
    }
    return false;
}

/* Rule 3: p is strictly inside a URL run. Opportunities come in ascending
 * order, so the run found last is cached in *run_a, *run_b, *run_url. */
static bool inside_url(const char *s, size_t len, size_t p, size_t *run_a, size_t *run_b,
                       bool *run_url)
{
    if (p >= *run_b) {
        size_t a = p;
        while (a > 0 && ascii_graphic(s[a - 1]))
            a--;
        size_t b = p;
        while (b < len && ascii_graphic(s[b]))
            b++;
        *run_a = a;
        *run_b = b > p ? b : p + 1;
        *run_url = b > a && is_url_run(s, a, b);
    }
    return *run_url && p > *run_a && p < *run_b;
}

/* Rule 4: a joining space on either side of p. */
static bool breaks_joining_space(const char *s, size_t len, size_t p)
{
    size_t i = p;
    if (is_joining_space(next_cp(s, len, &i)))
        return true;
    i = p;
    return is_joining_space(prev_cp(s, &i));
}

/* Rule 5: p follows the spaces inside a short run of digit groups (a
 * phone number "0755-8321 0000", "138 0013 8000"): digits on both sides,
 * the run of digits, '-', '+' and single spaces at most
 * LINEBREAK_NUMBER_RUN bytes. A longer run (a list of numbers) keeps its
 * breaks. */
static bool number_byte(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (isdigit(c) || c == '-' || c == '+')
        return true;
    return c == ' ' && i > 0 && i + 1 < len && isdigit((unsigned char)s[i - 1]) &&
           isdigit((unsigned char)s[i + 1]);
}

static bool breaks_number(const char *s, size_t len, size_t p)
{
    if (p < 2 || p >= len || s[p - 1] != ' ' || !isdigit((unsigned char)s[p]) ||
        !isdigit((unsigned char)s[p - 2]))
        return false;
    /* Each side looked at up to the cap, no further: a long run of
     * numbers ("1 1 1 ...", up to a body's 64 KiB) would otherwise be
     * walked whole at each of its breaks. */
    size_t a = p - 1, b = p;
    while (a > 0 && p - a <= LINEBREAK_NUMBER_RUN && number_byte(s, len, a - 1))
        a--;
    while (b < len && b - a <= LINEBREAK_NUMBER_RUN && number_byte(s, len, b))
        b++;
    return b - a <= LINEBREAK_NUMBER_RUN;
}

static void tailor(linebreak *lb, const char *s, size_t len)
{
    size_t kept = 0, run_a = 0, run_b = 0;
    bool run_url = false;
    for (size_t k = 0; k < lb->n_pos; k++) {
        size_t p = lb->pos[k];
        bool drop =
            p < len && (breaks_kinsoku(s, len, p) || breaks_unit(s, len, p) ||
                        breaks_joining_space(s, len, p) || breaks_number(s, len, p) ||
                        inside_url(s, len, p, &run_a, &run_b, &run_url));
        if (!drop)
            lb->pos[kept++] = p;
    }
    lb->n_pos = kept;
}

const size_t *linebreak_find(linebreak *lb, const char *text, size_t len,
                             linebreak_mode mode, size_t *n)
{
    lb->n_pos = 0;
    if (len > INT32_MAX)
        len = INT32_MAX; /* ICU's offsets are int32; callers cap far below */
    if (len > 0) {
        if (!lb->line ||
            !icu_breaks(lb, lb->line, text, len, &lb->pos, &lb->n_pos, &lb->cap_pos)) {
            lb->n_pos = 0;
            fallback_breaks(text, len, &lb->pos, &lb->n_pos, &lb->cap_pos, false);
        }
        if (mode == LINEBREAK_TAILORED)
            tailor(lb, text, len);
    }
    *n = lb->n_pos;
    return lb->pos;
}

const size_t *linebreak_graphemes(linebreak *lb, const char *text, size_t len, size_t *n)
{
    lb->n_gr = 0;
    if (len > INT32_MAX)
        len = INT32_MAX;
    if (len > 0 && (!lb->chars || !icu_breaks(lb, lb->chars, text, len, &lb->gr,
                                              &lb->n_gr, &lb->cap_gr))) {
        lb->n_gr = 0;
        fallback_breaks(text, len, &lb->gr, &lb->n_gr, &lb->cap_gr, true);
    }
    *n = lb->n_gr;
    return lb->gr;
}

static bool url_break_after(char c)
{
    return c == '/' || c == '?' || c == '&' || c == '=' || c == '_' || c == '-';
}

const size_t *linebreak_emergency(linebreak *lb, const char *text, size_t len, size_t *n)
{
    if (len > INT32_MAX)
        len = INT32_MAX;
    size_t run_a = 0, run_b = 0;
    bool url = false;
    if (len > 0 && ascii_graphic(text[0]) &&
        inside_url(text, len, 1, &run_a, &run_b, &url)) {
        lb->n_gr = 0;
        for (size_t p = 1; p < run_b && p < len; p++) {
            size_t i = p;
            if (url_break_after(text[p - 1]) && !url_break_after(text[p]) &&
                !linebreak_no_start(next_cp(text, len, &i)))
                push(&lb->gr, &lb->n_gr, &lb->cap_gr, p);
        }
        push(&lb->gr, &lb->n_gr, &lb->cap_gr, len);
        if (lb->n_gr > 1) {
            *n = lb->n_gr;
            return lb->gr;
        }
    }
    return linebreak_graphemes(lb, text, len, n);
}
