/* text: see text.h. Everything here works on bytes with explicit lengths;
 * no locale, no libc wide-character functions. */
#include "text.h"
#include "buf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

size_t text_utf8_next(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* Unicode 15, table 3-7: the second byte's range depends on the first. */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0Fu;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07u;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        *cp = TEXT_UTF8_INVALID;
        return 1;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= len || s[i] < lo || s[i] > hi) {
            *cp = TEXT_UTF8_INVALID;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return i;
}

bool text_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += text_utf8_next(s + i, len - i, &cp);
        if (cp == TEXT_UTF8_INVALID)
            return false;
    }
    return true;
}

size_t text_utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t text_count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---- normalising ---- */

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool is_break(uint32_t c)
{
    return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Characters that are invisible or harmful on a sign: controls, bidi
 * overrides, zero-width junk, noncharacters. */
static bool is_junk(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return true;
    if (c == 0xAD || c == 0x061C || c == 0x180E || c == 0x200B || c == 0x200E ||
        c == 0x200F || c == 0xFEFF)
        return true;
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
        (c >= 0x2066 && c <= 0x206F) || (c >= 0xFFF9 && c <= 0xFFFB))
        return true;
    return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

enum { PEND_NONE, PEND_SPACE, PEND_BREAK };

typedef struct {
    char *out;
    size_t len, limit;
    bool one_line;
    bool in_para; /* the current paragraph has content */
    bool any;     /* the output has content */
    int pending;  /* separator owed before the next content */
    int marks;    /* combining marks on the last base character */
    bool full;
} norm;

bool text_is_mark(uint32_t cp)
{
    /* Han ideographs and Hangul syllables (most of a Chinese feed) have
     * no marks: no lookup for them. */
    if (cp < 0x300 || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3))
        return false;
    return cp < TEXT_UTF8_INVALID &&
           u_hasBinaryProperty((UChar32)cp, UCHAR_GRAPHEME_EXTEND);
}

static void norm_content(norm *n, uint32_t cp)
{
    /* Marks past TEXT_MAX_MARKS on one character are dropped: thousands of
     * them draw far outside the line box. ZWJ neither counts nor resets,
     * so "a" ZWJ marks cannot double the cap; emoji sequences and Hangul
     * jamo have no runs that long. */
    bool mark = text_is_mark(cp);
    if (n->pending != PEND_NONE)
        n->marks = 0;
    if (mark && n->marks >= TEXT_MAX_MARKS)
        return;
    if (mark)
        n->marks++;
    else if (cp != 0x200D)
        n->marks = 0;
    char bytes[5];
    size_t k = 0;
    if (n->pending == PEND_BREAK)
        bytes[k++] = '\n';
    else if (n->pending == PEND_SPACE)
        bytes[k++] = ' ';
    k += text_utf8_put(cp, bytes + k);
    if (n->len + k > n->limit) {
        n->full = true;
        return;
    }
    memcpy(n->out + n->len, bytes, k);
    n->len += k;
    n->pending = PEND_NONE;
    n->in_para = n->any = true;
}

static void norm_cp(norm *n, uint32_t cp)
{
    if (is_break(cp) && !n->one_line) {
        if (n->any)
            n->pending = PEND_BREAK;
        n->in_para = false;
    } else if (is_space(cp) || is_break(cp)) {
        if (n->in_para && n->pending == PEND_NONE)
            n->pending = PEND_SPACE;
    } else if (cp == TEXT_UTF8_INVALID) {
        norm_content(n, 0xFFFD);
    } else if (!is_junk(cp)) {
        norm_content(n, cp);
    }
}

/* s[i] is ESC: returns the index after the escape sequence. A sequence that
 * is cut short ends where it stops matching, and that byte is kept. */
static size_t skip_escape(const unsigned char *s, size_t n, size_t i)
{
    i++;
    if (i >= n)
        return i;
    unsigned char c = s[i];
    if (c == '[') {
        i++;
        while (i < n && s[i] >= 0x20 && s[i] <= 0x3F)
            i++;
        if (i < n && s[i] >= 0x40 && s[i] <= 0x7E)
            i++;
        return i;
    }
    if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
        for (i++; i < n; i++) {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\')
                return i + 2;
            if (s[i] == 0x1B || s[i] == '\n' || s[i] == '\r')
                return i;
        }
        return i;
    }
    if (c >= 0x20 && c <= 0x7E) {
        while (i < n && s[i] >= 0x20 && s[i] <= 0x2F)
            i++;
        if (i < n && s[i] >= 0x30 && s[i] <= 0x7E)
            i++;
    }
    return i;
}

