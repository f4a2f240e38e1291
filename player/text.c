/* text: see text.h. Everything here works on bytes with explicit lengths;
 * no locale, no libc wide-character functions. */
#include "text.h"
#include "buf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>

#include <gumbo.h>

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
    bool keep_spaces; /* code: every space is content */
    bool in_para;     /* the current paragraph has content */
    bool any;         /* the output has content */
    int pending;      /* separator owed before the next content */
    int marks;        /* combining marks on the last base character */
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
    } else if (n->keep_spaces && (is_space(cp) || is_break(cp))) {
        norm_content(n, ' ');
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

static char *normalise(const char *in, size_t len, size_t max_out, bool one_line,
                       bool keep_spaces)
{
    /* Each input byte gives at most 3 output bytes (U+FFFD). */
    size_t limit = len > max_out / 3 ? max_out : len * 3;
    norm n = {.out = xmalloc(limit + 1),
              .limit = limit,
              .one_line = one_line,
              .keep_spaces = keep_spaces};
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
    return normalise(in, len, max_out, false, false);
}

char *text_normalise_line(const char *in, size_t len, size_t max_out)
{
    return normalise(in, len, max_out, true, false);
}

/* ---- paragraphs with kinds (shared by plain text and HTML) ---- */

#define HTML_MAX_IN (2u * 1024 * 1024) /* HTML bytes parsed; the rest is cut */
#define HTML_MAX_TAGS 20000            /* start tags parsed */
#define HTML_MAX_DEPTH 512             /* open elements, roughly (html_parse_len) */
#define MAX_LEVEL 9                    /* list and quote levels told apart */
#define CODE_MAX_LINES 8               /* a lobby is not an IDE */
#define TABLE_MAX_COLS 12
#define TABLE_MAX_ROWS 60
#define TEXT_SEP_S "\x1f"

text_block text_block_parse(const char *p, size_t len)
{
    text_block b = {TEXT_BODY, 0, "", 0, p, len};
    if (len == 0 || (unsigned char)p[0] > TEXT_BREAK || p[0] == 0)
        return b;
    b.kind = (text_kind)p[0];
    size_t i = 1;
    if (b.kind == TEXT_HEADING || b.kind == TEXT_ITEM || b.kind == TEXT_QUOTE) {
        if (i < len && p[i] >= '1' && p[i] <= '9')
            b.level = p[i++] - '0';
        else
            b.level = 1;
    }
    if (b.kind == TEXT_ITEM) {
        const char *sep = memchr(p + i, TEXT_SEP, len - i);
        if (sep) {
            b.marker = p + i;
            b.marker_len = (size_t)(sep - (p + i));
            i = (size_t)(sep - p) + 1;
        }
    }
    b.text = p + i;
    b.len = len - i;
    return b;
}

/* Where the paragraphs go: out (kind prefixes, '\n' between), capped at
 * max bytes; once full, nothing more is added. */
typedef struct {
    char *p;
    size_t len, max;
    bool full;
} paras;

static void paras_put(paras *o, const char *s, size_t n)
{
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

/* Adds one paragraph: a kind prefix and its (clean) text. A rule has no
 * text; any other paragraph without text is not added. What passes the cap
 * is cut at a character and the output is then full. */
static void paras_add(paras *o, const char *prefix, size_t plen, const char *text,
                      size_t n)
{
    bool empty_ok = plen == 1 && (prefix[0] == TEXT_RULE || prefix[0] == TEXT_CODE);
    size_t sep = o->len > 0, room = 0;
    if (o->full || (n == 0 && !empty_ok))
        return;
    if (o->len + sep + plen > o->max) {
        o->full = true; /* not even the prefix fits (a rule has no text) */
        return;
    }
    room = o->max - o->len - sep - plen;
    if (n > room) {
        o->full = true;
        while (room > 0 && ((unsigned char)text[room] & 0xC0) == 0x80)
            room--;
        while (room > 0 && text[room - 1] == ' ')
            room--;
        if (room == 0 || o->len + sep + plen > o->max)
            return;
        n = room;
    }
    if (sep)
        paras_put(o, "\n", 1);
    paras_put(o, prefix, plen);
    paras_put(o, text, n);
}

/* Hangul is wide but spaced like Latin: a segment break there is a space. */
static bool is_hangul(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
           (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF);
}

/* CSS Text 3, 4.1.3: a segment break between two East Asian wide
 * characters (not Hangul) is removed, any other becomes a space. */
static bool break_vanishes(uint32_t before, uint32_t after)
{
    return text_is_wide(before) && text_is_wide(after) && !is_hangul(before) &&
           !is_hangul(after);
}

static bool html_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Inline text s[0..n) to one clean line: runs of white space with a
 * newline follow the segment-break rule, others fold to one space, and
 * the result is normalised. Caller frees. */
static char *inline_text(const char *s, size_t n)
{
    buf b;
    buf_init(&b, n + 1);
    uint32_t prev = 0;
    size_t i = 0;
    while (i < n) {
        if (!html_space((unsigned char)s[i])) {
            size_t j = i + 1;
            while (j < n && !html_space((unsigned char)s[j]))
                j++;
            (void)buf_add(&b, s + i, j - i);
            size_t last = j - 1; /* the run's last character, for the rule */
            while (last > i && ((unsigned char)s[last] & 0xC0) == 0x80)
                last--;
            text_utf8_next(s + last, j - last, &prev);
            i = j;
            continue;
        }
        bool newline = false;
        while (i < n && html_space((unsigned char)s[i]))
            newline |= s[i++] == '\n';
        uint32_t next = 0;
        if (i < n)
            text_utf8_next(s + i, n - i, &next);
        if (!(newline && break_vanishes(prev, next)))
            (void)buf_add(&b, " ", 1);
    }
    size_t len;
    char *raw = buf_take(&b, &len);
    char *out = text_normalise_line(raw, len, len * 3 + 3);
    free(raw);
    return out;
}

/* A paragraph must not start with a mark that closes what came before
 * ("、", "。", "）", "”"): such a paragraph is joined to the one before. */
static bool closes(uint32_t c)
{
    if (c < 0x80)
        return c && strchr(",;:!?)]}", (int)c) != NULL;
    int gc = u_charType((UChar32)c);
    if (gc == U_END_PUNCTUATION || gc == U_FINAL_PUNCTUATION)
        return true;
    int lb = u_getIntPropertyValue((UChar32)c, UCHAR_LINE_BREAK);
    return lb == U_LB_CLOSE_PUNCTUATION || lb == U_LB_CLOSE_PARENTHESIS ||
           lb == U_LB_EXCLAMATION || lb == U_LB_INFIX_NUMERIC;
}

static bool joins_text(text_kind k)
{
    return k == TEXT_BODY || k == TEXT_QUOTE || k == TEXT_BREAK || k == TEXT_ITEM ||
           k == TEXT_HEADING;
}

/* Joins each prose paragraph that starts with a closing mark to the one
 * before it, in place. */
static void join_closing(char *s, size_t *len)
{
    size_t w = 0, r = 0;
    text_kind prev = TEXT_RULE;
    while (r < *len) {
        const char *nl = memchr(s + r, '\n', *len - r);
        size_t end = nl ? (size_t)(nl - s) : *len;
        text_block b = text_block_parse(s + r, end - r);
        uint32_t first = 0;
        if (b.len)
            text_utf8_next(b.text, b.len, &first);
        bool join = w > 0 && joins_text(prev) && joins_text(b.kind) &&
                    b.kind != TEXT_HEADING && closes(first);
        if (join) {
            memmove(s + w, b.text, b.len);
            w += b.len;
        } else {
            if (w > 0)
                s[w++] = '\n';
            if (w != r)
                memmove(s + w, s + r, end - r);
            w += end - r;
            prev = b.kind;
        }
        r = end + 1;
    }
    *len = w;
    s[w] = '\0';
}

static char *paras_take(paras *o)
{
    join_closing(o->p, &o->len);
    return o->p;
}

/* ---- plain text: hard-wrapped or one paragraph per line ---- */

typedef struct {
    size_t a, b;    /* the line without its white space at either end */
    int cols;       /* width in columns: wide characters 2, others 1 */
    int first_word; /* columns of its first word (a wide character: 2) */
    bool blank, indented, marker;
    uint32_t first, last;
} pline;

static bool terminal(uint32_t c)
{
    return c && (strchr(".!?:;", (int)(c < 0x80 ? c : 1)) != NULL || c == 0x3002 ||
                 c == 0xFF01 || c == 0xFF1F || c == 0xFF1A || c == 0xFF1B ||
                 c == 0x201D || c == 0x300D || c == 0x300F || c == 0x2026);
}

/* A line that starts a list item: "- ", "* ", "• ", "1. ", "2) ", "一、",
 * "（一）". */
static bool list_marker(const char *s, size_t n)
{
    if (n >= 2 && strchr("-*+", s[0]) && s[1] == ' ')
        return true;
    if (n >= 4 && memcmp(s, "\xE2\x80\xA2", 3) == 0)
        return true;
    size_t i = 0;
    while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ')
        return true;
    if (n >= 3 && memcmp(s, "\xEF\xBC\x88", 3) == 0) /* "（" */
        return true;
    uint32_t c;
    size_t k = text_utf8_next(s, n, &c);
    static const char nums[] = "一二三四五六七八九十";
    bool han_num = false;
    for (size_t j = 0; j + 3 <= sizeof nums - 1; j += 3)
        han_num |= k == 3 && memcmp(s, nums + j, 3) == 0;
    return han_num && n >= k + 3 && memcmp(s + k, "\xE3\x80\x81", 3) == 0; /* "、" */
}

static pline measure_line(const char *s, size_t a, size_t b)
{
    pline l = {.a = a, .b = b};
    size_t lead = a;
    uint32_t cp;
    while (a < b) { /* the indent counts: the wrap width included it */
        size_t k = text_utf8_next(s + a, b - a, &cp);
        if (!is_space(cp))
            break;
        l.cols += text_is_wide(cp) ? 2 : cp == '\t' ? 8 : 1;
        a += k;
    }
    l.indented = a - lead >= 2 || (a > lead && s[lead] != ' ');
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    l.a = a;
    l.b = b;
    l.blank = a == b;
    bool in_first = true;
    for (size_t i = a; i < b;) {
        size_t k = 1;
        cp = (unsigned char)s[i];
        if (cp >= 0x80)
            k = text_utf8_next(s + i, b - i, &cp);
        int w = cp < 0x80 ? 1 : text_is_wide(cp) ? 2 : !text_is_mark(cp);
        if (i == a)
            l.first = cp;
        l.last = cp;
        l.cols += w;
        if (in_first && (cp == ' ' || (w == 2 && i > a)))
            in_first = false;
        if (in_first)
            l.first_word += w;
        i += k;
    }
    l.marker = list_marker(s + a, b - a);
    return l;
}

/* The lines of s, split at LF, CR, CRLF, NEL, LS and PS. */
static pline *split_lines(const char *s, size_t n, size_t *count)
{
    pline *v = NULL;
    size_t cap = 0, k = 0, a = 0, i = 0;
    while (i <= n) {
        uint32_t cp = i < n ? (unsigned char)s[i] : 0;
        size_t step = 1;
        bool nel_ls_ps = false; /* a byte at a time, decoded only here */
        if (cp == 0xC2 || cp == 0xE2) {
            step = text_utf8_next(s + i, n - i, &cp);
            nel_ls_ps = is_break(cp);
        }
        if (i == n || cp == '\n' || cp == '\r' || nel_ls_ps) {
            v = buf_grow(v, &cap, k + 1, sizeof *v);
            v[k++] = measure_line(s, a, i);
            if (cp == '\r' && i + 1 < n && s[i + 1] == '\n')
                step = 2;
            a = i + step;
        }
        i += step;
    }
    *count = k;
    return v;
}

/* The wrap width of hard-wrapped text: the width most full lines reach (the
 * 90th percentile, so that one long URL does not set it). */
static int wrap_width(const pline *v, size_t n)
{
    int hist[161] = {0}, lines = 0;
    for (size_t i = 0; i < n; i++)
        if (!v[i].blank) {
            hist[v[i].cols > 160 ? 160 : v[i].cols]++;
            lines++;
        }
    int seen = 0;
    for (int w = 160; w >= 0; w--) {
        seen += hist[w];
        if (seen * 10 >= lines)
            return w;
    }
    return 0;
}

/* Line i was cut by the wrap width: the next line's first word would not
 * have fitted on it, or it is within a few columns of the width. */
static bool cut_at_width(const pline *v, size_t i, int width)
{
    return v[i].cols + 1 + v[i + 1].first_word > width || v[i].cols >= width - 3;
}

static bool continues(const pline *v, size_t i, size_t n)
{
    return i + 1 < n && !v[i].blank && !v[i + 1].blank && !v[i + 1].marker;
}

/* Hard-wrapped text (mail, old text files) has most lines that continue
 * a paragraph cut near one width, and few of them end a sentence; text
 * written one paragraph per line has lines of any length ending in "。". */
static bool hard_wrapped(const pline *v, size_t n, int width)
{
    int inner = 0, cut = 0, ends = 0;
    if (width < 30 || width > 150)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!continues(v, i, n))
            continue;
        inner++;
        cut += cut_at_width(v, i, width);
        ends += terminal(v[i].last);
    }
    return inner >= 2 && cut * 10 >= inner * 6 && ends * 2 < inner;
}

