#include "sentence.h"

#include "text.h"

static bool is_terminator(uint32_t cp)
{
    switch (cp) {
    case 0x3002: /* 。 */
    case 0xFF01: /* ！ */
    case 0xFF1F: /* ？ */
    case 0xFF61: /* ｡ */
    case 0x203C: /* ‼ */
    case 0x2047: /* ⁇ */
    case 0x2048: /* ⁈ */
    case 0x2049: /* ⁉ */
    case '.':
    case '!':
    case '?':
        return true;
    default:
        return false;
    }
}

static bool is_closer(uint32_t cp)
{
    switch (cp) {
    case 0x201D: /* ” */
    case 0x2019: /* ’ */
    case 0x300D: /* 」 */
    case 0x300F: /* 』 */
    case 0xFF09: /* ） */
    case 0x300B: /* 》 */
    case 0x3009: /* 〉 */
    case 0x3011: /* 】 */
    case 0x3015: /* 〕 */
    case 0x3017: /* 〗 */
    case 0xFF3D: /* ］ */
    case '"':
    case '\'':
    case ')':
    case ']':
        return true;
    default:
        return false;
    }
}

static uint32_t cp_at(const char *s, size_t len, size_t i, size_t *n)
{
    uint32_t cp;
    *n = text_utf8_next(s + i, len - i, &cp);
    return cp;
}

/* The end of the terminator run and closers starting at i (a terminator),
 * or 0 when it is no sentence end. */
static size_t end_after(const char *s, size_t len, size_t i)
{
    size_t n;
    bool ascii_only = true;
    while (i < len) {
        uint32_t cp = cp_at(s, len, i, &n);
        if (!is_terminator(cp))
            break;
        ascii_only = ascii_only && cp < 0x80;
        i += n;
    }
    while (i < len) {
        uint32_t cp = cp_at(s, len, i, &n);
        if (!is_closer(cp))
            break;
        i += n;
    }
    if (!ascii_only || i == len || s[i] == ' ' || s[i] == '\n')
        return i;
    uint32_t next = cp_at(s, len, i, &n);
    return text_is_wide(next) ? i : 0;
}

size_t sentence_next(const char *s, size_t len, size_t from)
{
    size_t i = from, n;
    while (i < len) {
        if (s[i] == '\n') {
            if (i > from)
                return i;
            i++;
            continue;
        }
        uint32_t cp = cp_at(s, len, i, &n);
        if (is_terminator(cp)) {
            size_t e = end_after(s, len, i);
            if (e > from)
                return e;
            /* a run of ASCII marks that is no end: skip it whole */
            while (i < len && is_terminator(cp_at(s, len, i, &n)))
                i += n;
            continue;
        }
        i += n;
    }
    return len;
}

size_t sentence_cut(const char *s, size_t len, size_t max)
{
    size_t best = 0;
    for (size_t e = 0; e < len;) {
        e = sentence_next(s, len, e);
        if (e > max)
            break;
        best = e;
    }
    return best;
}

bool sentence_ends_at(const char *s, size_t len, size_t pos)
{
    if (pos == 0 || pos > len)
        return false;
    return pos == len || s[pos] == '\n' || sentence_cut(s, len, pos) == pos;
}
