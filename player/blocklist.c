#define LOG_MODULE "blocklist"
#include "blocklist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "feed.h"
#include "log.h"
#include "text.h"
#include "util.h"

/* One state of the automaton. Edges are kept in one array sorted by
 * (state, byte); a state's edges are edges[first .. first + n_edges). */
typedef struct {
    int32_t fail;    /* longest proper suffix that is also a state */
    int32_t out;     /* nearest state on the fail chain (itself included)
                        where a term ends, or -1 */
    int32_t term;    /* index of the term ending here, or -1 */
    int32_t first;   /* first edge */
    int32_t n_edges; /* edges out of this state */
    int32_t depth;   /* bytes from the root */
} ac_state;

typedef struct {
    int32_t from, to;
    uint8_t byte;
} ac_edge;

struct blocklist {
    char **terms; /* as written in the list */
    size_t n_terms;
    ac_state *states;
    size_t n_states;
    ac_edge *edges; /* sorted by (from, byte) */
    size_t n_edges;
    int32_t root_next[256]; /* the root's transitions, resolved: never -1 */
};

/* ---- normalising ---- */

static bool term_char(uint32_t c)
{
    return (U_MASK(u_charType((UChar32)c)) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) !=
           0;
}

/* text as NFKC_Casefold UTF-16 (*out, caller frees); false on failure. */
static bool fold(const char *text, size_t len, UChar **out, int32_t *out_len)
{
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err) || len > INT32_MAX / 4)
        return false;
    int32_t cap = (int32_t)len + 1, n = 0;
    UChar *u = malloc((size_t)cap * sizeof *u);
    if (!u)
        return false;
    u_strFromUTF8WithSub(u, cap, &n, text, (int32_t)len, 0xFFFD, NULL, &err);
    int32_t want = U_FAILURE(err) ? -1 : unorm2_normalize(nfkc, u, n, NULL, 0, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING)
        err = U_ZERO_ERROR;
    UChar *r = U_FAILURE(err) ? NULL : malloc(((size_t)want + 1) * sizeof *r);
    if (r)
        unorm2_normalize(nfkc, u, n, r, want + 1, &err);
    free(u);
    if (!r || U_FAILURE(err)) {
        free(r);
        return false;
    }
    *out = r;
    *out_len = want;
    return true;
}

/* Calls fn(ctx, byte) for each UTF-8 byte of the term characters of text,
 * normalised; false when ICU failed. */
typedef bool (*byte_fn)(void *ctx, uint8_t b);

static bool each_term_byte(const char *text, size_t len, byte_fn fn, void *ctx)
{
    UChar *u;
    int32_t n;
    if (!fold(text, len, &u, &n))
        return false;
    for (int32_t i = 0; i < n;) {
        uint32_t c = u[i++];
        if (U16_IS_LEAD(c) && i < n && U16_IS_TRAIL(u[i]))
            c = 0x10000 + ((c - 0xD800) << 10) + (uint32_t)(u[i++] - 0xDC00);
        if (!term_char(c))
            continue;
        char b[4];
        size_t k = text_utf8_put(c, b);
        for (size_t j = 0; j < k; j++)
            if (fn(ctx, (uint8_t)b[j])) {
                free(u);
                return true;
            }
    }
    free(u);
    return true;
}

/* ---- building ---- */

typedef struct {
    char *key; /* normalised term bytes */
    size_t len;
    size_t term; /* index into terms */
} norm_term;

typedef struct {
    char buf[BLOCKLIST_MAX_TERM * 18 + 8]; /* NFKC grows a code point to 18 at most */
    size_t len;
} key_buf;

static bool key_add(void *ctx, uint8_t b)
{
    key_buf *k = ctx;
    if (k->len < sizeof k->buf)
        k->buf[k->len++] = (char)b;
    return false;
}

static int cmp_norm(const void *a, const void *b)
{
    const norm_term *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

/* Adds a state at depth; returns its index. */
static int32_t add_state(blocklist *bl, size_t *cap, int32_t depth)
{
    if (bl->n_states == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        bl->states = xrealloc(bl->states, *cap * sizeof *bl->states);
    }
    bl->states[bl->n_states] = (ac_state){
        .fail = 0, .out = -1, .term = -1, .first = 0, .n_edges = 0, .depth = depth};
    return (int32_t)bl->n_states++;
}

static int cmp_edge(const void *a, const void *b)
{
    const ac_edge *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->byte > y->byte) - (x->byte < y->byte);
}