/* Plain text to paragraphs, written into o. */
static void plain_paragraphs(const char *s, size_t n, paras *o)
{
    size_t count;
    pline *v = split_lines(s, n, &count);
    int width = wrap_width(v, count);
    bool hard = hard_wrapped(v, count, width);
    /* In hard-wrapped text an indented line starts a paragraph, unless
     * every line is indented. */
    size_t indented = 0, lines = 0;
    for (size_t i = 0; i < count; i++) {
        indented += !v[i].blank && v[i].indented;
        lines += !v[i].blank;
    }
    buf p;
    buf_init(&p, n + 1);
    for (size_t i = 0; i < count && !o->full; i++) {
        if (v[i].blank)
            continue;
        (void)buf_add(&p, s + v[i].a, v[i].b - v[i].a);
        bool join = hard && continues(v, i, count) && cut_at_width(v, i, width) &&
                    !(v[i + 1].indented && indented < lines);
        if (join) {
            (void)buf_add(&p, "\n", 1);
            continue;
        }
        size_t len;
        char *raw = buf_take(&p, &len);
        char *line = inline_text(raw, len);
        paras_add(o, "", 0, line, strlen(line));
        free(line);
        free(raw);
    }
    buf_free(&p);
    free(v);
}

/* Room for max_out bytes, or fewer when the input cannot give that many. */
static paras paras_new(size_t in_len, size_t max_out)
{
    size_t limit = in_len > max_out / 3 ? max_out : in_len * 3 + 16;
    if (limit > max_out)
        limit = max_out;
    paras o = {.p = xmalloc(limit + 1), .max = limit};
    o.p[0] = '\0';
    return o;
}

