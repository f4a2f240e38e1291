/* tz: conversions checked against fixed facts (the 2026 daylight-saving
 * transitions) and against glibc's localtime_r as an independent reader of
 * the same TZif files and POSIX TZ rules: setting TZ here is the oracle's
 * input only; the player's tz never reads it. */
#define LOG_MODULE "test"
#include "log.h"
#include "test.h"
#include "tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* UTC wall time to Unix seconds, by glibc. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm);
}

static void test_names(void)
{
    CHECK(tz_valid_name("Europe/Berlin"));
    CHECK(tz_valid_name("America/New_York"));
    CHECK(tz_valid_name("Asia/Shanghai"));
    CHECK(tz_valid_name("UTC"));
    CHECK(!tz_valid_name("Mars/Olympus_Mons"));
    CHECK(!tz_valid_name(""));
    CHECK(!tz_valid_name(NULL));
    CHECK(!tz_valid_name("Europe/Berlin\n"));
    CHECK(!tz_valid_name("Europe/ Berlin"));
    char longname[400];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK(!tz_valid_name(longname));
    CHECK(tz_valid_name("Etc/GMT+8"));
    CHECK(tz_valid_name("Etc/UTC"));
    CHECK(tz_valid_name("America/Argentina/Salta"));
    CHECK(tz_valid_name("America/Port-au-Prince"));
    /* Files in zoneinfo that are not IANA region names, paths, and names
     * with no file. */
    const char *refused[] = {"EST",
                             "CST6CDT",
                             "PRC",
                             "GMT",
                             "US/Eastern",
                             "posix/Europe/Berlin",
                             "right/Europe/Berlin",
                             "zone1970.tab",
                             "Asia",
                             "Asia/",
                             "Europe//Berlin",
                             "/usr/share/zoneinfo/Europe/Berlin",
                             "Europe/../Asia/Shanghai",
                             "../../../etc/passwd",
                             "Europe/Berlin.",
                             "Asia/Nowhere"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CHECKF(!tz_valid_name(refused[i]), "%s accepted", refused[i]);

    unsigned before = log_problem_count();
    CHECK(tz_create("Mars/Olympus_Mons") == NULL);
    CHECK(tz_create(longname) == NULL);
    CHECK(tz_create("Europe/../Asia/Shanghai") == NULL);
    CHECK(tz_create("Asia/Nowhere") == NULL);
    CHECK(log_problem_count() == before + 4);
    tz_destroy(NULL);

    tz *z = tz_create("Asia/Shanghai");
    CHECK(z && strcmp(tz_name(z), "Asia/Shanghai") == 0);
    tz_destroy(z);
}

/* The system's zone is /etc/localtime, named after its symlink, whatever
 * TZ says (the old engine followed TZ). */
static void test_system_zone(void)
{
    char link[512], want[TZ_MAX_NAME] = "UTC";
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n > 0) {
        link[n] = '\0';
        const char *p = strstr(link, "zoneinfo/");
        snprintf(want, sizeof want, "%s", p ? p + strlen("zoneinfo/") : "localtime");
    } else if (access("/etc/localtime", R_OK) == 0) {
        snprintf(want, sizeof want, "localtime");
    }
    const char *other =
        strcmp(want, "Pacific/Chatham") == 0 ? "Asia/Kathmandu" : "Pacific/Chatham";
    setenv("TZ", other, 1);
    tz *z = tz_create(NULL);
    unsetenv("TZ");
    CHECK(z != NULL);
    if (!z)
        return;
    CHECKF(strcmp(tz_name(z), want) == 0, "system zone %s, want %s", tz_name(z), want);
    tz *e = tz_create("");
    CHECK(e && strcmp(tz_name(e), tz_name(z)) == 0);
    /* The same offsets as glibc's reading of /etc/localtime (TZ unset). */
    tzset();
    int bad = 0;
    for (int64_t t = 0; t < 4102444800LL; t += 86400 * 7 + 3607) {
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        if (tz_offset(z, t) != tm.tm_gmtoff)
            bad++;
    }
    CHECKF(bad == 0, "%d offsets differ from glibc's /etc/localtime", bad);
    tz_destroy(e);
    tz_destroy(z);
}