static char *normalise(const char *in, size_t len, size_t max_out, bool one_line)
{
    /* Each input byte gives at most 3 output bytes (U+FFFD). */
    size_t limit = len > max_out / 3 ? max_out : len * 3;
    norm n = {.out = xmalloc(limit + 1), .limit = limit, .one_line = one_line};
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    while (i < len && !n.full) {
        uint32_t cp;
        if (s[i] == 0x1B) {
            i = skip_escape(s, len, i);
            continue;
        }
        if (s[i] == '\r') {
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            norm_cp(&n, '\n');
            continue;
        }
        i += text_utf8_next(in + i, len - i, &cp);
        norm_cp(&n, cp);
    }
    n.out[n.len] = '\0';
    return n.out;
}

char *text_normalise(const char *in, size_t len, size_t max_out)
{
    return normalise(in, len, max_out, false);
}

char *text_normalise_line(const char *in, size_t len, size_t max_out)
{
    return normalise(in, len, max_out, true);
}

/* ---- HTML ---- */

/* The HTML pass writes into a buf capped at html_max(len), a cap never
 * reached: no input writes more than 5 bytes for 3 ("<li" at the end gives
 * "\n• "), and a character reference never writes more bytes than it reads. */
static size_t html_max(size_t len)
{
    return len / 3 * 5 + 5;
}

static void sb_put(buf *b, const char *s, size_t n)
{
    (void)buf_add(b, s, n);
}

static void sb_cp(buf *b, uint32_t cp)
{
    char u[4];
    sb_put(b, u, text_utf8_put(cp, u));
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Index of the first occurrence of needle (ASCII, case-insensitive) at or
 * after i, or n. */
static size_t find_ci(const char *h, size_t n, size_t i, const char *needle)
{
    size_t k = strlen(needle);
    for (; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && (h[i + j] | 0x20) == (needle[j] | 0x20))
            j++;
        if (j == k)
            return i;
    }
    return n;
}

static size_t skip_past(const char *h, size_t n, size_t i, const char *needle)
{
    size_t at = find_ci(h, n, i, needle);
    return at == n ? n : at + strlen(needle);
}

static bool name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

static const char *const block_tags[] = {
    "p",       "br",     "div",    "h1",         "h2",  "h3",     "h4",
    "h5",      "h6",     "li",     "tr",         "ul",  "ol",     "dl",
    "dt",      "dd",     "table",  "blockquote", "pre", "hr",     "section",
    "article", "header", "footer", "aside",      "nav", "figure", "figcaption",
    "address", "main",   NULL};
static const char *const cell_tags[] = {"td", "th", NULL};
static const char *const raw_tags[] = {"script", "style", "template", NULL};

/* The end of a tag's attributes: the '>' outside quoted values, or n. */
static size_t tag_end(const char *h, size_t n, size_t i)
{
    while (i < n && h[i] != '>') {
        if (h[i] == '=') {
            i++;
            while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\n' || h[i] == '\r'))
                i++;
            if (i < n && (h[i] == '"' || h[i] == '\'')) {
                const char *q = memchr(h + i + 1, h[i], n - i - 1);
                i = q ? (size_t)(q - h) + 1 : n;
            }
            continue;
        }
        i++;
    }
    return i < n ? i + 1 : n;
}

/* h[i] is '<'. Emits what the tag means and returns the index after it. */
static size_t html_tag(const char *h, size_t n, size_t i, buf *b)
{
    size_t j = i + 1;
    if (n - i >= 4 && memcmp(h + i, "<!--", 4) == 0)
        return skip_past(h, n, i + 4, "-->");
    if (j < n && (h[j] == '!' || h[j] == '?'))
        return skip_past(h, n, j, ">");
    bool closing = j < n && h[j] == '/';
    if (closing)
        j++;
    if (j >= n || !is_alpha((unsigned char)h[j])) {
        sb_put(b, "<", 1);
        return i + 1;
    }
    char name[16];
    size_t k = 0;
    for (; j < n && (is_alpha((unsigned char)h[j]) || is_digit((unsigned char)h[j])); j++)
        if (k < sizeof name - 1)
            name[k++] = (char)(h[j] | 0x20);
    name[k] = '\0';
    size_t end = tag_end(h, n, j);
    if (!closing && strcmp(name, "li") == 0)
        sb_put(b, "\n\xe2\x80\xa2 ", 5); /* "• ": a list item reads as one */
    else if (name_in(name, block_tags))
        sb_put(b, "\n", 1);
    else if (name_in(name, cell_tags))
        sb_put(b, " ", 1);
    else if (!closing && name_in(name, raw_tags)) {
        char close[20];
        snprintf(close, sizeof close, "</%s", name);
        size_t at = find_ci(h, n, end, close);
        return at == n ? n : tag_end(h, n, at + strlen(close));
    }
    return end;
}