char *text_from_plain(const char *in, size_t len, size_t max_out)
{
    paras o = paras_new(len, max_out);
    plain_paragraphs(in, len, &o);
    return paras_take(&o);
}

/* ---- HTML through gumbo ---- */

typedef struct {
    paras *o;
    buf para;        /* inline text of the paragraph being collected */
    char prefix[24]; /* its kind prefix */
    size_t plen;
    int list; /* list level: 0 outside lists */
    bool ordered[MAX_LEVEL + 1];
    long counter[MAX_LEVEL + 1];
    int quote; /* blockquote level */
    int item;  /* open <li> elements */
} hwalk;

static GumboVector *children(GumboNode *n)
{
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    return NULL;
}

static GumboTag tag_of(const GumboNode *n)
{
    return n->type == GUMBO_NODE_ELEMENT ? n->v.element.tag : GUMBO_TAG_UNKNOWN;
}

/* The node after n in document order within root, not entering n's
 * children when down is false; NULL at the end. *up gets each element
 * left on the way (for closing hooks) through the callback. */
typedef void (*leave_fn)(void *ctx, GumboNode *n);

static GumboNode *next_node(GumboNode *root, GumboNode *n, bool down, leave_fn leave,
                            void *ctx)
{
    GumboVector *c = down ? children(n) : NULL;
    if (c && c->length > 0)
        return c->data[0];
    if (down && leave)
        leave(ctx, n);
    while (n != root) {
        GumboNode *p = n->parent;
        GumboVector *pc = children(p);
        size_t i = n->index_within_parent + 1;
        if (pc && i < pc->length)
            return pc->data[i];
        n = p;
        if (leave && n != root)
            leave(ctx, n);
    }
    return NULL;
}

