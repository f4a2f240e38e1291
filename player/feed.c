/* feed: see feed.h. A strict JSON check first, then cJSON builds the tree
 * and this file walks it. Every problem is logged once, where the source
 * and the item are known. */
#define LOG_MODULE "feed"
#include "feed.h"

#include "log.h"
#include "sentence.h"
#include "text.h"
#include "tz.h"
#include "util.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- strict JSON (RFC 8259) ---- */

/* One pass over the document: the RFC 8259 check, and what feed_parse
 * must know before cJSON builds a tree. cJSON spends about 80 bytes per
 * value, so values are counted and the items array is cut at
 * FEED_MAX_ITEMS before any tree exists; cJSON also ends a string at
 * \u0000, so where one occurs is noted (two ids must not collide). */
typedef struct {
    const unsigned char *s;
    size_t n, i;
    int depth;
    size_t values;           /* JSON values, all of them */
    bool items_next;         /* the next value is the top level's "items" */
    bool items_seen;         /* the first "items" member was met */
    long item;               /* index in items being read; -1 outside */
    size_t n_items;          /* elements of items */
    size_t cut_at, close_at; /* past element FEED_MAX_ITEMS; the closing ']' */
    size_t values_cut;       /* values in the elements past the cut */
    bool nul_outside;        /* a \u0000 outside the items */
    unsigned char nul_item[FEED_MAX_ITEMS / 8 + 1]; /* bit: item holds \u0000 */
} jv;

static bool jv_value(jv *v);

static bool jv_at(const jv *v, char c)
{
    return v->i < v->n && v->s[v->i] == (unsigned char)c;
}

static void jv_ws(jv *v)
{
    while (jv_at(v, ' ') || jv_at(v, '\t') || jv_at(v, '\n') || jv_at(v, '\r'))
        v->i++;
}

static bool jv_digits(jv *v)
{
    size_t start = v->i;
    while (v->i < v->n && v->s[v->i] >= '0' && v->s[v->i] <= '9')
        v->i++;
    return v->i > start;
}

static bool jv_number(jv *v)
{
    if (jv_at(v, '-'))
        v->i++;
    if (jv_at(v, '0'))
        v->i++;
    else if (!jv_digits(v))
        return false;
    if (jv_at(v, '.')) {
        v->i++;
        if (!jv_digits(v))
            return false;
    }
    if (jv_at(v, 'e') || jv_at(v, 'E')) {
        v->i++;
        if (jv_at(v, '+') || jv_at(v, '-'))
            v->i++;
        if (!jv_digits(v))
            return false;
    }
    return true;
}

static bool jv_literal(jv *v, const char *lit)
{
    size_t k = strlen(lit);
    if (v->n - v->i < k || memcmp(v->s + v->i, lit, k) != 0)
        return false;
    v->i += k;
    return true;
}

static bool jv_hex4(jv *v, unsigned *out)
{
    unsigned u = 0;
    if (v->n - v->i < 4)
        return false;
    for (int k = 0; k < 4; k++) {
        unsigned char c = v->s[v->i++];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (unsigned)(c | 0x20) - 'a' + 10;
        else
            return false;
        u = u << 4 | d;
    }
    *out = u;
    return true;
}

/* v->s[v->i] is the backslash. Surrogates must come in valid pairs: a lone
 * one has no UTF-8 form. */
static bool jv_escape(jv *v)
{
    v->i++;
    if (v->i >= v->n)
        return false;
    unsigned char e = v->s[v->i++];
    if (e != 0 && strchr("\"\\/bfnrt", e))
        return true;
    unsigned u;
    if (e != 'u' || !jv_hex4(v, &u) || (u >= 0xDC00 && u <= 0xDFFF))
        return false;
    if (u == 0 && v->item < 0)
        v->nul_outside = true;
    else if (u == 0 && v->item < FEED_MAX_ITEMS)
        v->nul_item[v->item / 8] |= (unsigned char)(1u << (v->item % 8));
    if (u < 0xD800 || u > 0xDBFF)
        return true;
    if (!jv_literal(v, "\\u"))
        return false;
    return jv_hex4(v, &u) && u >= 0xDC00 && u <= 0xDFFF;
}

