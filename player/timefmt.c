#define LOG_MODULE "timefmt"
#include "timefmt.h"

#include <stdio.h>

#include <unicode/ucal.h>

#include "log.h"

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

/* The Chinese calendar's month (0-based, 正月 first), leap flag and day
 * of the civil day `days` (since 1970-01-01): ICU's calendar in UTC at that
 * day's noon, so its day is the civil day whatever the zone. */
static bool chinese_date(int64_t days, int *month, bool *leap, int *day)
{
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UErrorCode err = U_ZERO_ERROR;
    *month = -1, *leap = false, *day = 0;
    UCalendar *cal = ucal_open(utc, -1, "zh@calendar=chinese", UCAL_DEFAULT, &err);
    if (U_SUCCESS(err))
        ucal_setMillis(cal, ((double)days * 86400.0 + 43200.0) * 1000.0, &err);
    if (U_SUCCESS(err)) {
        *month = ucal_get(cal, UCAL_MONTH, &err);
        *leap = ucal_get(cal, UCAL_IS_LEAP_MONTH, &err) != 0;
        *day = ucal_get(cal, UCAL_DATE, &err);
    }
    if (cal)
        ucal_close(cal);
    if (U_FAILURE(err))
        LOG_WARN("no lunar date: ICU's Chinese calendar: %s", u_errorName(err));
    return U_SUCCESS(err) && *month >= 0 && *month < 12 && *day >= 1 && *day <= 30;
}

bool timefmt_lunar_days(int64_t days, char *buf, size_t size)
{
    static const char *const months[] = {"正", "二", "三", "四", "五", "六",
                                         "七", "八", "九", "十", "冬", "腊"};
    static const char *const digits[] = {"十", "一", "二", "三", "四",
                                         "五", "六", "七", "八", "九"};
    static const char *const tens[] = {"初", "十", "廿", "三"};
    int month = -1, day = 0;
    bool leap = false;
    if (size > 0)
        buf[0] = '\0';
    if (!chinese_date(days, &month, &leap, &day))
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