static bool dropped(GumboTag t)
{
    return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
           t == GUMBO_TAG_NOSCRIPT || t == GUMBO_TAG_HEAD || t == GUMBO_TAG_TITLE ||
           t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_SVG ||
           t == GUMBO_TAG_MATH || t == GUMBO_TAG_SELECT || t == GUMBO_TAG_TEXTAREA;
}

/* The text of a subtree: text nodes as they are, <br> as a newline (code)
 * or a space, a block element's end as a newline when lines is true. */
static void gather(GumboNode *root, buf *b, bool lines)
{
    GumboNode *n = root;
    while (n) {
        bool down = true;
        GumboTag t = tag_of(n);
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA)
            (void)buf_add(b, n->v.text.text, strlen(n->v.text.text));
        else if (t == GUMBO_TAG_BR)
            (void)buf_add(b, lines ? "\n" : " ", 1);
        else if (n->type != GUMBO_NODE_ELEMENT && n != root)
            down = false;
        else if (dropped(t))
            down = false;
        n = next_node(root, n, down, NULL, NULL);
    }
}

static bool has_newline(GumboNode *root)
{
    buf b;
    buf_init(&b, 1 << 20);
    gather(root, &b, true);
    bool nl = b.len && memchr(b.p, '\n', b.len);
    buf_free(&b);
    return nl;
}