static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},    {"mdash", 0x2014}, {"ndash", 0x2013},
    {"hellip", 0x2026}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"middot", 0xB7},  {"bull", 0x2022},  {"laquo", 0xAB},
    {"raquo", 0xBB},    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},
    {"deg", 0xB0},      {"times", 0xD7},   {"divide", 0xF7},  {"yen", 0xA5},
    {"euro", 0x20AC},   {"ensp", 0x2002},  {"emsp", 0x2003},  {"thinsp", 0x2009},
};

/* Windows-1252 for 0x80-0x9F, which HTML applies to numeric references. */
static const uint16_t cp1252[32] = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
    0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

/* h[i] is '&' followed by '#'. */
static size_t html_numeric(const char *h, size_t n, size_t i, buf *b)
{
    size_t j = i + 2;
    int base = 10;
    if (j < n && (h[j] == 'x' || h[j] == 'X')) {
        base = 16;
        j++;
    }
    uint32_t v = 0;
    size_t digits = 0;
    for (; j < n; j++, digits++) {
        int d = hex_value((unsigned char)h[j]);
        if (d < 0 || d >= base)
            break;
        if (v <= 0x10FFFF)
            v = v * (uint32_t)base + (uint32_t)d;
    }
    if (digits == 0) {
        sb_put(b, "&", 1);
        return i + 1;
    }
    if (j < n && h[j] == ';')
        j++;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        v = 0xFFFD;
    else if (v >= 0x80 && v <= 0x9F)
        v = cp1252[v - 0x80];
    else if (v == '\n' || v == '\r' || v == '\t')
        v = ' ';
    sb_cp(b, v);
    return j;
}

/* h[i] is '&'. Emits the decoded character, or '&' itself. */
static size_t html_entity(const char *h, size_t n, size_t i, buf *b)
{
    if (i + 1 < n && h[i + 1] == '#')
        return html_numeric(h, n, i, b);
    size_t j = i + 1;
    char name[12];
    size_t k = 0;
    while (j < n && k < sizeof name - 1 &&
           (is_alpha((unsigned char)h[j]) || is_digit((unsigned char)h[j])))
        name[k++] = h[j++];
    name[k] = '\0';
    bool semicolon = j < n && h[j] == ';';
    /* Browsers also take a few old names without ';' ("&nbsp 9:00"). */
    static const char *const legacy[] = {"amp",  "lt",   "gt",  "quot",
                                         "nbsp", "copy", "reg", NULL};
    bool ended =
        j >= n || !(is_alpha((unsigned char)h[j]) || is_digit((unsigned char)h[j]));
    if (k > 0 && (semicolon || (ended && name_in(name, legacy)))) {
        for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
            if (strcmp(name, entities[e].name) == 0) {
                sb_cp(b, entities[e].cp);
                return j + semicolon;
            }
        }
    }
    sb_put(b, "&", 1);
    return i + 1;
}

char *text_from_html(const char *html, size_t len, size_t max_out)
{
    buf b;
    buf_init(&b, html_max(len));
    size_t i = 0;
    while (i < len) {
        char c = html[i];
        if (c == '<') {
            i = html_tag(html, len, i, &b);
        } else if (c == '&') {
            i = html_entity(html, len, i, &b);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            sb_put(&b, " ", 1);
            i++;
        } else {
            size_t run = i + 1;
            while (run < len && html[run] != '<' && html[run] != '&' &&
                   html[run] != '\n' && html[run] != '\r' && html[run] != '\t')
                run++;
            sb_put(&b, html + i, run - i);
            i = run;
        }
    }
    size_t n;
    char *plain = buf_take(&b, &n);
    char *out = text_normalise(plain, n, max_out);
    free(plain);
    return out;
}