typedef struct {
    const char *zone;
    int64_t t;
    int year, month, day, hour, minute, second, weekday, offset;
} local_case;

static void test_local_table(void)
{
    const local_case cases[] = {
        /* Berlin: CET -> CEST at 01:00Z on 2026-03-29 (a Sunday). */
        {"Europe/Berlin", utc(2026, 3, 29, 0, 59, 59), 2026, 3, 29, 1, 59, 59, 7, 3600},
        {"Europe/Berlin", utc(2026, 3, 29, 1, 0, 0), 2026, 3, 29, 3, 0, 0, 7, 7200},
        /* CEST -> CET at 01:00Z on 2026-10-25: 02:59:59 CEST, then 02:00 CET. */
        {"Europe/Berlin", utc(2026, 10, 25, 0, 59, 59), 2026, 10, 25, 2, 59, 59, 7, 7200},
        {"Europe/Berlin", utc(2026, 10, 25, 1, 0, 0), 2026, 10, 25, 2, 0, 0, 7, 3600},
        /* New York: EST -> EDT at 07:00Z 2026-03-08, EDT -> EST at 06:00Z 2026-11-01. */
        {"America/New_York", utc(2026, 3, 8, 6, 59, 59), 2026, 3, 8, 1, 59, 59, 7,
         -18000},
        {"America/New_York", utc(2026, 3, 8, 7, 0, 0), 2026, 3, 8, 3, 0, 0, 7, -14400},
        {"America/New_York", utc(2026, 11, 1, 5, 59, 59), 2026, 11, 1, 1, 59, 59, 7,
         -14400},
        {"America/New_York", utc(2026, 11, 1, 6, 0, 0), 2026, 11, 1, 1, 0, 0, 7, -18000},
        /* Shanghai: UTC+8 all year, date changes at 16:00Z. */
        {"Asia/Shanghai", utc(2026, 11, 26, 16, 0, 0), 2026, 11, 27, 0, 0, 0, 5, 28800},
        {"Asia/Shanghai", utc(2026, 7, 1, 15, 59, 59), 2026, 7, 1, 23, 59, 59, 3, 28800},
        {"UTC", 0, 1970, 1, 1, 0, 0, 0, 4, 0},
        {"UTC", -1, 1969, 12, 31, 23, 59, 59, 3, 0},
        {"UTC", utc(2028, 2, 29, 12, 0, 0), 2028, 2, 29, 12, 0, 0, 2, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const local_case *c = &cases[i];
        tz *z = tz_create(c->zone);
        tz_time lt;
        tz_local(z, c->t, &lt);
        CHECKF(lt.year == c->year && lt.month == c->month && lt.day == c->day &&
                   lt.hour == c->hour && lt.minute == c->minute &&
                   lt.second == c->second && lt.weekday == c->weekday &&
                   lt.offset_s == c->offset &&
                   lt.minute_of_day == c->hour * 60 + c->minute,
               "case %zu %s: got %04d-%02d-%02d %02d:%02d:%02d wd %d off %d", i, c->zone,
               lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second, lt.weekday,
               lt.offset_s);
        CHECK(tz_offset(z, c->t) == c->offset);
        tz_destroy(z);
    }
}

typedef struct {
    const char *zone;
    int y, mo, d, h, mi;
    int64_t earlier, later;
} make_case;

static void test_make_table(void)
{
    const make_case cases[] = {
        /* Ordinary times: both picks agree. */
        {"Europe/Berlin", 2026, 7, 1, 18, 0, utc(2026, 7, 1, 16, 0, 0),
         utc(2026, 7, 1, 16, 0, 0)},
        {"Asia/Shanghai", 2026, 11, 27, 0, 0, utc(2026, 11, 26, 16, 0, 0),
         utc(2026, 11, 26, 16, 0, 0)},
        /* Skipped hour: the transition instant. */
        {"Europe/Berlin", 2026, 3, 29, 2, 30, utc(2026, 3, 29, 1, 0, 0),
         utc(2026, 3, 29, 1, 0, 0)},
        {"Europe/Berlin", 2026, 3, 29, 2, 0, utc(2026, 3, 29, 1, 0, 0),
         utc(2026, 3, 29, 1, 0, 0)},
        {"America/New_York", 2026, 3, 8, 2, 30, utc(2026, 3, 8, 7, 0, 0),
         utc(2026, 3, 8, 7, 0, 0)},
        /* Repeated hour: first or second occurrence. */
        {"Europe/Berlin", 2026, 10, 25, 2, 30, utc(2026, 10, 25, 0, 30, 0),
         utc(2026, 10, 25, 1, 30, 0)},
        {"America/New_York", 2026, 11, 1, 1, 30, utc(2026, 11, 1, 5, 30, 0),
         utc(2026, 11, 1, 6, 30, 0)},
        /* Normalised fields: 32 January, minute 1440, month 13. */
        {"UTC", 2026, 1, 32, 0, 0, utc(2026, 2, 1, 0, 0, 0), utc(2026, 2, 1, 0, 0, 0)},
        {"UTC", 2026, 3, 1, 0, 1440, utc(2026, 3, 2, 0, 0, 0), utc(2026, 3, 2, 0, 0, 0)},
        {"UTC", 2026, 13, 1, 0, 0, utc(2027, 1, 1, 0, 0, 0), utc(2027, 1, 1, 0, 0, 0)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const make_case *c = &cases[i];
        tz *z = tz_create(c->zone);
        int64_t e = tz_make(z, c->y, c->mo, c->d, c->h, c->mi, 0, TZ_EARLIER);
        int64_t l = tz_make(z, c->y, c->mo, c->d, c->h, c->mi, 0, TZ_LATER);
        CHECKF(e == c->earlier && l == c->later, "case %zu %s: %lld %lld, want %lld %lld",
               i, c->zone, (long long)e, (long long)l, (long long)c->earlier,
               (long long)c->later);
        tz_destroy(z);
    }
}

static void test_transitions(void)
{
    tz *b = tz_create("Europe/Berlin"), *n = tz_create("America/New_York");
    tz *s = tz_create("Asia/Shanghai"), *u = tz_create("UTC");
    int64_t jan = utc(2026, 1, 1, 0, 0, 0);
    int64_t t1 = tz_next_transition(b, jan);
    CHECK(t1 == utc(2026, 3, 29, 1, 0, 0));
    CHECK(tz_next_transition(b, t1 - 1) == t1);
    CHECK(tz_next_transition(b, t1) == utc(2026, 10, 25, 1, 0, 0));
    CHECK(tz_next_transition(n, jan) == utc(2026, 3, 8, 7, 0, 0));
    CHECK(tz_next_transition(n, utc(2026, 3, 8, 7, 0, 0)) == utc(2026, 11, 1, 6, 0, 0));
    CHECK(tz_next_transition(s, jan) == TZ_NEVER);
    CHECK(tz_next_transition(u, jan) == TZ_NEVER);
    /* Round trip through every quarter hour of both Berlin transition days:
     * tz_make of the local time gives back t with one of the two picks. */
    int bad = 0;
    for (int64_t t = utc(2026, 3, 28, 12, 0, 0); t < utc(2026, 3, 30, 0, 0, 0);
         t += 900) {
        tz_time lt;
        tz_local(b, t, &lt);
        if (tz_make(b, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
                    TZ_EARLIER) != t)
            bad++;
    }
    for (int64_t t = utc(2026, 10, 24, 12, 0, 0); t < utc(2026, 10, 26, 0, 0, 0);
         t += 900) {
        tz_time lt;
        tz_local(b, t, &lt);
        int64_t e = tz_make(b, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
                            TZ_EARLIER);
        int64_t l = tz_make(b, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
                            TZ_LATER);
        if (e != t && l != t)
            bad++;
        if (lt.hour == 2 && e == l)
            bad++; /* 02:xx is repeated that day */
    }
    CHECKF(bad == 0, "%d round trips failed", bad);
    tz_destroy(b);
    tz_destroy(n);
    tz_destroy(s);
    tz_destroy(u);
}

/* Calendar arithmetic against glibc over 1000..2400 and the weekday; ICU's
 * calendar must be proleptic Gregorian too (no Julian dates before 1582). */
static void test_calendar(void)
{
    int bad = 0;
    for (int64_t days = -354000; days < 157000; days += 13) { /* 1000..2399 */
        time_t t = (time_t)(days * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        int y, m, d;
        tz_civil_from_days(days, &y, &m, &d);
        if (y != tm.tm_year + 1900 || m != tm.tm_mon + 1 || d != tm.tm_mday)
            bad++;
        if (tz_days_from_civil(y, m, d) != days)
            bad++;
        if (tz_weekday(days) != (tm.tm_wday == 0 ? 7 : tm.tm_wday))
            bad++;
    }
    CHECKF(bad == 0, "%d calendar mismatches", bad);
    tz *u = tz_create("UTC");
    CHECK(tz_make(u, 1200, 3, 1, 12, 0, 0, TZ_EARLIER) == utc(1200, 3, 1, 12, 0, 0));
    CHECK(tz_make(u, 1582, 10, 10, 0, 0, 0, TZ_EARLIER) == utc(1582, 10, 10, 0, 0, 0));
    tz_destroy(u);
}

/* A deterministic 64-bit generator (xorshift64*), for instants across
 * centuries that rand() cannot reach. */
static uint64_t rng_state = 20261127;
static int64_t rand_between(int64_t lo, int64_t hi)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return lo + (int64_t)((rng_state * 2685821657736338717ULL) % (uint64_t)(hi - lo));
}

/* z against glibc's localtime_r (TZ already set to the same zone) at t:
 * the wall time and offset, the round trip through tz_make, and that
 * tz_next_transition is the next change of offset. 0 when all agree. */
static int compare_at(tz *z, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tz_time lt;
    tz_local(z, t, &lt);
    int bad = 0;
    if (lt.year != tm.tm_year + 1900 || lt.month != tm.tm_mon + 1 ||
        lt.day != tm.tm_mday || lt.hour != tm.tm_hour || lt.minute != tm.tm_min ||
        lt.second != tm.tm_sec || lt.offset_s != tm.tm_gmtoff ||
        lt.weekday != (tm.tm_wday == 0 ? 7 : tm.tm_wday))
        bad++;
    int64_t e =
        tz_make(z, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second, TZ_EARLIER);
    int64_t l =
        tz_make(z, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second, TZ_LATER);
    if ((e != t && l != t) || e > t || l < t)
        bad++;
    int64_t next = tz_next_transition(z, t);
    if (next != TZ_NEVER && next <= TZ_MAX_UNIX &&
        (next <= t || tz_offset(z, next - 1) != lt.offset_s ||
         tz_offset(z, next) == lt.offset_s))
        bad++;
    return bad;
}

#define Y1800 (-5364662400LL)
#define Y2100 4102444800LL
#define Y2500 16725225600LL

/* Every zone of zone1970.tab against glibc: 300 instants 1800..2100 (the
 * table) and 100 in 2100..2500 (the footer rule). */
static void test_against_glibc(void)
{
    char *tab = test_read_file("/usr/share/zoneinfo/zone1970.tab", NULL);
    if (!tab) {
        fprintf(stderr, "no zone1970.tab: zone comparison skipped\n");
        return;
    }
    int zones = 0, bad_zones = 0;
    for (char *line = tab, *next; *line; line = next) {
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        char code[64], coord[64], name[TZ_MAX_NAME];
        if (line[0] == '#' || sscanf(line, "%63s %63s %127s", code, coord, name) != 3)
            continue;
        tz *z = tz_create(name);
        CHECKF(z != NULL, "%s does not open", name);
        if (!z)
            continue;
        setenv("TZ", name, 1);
        tzset();
        int bad = 0;
        for (int i = 0; i < 400; i++)
            bad += compare_at(z, i < 300 ? rand_between(Y1800, Y2100)
                                         : rand_between(Y2100, Y2500));
        CHECKF(bad == 0, "%s: %d mismatches with glibc", name, bad);
        bad_zones += bad != 0;
        zones++;
        tz_destroy(z);
    }
    unsetenv("TZ");
    free(tab);
    CHECKF(zones > 250 && bad_zones == 0, "%d zones, %d differ", zones, bad_zones);
}

/* ---- TZif blobs built here ---- */

typedef struct {
    unsigned char b[4096];
    size_t n;
} blob;

static void put(blob *o, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL */
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put32(blob *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(o, b, 4);
}

static void put_header(blob *o, uint32_t timecnt, uint32_t typecnt)
{
    put(o, "TZif3", 5);
    put(o, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
    uint32_t counts[6] = {0, 0, 0, timecnt, typecnt, typecnt ? 4 : 0};
    for (int i = 0; i < 6; i++)
        put32(o, counts[i]);
}

/* A version 3 file as zic -b slim writes it: an empty version 1 block, then
 * n transitions at[i] to type idx[i] among the offsets offs, and the
 * footer. */
static blob make_blob(const int64_t *at, const unsigned char *idx, uint32_t n,
                      const int32_t *offs, uint32_t ntypes, const char *footer)
{
    blob o = {.n = 0};
    put_header(&o, 0, 0);
    put_header(&o, n, ntypes);
    for (uint32_t i = 0; i < n; i++) {
        put32(&o, (uint32_t)((uint64_t)at[i] >> 32));
        put32(&o, (uint32_t)at[i]);
    }
    put(&o, idx, n);
    for (uint32_t i = 0; i < ntypes; i++) {
        put32(&o, (uint32_t)offs[i]);
        unsigned char dst_abbr[2] = {i > 0, 0};
        put(&o, dst_abbr, 2);
    }
    put(&o, "ZZZ", 4);
    put(&o, "\n", 1);
    put(&o, footer, strlen(footer));
    put(&o, "\n", 1);
    return o;
}

/* A zone that is only a footer rule. */
static tz *rule_zone(const char *footer, int32_t std_off)
{
    blob o = make_blob(NULL, NULL, 0, &std_off, 1, footer);
    return tz_from_tzif(footer, o.b, o.n);
}

/* Footer rules against glibc reading the same POSIX string from TZ:
 * southern hemisphere, odd offsets, Jn and zero-based days, times past 24
 * and below 0. Not daylight time all year (RFC 8536 3.3.1's
 * "EST5EDT,0/0,J365/25"): glibc 2.36 shows EST for the last hours of each
 * year there; test_rule_facts checks it. */
static void test_rules_against_glibc(void)
{
    const struct {
        const char *rule;
        int32_t std_off;
    } rules[] = {
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", 36000},
        {"<+0330>-3:30", 12600},
        {"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", -10800},
        {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200},
        {"IST-2IDT,M3.4.4/26,M10.5.0", 7200},
        {"XST5XDT,J60/2,J300/2", -18000},
        {"XST5XDT,59/2,300/2", -18000},
        {"NST3:30NDT,M3.2.0,M11.1.0", -12600},
        {"NZST-12NZDT,M9.5.0,M4.1.0/3", 43200},
        {"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", 45900},
        {"<-01>1<+00>-0:00:20,M3.5.0/0,M10.5.0/1", -3600},
        {"CET-1CEST,M3.5.0,M10.5.0/3", 3600},
    };
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        tz *z = rule_zone(rules[k].rule, rules[k].std_off);
        CHECKF(z != NULL, "%s refused", rules[k].rule);
        if (!z)
            continue;
        setenv("TZ", rules[k].rule, 1);
        tzset();
        int bad = 0;
        for (int i = 0; i < 2000; i++)
            bad += compare_at(z, rand_between(0, Y2500));
        CHECKF(bad == 0, "%s: %d mismatches with glibc", rules[k].rule, bad);
        tz_destroy(z);
    }
    unsetenv("TZ");
}

/* The same rules by fixed facts, so that a glibc bug cannot hide ours:
 * the first change of offset after a given instant. */
static void test_rule_facts(void)
{
    const struct {
        const char *rule;
        int32_t std_off;
        int64_t after, next;
    } facts[] = {
        {"<+0330>-3:30", 12600, 0, TZ_NEVER},
        /* J60 is 1 March even in a leap year; zero-based 59 is 29 February. */
        {"XST5XDT,J60/2,J300/2", -18000, utc(2028, 1, 1, 0, 0, 0),
         utc(2028, 3, 1, 7, 0, 0)},
        {"XST5XDT,59/2,300/2", -18000, utc(2028, 1, 1, 0, 0, 0),
         utc(2028, 2, 29, 7, 0, 0)},
        /* Southern hemisphere: Sydney's daylight time ends 03:00 AEDT 5 April
         * 2026. */
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", 36000, utc(2026, 1, 1, 0, 0, 0),
         utc(2026, 4, 4, 16, 0, 0)},
        /* Hour 26 of the fourth Thursday (26 March 2026) is Friday 02:00. */
        {"IST-2IDT,M3.4.4/26,M10.5.0", 7200, utc(2026, 1, 1, 0, 0, 0),
         utc(2026, 3, 27, 0, 0, 0)},
        /* Hour -1 of the last Sunday of March is Saturday 23:00 local. */
        {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, utc(2026, 1, 1, 0, 0, 0),
         utc(2026, 3, 29, 1, 0, 0)},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        tz *z = rule_zone(facts[i].rule, facts[i].std_off);
        int64_t next = z ? tz_next_transition(z, facts[i].after) : 0;
        CHECKF(next == facts[i].next, "%s: next change %lld, want %lld", facts[i].rule,
               (long long)next, (long long)facts[i].next);
        tz_destroy(z);
    }
    tz *z = rule_zone("<+0330>-3:30", 12600);
    CHECK(z && tz_offset(z, utc(2026, 1, 1, 0, 0, 0)) == 12600);
    tz_destroy(z);
    z = rule_zone("AEST-10AEDT,M10.1.0,M4.1.0/3", 36000);
    CHECK(z && tz_offset(z, utc(2026, 1, 15, 0, 0, 0)) == 39600);
    CHECK(z && tz_offset(z, utc(2026, 7, 15, 0, 0, 0)) == 36000);
    tz_destroy(z);
    /* Daylight time all year is a fixed offset. */
    z = rule_zone("EST5EDT,0/0,J365/25", -18000);
    CHECK(z && tz_offset(z, utc(2026, 1, 1, 0, 0, 0)) == -14400);
    CHECK(z && tz_offset(z, utc(2026, 7, 1, 0, 0, 0)) == -14400);
    CHECK(z && tz_next_transition(z, 0) == TZ_NEVER);
    tz_destroy(z);
}

/* A table that ends and a rule that takes over: the same file read by glibc
 * from a temporary path. */
static void test_table_then_rule(void)
{
    const int64_t at[] = {utc(1990, 3, 25, 1, 0, 0), utc(1990, 9, 30, 1, 0, 0),
                          utc(2000, 1, 1, 0, 0, 0), utc(2001, 3, 25, 1, 0, 0)};
    const unsigned char idx[] = {1, 0, 2, 3};
    const int32_t offs[] = {3600, 7200, 18000, 21600};
    blob o = make_blob(at, idx, 4, offs, 4, "<+05>-5<+06>,M3.5.0/2,M10.5.0/3");
    tz *z = tz_from_tzif("Test/Blob", o.b, o.n);
    CHECK(z != NULL);
    char path[] = "/tmp/test_tz_XXXXXX";
    int fd = mkstemp(path);
    if (!z || fd < 0 || write(fd, o.b, o.n) != (ssize_t)o.n) {
        CHECK(false);
    } else {
        char env[64];
        snprintf(env, sizeof env, ":%s", path);
        setenv("TZ", env, 1);
        tzset();
        int bad = 0;
        for (int i = 0; i < 3000; i++)
            bad += compare_at(z, rand_between(Y1800 / 2, Y2100));
        for (int64_t t = utc(1999, 12, 1, 0, 0, 0); t < utc(2002, 1, 1, 0, 0, 0);
             t += 3600)
            bad += compare_at(z, t);
        CHECKF(bad == 0, "%d mismatches with glibc", bad);
        unsetenv("TZ");
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    tz_destroy(z);
}

/* A file cut short anywhere, or broken, is refused with one log line. */
static void test_corrupt(void)
{
    size_t len = 0;
    unsigned char *real =
        (unsigned char *)test_read_file("/usr/share/zoneinfo/Europe/Berlin", &len);
    CHECK(real != NULL && len > 100);
    if (!real)
        return;
    tz *whole = tz_from_tzif("Europe/Berlin", real, len);
    CHECK(whole != NULL);
    tz_destroy(whole);
    unsigned before = log_problem_count();
    int accepted = 0;
    for (size_t n = 0; n < len; n++) {
        tz *z = tz_from_tzif("cut", real, n);
        accepted += z != NULL;
        tz_destroy(z);
    }
    CHECKF(accepted == 0, "%d truncations accepted", accepted);
    CHECK(log_problem_count() == before + len);
    free(real);

    const int32_t off[] = {3600, 7200};
    const int64_t back[] = {1000, 500};
    const unsigned char idx[] = {1, 0}, bad_idx[] = {1, 2};
    const char *bad_rules[] = {"CET-1CEST,M3.5.0",
                               "CET",
                               "<+0330-3:30",
                               "XST5XDT,M13.1.0,M10.5.0",
                               "XST5XDT,M3.6.0,M10.5.0",
                               "XST5XDT,J0,J300",
                               "XST25"};
    before = log_problem_count();
    blob o = make_blob(back, idx, 2, off, 2, "");
    CHECK(tz_from_tzif("out of order", o.b, o.n) == NULL);
    o = make_blob(back + 1, bad_idx + 1, 1, off, 2, "");
    CHECK(tz_from_tzif("bad index", o.b, o.n) == NULL);
    for (size_t i = 0; i < sizeof bad_rules / sizeof bad_rules[0]; i++) {
        o = make_blob(NULL, NULL, 0, off, 1, bad_rules[i]);
        CHECKF(tz_from_tzif(bad_rules[i], o.b, o.n) == NULL, "%s accepted", bad_rules[i]);
    }
    o = make_blob(NULL, NULL, 0, off, 1, "CET-1");
    o.b[4] = '9';
    CHECK(tz_from_tzif("version 9", o.b, o.n) == NULL);
    o.b[0] = 'X';
    CHECK(tz_from_tzif("magic", o.b, o.n) == NULL);
    CHECK(log_problem_count() == before + 4 + sizeof bad_rules / sizeof bad_rules[0]);
    /* Leap seconds (right/ zones) are not Unix time. */
    unsigned char *leap =
        (unsigned char *)test_read_file("/usr/share/zoneinfo/right/Europe/Berlin", &len);
    if (leap)
        CHECK(tz_from_tzif("right/Europe/Berlin", leap, len) == NULL);
    free(leap);
}

static void test_extremes(void)
{
    tz *z = tz_create("Europe/Berlin");
    tz_time lt;
    tz_local(z, INT64_MAX, &lt);
    CHECK(lt.year == 9999 || lt.year == 10000);
    tz_local(z, INT64_MIN, &lt);
    CHECK(lt.year == 1 || lt.year == 0);
    int64_t t = tz_make(z, 1 << 30, 1, 1, 0, 0, 0, TZ_EARLIER);
    CHECK(t <= TZ_MAX_UNIX);
    t = tz_make(z, -(1 << 30), 1, 1, 0, 0, 0, TZ_EARLIER);
    CHECK(t >= TZ_MIN_UNIX);
    CHECK(tz_next_transition(z, INT64_MAX) == TZ_NEVER ||
          tz_next_transition(z, INT64_MAX) > TZ_MAX_UNIX - 1);
    tz_destroy(z);
}

int main(void)
{
    RUN(test_system_zone);
    RUN(test_names);
    RUN(test_local_table);
    RUN(test_make_table);
    RUN(test_transitions);
    RUN(test_calendar);
    RUN(test_against_glibc);
    RUN(test_rules_against_glibc);
    RUN(test_rule_facts);
    RUN(test_table_then_rule);
    RUN(test_corrupt);
    RUN(test_extremes);
    return test_done("tz");
}