static void set_prefix(hwalk *h, text_kind k, int level, const char *marker)
{
    if (k == TEXT_BODY && h->quote > 0) {
        k = TEXT_QUOTE;
        level = h->quote;
    }
    h->plen = 0;
    if (k == TEXT_BODY)
        return;
    level = level < 1 ? 1 : level > MAX_LEVEL ? MAX_LEVEL : level;
    int n = snprintf(h->prefix, sizeof h->prefix, "%c", (char)k);
    if (k == TEXT_HEADING || k == TEXT_ITEM || k == TEXT_QUOTE)
        n += snprintf(h->prefix + n, sizeof h->prefix - (size_t)n, "%c", '0' + level);
    if (k == TEXT_ITEM)
        n += snprintf(h->prefix + n, sizeof h->prefix - (size_t)n, "%s" TEXT_SEP_S,
                      marker);
    h->plen = (size_t)n;
}

/* The paragraph collected so far, if it has text; the next one then
 * continues an open list item, or is body text. */
static void flush(hwalk *h)
{
    size_t len;
    char *raw = buf_take(&h->para, &len);
    char *line = inline_text(raw, len);
    free(raw);
    if (*line) {
        paras_add(h->o, h->prefix, h->plen, line, strlen(line));
        set_prefix(h, h->item > 0 ? TEXT_BREAK : TEXT_BODY, 0, "");
    }
    free(line);
}

/* One code line: tabs to 4-column stops, cleaned, spaces kept. */
static void code_line(paras *o, const char *s, size_t n)
{
    buf b;
    buf_init(&b, n * 4 + 1);
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            do
                (void)buf_add(&b, " ", 1);
            while (++col % 4);
        } else {
            (void)buf_add(&b, s + i, 1);
            col += ((unsigned char)s[i] & 0xC0) != 0x80;
        }
    }
    size_t len;
    char *raw = buf_take(&b, &len);
    while (len > 0 && raw[len - 1] == ' ')
        len--;
    char *line = normalise(raw, len, len * 3 + 3, true, true);
    paras_add(o, "\x05", 1, line, strlen(line));
    free(line);
    free(raw);
}

/* A <pre> (or a block <code>): its lines in a monospace face, at most
 * CODE_MAX_LINES of them, then a note of how many there were. */
static void code_block(hwalk *h, GumboNode *n)
{
    flush(h);
    buf b;
    buf_init(&b, HTML_MAX_IN);
    gather(n, &b, true);
    size_t len;
    char *s = buf_take(&b, &len);
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\r'))
        len--;
    size_t a = 0;
    while (a < len && s[a] == '\n')
        a++;
    int lines = 0;
    for (size_t i = a; i <= len; i++) {
        if (i < len && s[i] != '\n')
            continue;
        if (lines++ < CODE_MAX_LINES)
            code_line(h->o, s + a, i - a - (i > a && s[i - 1] == '\r'));
        a = i + 1;
    }
    if (lines > CODE_MAX_LINES) {
        char note[96];
        int k = snprintf(note, sizeof note, "（代码共 %d 行，只显示前 %d 行）", lines,
                         CODE_MAX_LINES);
        paras_add(h->o, "", 0, note, (size_t)k);
    }
    free(s);
    set_prefix(h, TEXT_BODY, 0, "");
}

/* ---- tables ---- */

static bool numbers_from_one_node(GumboNode *n);

typedef struct {
    char *cell[TABLE_MAX_ROWS][TABLE_MAX_COLS];
    int cols[TABLE_MAX_ROWS];
    int rows, width; /* width: most cells in a row */
    bool cut;        /* rows or columns past the caps */
} table;

static void table_cell(table *t, GumboNode *cell)
{
    int r = t->rows - 1;
    if (r < 0 || t->cols[r] >= TABLE_MAX_COLS) {
        t->cut = true;
        return;
    }
    buf b;
    buf_init(&b, HTML_MAX_IN);
    gather(cell, &b, false);
    size_t len;
    char *raw = buf_take(&b, &len);
    t->cell[r][t->cols[r]++] = inline_text(raw, len);
    free(raw);
    if (t->cols[r] > t->width)
        t->width = t->cols[r];
}

