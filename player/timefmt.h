/* timefmt: wall-clock strings for the screen ("14:05", "6月28日 星期五",
 * "2024年6月28日") in the process's time zone (TZ, set from the config at
 * start). Takes the time as a parameter. */
#pragma once
#include <stddef.h>
#include <stdint.h>

void timefmt_clock(int64_t unix, char *buf, size_t size);
void timefmt_day(int64_t unix, char *buf, size_t size);
void timefmt_date(int64_t unix, char *buf, size_t size);

/* Minute of the day, for noticing when the clock text changes. */
int64_t timefmt_minute(int64_t unix);