bool text_is_wide(uint32_t cp)
{
    if (cp > 0x10FFFF)
        return false;
    int w = u_getIntPropertyValue((UChar32)cp, UCHAR_EAST_ASIAN_WIDTH);
    return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

/* The code point after the spaces from s[i] (0 at the end); *after gets
 * the index past the spaces. */
static uint32_t after_spaces(const char *s, size_t len, size_t i, size_t *after)
{
    while (i < len && s[i] == ' ')
        i++;
    *after = i;
    uint32_t cp = 0;
    if (i < len)
        text_utf8_next(s + i, len - i, &cp);
    return cp;
}

/* State of text_cjk_punct over one string: the output, the character
 * before, and which open parentheses and quote became full-width. */
typedef struct {
    char *out;
    size_t o;
    uint32_t prev, before_space; /* before_space: prev, spaces skipped */
    unsigned paren_wide;         /* bit per nesting level (16 kept) */
    int paren_depth;
    bool in_quote, quote_wide;
} punct_state;

/* Drops the spaces just written (before a mark that became full-width). */
static void unspace(punct_state *st)
{
    while (st->o > 0 && st->out[st->o - 1] == ' ')
        st->o--;
}

/* Handles ASCII mark c at s[i]; returns the bytes consumed, 0 when it
 * stays as it is. */
static size_t punct_mark(punct_state *st, const char *s, size_t len, size_t i, char c)
{
    static const char marks[] = ",;:!?";
    static const uint32_t wide[] = {0xFF0C, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F};
    size_t past;
    uint32_t next = after_spaces(s, len, i + 1, &past);
    bool spaced = past > i + 1, wide_next = text_is_wide(next);
    bool quote = st->prev == 0x201D || st->prev == 0x2019;
    const char *m = strchr(marks, c);
    if (m && (text_is_wide(st->prev) || (quote && wide_next)) && (!spaced || wide_next)) {
        st->o += text_utf8_put(wide[m - marks], st->out + st->o);
        return past - i; /* spaces before Chinese dropped */
    }
    bool wide_around = text_is_wide(st->before_space) || wide_next;
    if (c == '(') {
        bool w = wide_around;
        if (st->paren_depth < 16 && w)
            st->paren_wide |= 1u << st->paren_depth;
        st->paren_depth++;
        if (!w)
            return 0;
        unspace(st);
        st->o += text_utf8_put(0xFF08, st->out + st->o);
        return past - i;
    }
    if (c == ')' && st->paren_depth > 0) {
        st->paren_depth--;
        if (st->paren_depth >= 16 || !(st->paren_wide & (1u << st->paren_depth)))
            return 0;
        st->paren_wide &= ~(1u << st->paren_depth);
        unspace(st);
        st->o += text_utf8_put(0xFF09, st->out + st->o);
        return wide_next ? past - i : 1;
    }
    if (c == '"') {
        if (!st->in_quote) {
            st->in_quote = true;
            st->quote_wide = wide_around && memchr(s + i + 1, '"', len - i - 1);
            if (!st->quote_wide)
                return 0;
            unspace(st);
            st->o += text_utf8_put(0x201C, st->out + st->o);
            return past - i;
        }
        st->in_quote = false;
        if (!st->quote_wide)
            return 0;
        unspace(st);
        st->o += text_utf8_put(0x201D, st->out + st->o);
        return wide_next ? past - i : 1;
    }
    return 0;
}

char *text_cjk_punct(char *s)
{
    size_t len = strlen(s);
    punct_state st = {.out = xmalloc(len * 3 + 1)};
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_next(s + i, len - i, &cp);
        if (cp == '\n')
            st = (punct_state){.out = st.out, .o = st.o};
        size_t used = cp && cp < 0x80 && strchr(",;:!?()\"", (int)cp)
                          ? punct_mark(&st, s, len, i, (char)cp)
                          : 0;
        if (used) {
            i += used;
            st.prev = st.before_space = cp == ')' ? 0xFF09 : cp == '"' ? 0x201D : 0xFF0C;
            continue;
        }
        memcpy(st.out + st.o, s + i, k);
        st.o += k;
        st.prev = cp;
        if (cp != ' ')
            st.before_space = cp;
        i += k;
    }
    st.out[st.o] = '\0';
    free(s);
    return st.out;
}