/* Rows and cells of a table, not of tables inside it. */
static void table_read(table *t, GumboNode *root)
{
    GumboNode *n = root;
    while (n) {
        GumboTag tg = tag_of(n);
        bool down = n == root || (n->type == GUMBO_NODE_ELEMENT && !dropped(tg) &&
                                  tg != GUMBO_TAG_TABLE);
        if (tg == GUMBO_TAG_TR && t->rows < TABLE_MAX_ROWS)
            t->rows++;
        else if (tg == GUMBO_TAG_TR)
            t->cut = true;
        if (tg == GUMBO_TAG_TD || tg == GUMBO_TAG_TH) {
            table_cell(t, n);
            down = false;
        }
        n = next_node(root, n, down, NULL, NULL);
    }
}

/* A cell of line numbers: "1 2 3 ..." counting up from 1 (a gutter). */
static bool numbers_from_one(const char *s)
{
    long want = 1;
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v != want)
            return false;
        want++;
        s = end;
        while (*s == ' ')
            s++;
    }
    return want > 1;
}

/* Column c holds consecutive numbers from 1 (one per row, or all in one
 * cell, as highlighters emit) beside other columns. */
static bool gutter_column(const table *t, int c)
{
    if (t->width < 2)
        return false;
    if (t->rows == 1)
        return numbers_from_one(t->cell[0][c] ? t->cell[0][c] : "");
    for (int r = 0; r < t->rows; r++) {
        char num[24];
        snprintf(num, sizeof num, "%d", r + 1);
        if (!t->cell[r][c] || strcmp(t->cell[r][c], num) != 0)
            return false;
    }
    return true;
}

static void table_free(table *t)
{
    for (int r = 0; r < t->rows; r++)
        for (int c = 0; c < t->cols[r]; c++)
            free(t->cell[r][c]);
}

static bool contains_tag(GumboNode *root, GumboTag want)
{
    for (GumboNode *n = root; n; n = next_node(root, n, true, NULL, NULL))
        if (n != root && tag_of(n) == want)
            return true;
    return false;
}

/* A highlighter's table: line numbers beside a <pre>. The code is set as
 * a code block; the gutter is dropped. Other tables: one TEXT_ROW per row
 * (layout sets them as columns or leaves out one too wide). */
static void table_block(hwalk *h, GumboNode *n)
{
    flush(h);
    if (contains_tag(n, GUMBO_TAG_PRE)) {
        for (GumboNode *p = n; p; p = next_node(n, p, true, NULL, NULL))
            if (tag_of(p) == GUMBO_TAG_PRE && !numbers_from_one_node(p))
                code_block(h, p);
        return;
    }
    table *t = xcalloc(1, sizeof *t);
    table_read(t, n);
    bool skip[TABLE_MAX_COLS] = {0};
    for (int c = 0; c < t->width; c++)
        skip[c] = gutter_column(t, c);
    for (int r = 0; r < t->rows; r++) {
        buf row;
        buf_init(&row, HTML_MAX_IN);
        bool any = false;
        for (int c = 0, k = 0; c < t->cols[r]; c++) {
            if (skip[c])
                continue;
            if (k++ > 0)
                (void)buf_add(&row, TEXT_SEP_S, 1);
            (void)buf_add(&row, t->cell[r][c], strlen(t->cell[r][c]));
            any |= t->cell[r][c][0] != '\0';
        }
        size_t len;
        char *s = buf_take(&row, &len);
        if (any)
            paras_add(h->o, "\x06", 1, s, len);
        free(s);
    }
    table_free(t);
    free(t);
    set_prefix(h, TEXT_BODY, 0, "");
}

static bool numbers_from_one_node(GumboNode *n)
{
    buf b;
    buf_init(&b, HTML_MAX_IN);
    gather(n, &b, false);
    size_t len;
    char *s = buf_take(&b, &len);
    char *clean = inline_text(s, len);
    bool yes = numbers_from_one(clean);
    free(clean);
    free(s);
    return yes;
}

static bool is_block(GumboTag t)
{
    static const GumboTag blocks[] = {
        GUMBO_TAG_P,       GUMBO_TAG_DIV,     GUMBO_TAG_SECTION,    GUMBO_TAG_ARTICLE,
        GUMBO_TAG_HEADER,  GUMBO_TAG_FOOTER,  GUMBO_TAG_MAIN,       GUMBO_TAG_ASIDE,
        GUMBO_TAG_NAV,     GUMBO_TAG_FIGURE,  GUMBO_TAG_FIGCAPTION, GUMBO_TAG_ADDRESS,
        GUMBO_TAG_DL,      GUMBO_TAG_DT,      GUMBO_TAG_DD,         GUMBO_TAG_CENTER,
        GUMBO_TAG_DETAILS, GUMBO_TAG_SUMMARY, GUMBO_TAG_FORM,       GUMBO_TAG_FIELDSET,
        GUMBO_TAG_LEGEND,  GUMBO_TAG_BODY,    GUMBO_TAG_CAPTION};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (blocks[i] == t)
            return true;
    return false;
}

