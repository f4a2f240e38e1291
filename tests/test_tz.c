/* tz: conversions checked against fixed facts (the 2026 daylight-saving
 * transitions) and against glibc's own zone data (localtime_r, timegm) as an
 * independent oracle. */
#define LOG_MODULE "test"
#include "log.h"
#include "test.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

    unsigned before = log_problem_count();
    CHECK(tz_create("Mars/Olympus_Mons") == NULL);
    CHECK(tz_create(longname) == NULL);
    CHECK(log_problem_count() == before + 2);
    tz_destroy(NULL);

    tz *z = tz_create("Asia/Shanghai");
    CHECK(z && strcmp(tz_name(z), "Asia/Shanghai") == 0);
    tz_destroy(z);
}

/* The system's zone: ICU reads TZ the first time it is asked, so this runs
 * before anything else in main(). */
static void test_system_zone(void)
{
    tz *z = tz_create(NULL);
    CHECK(z != NULL);
    if (!z)
        return;
    CHECKF(strcmp(tz_name(z), "America/New_York") == 0, "system zone %s", tz_name(z));
    tz_time lt;
    tz_local(z, utc(2026, 7, 1, 16, 0, 0), &lt);
    CHECKF(lt.hour == 12 && lt.offset_s == -4 * 3600, "%d %d", lt.hour, lt.offset_s);
    tz *e = tz_create("");
    CHECK(e && strcmp(tz_name(e), tz_name(z)) == 0);
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

/* ICU's zone data against glibc's for random times 1990..2037. */
static void test_against_glibc(void)
{
    const char *zones[] = {"Europe/Berlin", "America/New_York", "Asia/Shanghai",
                           "Australia/Sydney", "UTC"};
    srand(20261127);
    for (size_t k = 0; k < sizeof zones / sizeof zones[0]; k++) {
        setenv("TZ", zones[k], 1);
        tzset();
        tz *z = tz_create(zones[k]);
        int bad = 0;
        for (int i = 0; i < 3000; i++) {
            int64_t t = 631152000 + (int64_t)rand() % 1500000000;
            time_t tt = (time_t)t;
            struct tm tm;
            localtime_r(&tt, &tm);
            tz_time lt;
            tz_local(z, t, &lt);
            if (lt.year != tm.tm_year + 1900 || lt.month != tm.tm_mon + 1 ||
                lt.day != tm.tm_mday || lt.hour != tm.tm_hour || lt.minute != tm.tm_min ||
                lt.second != tm.tm_sec || lt.offset_s != tm.tm_gmtoff)
                bad++;
            if (tz_make(z, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
                        tm.tm_isdst > 0 ? TZ_EARLIER : TZ_LATER) != t)
                bad++;
        }
        CHECKF(bad == 0, "%s: %d mismatches with glibc", zones[k], bad);
        tz_destroy(z);
    }
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
    setenv("TZ", "America/New_York", 1);
    test_system_zone();
    test_names();
    test_local_table();
    test_make_table();
    test_transitions();
    test_calendar();
    test_against_glibc();
    test_extremes();
    return test_done("tz");
}