static bool jv_string(jv *v)
{
    v->i++;
    while (v->i < v->n) {
        unsigned char c = v->s[v->i];
        if (c == '"') {
            v->i++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (!jv_escape(v))
                return false;
        } else if (c < 0x80) {
            v->i++;
        } else {
            uint32_t cp;
            size_t k = text_utf8_next((const char *)v->s + v->i, v->n - v->i, &cp);
            if (cp == TEXT_UTF8_INVALID)
                return false;
            v->i += k;
        }
    }
    return false;
}

/* The first member "items" of the top-level object (as written, without
 * escapes: a key spelt with escapes is only counted, not cut). */
static void jv_key(jv *v, size_t start)
{
    if (v->depth == 1 && !v->items_seen && v->i - start == 7 &&
        memcmp(v->s + start, "\"items\"", 7) == 0) {
        v->items_seen = true;
        v->items_next = true;
    }
}

/* Counts the elements of items, and notes where element FEED_MAX_ITEMS
 * ends (the cut) and where the array closes. */
static void jv_element_done(jv *v, size_t count)
{
    if (count == FEED_MAX_ITEMS) {
        v->cut_at = v->i;
        v->values_cut = v->values;
    }
    v->item = (long)count;
}

/* After the opening bracket or brace: members until the closing one. */
static bool jv_members(jv *v, bool object, bool items, char close)
{
    size_t count = 0;
    jv_ws(v);
    if (jv_at(v, close)) {
        v->i++;
        return true;
    }
    for (;;) {
        jv_ws(v);
        if (object) {
            size_t key = v->i;
            if (!jv_at(v, '"') || !jv_string(v))
                return false;
            jv_key(v, key);
            jv_ws(v);
            if (!jv_at(v, ':'))
                return false;
            v->i++;
            jv_ws(v);
        }
        if (!jv_value(v))
            return false;
        if (items)
            jv_element_done(v, ++count);
        jv_ws(v);
        if (jv_at(v, close)) {
            if (items) {
                v->n_items = count;
                v->close_at = v->i;
                v->values_cut = count > FEED_MAX_ITEMS ? v->values - v->values_cut : 0;
            }
            v->i++;
            return true;
        }
        if (!jv_at(v, ','))
            return false;
        v->i++;
    }
}

static bool jv_container(jv *v, bool object, bool items)
{
    if (++v->depth > FEED_JSON_MAX_DEPTH)
        return false;
    v->i++;
    if (items)
        v->item = 0;
    bool ok = jv_members(v, object, items, object ? '}' : ']');
    if (items)
        v->item = -1;
    v->depth--;
    return ok;
}

static bool jv_value(jv *v)
{
    if (v->i >= v->n)
        return false;
    unsigned char c = v->s[v->i];
    bool items = v->items_next;
    v->items_next = false;
    v->values++;
    switch (c) {
    case '{':
        return jv_container(v, true, false);
    case '[':
        return jv_container(v, false, items);
    case '"':
        return jv_string(v);
    case 't':
        return jv_literal(v, "true");
    case 'f':
        return jv_literal(v, "false");
    case 'n':
        return jv_literal(v, "null");
    default:
        return (c == '-' || (c >= '0' && c <= '9')) && jv_number(v);
    }
}

/* The check behind feed_json_valid, filling *v; v->i is where it stopped. */
static bool json_check(const char *buf, size_t len, jv *v)
{
    *v = (jv){.s = (const unsigned char *)buf, .n = len, .item = -1};
    jv_ws(v);
    bool ok = jv_value(v);
    if (ok)
        jv_ws(v);
    return ok && v->i == v->n;
}

bool feed_json_valid(const char *buf, size_t len)
{
    jv v;
    return buf && json_check(buf, len, &v);
}

/* ---- RFC 3339 ---- */