static int heading_level(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_H1:
        return 1;
    case GUMBO_TAG_H2:
        return 2;
    case GUMBO_TAG_H3:
        return 3;
    case GUMBO_TAG_H4:
        return 4;
    case GUMBO_TAG_H5:
        return 5;
    case GUMBO_TAG_H6:
        return 6;
    default:
        return 0;
    }
}

/* <ol start=N>: where the count starts (1 when absent or odd). */
static long list_start(GumboNode *n)
{
    GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, "start");
    if (!a)
        return 1;
    char *end;
    long v = strtol(a->value, &end, 10);
    return end != a->value && v > -1000000 && v < 1000000 ? v : 1;
}

static void list_item(hwalk *h)
{
    flush(h);
    int lv = h->list < 1 ? 1 : h->list > MAX_LEVEL ? MAX_LEVEL : h->list;
    char marker[24];
    static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6",
                                          "\xE2\x96\xAA"}; /* • ◦ ▪ */
    if (h->ordered[lv])
        snprintf(marker, sizeof marker, "%ld.", h->counter[lv]++);
    else
        snprintf(marker, sizeof marker, "%s", bullets[(lv - 1) % 3]);
    h->item++;
    set_prefix(h, TEXT_ITEM, lv, marker);
}

/* A <br>: the line ends, the paragraph goes on; a second one in a row
 * ("<br><br>", as many blogs write) starts a new paragraph. */
static void line_break(hwalk *h)
{
    bool empty = true;
    for (size_t i = 0; i < h->para.len && empty; i++)
        empty = html_space((unsigned char)h->para.p[i]);
    if (empty) {
        if (h->plen == 1 && h->prefix[0] == TEXT_BREAK)
            set_prefix(h, TEXT_BODY, 0, "");
        return;
    }
    flush(h);
    set_prefix(h, TEXT_BREAK, 0, "");
}

/* Entering element n; false when its children are not to be walked (it
 * was handled whole, or is dropped). */
static bool enter(hwalk *h, GumboNode *n)
{
    GumboTag t = tag_of(n);
    int hl = heading_level(t);
    if (dropped(t))
        return false;
    if (hl) {
        flush(h);
        set_prefix(h, TEXT_HEADING, hl, "");
    } else if (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_MENU) {
        flush(h);
        h->list++;
        int lv = h->list > MAX_LEVEL ? MAX_LEVEL : h->list;
        h->ordered[lv] = t == GUMBO_TAG_OL;
        h->counter[lv] = t == GUMBO_TAG_OL ? list_start(n) : 0;
    } else if (t == GUMBO_TAG_LI) {
        list_item(h);
    } else if (t == GUMBO_TAG_BLOCKQUOTE) {
        flush(h);
        h->quote++;
        set_prefix(h, TEXT_BODY, 0, "");
    } else if (t == GUMBO_TAG_HR) {
        flush(h);
        paras_add(h->o, "\x04", 1, "", 0);
        set_prefix(h, TEXT_BODY, 0, "");
    } else if (t == GUMBO_TAG_BR) {
        line_break(h);
    } else if (t == GUMBO_TAG_PRE || (t == GUMBO_TAG_CODE && has_newline(n))) {
        code_block(h, n);
        return false;
    } else if (t == GUMBO_TAG_TABLE) {
        table_block(h, n);
        return false;
    } else if (is_block(t) || t == GUMBO_TAG_TR) {
        flush(h);
    } else if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) {
        (void)buf_add(&h->para, " ", 1);
    }
    return true;
}

static void leave(void *ctx, GumboNode *n)
{
    hwalk *h = ctx;
    GumboTag t = tag_of(n);
    if (heading_level(t)) {
        flush(h);
        set_prefix(h, TEXT_BODY, 0, "");
    } else if (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_MENU) {
        flush(h);
        h->list--;
        set_prefix(h, h->item > 0 ? TEXT_BREAK : TEXT_BODY, 0, "");
    } else if (t == GUMBO_TAG_LI) {
        flush(h);
        h->item--;
        set_prefix(h, TEXT_BODY, 0, "");
    } else if (t == GUMBO_TAG_BLOCKQUOTE) {
        flush(h);
        h->quote--;
        set_prefix(h, TEXT_BODY, 0, "");
    } else if (is_block(t)) {
        flush(h);
    }
}

