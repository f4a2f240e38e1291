#define LOG_MODULE "tz"
#include "tz.h"

#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_SYSTEM "/etc/localtime"
#define TZ_FILE_MAX (256 * 1024) /* the largest zone in tzdata is under 4 KiB */
#define TZ_FOOTER_MAX 256
/* Wider than any two UTC offsets apart (RFC 8536 keeps them within
 * -25:00..+26:00), so a wall time has no solution further than this from a
 * guess. */
#define TZ_MARGIN (3 * 86400)

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, then /time. */
typedef struct {
    char kind; /* 'J', 'N' (zero-based day of year) or 'M' */
    int day;   /* Jn: 1..365; n: 0..365; M: weekday 0 (Sunday)..6 */
    int month, week;
    int32_t time; /* seconds after local midnight, -167..167 hours */
} rule_date;

/* The footer: the zone's rule after its last listed transition. */
typedef struct {
    bool present; /* an empty footer leaves the last transition in force */
    bool has_dst;
    int32_t std_off, dst_off; /* local - UTC, seconds */
    rule_date start, end;     /* start in standard time, end in daylight time */
} rule;

/* A span of constant UTC offset: [from, to). */
typedef struct {
    int64_t from, to;
    int32_t off;
} period;

struct tz {
    char name[TZ_MAX_NAME];
    /* Transitions that change the offset, ascending; off[i] holds from
     * at[i]. Before at[0], off_before (time type 0, RFC 8536 3.2). */
    int64_t *at;
    int32_t *off;
    size_t n;
    int32_t off_before;
    int64_t rule_from; /* the last listed transition; the rule holds after */
    rule rule;
    /* The offset cache: cache_off holds on [cache_from, cache_to). */
    int64_t cache_from, cache_to;
    int32_t cache_off;
};

