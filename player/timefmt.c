#include "timefmt.h"

#include <stdio.h>

#include "lunarcal.h"

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

bool timefmt_lunar_name(int month, bool leap, int day, char *buf, size_t size)
{
    static const char *const months[] = {"正", "二", "三", "四", "五", "六",
                                         "七", "八", "九", "十", "冬", "腊"};
    static const char *const digits[] = {"十", "一", "二", "三", "四",
                                         "五", "六", "七", "八", "九"};
    static const char *const tens[] = {"初", "十", "廿", "三"};
    if (size > 0)
        buf[0] = '\0';
    if (month < 0 || month >= 12 || day < 1 || day > 30)
        return false;
    /* 初一..初十, 十一..十九, 二十, 廿一..廿九, 三十 */
    const char *t = day == 20 ? "二" : day == 30 ? "三" : tens[(day - 1) / 10];
    int n = snprintf(buf, size, "农历%s%s月%s%s", leap ? "闰" : "", months[month], t,
                     digits[day % 10]);
    if (n > 0 && (size_t)n < size)
        return true;
    if (size > 0)
        buf[0] = '\0'; /* never a cut character */
    return false;
}

bool timefmt_lunar_days(int64_t days, char *buf, size_t size)
{
    lunarcal_date d;
    if (size > 0)
        buf[0] = '\0';
    return lunarcal_of_day(days, &d) &&
           timefmt_lunar_name(d.month, d.leap, d.day, buf, size);
}

void timefmt_lunar(tz *z, int64_t unix, char *buf, size_t size)
{
    tz_time lt;
    tz_local(z, unix, &lt);
    timefmt_lunar_days(lt.days, buf, size);
}

int64_t timefmt_minute(int64_t unix)
{
    return unix / 60;
}