static bool digits_n(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a calendar date, or false when there is no such
 * date (30 February): the date must come back unchanged from the day count. */
static bool civil_days(int y, int m, int d, int64_t *days)
{
    if (m < 1 || m > 12 || d < 1)
        return false;
    *days = tz_days_from_civil(y, m, d);
    int y2, m2, d2;
    tz_civil_from_days(*days, &y2, &m2, &d2);
    return y2 == y && m2 == m && d2 == d;
}

/* "+hh:mm", "-hh:mm", "Z" or "z" at *p; moves *p past it. */
static bool parse_offset(const char **p, int *seconds)
{
    const char *s = *p;
    int oh, om;
    if (*s == 'Z' || *s == 'z') {
        *seconds = 0;
        *p = s + 1;
        return true;
    }
    if ((*s != '+' && *s != '-') || !digits_n(s + 1, 2, &oh) || s[3] != ':' ||
        !digits_n(s + 4, 2, &om) || oh > 23 || om > 59)
        return false;
    *seconds = (oh * 60 + om) * 60 * (*s == '-' ? -1 : 1);
    *p = s + 6;
    return true;
}

bool feed_parse_time(const char *s, int64_t *out_unix)
{
    int y, mo, d, h, mi, se, off;
    if (!s || !digits_n(s, 4, &y) || s[4] != '-' || !digits_n(s + 5, 2, &mo) ||
        s[7] != '-' || !digits_n(s + 8, 2, &d))
        return false;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits_n(s + 11, 2, &h) ||
        s[13] != ':' || !digits_n(s + 14, 2, &mi) || s[16] != ':' ||
        !digits_n(s + 17, 2, &se))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!parse_offset(&p, &off) || *p != '\0')
        return false;
    int64_t days;
    if (!civil_days(y, mo, d, &days) || h > 23 || mi > 59 || se > 60)
        return false;
    *out_unix = days * 86400 + h * 3600 + mi * 60 + se - off;
    return true;
}

/* ---- helpers on the cJSON tree ---- */

