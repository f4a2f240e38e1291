/* lunarcal: the Chinese calendar's date of a civil day, from ICU's
 * libicui18n opened at run time. The player links only libicuuc; the
 * library is opened (dlopen) at the first call, once for the process
 * under a lock, and kept, so a player without [player] lunar_date never
 * maps it (its relocations alone are about 1 MB of PSS). A missing library
 * or symbol: one warning line, and no date from then on. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int month; /* 0 (正月) .. 11 (腊月) */
    bool leap; /* a leap month (闰) */
    int day;   /* 1 .. 30 */
} lunarcal_date;

/* The date of the civil day `days` (since 1970-01-01, tz_time.days): ICU's
 * Chinese calendar in UTC at that day's noon, so its day is the civil day
 * whatever the zone. False (logged) when the library or ICU cannot say.
 * Thread-safe. */
bool lunarcal_of_day(int64_t days, lunarcal_date *out);

/* The library opened: "libicui18n.so.<major>" from ICU's own version
 * macros (the headers the player was built with). */
const char *lunarcal_library(void);

/* A test seam: open `soname` (a string that outlives its use; NULL: ICU's
 * own again) at the next call instead of the library opened so far, which
 * stays mapped (ICU's cleanup list may point into it). */
void lunarcal_use_library(const char *soname);
