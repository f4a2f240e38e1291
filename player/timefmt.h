/* timefmt: wall-clock strings for the screen ("14:05", "6月28日 星期五",
 * "2024年6月28日") in a tz zone, the one the schedule uses. Takes the time
 * as a parameter; only the lunar date reaches outside (lunarcal). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

void timefmt_clock(tz *z, int64_t unix, char *buf, size_t size);
void timefmt_day(tz *z, int64_t unix, char *buf, size_t size);
void timefmt_date(tz *z, int64_t unix, char *buf, size_t size);

/* The date in the Chinese (lunar) calendar, from ICU's (lunarcal, which
 * opens libicui18n at the first call): "农历十月十三", "农历闰二月初一",
 * "农历腊月三十". "" (logged) when ICU cannot say or is missing. */
void timefmt_lunar(tz *z, int64_t unix, char *buf, size_t size);
/* The same for a civil day given as days since 1970-01-01 (tz_time.days);
 * false, buf "", when ICU cannot say or size is too small. A test seam. */
bool timefmt_lunar_days(int64_t days, char *buf, size_t size);
/* The words for a Chinese calendar date: month 0..11 (正, 二 .. 十, 冬,
 * 腊), the leap flag (闰), day 1..30 (初一 .. 初十, 十一 .. 二十, 廿一 ..
 * 三十). False, buf "", out of range or when size is too small (never a
 * cut character). */
bool timefmt_lunar_name(int month, bool leap, int day, char *buf, size_t size);

/* Minute count, for noticing when the clock text changes (every offset in
 * use is whole minutes, so local minutes turn over with UTC ones). */
int64_t timefmt_minute(int64_t unix);