/* A member; JSON null counts as absent. */
static const cJSON *field(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

static const char *str_field(const cJSON *obj, const char *key)
{
    const cJSON *v = field(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A bounded, printable copy of an outside string for a log line: control
 * bytes become '?', the cut falls on a character boundary. */
static void printable(char *dst, size_t cap, const char *s)
{
    size_t n = 0, max = cap - 4;
    for (; *s && n < max; s++)
        dst[n++] = ((unsigned char)*s < 0x20 || *s == 0x7F) ? '?' : *s;
    if (*s) {
        /* Cut before the character that did not fit whole. */
        if (((unsigned char)*s & 0xC0) == 0x80) {
            while (n > 0 && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
                n--;
            if (n > 0)
                n--;
        }
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = '\0';
}

/* Where a parse is and how much it has said: a hostile feed with a million
 * bad items must not write a million log lines. */
typedef struct {
    const char *src;
    const jv *scan; /* what the JSON check saw */
    unsigned logged, unlogged;
} pctx;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
warn(pctx *c, const char *fmt, ...)
{
    if (c->logged == FEED_MAX_LOG_LINES) {
        c->unlogged++;
        return;
    }
    c->logged++;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    LOG_WARN("%s: %s", c->src, msg);
}

/* A string member no longer than max, copied; NULL if absent or empty. */
static char *opt_string(const cJSON *obj, const char *key, size_t max, pctx *c,
                        const char *label)
{
    const cJSON *v = field(obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        warn(c, "%s: %s is not a string, ignored", label, key);
        return NULL;
    }
    if (strlen(v->valuestring) > max) {
        warn(c, "%s: %s is longer than %zu bytes, ignored", label, key, max);
        return NULL;
    }
    return *v->valuestring ? xstrdup(v->valuestring) : NULL;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool feed_language_valid(const char *tag)
{
    size_t start = 0, i = 0;
    bool first_alpha = true, private_use = false;
    for (;; i++) {
        char c = tag[i];
        if (c == '-' || c == '\0') {
            size_t n = i - start;
            if (n < 1 || n > 8)
                return false;
            if (start == 0) {
                private_use = n == 1 && (tag[0] == 'x' || tag[0] == 'X' ||
                                         tag[0] == 'i' || tag[0] == 'I');
                if (!first_alpha || (n == 1 && !(private_use && c == '-')))
                    return false;
            }
            if (c == '\0')
                return true;
            start = i + 1;
        } else if (is_alpha(c) || (c >= '0' && c <= '9')) {
            first_alpha = first_alpha && (start > 0 || is_alpha(c));
        } else {
            return false;
        }
    }
}

/* A language tag, or NULL after a log line: it goes to ICU and font
 * selection as it is. */
static char *opt_language(const cJSON *obj, pctx *c, const char *label)
{
    char *lang = opt_string(obj, "language", 64, c, label);
    if (lang && !feed_language_valid(lang)) {
        char shown[80];
        printable(shown, sizeof shown, lang);
        warn(c, "%s: language \"%s\" is not a language tag, ignored", label, shown);
        free(lang);
        return NULL;
    }
    return lang;
}

/* ---- _signage ---- */

typedef bool (*sig_fn)(const cJSON *v, feed_signage *s, const char **why);

static bool json_int(const cJSON *v, double lo, double hi, int *out)
{
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= lo && d <= hi) || d != floor(d))
        return false;
    *out = (int)d;
    return true;
}

static bool sig_time(const cJSON *v, int64_t *t, bool *has, const char **why)
{
    if (!cJSON_IsString(v) || !feed_parse_time(v->valuestring, t)) {
        *why = "not an RFC 3339 date-time";
        return false;
    }
    *has = true;
    return true;
}

static bool sig_start(const cJSON *v, feed_signage *s, const char **why)
{
    return sig_time(v, &s->start, &s->has_start, why);
}

static bool sig_end(const cJSON *v, feed_signage *s, const char **why)
{
    return sig_time(v, &s->end, &s->has_end, why);
}

static bool sig_days(const cJSON *v, feed_signage *s, const char **why)
{
    unsigned days = 0;
    *why = "not a non-empty array of ISO weekdays 1-7";
    if (!cJSON_IsArray(v) || !v->child)
        return false;
    for (const cJSON *e = v->child; e; e = e->next) {
        int d;
        if (!json_int(e, 1, 7, &d))
            return false;
        days |= 1u << d;
    }
    s->days = (uint8_t)days;
    *why = NULL;
    return true;
}

static bool hhmm(const char *p, int *minutes)
{
    int h, m;
    if (!digits_n(p, 2, &h) || p[2] != ':' || !digits_n(p + 3, 2, &m) || m > 59)
        return false;
    *minutes = h * 60 + m;
    return true;
}

bool feed_parse_window(const char *p, feed_window *w)
{
    int from, to;
    if (strlen(p) != 11 || p[5] != '-' || !hhmm(p, &from) || !hhmm(p + 6, &to))
        return false;
    if (from >= 24 * 60 || to > 24 * 60 || from == to)
        return false;
    w->from = (int16_t)from;
    w->to = (int16_t)to;
    return true;
}

static bool sig_hours(const cJSON *v, feed_signage *s, const char **why)
{
    feed_window w[FEED_MAX_HOURS];
    int n = 0;
    *why = "not a non-empty array of \"HH:MM-HH:MM\"";
    if (!cJSON_IsArray(v) || !v->child)
        return false;
    for (const cJSON *e = v->child; e; e = e->next) {
        if (n == FEED_MAX_HOURS) {
            *why = "more windows than allowed (8)";
            return false;
        }
        if (!cJSON_IsString(e) || !feed_parse_window(e->valuestring, &w[n]))
            return false;
        n++;
    }
    memcpy(s->hours, w, sizeof w[0] * (size_t)n);
    s->n_hours = n;
    *why = NULL;
    return true;
}

static bool sig_duration(const cJSON *v, feed_signage *s, const char **why)
{
    double d = cJSON_IsNumber(v) ? v->valuedouble : 0;
    if (!(d >= 1) || d != floor(d)) {
        *why = "not a positive whole number of seconds";
        return false;
    }
    if (d > FEED_MAX_DURATION) {
        *why = "more than 3600 seconds, capped at 3600";
        d = FEED_MAX_DURATION;
    }
    s->duration = (int)d;
    return true;
}

const char *feed_item_image(const feed_item *item)
{
    return item->image ? item->image : item->banner_image;
}

static const char *const priority_names[] = {"normal", "high", "urgent"};
static_assert(sizeof priority_names / sizeof priority_names[0] == FEED_PRIORITY_COUNT,
              "one name per priority");

const char *feed_priority_name(feed_priority p)
{
    return (unsigned)p < FEED_PRIORITY_COUNT ? priority_names[p] : NULL;
}

static bool sig_priority(const cJSON *v, feed_signage *s, const char **why)
{
    for (int i = 0; cJSON_IsString(v) && i < FEED_PRIORITY_COUNT; i++) {
        if (strcmp(v->valuestring, priority_names[i]) == 0) {
            s->priority = (feed_priority)i;
            s->has_priority = true;
            return true;
        }
    }
    *why = "not \"normal\", \"high\" or \"urgent\"";
    return false;
}

static bool sig_order(const cJSON *v, feed_signage *s, const char **why)
{
    if (!json_int(v, INT_MIN, INT_MAX, &s->order)) {
        *why = "not a whole number";
        return false;
    }
    s->has_order = true;
    return true;
}

static bool sig_max_pages(const cJSON *v, feed_signage *s, const char **why)
{
    if (!json_int(v, 1, FEED_MAX_PAGES, &s->max_pages)) {
        *why = "not a whole number from 1 to 1000";
        return false;
    }
    return true;
}

static bool sig_enabled(const cJSON *v, feed_signage *s, const char **why)
{
    if (!cJSON_IsBool(v)) {
        *why = "not true or false";
        return false;
    }
    s->enabled = cJSON_IsTrue(v);
    s->has_enabled = true;
    return true;
}

static bool sig_ticker(const cJSON *v, feed_signage *s, const char **why)
{
    if (!cJSON_IsBool(v)) {
        *why = "not true or false";
        return false;
    }
    s->ticker = cJSON_IsTrue(v);
    return true;
}

static bool sig_fit(const cJSON *v, feed_signage *s, const char **why)
{
    if (!cJSON_IsString(v) || !template_fit_parse(v->valuestring, &s->fit)) {
        *why = "not \"contain\", \"cover\" or \"auto\"";
        return false;
    }
    return true;
}

static const struct {
    const char *name;
    sig_fn parse;
} sig_fields[] = {
    {"start", sig_start},   {"end", sig_end},           {"days", sig_days},
    {"hours", sig_hours},   {"duration", sig_duration}, {"priority", sig_priority},
    {"order", sig_order},   {"enabled", sig_enabled},   {"max_pages", sig_max_pages},
    {"ticker", sig_ticker}, {"fit", sig_fit},
};

bool feed_signage_known(const char *name)
{
    for (size_t i = 0; i < sizeof sig_fields / sizeof sig_fields[0]; i++)
        if (strcmp(sig_fields[i].name, name) == 0)
            return true;
    return false;
}

/* Applies the valid fields of a _signage member onto *s. */
static void parse_signage(const cJSON *obj, feed_signage *s, pctx *c, const char *label)
{
    const cJSON *sig = field(obj, "_signage");
    if (!sig)
        return;
    if (!cJSON_IsObject(sig)) {
        warn(c, "%s: _signage is not an object, ignored", label);
        return;
    }
    for (size_t i = 0; i < sizeof sig_fields / sizeof sig_fields[0]; i++) {
        const cJSON *v = field(sig, sig_fields[i].name);
        const char *why = NULL;
        if (!v)
            continue;
        bool ok = sig_fields[i].parse(v, s, &why);
        if (why)
            warn(c, "%s: _signage.%s: %s%s", label, sig_fields[i].name, why,
                 ok ? "" : ", field ignored");
    }
}

/* ---- id set: open addressing over item indices ---- */

typedef struct {
    uint32_t *slot; /* index + 1; 0 = empty */
    size_t mask;
} idset;

static size_t id_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void idset_init(idset *set, size_t n)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    set->slot = xcalloc(size, sizeof *set->slot);
    set->mask = size - 1;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t idset_find(const idset *set, const feed_item *items, const char *id)
{
    size_t i = id_hash(id) & set->mask;
    while (set->slot[i] && strcmp(items[set->slot[i] - 1].id, id) != 0)
        i = (i + 1) & set->mask;
    return i;
}

/* ---- items ---- */

static void item_free(feed_item *it)
{
    free(it->id);
    free(it->title);
    free(it->body);
    free(it->summary);
    free(it->image);
    free(it->banner_image);
    free(it->language);
    free(it->url);
    free(it->blocked);
}

/* The id as a new string (a number is written out), or NULL after a log. */
static char *item_id(const cJSON *it, pctx *c, size_t index)
{
    const cJSON *v = field(it, "id");
    char num[40];
    const char *id = NULL, *problem = NULL;
    if (!v)
        problem = "no id";
    else if (cJSON_IsString(v))
        id = v->valuestring;
    else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        double d = v->valuedouble;
        snprintf(num, sizeof num, d == floor(d) && fabs(d) < 1e15 ? "%.0f" : "%.17g", d);
        id = num;
    } else
        problem = "id is not a string";
    if (id && !*id)
        problem = "id is empty";
    else if (id && strlen(id) > FEED_MAX_ID)
        problem = "id is longer than 1024 bytes";
    if (problem) {
        warn(c, "items[%zu]: %s, skipped", index, problem);
        return NULL;
    }
    return xstrdup(id);
}

/* The first known member with the wrong type, or NULL. */
static const char *item_bad_field(const cJSON *it)
{
    static const char *const strings[] = {
        "title",    "summary",        "content_text", "content_html",
        "url",      "external_url",   "image",        "banner_image",
        "language", "date_published", "date_modified"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const cJSON *v = field(it, strings[i]);
        if (v && !cJSON_IsString(v))
            return strings[i];
    }
    const cJSON *tags = field(it, "tags");
    return tags && !cJSON_IsArray(tags) ? "tags" : NULL;
}

/* Room for one more character than FEED_MAX_TEXT: a longer result was cut. */
#define OVER_MAX_TEXT (FEED_MAX_TEXT + 4)

/* s (from a normaliser given OVER_MAX_TEXT) within FEED_MAX_TEXT: a text
 * that was longer is cut at its last sentence end that leaves room for the
 * note, else at a character boundary, and ends with the note, so the
 * screen says why it stops. Takes ownership of s. */
static char *cap_text(char *s)
{
    size_t len = strlen(s);
    if (len <= FEED_MAX_TEXT)
        return s;
    size_t room = FEED_MAX_TEXT - sizeof FEED_CUT_NOTE, cut = sentence_cut(s, len, room);
    if (cut == 0) {
        cut = room;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    s[cut] = '\n';
    memcpy(s + cut + 1, FEED_CUT_NOTE, sizeof FEED_CUT_NOTE);
    return s;
}

static char *item_body(const cJSON *it)
{
    const char *text = str_field(it, "content_text");
    const char *html = str_field(it, "content_html");
    if (text) {
        char *body = text_from_plain(text, strlen(text), OVER_MAX_TEXT);
        if (*body || !html)
            return text_cjk_punct(cap_text(body));
        free(body);
    }
    return text_cjk_punct(cap_text(text_from_html(html, strlen(html), OVER_MAX_TEXT)));
}

static void item_date(const cJSON *it, const char *key, bool *has, int64_t *t, pctx *c,
                      const char *label)
{
    const char *s = str_field(it, key);
    if (!s)
        return;
    *has = feed_parse_time(s, t);
    if (!*has) {
        char shown[48];
        printable(shown, sizeof shown, s);
        warn(c, "%s: %s \"%s\" is not an RFC 3339 date-time, ignored", label, key, shown);
    }
}

/* Everything but id and body, which the caller has set. */
static void item_fill(const cJSON *it, const feed *f, feed_item *out, pctx *c,
                      const char *label)
{
    const char *title = str_field(it, "title");
    const char *summary = str_field(it, "summary");
    out->title = text_cjk_punct(text_normalise_line(
        title ? title : "", title ? strlen(title) : 0, FEED_MAX_TITLE));
    if (summary) {
        out->summary = text_cjk_punct(
            cap_text(text_normalise(summary, strlen(summary), OVER_MAX_TEXT)));
        if (!*out->summary) {
            free(out->summary);
            out->summary = NULL;
        }
    }
    out->image = opt_string(it, "image", FEED_MAX_URL, c, label);
    out->banner_image = opt_string(it, "banner_image", FEED_MAX_URL, c, label);
    out->url = opt_string(it, "url", FEED_MAX_URL, c, label);
    out->language = opt_language(it, c, label);
    item_date(it, "date_published", &out->has_date_published, &out->date_published, c,
              label);
    item_date(it, "date_modified", &out->has_date_modified, &out->date_modified, c,
              label);
    out->signage = f->defaults;
    parse_signage(it, &out->signage, c, label);
}

/* Fills *out from one element of items; false (after one log line) when the
 * item is skipped. */
static bool parse_item(const cJSON *it, size_t index, const feed *f, const idset *ids,
                       feed_item *out, pctx *c)
{
    if (!cJSON_IsObject(it)) {
        warn(c, "items[%zu]: not an object, skipped", index);
        return false;
    }
    if (index < FEED_MAX_ITEMS && (c->scan->nul_item[index / 8] >> (index % 8)) & 1) {
        warn(c,
             "items[%zu]: a string holds U+0000 (\\u0000), which would cut it; skipped",
             index);
        return false;
    }
    char *id = item_id(it, c, index);
    if (!id)
        return false;
    char label[128], shown[96];
    printable(shown, sizeof shown, id);
    snprintf(label, sizeof label, "items[%zu] \"%s\"", index, shown);
    const char *bad = item_bad_field(it);
    char why[64] = "";
    if (bad)
        snprintf(why, sizeof why, "%s is not %s", bad,
                 strcmp(bad, "tags") ? "a string" : "an array");
    else if (!str_field(it, "content_text") && !str_field(it, "content_html"))
        snprintf(why, sizeof why, "no content_text or content_html");
    else if (ids->slot[idset_find(ids, f->items, id)])
        snprintf(why, sizeof why, "duplicate id (the first one is kept)");
    if (*why) {
        warn(c, "%s: %s, skipped", label, why);
        free(id);
        return false;
    }
    out->id = id;
    out->body = item_body(it);
    item_fill(it, f, out, c, label);
    if (!*out->title && !*out->body) {
        warn(c, "%s: no text left after cleaning, skipped", label);
        item_free(out);
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

static void parse_items(const cJSON *items, feed *f, pctx *c)
{
    size_t total = (size_t)cJSON_GetArraySize(items);
    if (c->scan->n_items > FEED_MAX_ITEMS)
        LOG_WARN("%s: %zu items; items[%d] and the %zu after it ignored", c->src,
                 c->scan->n_items, FEED_MAX_ITEMS, c->scan->n_items - FEED_MAX_ITEMS - 1);
    size_t cap = total < FEED_MAX_ITEMS ? total : FEED_MAX_ITEMS;
    idset ids;
    idset_init(&ids, cap);
    f->items = xcalloc(cap ? cap : 1, sizeof *f->items);
    size_t index = 0;
    for (const cJSON *it = items->child; it; it = it->next, index++) {
        if (f->n_items == FEED_MAX_ITEMS) {
            LOG_WARN("%s: already %d items; items[%zu] and the %zu after it ignored",
                     c->src, FEED_MAX_ITEMS, index, total - index - 1);
            break;
        }
        feed_item *out = &f->items[f->n_items];
        if (parse_item(it, index, f, &ids, out, c)) {
            ids.slot[idset_find(&ids, f->items, out->id)] = (uint32_t)f->n_items + 1;
            f->n_items++;
        }
    }
    f->n_dropped = total - f->n_items;
    free(ids.slot);
}

/* ---- the document ---- */

static bool version_ok(const char *v)
{
    const char *p;
    if (strncmp(v, "https://", 8) == 0)
        p = v + 8;
    else if (strncmp(v, "http://", 7) == 0)
        p = v + 7;
    else
        return false;
    return strcmp(p, "jsonfeed.org/version/1") == 0 ||
           strcmp(p, "jsonfeed.org/version/1.1") == 0;
}

/* Why the top level is not a JSON Feed, or NULL when it is one. */
static const char *feed_problem(const cJSON *root)
{
    if (!cJSON_IsObject(root))
        return "the top level is not an object";
    const cJSON *version = field(root, "version");
    if (!version)
        return "no version";
    if (!cJSON_IsString(version) || !version_ok(version->valuestring))
        return "version is not a JSON Feed version URL";
    const cJSON *title = field(root, "title");
    if (!title)
        return "no title";
    if (!cJSON_IsString(title))
        return "title is not a string";
    const cJSON *items = field(root, "items");
    if (!items)
        return "no items";
    if (!cJSON_IsArray(items))
        return "items is not an array";
    return NULL;
}

static feed *build_feed(const cJSON *root, const char *src, const jv *scan)
{
    pctx ctx = {.src = src, .scan = scan}, *c = &ctx;
    const char *problem = feed_problem(root);
    if (problem) {
        warn(c, "not a JSON Feed: %s; refused", problem);
        return NULL;
    }
    feed *f = xcalloc(1, sizeof *f);
    const char *title = str_field(root, "title");
    f->title = text_normalise_line(title, strlen(title), FEED_MAX_TITLE);
    f->language = opt_language(root, c, "feed");
    f->home_page_url = opt_string(root, "home_page_url", FEED_MAX_URL, c, "feed");
    const cJSON *expired = field(root, "expired");
    if (expired && !cJSON_IsBool(expired))
        warn(c, "feed: expired is not true or false, ignored");
    f->expired = cJSON_IsTrue(expired);
    parse_signage(root, &f->defaults, c, "feed");
    parse_items(field(root, "items"), f, c);
    if (c->unlogged)
        LOG_WARN("%s: %u more problems like the above, not logged", src, c->unlogged);
    return f;
}

/* The document without the items past FEED_MAX_ITEMS (json itself when
 * there are none), so that cJSON never builds them. */
static char *cut_items(const char *json, size_t len, const jv *v, size_t *out_len)
{
    if (v->n_items <= FEED_MAX_ITEMS) {
        *out_len = len;
        return NULL;
    }
    size_t tail = len - v->close_at;
    char *buf = xmalloc(v->cut_at + tail);
    memcpy(buf, json, v->cut_at);
    memcpy(buf + v->cut_at, json + v->close_at, tail);
    *out_len = v->cut_at + tail;
    return buf;
}

static feed *parse_tree(const char *json, size_t len, const char *src, const jv *v)
{
    size_t n;
    char *cut = cut_items(json, len, v, &n);
    cJSON *root = cJSON_ParseWithLengthOpts(cut ? cut : json, n, NULL, false);
    free(cut);
    if (!root) {
        LOG_ERR("%s: the JSON parser failed (out of memory?); refused", src);
        return NULL;
    }
    feed *f = build_feed(root, src, v);
    cJSON_Delete(root);
    return f;
}

feed *feed_parse(const char *json, size_t len, const char *source)
{
    const char *src = source ? source : "feed";
    if (!json) {
        LOG_WARN("%s: no document; refused", src);
        return NULL;
    }
    if (len > FEED_MAX_BYTES) {
        LOG_WARN("%s: %zu bytes, more than the %d allowed; refused", src, len,
                 FEED_MAX_BYTES);
        return NULL;
    }
    if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
        json += 3;
        len -= 3;
    }
    if (!text_utf8_valid(json, len)) {
        LOG_WARN("%s: not valid UTF-8 (JSON must be UTF-8); refused", src);
        return NULL;
    }
    jv *v = xmalloc(sizeof *v);
    feed *f = NULL;
    if (!json_check(json, len, v))
        LOG_WARN("%s: not valid JSON (error at byte %zu); refused", src, v->i);
    else if (v->values - v->values_cut > FEED_JSON_MAX_VALUES)
        LOG_WARN("%s: %zu JSON values, more than the %d allowed; refused", src,
                 v->values - v->values_cut, FEED_JSON_MAX_VALUES);
    else if (v->nul_outside)
        LOG_WARN("%s: a string outside the items holds U+0000 (\\u0000); refused", src);
    else
        f = parse_tree(json, len, src, v);
    free(v);
    /* cJSON's tree is freed; give its pages back to the system, or the
     * fetch thread's arena keeps the peak of the largest feed forever. */
    if (len >= FEED_TRIM_BYTES)
        util_release_memory();
    return f;
}

void feed_destroy(feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_items; i++)
        item_free(&f->items[i]);
    free(f->items);
    free(f->title);
    free(f->language);
    free(f->home_page_url);
    free(f);
    /* The feed was built on the fetch thread's arena; freed here it would
     * stay resident until the next large parse. */
    util_release_memory();
}

long feed_find(const feed *f, const char *id)
{
    if (!f || !id)
        return -1;
    for (size_t i = 0; i < f->n_items; i++)
        if (strcmp(f->items[i].id, id) == 0)
            return (long)i;
    return -1;
}
