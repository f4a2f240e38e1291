#include "listline.h"

#include <stdint.h>
#include <string.h>

#include "text.h"

enum { MAX_SCAN = 512 }; /* code points read from a paragraph, at most */

typedef struct {
    uint32_t cp[MAX_SCAN];
    int n;
} cps;

static void decode(const char *s, size_t len, cps *out)
{
    size_t i = 0;
    out->n = 0;
    while (i < len && out->n < MAX_SCAN)
        i += text_utf8_next(s + i, len - i, &out->cp[out->n++]);
}

static bool is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static bool is_cn_numeral(uint32_t c)
{
    static const char digits[] = "一二三四五六七八九十";
    char b[5] = {0};
    b[text_utf8_put(c, b)] = '\0';
    return c >= 0x4E00 && strstr(digits, b) != NULL;
}

static bool in(uint32_t c, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c == set[i])
            return true;
    return false;
}

/* A bullet at the start: a symbol, or an ASCII one before a space. */
static bool bullet(const cps *p)
{
    static const uint32_t sym[] = {0x2022, 0x00B7, 0x25AA, 0x25CF, 0x25CB, 0x25E6,
                                   0x25A0, 0x25A1, 0x25C6, 0x25C7, 0x2605, 0x2606,
                                   0x203B, 0x25B6, 0x25BA, 0x30FB};
    static const uint32_t ascii[] = {'-', '*', '+', 0x2013};
    if (p->n < 2)
        return false;
    if (in(p->cp[0], sym, sizeof sym / sizeof *sym))
        return true;
    return in(p->cp[0], ascii, sizeof ascii / sizeof *ascii) && p->cp[1] == ' ';
}

/* A number or numeral, then a list mark: "1. ", "12、", "一、", "(1)", "（一）". */
static bool numbered(const cps *p)
{
    const uint32_t *c = p->cp;
    int i = 0;
    bool paren = p->n > 0 && (c[0] == '(' || c[0] == 0xFF08);
    i += paren;
    int start = i;
    bool digits = i < p->n && is_digit(c[i]);
    while (i < p->n && i - start < 3 && (digits ? is_digit(c[i]) : is_cn_numeral(c[i])))
        i++;
    if (i == start || i >= p->n)
        return false;
    if (paren)
        return c[i] == ')' || c[i] == 0xFF09;
    if (c[i] == 0x3001 || c[i] == 0xFF0E || c[i] == 0xFF09 || c[i] == ')')
        return digits || c[i] == 0x3001;
    return digits && c[i] == '.' && i + 1 < p->n && c[i + 1] == ' ';
}

static bool enclosed_number(uint32_t c)
{
    return (c >= 0x2460 && c <= 0x249B) || (c >= 0x3251 && c <= 0x325F) ||
           (c >= 0x3280 && c <= 0x3289) || (c >= 0x2776 && c <= 0x2793);
}

/* Length of a time of day at p->cp[i] ("9:30", "19：30"), 0 if none. */
static int time_at(const cps *p, int i)
{
    int d = 0;
    while (i + d < p->n && d < 2 && is_digit(p->cp[i + d]))
        d++;
    if (d == 0 || i + d + 2 >= p->n || (i > 0 && is_digit(p->cp[i - 1])))
        return 0;
    uint32_t colon = p->cp[i + d];
    if ((colon != ':' && colon != 0xFF1A) || !is_digit(p->cp[i + d + 1]) ||
        !is_digit(p->cp[i + d + 2]))
        return 0;
    int end = i + d + 3;
    return end < p->n && is_digit(p->cp[end]) ? 0 : end - i;
}

static bool is_range_mark(uint32_t c)
{
    return c == '-' || c == 0x2013 || c == 0x2014 || c == 0xFF5E || c == '~' ||
           c == 0x81F3 || c == 0x2212 || c == 0xFF0D;
}

/* A time set apart: at the start or after a space, and followed by the end,
 * a space, or a range to another time. */
static bool time_column(const cps *p)
{
    for (int i = 0; i < p->n; i++) {
        int t = time_at(p, i);
        if (t == 0 || (i > 0 && p->cp[i - 1] != ' '))
            continue;
        int e = i + t;
        if (e < p->n && is_range_mark(p->cp[e]) && time_at(p, e + 1))
            e += 1 + time_at(p, e + 1);
        if (e == p->n || p->cp[e] == ' ')
            return true;
    }
    return false;
}

/* "，", "；" or "。" before the last character: prose. */
static bool prose_marks(const cps *p)
{
    for (int i = 0; i + 1 < p->n; i++)
        if (p->cp[i] == 0xFF0C || p->cp[i] == 0xFF1B || p->cp[i] == 0x3002)
            return true;
    return false;
}

/* Spaces with a wide character on both sides. */
static int wide_gaps(const cps *p)
{
    int n = 0;
    for (int i = 1; i + 1 < p->n; i++)
        n += p->cp[i] == ' ' && text_is_wide(p->cp[i - 1]) && text_is_wide(p->cp[i + 1]);
    return n;
}

bool listline_is_ragged(const char *s, size_t len)
{
    cps p;
    decode(s, len, &p);
    if (p.n == 0)
        return false;
    if (bullet(&p) || numbered(&p) || enclosed_number(p.cp[0]))
        return true;
    if (prose_marks(&p))
        return time_at(&p, 0) > 0 && time_column(&p);
    return time_column(&p) || wide_gaps(&p) >= 2;
}