/* The trie of the sorted keys: a key shares with the previous one the path
 * of their common prefix, so each key only adds states past it. */
static void build_trie(blocklist *bl, const norm_term *keys, size_t n)
{
    size_t cap = 0, cap_e = 0;
    int32_t path[sizeof(key_buf) + 1];
    path[0] = add_state(bl, &cap, 0);
    const norm_term *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const norm_term *k = &keys[i];
        size_t common = 0;
        while (prev && common < prev->len && common < k->len &&
               prev->key[common] == k->key[common])
            common++;
        if (prev && common == k->len && common == prev->len)
            continue; /* a duplicate: the first (lower index) is kept */
        for (size_t d = common; d < k->len; d++) {
            int32_t to = add_state(bl, &cap, (int32_t)d + 1);
            if (bl->n_edges == cap_e) {
                cap_e = cap_e ? cap_e * 2 : 64;
                bl->edges = xrealloc(bl->edges, cap_e * sizeof *bl->edges);
            }
            bl->edges[bl->n_edges++] =
                (ac_edge){.from = path[d], .to = to, .byte = (uint8_t)k->key[d]};
            path[d + 1] = to;
        }
        bl->states[path[k->len]].term = (int32_t)k->term;
        prev = k;
    }
    if (bl->n_edges) /* an empty list has none (and no array) */
        qsort(bl->edges, bl->n_edges, sizeof *bl->edges, cmp_edge);
    for (size_t i = bl->n_edges; i-- > 0;) {
        ac_state *s = &bl->states[bl->edges[i].from];
        s->first = (int32_t)i;
        s->n_edges++;
    }
}

/* The state reached from s by byte b in the trie, or -1. */
static int32_t edge(const blocklist *bl, int32_t s, uint8_t b)
{
    int32_t lo = 0, hi = bl->states[s].n_edges;
    if (hi == 0)
        return -1;
    const ac_edge *e = bl->edges + bl->states[s].first;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (e[mid].byte == b)
            return e[mid].to;
        if (e[mid].byte < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The automaton's transition: the trie edge, else the fail chain's. */
static int32_t step(const blocklist *bl, int32_t s, uint8_t b)
{
    for (;;) {
        if (s == 0)
            return bl->root_next[b];
        int32_t t = edge(bl, s, b);
        if (t >= 0)
            return t;
        s = bl->states[s].fail;
    }
}

/* Fail and out links, breadth first (a state's fail is shallower). */
static void build_links(blocklist *bl)
{
    for (int b = 0; b < 256; b++) {
        int32_t t = edge(bl, 0, (uint8_t)b);
        bl->root_next[b] = t >= 0 ? t : 0;
    }
    int32_t *queue = xmalloc(bl->n_states * sizeof *queue);
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
        int32_t s = queue[head++];
        const ac_state *st = &bl->states[s];
        for (int32_t i = 0; i < st->n_edges; i++) {
            const ac_edge *e = &bl->edges[st->first + i];
            ac_state *t = &bl->states[e->to];
            t->fail = s == 0 ? 0 : step(bl, st->fail, e->byte);
            t->out = t->term >= 0 ? e->to : bl->states[t->fail].out;
            queue[tail++] = e->to;
        }
    }
    free(queue);
}

/* ---- loading ---- */

/* Normalises one line into keys[*n] and terms; false to skip it. */
static bool add_term(blocklist *bl, norm_term *keys, const char *line, size_t len,
                     const char *source, int line_no)
{
    if (len > BLOCKLIST_MAX_TERM) {
        LOG_WARN("%s:%d: term longer than %d bytes, skipped", source, line_no,
                 BLOCKLIST_MAX_TERM);
        return false;
    }
    if (!text_utf8_valid(line, len)) {
        LOG_WARN("%s:%d: not valid UTF-8, skipped", source, line_no);
        return false;
    }
    key_buf k = {.len = 0};
    if (!each_term_byte(line, len, key_add, &k) || k.len == 0) {
        LOG_WARN("%s:%d: no letters or digits in the term, skipped", source, line_no);
        return false;
    }
    norm_term *nt = &keys[bl->n_terms];
    nt->key = xmalloc(k.len);
    memcpy(nt->key, k.buf, k.len);
    nt->len = k.len;
    nt->term = bl->n_terms;
    bl->terms[bl->n_terms] = xmalloc(len + 1);
    memcpy(bl->terms[bl->n_terms], line, len);
    bl->terms[bl->n_terms][len] = '\0';
    bl->n_terms++;
    return true;
}

/* The line at p (up to end) without its comment and surrounding blanks. */
static const char *next_line(const char *p, const char *end, const char **t_start,
                             size_t *t_len)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    const char *hash = memchr(p, '#', (size_t)(stop - p));
    const char *e = hash ? hash : stop;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *t_start = p;
    *t_len = (size_t)(e - p);
    return nl ? nl + 1 : end;
}

