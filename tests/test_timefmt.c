/* timefmt: the screen's clock, day and date strings follow the tz they are
 * given, whatever the process's TZ says. */
#define LOG_MODULE "test"
#include "log.h"
#include "lunarcal.h"
#include "test.h"
#include "timefmt.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>

/* 2026-11-01T05:30:00Z: 13:30 Sunday in Shanghai; 01:30 EDT in New York,
 * the first of the two 01:30s that morning. */
#define T 1793511000LL

static void expect(const char *zone, int64_t t, const char *clock, const char *day,
                   const char *date)
{
    tz *z = tz_create(zone);
    CHECK(z != NULL);
    if (!z)
        return;
    char c[16], d[64], dt[64];
    timefmt_clock(z, t, c, sizeof c);
    timefmt_day(z, t, d, sizeof d);
    timefmt_date(z, t, dt, sizeof dt);
    CHECKF(strcmp(c, clock) == 0, "%s clock %s, want %s", zone, c, clock);
    CHECKF(strcmp(d, day) == 0, "%s day %s, want %s", zone, d, day);
    CHECKF(strcmp(dt, date) == 0, "%s date %s, want %s", zone, dt, date);
    tz_destroy(z);
}

/* Days since 1970-01-01 of a civil date (a test's own arithmetic: the
 * days from 1970 to the start of the year, then the month lengths). */
static int64_t days_of(int y, int m, int d)
{
    static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t n = 0;
    for (int k = 1970; k < y; k++)
        n += (k % 4 == 0 && k % 100 != 0) || k % 400 == 0 ? 366 : 365;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return n + before[m - 1] + (m > 2 && leap) + d - 1;
}

/* The Chinese calendar's dates from ICU, against dates the almanac gives:
 * new year's days and eves, a leap month, the mid-autumn festival. */
static void test_lunar(void)
{
    static const struct {
        int y, m, d;
        const char *want;
    } cases[] = {
        {2024, 2, 10, "农历正月初一"}, /* Spring Festival 2024 */
        {2024, 2, 9, "农历腊月三十"},  /* its eve */
        {2025, 1, 29, "农历正月初一"},   {2025, 1, 28, "农历腊月廿九"},
        {2023, 3, 21, "农历二月三十"}, /* 2023: a leap second month */
        {2023, 3, 22, "农历闰二月初一"}, {2023, 4, 19, "农历闰二月廿九"},
        {2023, 4, 20, "农历三月初一"},   {2024, 9, 17, "农历八月十五"},
        {2024, 12, 1, "农历冬月初一"}, /* the 11th month, and the 12th 腊月 */
        {2026, 12, 2, "农历十月廿四"}, /* the new moon of 2026-11-09 */
        {2024, 6, 28, "农历五月廿三"},   {2024, 2, 29, "农历正月二十"},
        {2024, 3, 1, "农历正月廿一"},    {2024, 2, 19, "农历正月初十"},
        {2024, 2, 20, "农历正月十一"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool ok = timefmt_lunar_days(days_of(cases[i].y, cases[i].m, cases[i].d), buf,
                                     sizeof buf);
        CHECKF(ok && strcmp(buf, cases[i].want) == 0, "%d-%02d-%02d: %s, want %s",
               cases[i].y, cases[i].m, cases[i].d, buf, cases[i].want);
    }
    /* Too small a buffer: false and empty, never cut mid-character. */
    CHECK(!timefmt_lunar_days(days_of(2024, 2, 10), buf, 8) && buf[0] == '\0');
    /* Through the zone: 2026-11-01 13:30 in Shanghai. */
    tz *z = tz_create("Asia/Shanghai");
    if (z) {
        timefmt_lunar(z, T, buf, sizeof buf);
        CHECKF(strncmp(buf, "农历", strlen("农历")) == 0, "%s", buf);
        tz_destroy(z);
    }
}

/* The words alone, without ICU: each month name, the day's tens, the
 * leap mark, and what is out of range. */
static void test_lunar_name(void)
{
    static const struct {
        int month;
        bool leap;
        int day;
        const char *want;
    } cases[] = {
        {0, false, 1, "农历正月初一"},   {1, true, 1, "农历闰二月初一"},
        {9, false, 10, "农历十月初十"},  {10, false, 11, "农历冬月十一"},
        {11, false, 20, "农历腊月二十"}, {11, false, 21, "农历腊月廿一"},
        {11, false, 30, "农历腊月三十"}, {4, false, 23, "农历五月廿三"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool ok = timefmt_lunar_name(cases[i].month, cases[i].leap, cases[i].day, buf,
                                     sizeof buf);
        CHECKF(ok && strcmp(buf, cases[i].want) == 0, "%s, want %s", buf, cases[i].want);
    }
    CHECK(!timefmt_lunar_name(12, false, 1, buf, sizeof buf) && buf[0] == '\0');
    CHECK(!timefmt_lunar_name(0, false, 0, buf, sizeof buf) && buf[0] == '\0');
    CHECK(!timefmt_lunar_name(0, false, 31, buf, sizeof buf) && buf[0] == '\0');
    CHECK(!timefmt_lunar_name(-1, false, 1, buf, sizeof buf) && buf[0] == '\0');
}

/* Without ICU's calendar library: one warning for any number of dates,
 * no lunar date, and the other strings as they were. */
static void test_lunar_missing(void)
{
    lunarcal_use_library("libsignage-no-such-icu.so.1");
    char buf[64] = "x";
    unsigned before = log_problem_count();
    CHECK(!timefmt_lunar_days(19763, buf, sizeof buf) && buf[0] == '\0');
    snprintf(buf, sizeof buf, "x");
    tz *z = tz_create("Asia/Shanghai");
    if (z) {
        timefmt_lunar(z, T, buf, sizeof buf);
        tz_destroy(z);
    }
    CHECKF(buf[0] == '\0', "%s", buf);
    CHECKF(log_problem_count() == before + 1, "%u lines", log_problem_count() - before);
    expect("Asia/Shanghai", T, "13:30", "11月1日 星期日", "2026年11月1日");
    lunarcal_use_library(NULL); /* ICU's again */
    CHECK(timefmt_lunar_days(19763, buf, sizeof buf) && strcmp(buf, "农历正月初一") == 0);
}

int main(void)
{
    test_lunar();
    test_lunar_name();
    test_lunar_missing();
    /* A TZ that agrees with neither zone: the strings must not follow it. */
    setenv("TZ", "Pacific/Chatham", 1);
    expect("Asia/Shanghai", T, "13:30", "11月1日 星期日", "2026年11月1日");
    expect("America/New_York", T, "01:30", "11月1日 星期日", "2026年11月1日");
    /* An hour later New York shows 01:30 again, in EST. */
    expect("America/New_York", T + 3600, "01:30", "11月1日 星期日", "2026年11月1日");
    /* Across the date line from Shanghai at its midnight. */
    expect("Asia/Shanghai", 1798732800LL, "00:00", "1月1日 星期五", "2027年1月1日");
    expect("America/New_York", 1798732800LL, "11:00", "12月31日 星期四",
           "2026年12月31日");
    CHECK(timefmt_minute(T) == T / 60);
    return test_done("timefmt");
}
