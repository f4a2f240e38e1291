#include "timefmt.h"

#include <stdio.h>
#include <time.h>

static struct tm local(int64_t unix)
{
    time_t t = (time_t)unix;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    return tm;
}

void timefmt_clock(int64_t unix, char *buf, size_t size)
{
    struct tm tm = local(unix);
    snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void timefmt_day(int64_t unix, char *buf, size_t size)
{
    static const char *const wd[] = {"日", "一", "二", "三", "四", "五", "六"};
    struct tm tm = local(unix);
    snprintf(buf, size, "%d月%d日 星期%s", tm.tm_mon + 1, tm.tm_mday, wd[tm.tm_wday % 7]);
}

void timefmt_date(int64_t unix, char *buf, size_t size)
{
    struct tm tm = local(unix);
    snprintf(buf, size, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t timefmt_minute(int64_t unix)
{
    return unix / 60;
}