blocklist *blocklist_load(const char *buf, size_t len, const char *source)
{
    if (len > BLOCKLIST_MAX_BYTES) {
        LOG_ERR("%s: larger than %d bytes, not used", source, BLOCKLIST_MAX_BYTES);
        return NULL;
    }
    blocklist *bl = xcalloc(1, sizeof *bl);
    bl->terms = xcalloc(BLOCKLIST_MAX_TERMS, sizeof *bl->terms);
    norm_term *keys = xcalloc(BLOCKLIST_MAX_TERMS, sizeof *keys);
    const char *p = buf, *end = buf + len;
    int line_no = 0;
    while (p < end) {
        const char *t;
        size_t tl;
        p = next_line(p, end, &t, &tl);
        line_no++;
        if (tl == 0)
            continue;
        if (bl->n_terms == BLOCKLIST_MAX_TERMS) {
            LOG_WARN("%s:%d: more than %d terms, the rest ignored", source, line_no,
                     BLOCKLIST_MAX_TERMS);
            break;
        }
        add_term(bl, keys, t, tl, source, line_no);
    }
    qsort(keys, bl->n_terms, sizeof *keys, cmp_norm);
    build_trie(bl, keys, bl->n_terms);
    build_links(bl);
    for (size_t i = 0; i < bl->n_terms; i++)
        free(keys[i].key);
    free(keys);
    return bl;
}

void blocklist_destroy(blocklist *bl)
{
    if (!bl)
        return;
    for (size_t i = 0; i < bl->n_terms; i++)
        free(bl->terms[i]);
    free(bl->terms);
    free(bl->states);
    free(bl->edges);
    free(bl);
}

size_t blocklist_count(const blocklist *bl)
{
    return bl ? bl->n_terms : 0;
}

/* ---- matching ---- */

typedef struct {
    const blocklist *bl;
    int32_t state;
    int32_t found; /* term index or -1 */
} scan;

static bool scan_byte(void *ctx, uint8_t b)
{
    scan *sc = ctx;
    sc->state = step(sc->bl, sc->state, b);
    int32_t out = sc->bl->states[sc->state].out;
    if (out < 0)
        return false;
    sc->found = sc->bl->states[out].term;
    return true;
}

const char *blocklist_match(const blocklist *bl, const char *text, size_t len)
{
    if (!bl || !text || bl->n_states < 2)
        return NULL;
    scan sc = {.bl = bl, .state = 0, .found = -1};
    if (!each_term_byte(text, len, scan_byte, &sc) || sc.found < 0)
        return NULL;
    return bl->terms[sc.found];
}

static const char *match_item(const blocklist *bl, const feed_item *it)
{
    const char *fields[] = {it->title, it->body, it->summary, it->url};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const char *t =
            fields[i] ? blocklist_match(bl, fields[i], strlen(fields[i])) : NULL;
        if (t)
            return t;
    }
    return NULL;
}

size_t blocklist_apply(const blocklist *bl, struct feed *f, const char *source)
{
    size_t n = 0;
    for (size_t i = 0; bl && f && i < f->n_items; i++) {
        feed_item *it = &f->items[i];
        const char *t = match_item(bl, it);
        free(it->blocked);
        it->blocked = t ? xstrdup(t) : NULL;
        if (t) {
            LOG_WARN("%s: item %s blocked: it contains the blocklist term \"%s\"", source,
                     it->id, t);
            n++;
        }
    }
    return n;
}
