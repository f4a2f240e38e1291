/* tz: conversions between Unix seconds and local wall time in an IANA time
 * zone, read from the system's TZif files (RFC 8536) under
 * /usr/share/zoneinfo, the data Debian's tzdata package keeps current. The
 * table of transitions is used up to its last entry, the POSIX TZ rule in
 * the file's footer after it. Pure apart from reading that one file: no
 * clock reads, no environment (TZ is ignored); the time is always a
 * parameter.
 *
 * A tz caches the UTC offset between two transitions, so tz_local() in the
 * same offset period costs a few arithmetic operations, not a search.
 * That cache makes a tz not thread-safe: use one tz per thread.
 *
 * Times are clamped to years 1..9999 (TZ_MIN_UNIX..TZ_MAX_UNIX). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_MAX_NAME 128
#define TZ_MIN_UNIX (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TZ_MAX_UNIX 253402300799LL   /* 9999-12-31T23:59:59Z */
#define TZ_NEVER INT64_MAX

typedef struct tz tz;

/* A local wall-clock time. */
typedef struct {
    int year, month, day;     /* month 1..12, day 1..31 */
    int hour, minute, second; /* 0..23, 0..59, 0..59 */
    int weekday;              /* ISO: Monday = 1 .. Sunday = 7 */
    int minute_of_day;        /* hour * 60 + minute */
    int offset_s;             /* local - UTC, seconds (DST included) */
    int64_t days;             /* local date as days since 1970-01-01 */
} tz_time;

/* How tz_make() resolves a wall time that occurs twice (the hour repeated
 * when daylight saving ends). A wall time that does not exist (the hour
 * skipped when it starts) always resolves to the transition instant, the
 * first valid time after the gap: 02:30 on the spring-forward day in
 * Europe/Berlin gives 03:00 CEST. */
typedef enum { TZ_EARLIER, TZ_LATER } tz_pick;

/* Opens a zone by IANA name ("Asia/Shanghai"): the file of that name under
 * /usr/share/zoneinfo. NULL or "" opens the system's zone, /etc/localtime,
 * named after its symlink target ("localtime" when it is a plain file); the
 * TZ environment variable plays no part. An unknown or refused name, or a
 * file that is not valid TZif, returns NULL after one log line. Without
 * /etc/localtime the system's zone is UTC, with one warning. */
tz *tz_create(const char *iana_or_null);
void tz_destroy(tz *z);

/* True for an IANA region name whose TZif file reads: "Area/Location"
 * (Area one of Africa, America, Antarctica, Arctic, Asia, Atlantic,
 * Australia, Europe, Indian, Pacific, Etc; "America/Argentina/Salta" too)
 * or "UTC". Names are [A-Za-z0-9_+-/] only, no "..", no leading '/'. The
 * legacy aliases in zoneinfo ("EST", "CST6CDT", "PRC", "US/Eastern") and
 * its posix/ and right/ trees are refused. */
bool tz_valid_name(const char *name);

/* A zone from TZif bytes (version 1 to 4), named name. NULL after one log
 * line when the bytes are not a valid TZif file, a footer rule does not
 * parse, or the file carries leap seconds (the right/ zones). Pure; a test
 * seam too (tests build TZif bytes in memory). */
tz *tz_from_tzif(const char *name, const unsigned char *data, size_t len);

/* The zone's name as opened ("Asia/Shanghai"; the resolved name for the
 * system's zone). */
const char *tz_name(const tz *z);

/* Local wall time at Unix time t. */
void tz_local(tz *z, int64_t t, tz_time *out);

/* UTC offset in seconds at Unix time t. A test seam (tz_local gives it
 * with the wall time). */
int tz_offset(tz *z, int64_t t);

/* Unix time of a local wall time. Out-of-range fields are normalised
 * (day 32 of January is 1 February; minute 1440 is the next midnight).
 * Gaps and repeats are resolved as described at tz_pick. */
int64_t tz_make(tz *z, int year, int month, int day, int hour, int minute, int second,
                tz_pick pick);

/* The same with the local time given as seconds since 1970-01-01T00:00 wall
 * time (tz_time.days * 86400 + seconds of the day). */
int64_t tz_make_local(tz *z, int64_t local_seconds, tz_pick pick);

/* The first instant after t at which the zone's UTC offset changes, or
 * TZ_NEVER when there is none (UTC, Asia/Shanghai since 1991). */
int64_t tz_next_transition(tz *z, int64_t t);

/* Calendar helpers (proleptic Gregorian): the project's one civil-date
 * routine, for schedule, feed and tests. */
int64_t tz_days_from_civil(int year, int month, int day);
void tz_civil_from_days(int64_t days, int *year, int *month, int *day);
/* ISO weekday (Monday = 1) of a day count since 1970-01-01. A test seam
 * (tz_local gives it). */
int tz_weekday(int64_t days);
