#include "timefmt.h"

#include <stdio.h>

void timefmt_clock(tz *z, int64_t unix, char *buf, size_t size)
{
    tz_time lt;
    tz_local(z, unix, &lt);
    snprintf(buf, size, "%02d:%02d", lt.hour, lt.minute);
}

void timefmt_day(tz *z, int64_t unix, char *buf, size_t size)
{
    static const char *const wd[] = {"日", "一", "二", "三", "四", "五", "六"};
    tz_time lt;
    tz_local(z, unix, &lt);
    snprintf(buf, size, "%d月%d日 星期%s", lt.month, lt.day, wd[lt.weekday % 7]);
}

void timefmt_date(tz *z, int64_t unix, char *buf, size_t size)
{
    tz_time lt;
    tz_local(z, unix, &lt);
    snprintf(buf, size, "%d年%d月%d日", lt.year, lt.month, lt.day);
}

int64_t timefmt_minute(int64_t unix)
{
    return unix / 60;
}
