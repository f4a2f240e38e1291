/* timefmt: wall-clock strings for the screen ("14:05", "6月28日 星期五",
 * "2024年6月28日") in a tz zone, the one the schedule uses. Takes the time
 * as a parameter. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

void timefmt_clock(tz *z, int64_t unix, char *buf, size_t size);
void timefmt_day(tz *z, int64_t unix, char *buf, size_t size);
void timefmt_date(tz *z, int64_t unix, char *buf, size_t size);

/* Minute count, for noticing when the clock text changes (every offset in
 * use is whole minutes, so local minutes turn over with UTC ones). */
int64_t timefmt_minute(int64_t unix);