static void walk(hwalk *h, GumboNode *root)
{
    GumboNode *n = root;
    while (n) {
        bool down = true;
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA)
            (void)buf_add(&h->para, n->v.text.text, strlen(n->v.text.text));
        else if (n->type == GUMBO_NODE_ELEMENT)
            down = enter(h, n);
        else if (n->type != GUMBO_NODE_DOCUMENT)
            down = false;
        n = next_node(root, n, down, leave, h);
    }
    flush(h);
}

/* Start tags that do not deepen the tree: void elements, and those whose
 * start closes an open one of their kind (p, li, dt, dd, tr, td, th). */
static bool flat_tag(const char *name, size_t n)
{
    static const char *const flat[] = {
        "br",     "img",  "hr",  "input", "meta",  "link",  "wbr",
        "source", "area", "col", "embed", "param", "track", "p",
        "li",     "dt",   "dd",  "tr",    "td",    "th",    "option"};
    for (size_t i = 0; i < sizeof flat / sizeof *flat; i++)
        if (strlen(flat[i]) == n && strncasecmp(flat[i], name, n) == 0)
            return true;
    return false;
}

/* The input gumbo gets: at most HTML_MAX_IN bytes, HTML_MAX_TAGS start
 * tags, and cut where the open elements (start tags less end tags, flat
 * ones not counted) pass HTML_MAX_DEPTH. gumbo has no depth option; its
 * scope checks walk the open elements at every tag (so time grows with
 * depth times tags) and it frees its tree recursively. */
static size_t html_parse_len(const char *s, size_t n)
{
    if (n > HTML_MAX_IN)
        n = HTML_MAX_IN;
    size_t tags = 0;
    long depth = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '<')
            continue;
        bool end = s[i + 1] == '/';
        size_t a = i + 1 + end, k = a;
        while (k < n && (((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z') ||
                         (s[k] >= '0' && s[k] <= '9' && k > a)))
            k++;
        if (k == a)
            continue;
        if (!end && ++tags > HTML_MAX_TAGS)
            return i;
        if (!flat_tag(s + a, k - a))
            depth += end ? (depth > 0 ? -1 : 0) : 1;
        if (depth > HTML_MAX_DEPTH)
            return i;
    }
    return n;
}

/* A copy of s[0..*n) without terminal escape sequences (gumbo would make
 * ESC a U+FFFD and keep the rest), or NULL when it has none. */
static char *strip_escapes(const char *s, size_t *n)
{
    if (!memchr(s, 0x1B, *n))
        return NULL;
    char *out = xmalloc(*n + 1);
    size_t o = 0;
    for (size_t i = 0; i < *n;) {
        if (s[i] == 0x1B)
            i = skip_escape((const unsigned char *)s, *n, i);
        else
            out[o++] = s[i++];
    }
    out[o] = '\0';
    *n = o;
    return out;
}

char *text_from_html(const char *html, size_t len, size_t max_out)
{
    paras o = paras_new(max_out, max_out);
    size_t n = html_parse_len(html, len);
    char *plain = strip_escapes(html, &n);
    if (plain)
        html = plain;
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;                    /* errors are not kept: nobody reads them */
    opt.fragment_context = GUMBO_TAG_BODY; /* a feed's HTML is a body fragment */
    GumboOutput *g = gumbo_parse_with_options(&opt, html, n);
    hwalk h = {.o = &o};
    buf_init(&h.para, HTML_MAX_IN);
    walk(&h, g->document);
    buf_free(&h.para);
    gumbo_destroy_output(&opt, g);
    free(plain);
    return paras_take(&o);
}
bool text_is_wide(uint32_t cp)
{
    if (cp < 0x1100 || cp > 0x10FFFF) /* nothing below Hangul jamo is wide */
        return false;
    /* Most of a Chinese feed (Han, CJK and full-width punctuation): no
     * lookup. */
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303E) ||
        (cp >= 0xFF01 && cp <= 0xFF60))
        return true;
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
        if (s[i] == TEXT_CODE && (i == 0 || s[i - 1] == '\n')) {
            /* a code line is kept as it was written */
            const char *nl = memchr(s + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
            memcpy(st.out + st.o, s + i, n);
            st.o += n;
            i += n;
            continue;
        }
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
