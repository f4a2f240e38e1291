/* timefmt: the screen's clock, day and date strings follow the tz they are
 * given, whatever the process's TZ says. */
#define LOG_MODULE "test"
#include "log.h"
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

int main(void)
{
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