static int64_t clamp_unix(int64_t t)
{
    if (t < TZ_MIN_UNIX)
        return TZ_MIN_UNIX;
    if (t > TZ_MAX_UNIX)
        return TZ_MAX_UNIX;
    return t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days from civil and back: the era-based method (400-year cycles of
 * 146097 days), computed on a year that starts in March so that the leap
 * day is the last day of the year. */
int64_t tz_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

int tz_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- The POSIX TZ rule (RFC 8536 3.3, POSIX.1 8.3) ---- */

/* A zone abbreviation: three or more letters, or <...> of letters, digits,
 * '+' and '-'. Returns the text after it, NULL if there is none. */
static const char *parse_abbr(const char *s)
{
    const char *p = s;
    if (*p == '<') {
        for (p++; *p && *p != '>'; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
                return NULL;
        return *p == '>' && p - s >= 4 ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* A number of at most three digits in [lo, hi]. */
static const char *parse_num(const char *s, int lo, int hi, int *out)
{
    int v = 0, n = 0;
    for (; *s >= '0' && *s <= '9' && n < 3; s++, n++)
        v = v * 10 + (*s - '0');
    if (n == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return s;
}

/* [+-]hh[:mm[:ss]] with hh at most max_h, as signed seconds. */
static const char *parse_hms(const char *s, int max_h, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (!(s = parse_num(s, 0, max_h, &h)))
        return NULL;
    if (*s == ':') {
        if (!(s = parse_num(s + 1, 0, 59, &m)))
            return NULL;
        if (*s == ':' && !(s = parse_num(s + 1, 0, 59, &sec)))
            return NULL;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return s;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static const char *parse_date(const char *s, rule_date *d)
{
    memset(d, 0, sizeof *d);
    if (*s == 'J') {
        d->kind = 'J';
        s = parse_num(s + 1, 1, 365, &d->day);
    } else if (*s == 'M') {
        d->kind = 'M';
        if ((s = parse_num(s + 1, 1, 12, &d->month)) && *s == '.' &&
            (s = parse_num(s + 1, 1, 5, &d->week)) && *s == '.')
            s = parse_num(s + 1, 0, 6, &d->day);
        else
            s = NULL;
    } else {
        d->kind = 'N';
        s = parse_num(s, 0, 365, &d->day);
    }
    d->time = 7200;
    if (s && *s == '/')
        s = parse_hms(s + 1, 167, &d->time);
    return s;
}

/* std offset [dst [offset] [,start[/time],end[/time]]]. POSIX offsets count
 * west of Greenwich; the rule keeps them as local - UTC. */
static bool parse_rule(const char *s, rule *r)
{
    memset(r, 0, sizeof *r);
    if (!*s)
        return true; /* no rule: the last transition holds for ever */
    int32_t v;
    if (!(s = parse_abbr(s)) || !(s = parse_hms(s, 24, &v)))
        return false;
    r->present = true;
    r->std_off = r->dst_off = -v;
    if (!*s)
        return true;
    if (!(s = parse_abbr(s)))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = parse_hms(s, 24, &v)))
            return false;
        r->dst_off = -v;
    }
    /* Without dates, POSIX leaves the rule to the implementation; the US
     * rule is what glibc and tzcode use. */
    const char *dates = *s ? s : ",M3.2.0,M11.1.0";
    if (*dates != ',' || !(dates = parse_date(dates + 1, &r->start)) || *dates != ',' ||
        !(dates = parse_date(dates + 1, &r->end)))
        return false;
    return *dates == '\0';
}

/* Local midnight of a rule date in a year, as days since 1970-01-01. */
static int64_t rule_day(const rule_date *d, int year)
{
    int64_t jan1 = tz_days_from_civil(year, 1, 1);
    if (d->kind == 'J')
        return jan1 + d->day - 1 + (is_leap(year) && d->day >= 60);
    if (d->kind == 'N')
        return jan1 + d->day;
    int64_t first = tz_days_from_civil(year, d->month, 1);
    int wd = tz_weekday(first) % 7; /* Sunday = 0 */
    int64_t day = first + (d->day - wd + 7) % 7 + (int64_t)(d->week - 1) * 7;
    int64_t next = d->month == 12 ? tz_days_from_civil(year + 1, 1, 1)
                                  : tz_days_from_civil(year, d->month + 1, 1);
    while (day >= next)
        day -= 7; /* week 5: the last such weekday */
    return day;
}

/* The instants daylight time starts and ends in a year. */
static void rule_year(const rule *r, int year, int64_t *start, int64_t *end)
{
    *start = rule_day(&r->start, year) * 86400 + r->start.time - r->std_off;
    *end = rule_day(&r->end, year) * 86400 + r->end.time - r->dst_off;
}

/* A rule whose daylight (or standard) time has no length is a fixed
 * offset: "EST5EDT,0/0,J365/25" is daylight time all year. */
static void rule_simplify(rule *r)
{
    if (!r->has_dst)
        return;
    int64_t s0, e0, s1, e1;
    rule_year(r, 2001, &s0, &e0);
    rule_year(r, 2002, &s1, &e1);
    bool north = s0 < e0;
    int64_t dst_len = north ? e0 - s0 : e1 - s0;
    int64_t std_len = north ? s1 - e0 : s0 - e0;
    if (r->dst_off == r->std_off || dst_len <= 0) {
        r->has_dst = false;
    } else if (std_len <= 0) {
        r->has_dst = false;
        r->std_off = r->dst_off;
    }
}

/* The period of the rule around t, not starting before floor. The changes
 * of five years around t's year always enclose t. */
static period rule_period(const rule *r, int64_t t, int64_t floor)
{
    period p = {floor, INT64_MAX, r->std_off};
    if (!r->has_dst)
        return p;
    int year, m, d;
    tz_civil_from_days(floor_div(t, 86400), &year, &m, &d);
    int64_t at[10] = {0};
    int32_t off[10] = {0};
    int n = 0;
    for (int y = year - 2; y <= year + 2; y++) {
        int64_t s, e;
        rule_year(r, y, &s, &e);
        /* Insertion in time order; equal instants keep year order. */
        int64_t ev[2] = {s < e ? s : e, s < e ? e : s};
        int32_t eo[2] = {s < e ? r->dst_off : r->std_off,
                         s < e ? r->std_off : r->dst_off};
        for (int k = 0; k < 2; k++, n++) {
            int i = n;
            for (; i > 0 && at[i - 1] > ev[k]; i--) {
                at[i] = at[i - 1];
                off[i] = off[i - 1];
            }
            at[i] = ev[k];
            off[i] = eo[k];
        }
    }
    int i = n - 1;
    while (i > 0 && at[i] > t)
        i--;
    p.off = off[i];
    p.from = at[i] > floor ? at[i] : floor;
    for (int k = i + 1; k < n; k++)
        if (off[k] != p.off) {
            p.to = at[k];
            break;
        }
    return p;
}

/* ---- TZif bytes (RFC 8536) ---- */

typedef struct {
    const unsigned char *p;
    size_t len, pos;
} cursor;

/* The next n bytes, or NULL when fewer are left. */
static const unsigned char *take(cursor *c, uint64_t n)
{
    if (n > c->len - c->pos)
        return NULL;
    const unsigned char *p = c->p + c->pos;
    c->pos += (size_t)n;
    return p;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be_time(const unsigned char *p, int size)
{
    if (size == 4)
        return (int32_t)be32(p);
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct {
    int version; /* 1..4 */
    uint32_t isut, isstd, leap, time, type, chars;
} header;

static const char *read_header(cursor *c, header *h)
{
    const unsigned char *p = take(c, 44);
    if (!p || memcmp(p, "TZif", 4) != 0)
        return "no TZif header";
    h->version = p[4] == 0 ? 1 : p[4] - '0';
    if (h->version < 1 || h->version > 4)
        return "unknown version";
    uint32_t *f[] = {&h->isut, &h->isstd, &h->leap, &h->time, &h->type, &h->chars};
    for (int i = 0; i < 6; i++)
        *f[i] = be32(p + 20 + 4 * i);
    return NULL;
}

/* The counts of the block that is read (version 2+ files may leave the
 * version 1 block empty: zic -b slim). */
static const char *check_header(const header *h)
{
    if (h->type == 0 || h->chars == 0 || (h->isut != 0 && h->isut != h->type) ||
        (h->isstd != 0 && h->isstd != h->type) || h->type > 256)
        return "inconsistent counts";
    if (h->leap != 0)
        return "leap-second data (a right/ zone)";
    return NULL;
}

static uint64_t block_size(const header *h, int tsize)
{
    return (uint64_t)h->time * (uint64_t)(tsize + 1) + (uint64_t)h->type * 6 + h->chars +
           (uint64_t)h->leap * (uint64_t)(tsize + 4) + h->isstd + h->isut;
}

/* The data block: transitions and their types, kept where the offset
 * changes. */
static const char *read_block(cursor *c, const header *h, int tsize, tz *z)
{
    if (block_size(h, tsize) > c->len - c->pos)
        return "truncated data block";
    const unsigned char *times = take(c, (uint64_t)h->time * (uint64_t)tsize);
    const unsigned char *idx = take(c, h->time);
    const unsigned char *types = take(c, (uint64_t)h->type * 6);
    take(c, block_size(h, tsize) - (uint64_t)h->time * (uint64_t)(tsize + 1) -
                (uint64_t)h->type * 6);
    int32_t offs[256] = {0};
    for (uint32_t i = 0; i < h->type; i++) {
        offs[i] = (int32_t)be32(types + 6 * i);
        if (offs[i] < -89999 || offs[i] > 93599 || types[6 * i + 4] > 1 ||
            types[6 * i + 5] >= h->chars)
            return "bad local time type";
    }
    z->at = xcalloc(h->time, sizeof *z->at);
    z->off = xcalloc(h->time, sizeof *z->off);
    z->off_before = offs[0];
    z->rule_from = INT64_MIN;
    int32_t prev = offs[0];
    for (uint32_t i = 0; i < h->time; i++) {
        int64_t t = be_time(times + (size_t)i * (size_t)tsize, tsize);
        if (idx[i] >= h->type)
            return "bad type index";
        if (i > 0 && t <= z->rule_from)
            return "transitions out of order";
        z->rule_from = t;
        if (offs[idx[i]] != prev) {
            z->at[z->n] = t;
            z->off[z->n++] = prev = offs[idx[i]];
        }
    }
    return NULL;
}

/* The footer of version 2+: a POSIX TZ string between newlines. */
static const char *read_footer(cursor *c, rule *r)
{
    const unsigned char *nl = take(c, 1);
    if (!nl || *nl != '\n')
        return "no footer";
    size_t start = c->pos;
    const unsigned char *end = memchr(c->p + start, '\n', c->len - start);
    if (!end || (size_t)(end - (c->p + start)) >= TZ_FOOTER_MAX)
        return "unterminated footer";
    char text[TZ_FOOTER_MAX];
    size_t n = (size_t)(end - (c->p + start));
    memcpy(text, c->p + start, n);
    text[n] = '\0';
    if (!parse_rule(text, r))
        return "footer rule does not parse";
    rule_simplify(r);
    return NULL;
}

static const char *parse_tzif(tz *z, const unsigned char *data, size_t len)
{
    cursor c = {data, len, 0};
    header h;
    const char *why = read_header(&c, &h);
    if (why)
        return why;
    if (h.version == 1)
        return (why = check_header(&h)) ? why : read_block(&c, &h, 4, z);
    if (!take(&c, block_size(&h, 4)))
        return "truncated version 1 block";
    if ((why = read_header(&c, &h)) || (why = check_header(&h)) ||
        (why = read_block(&c, &h, 8, z)))
        return why;
    return read_footer(&c, &z->rule);
}

static void tz_free(tz *z)
{
    if (!z)
        return;
    free(z->at);
    free(z->off);
    free(z);
}

/* A zone from bytes; NULL with the reason in *why. */
static tz *tz_parse(const char *name, const unsigned char *data, size_t len,
                    const char **why)
{
    tz *z = xcalloc(1, sizeof *z);
    snprintf(z->name, sizeof z->name, "%s", name);
    z->cache_from = 1;
    z->cache_to = 0; /* empty */
    *why = parse_tzif(z, data, len);
    if (*why) {
        tz_free(z);
        return NULL;
    }
    return z;
}

tz *tz_from_tzif(const char *name, const unsigned char *data, size_t len)
{
    const char *why;
    tz *z = tz_parse(name, data, len, &why);
    if (!z)
        LOG_ERR("time zone %.*s: not a valid TZif file: %s", TZ_MAX_NAME, name, why);
    return z;
}

/* ---- Names and files ---- */

/* An IANA region name: "UTC" or Area/Location[/...] in the characters
 * zone names use. The legacy aliases in zoneinfo ("EST", "PRC",
 * "US/Eastern") and its posix/ and right/ copies are not region names. */
static bool name_ok(const char *name)
{
    static const char *const areas[] = {"Africa/", "America/",  "Antarctica/", "Arctic/",
                                        "Asia/",   "Atlantic/", "Australia/",  "Europe/",
                                        "Indian/", "Pacific/",  "Etc/"};
    size_t n = strnlen(name, TZ_MAX_NAME);
    if (n == 0 || n >= TZ_MAX_NAME || strstr(name, "..") || strstr(name, "//") ||
        name[0] == '/' || name[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' || c == '/'))
            return false;
    }
    if (strcmp(name, "UTC") == 0)
        return true;
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (strncmp(name, areas[i], strlen(areas[i])) == 0)
            return true;
    return false;
}

/* Reads and parses a zone file; NULL with the reason in *why. */
static tz *load(const char *name, const char *path, const char **why)
{
    size_t len;
    char *data = read_file_capped(path, TZ_FILE_MAX, &len);
    if (!data) {
        *why = errno == EFBIG ? "file too large" : strerror(errno);
        return NULL;
    }
    tz *z = tz_parse(name, (const unsigned char *)data, len, why);
    free(data);
    return z;
}

static tz *load_named(const char *name, const char **why)
{
    char path[sizeof TZ_DIR + TZ_MAX_NAME + 1];
    if (!name || !name_ok(name)) {
        *why = "not an IANA zone name (Area/Location or UTC)";
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", TZ_DIR, name);
    return load(name, path, why);
}

bool tz_valid_name(const char *name)
{
    const char *why;
    tz *z = load_named(name, &why);
    tz_free(z);
    return z != NULL;
}

/* The system's zone name from the /etc/localtime symlink
 * ("/usr/share/zoneinfo/Asia/Shanghai" gives "Asia/Shanghai"). */
static void system_name(char *out, size_t cap)
{
    char link[512];
    ssize_t n = readlink(TZ_SYSTEM, link, sizeof link - 1);
    snprintf(out, cap, "localtime");
    if (n <= 0)
        return;
    link[n] = '\0';
    const char *p = strstr(link, "zoneinfo/");
    if (!p)
        return;
    p += strlen("zoneinfo/");
    if (strncmp(p, "posix/", 6) == 0)
        p += 6;
    if (name_ok(p))
        snprintf(out, cap, "%s", p);
}

static tz *system_zone(void)
{
    char name[TZ_MAX_NAME];
    const char *why;
    system_name(name, sizeof name);
    tz *z = load(name, TZ_SYSTEM, &why);
    if (z)
        return z;
    LOG_WARN("cannot read the system's time zone %s (%s): using UTC; set time_zone in "
             "the config",
             TZ_SYSTEM, why);
    z = xcalloc(1, sizeof *z);
    snprintf(z->name, sizeof z->name, "UTC");
    z->rule_from = INT64_MIN;
    z->cache_from = 1;
    return z;
}

tz *tz_create(const char *iana_or_null)
{
    if (!iana_or_null || !iana_or_null[0])
        return system_zone();
    const char *why;
    tz *z = load_named(iana_or_null, &why);
    if (!z)
        LOG_ERR("unknown time zone \"%.*s\": %s", TZ_MAX_NAME, iana_or_null, why);
    return z;
}

void tz_destroy(tz *z)
{
    tz_free(z);
}

const char *tz_name(const tz *z)
{
    return z->name;
}

/* ---- Lookups ---- */

/* The period of constant offset around t: from the transitions while they
 * last, from the footer rule after them. */
static period period_at(const tz *z, int64_t t)
{
    if (t < z->rule_from || !z->rule.present) {
        size_t lo = 0, hi = z->n; /* count of transitions <= t */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->at[mid] <= t)
                lo = mid + 1;
            else
                hi = mid;
        }
        period p = {lo ? z->at[lo - 1] : INT64_MIN, lo < z->n ? z->at[lo] : INT64_MAX,
                    lo ? z->off[lo - 1] : z->off_before};
        if (z->rule.present && p.to > z->rule_from)
            p.to = z->rule_from;
        return p;
    }
    period p = rule_period(&z->rule, t, z->rule_from);
    /* The rule's first period may go on from the last listed one. */
    if (p.from == z->rule_from && z->n && z->at[z->n - 1] <= p.from &&
        z->off[z->n - 1] == p.off)
        p.from = z->at[z->n - 1];
    return p;
}

int tz_offset(tz *z, int64_t t)
{
    t = clamp_unix(t);
    if (t < z->cache_from || t >= z->cache_to) {
        period p = period_at(z, t);
        z->cache_from = p.from;
        z->cache_to = p.to;
        z->cache_off = p.off;
    }
    return z->cache_off;
}

void tz_local(tz *z, int64_t t, tz_time *out)
{
    t = clamp_unix(t);
    int off = tz_offset(z, t);
    int64_t local = t + off;
    int64_t days = floor_div(local, 86400);
    int sod = (int)(local - days * 86400);
    tz_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = sod / 3600;
    out->minute = sod / 60 % 60;
    out->second = sod % 60;
    out->weekday = tz_weekday(days);
    out->minute_of_day = sod / 60;
    out->offset_s = off;
    out->days = days;
}

int64_t tz_next_transition(tz *z, int64_t t)
{
    t = clamp_unix(t);
    period p = {z->cache_from, z->cache_to, z->cache_off};
    if (t < p.from || t >= p.to)
        p = period_at(z, t);
    /* Every period ends at a change of offset, except perhaps the one the
     * footer rule takes over from. */
    if (p.to != z->rule_from)
        return p.to == INT64_MAX ? TZ_NEVER : p.to;
    for (int k = 0; k < 4 && p.to != INT64_MAX; k++) {
        period q = period_at(z, p.to);
        if (q.off != p.off)
            return p.to;
        p = q;
    }
    return TZ_NEVER;
}

/* The instant of a local wall time by search: each period near it that
 * holds local - offset is a solution; none means a gap, which resolves to
 * the transition that skips it. */
static int64_t resolve(const tz *z, int64_t local, tz_pick pick)
{
    period p = period_at(z, local - TZ_MARGIN);
    int64_t best = local - p.off, gap = best;
    bool found = false;
    for (int k = 0; k < 16; k++) {
        int64_t c = local - p.off;
        if (c >= p.from && c < p.to &&
            (!found || (pick == TZ_LATER ? c > best : c < best))) {
            best = c;
            found = true;
        }
        if (p.to == INT64_MAX || p.to > local + TZ_MARGIN)
            break;
        period q = period_at(z, p.to);
        if (q.off > p.off && local >= p.to + p.off && local < p.to + q.off)
            gap = p.to;
        p = q;
    }
    return found ? best : gap;
}

int64_t tz_make_local(tz *z, int64_t local_seconds, tz_pick pick)
{
    /* Keep the result inside the clamped range, with a day's margin for the
     * offset. */
    int64_t lo = TZ_MIN_UNIX + 86400, hi = TZ_MAX_UNIX - 86400;
    if (local_seconds < lo)
        local_seconds = lo;
    if (local_seconds > hi)
        local_seconds = hi;
    /* Far inside the cached period there is exactly one solution. */
    int64_t t = local_seconds - z->cache_off;
    if (z->cache_from <= t - TZ_MARGIN && t + TZ_MARGIN < z->cache_to)
        return t;
    return resolve(z, local_seconds, pick);
}

int64_t tz_make(tz *z, int year, int month, int day, int hour, int minute, int second,
                tz_pick pick)
{
    /* Normalise the month first, then let day and time overflow through the
     * day count. */
    int64_t mi = (int64_t)month - 1;
    int64_t y = (int64_t)year + floor_div(mi, 12);
    mi -= floor_div(mi, 12) * 12;
    if (y < 1)
        y = 1;
    if (y > 9999)
        y = 9999;
    int64_t days = tz_days_from_civil((int)y, (int)mi + 1, 1) + (int64_t)day - 1;
    int64_t local =
        days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60 + (int64_t)second;
    return tz_make_local(z, local, pick);
}
