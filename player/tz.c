#define LOG_MODULE "tz"
#include "tz.h"

#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

struct tz {
    UCalendar *cal;
    char name[TZ_MAX_NAME];
    /* The offset cache: cache_off holds on [cache_from, cache_to). */
    int64_t cache_from, cache_to;
    int cache_off;
};

static int64_t clamp_unix(int64_t t)
{
    if (t < TZ_MIN_UNIX)
        return TZ_MIN_UNIX;
    if (t > TZ_MAX_UNIX)
        return TZ_MAX_UNIX;
    return t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days from civil and back: the era-based method (400-year cycles of
 * 146097 days), computed on a year that starts in March so that the leap
 * day is the last day of the year. */
int64_t tz_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

int tz_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static bool to_uchars(const char *s, UChar *out, int32_t cap)
{
    size_t n = strlen(s);
    if (n == 0 || n >= (size_t)cap || n >= TZ_MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e)
            return false; /* zone names are printable ASCII */
    }
    u_uastrncpy(out, s, cap);
    return true;
}

bool tz_valid_name(const char *name)
{
    UChar id[TZ_MAX_NAME], canon[TZ_MAX_NAME];
    if (!name || !to_uchars(name, id, TZ_MAX_NAME))
        return false;
    UErrorCode st = U_ZERO_ERROR;
    UBool system = false;
    ucal_getCanonicalTimeZoneID(id, -1, canon, TZ_MAX_NAME, &system, &st);
    return U_SUCCESS(st) && system;
}

/* The system's zone name as ICU reports it ("Asia/Shanghai", or a custom
 * "GMT+08:00" for a POSIX TZ string), or "system". */
static void default_name(char *out, size_t cap)
{
    UChar id[TZ_MAX_NAME];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucal_getDefaultTimeZone(id, TZ_MAX_NAME, &st);
    if (U_SUCCESS(st) && n > 0 && n < TZ_MAX_NAME) {
        u_austrncpy(out, id, (int32_t)cap - 1);
        out[cap - 1] = '\0';
    } else {
        snprintf(out, cap, "system");
    }
}

tz *tz_create(const char *iana_or_null)
{
    char name[TZ_MAX_NAME];
    UChar id[TZ_MAX_NAME];
    bool system = !iana_or_null || !iana_or_null[0];
    if (system) {
        default_name(name, sizeof name);
        if (!tz_valid_name(name))
            LOG_WARN("the system's time zone \"%s\" is not an IANA zone name; ICU may "
                     "take it as UTC: set time_zone in the config",
                     name);
    } else if (!tz_valid_name(iana_or_null)) {
        LOG_ERR("unknown time zone \"%.*s\"", TZ_MAX_NAME, iana_or_null);
        return NULL;
    } else {
        snprintf(name, sizeof name, "%s", iana_or_null);
        to_uchars(name, id, TZ_MAX_NAME);
    }
    UErrorCode st = U_ZERO_ERROR;
    /* A NULL zone ID is ICU's default zone, whatever form TZ took. */
    UCalendar *cal = ucal_open(system ? NULL : id, system ? 0 : -1, "en_US_POSIX",
                               UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        LOG_ERR("cannot open time zone %s: %s", name, u_errorName(st));
        return NULL;
    }
    /* Proleptic Gregorian: no Julian switch in 1582. */
    ucal_setGregorianChange(cal, -1e300, &st);
    tz *z = calloc(1, sizeof *z);
    if (!z)
        abort();
    z->cal = cal;
    snprintf(z->name, sizeof z->name, "%s", name);
    z->cache_from = 1;
    z->cache_to = 0; /* empty */
    return z;
}

void tz_destroy(tz *z)
{
    if (!z)
        return;
    ucal_close(z->cal);
    free(z);
}

const char *tz_name(const tz *z)
{
    return z->name;
}

static int64_t transition(const UCalendar *cal, UTimeZoneTransitionType type,
                          int64_t none)
{
    UErrorCode st = U_ZERO_ERROR;
    UDate d;
    if (!ucal_getTimeZoneTransitionDate(cal, type, &d, &st) || U_FAILURE(st))
        return none;
    return (int64_t)floor(d / 1000.0);
}

/* Fills the offset cache for the period around t (t already clamped). */
static void lookup(tz *z, int64_t t)
{
    UErrorCode st = U_ZERO_ERROR;
    ucal_setMillis(z->cal, (UDate)t * 1000.0, &st);
    int32_t raw = ucal_get(z->cal, UCAL_ZONE_OFFSET, &st);
    int32_t dst = ucal_get(z->cal, UCAL_DST_OFFSET, &st);
    if (U_FAILURE(st)) {
        z->cache_off = 0;
        z->cache_from = t;
        z->cache_to = t + 1;
        return;
    }
    z->cache_off = (raw + dst) / 1000;
    z->cache_from = transition(z->cal, UCAL_TZ_TRANSITION_PREVIOUS_INCLUSIVE, INT64_MIN);
    z->cache_to = transition(z->cal, UCAL_TZ_TRANSITION_NEXT, INT64_MAX);
    /* Guard against a transition reported on the wrong side of t. */
    if (z->cache_from > t)
        z->cache_from = t;
    if (z->cache_to <= t)
        z->cache_to = t + 1;
}

int tz_offset(tz *z, int64_t t)
{
    t = clamp_unix(t);
    if (t < z->cache_from || t >= z->cache_to)
        lookup(z, t);
    return z->cache_off;
}

void tz_local(tz *z, int64_t t, tz_time *out)
{
    t = clamp_unix(t);
    int off = tz_offset(z, t);
    int64_t local = t + off;
    int64_t days = floor_div(local, 86400);
    int sod = (int)(local - days * 86400);
    tz_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = sod / 3600;
    out->minute = sod / 60 % 60;
    out->second = sod % 60;
    out->weekday = tz_weekday(days);
    out->minute_of_day = sod / 60;
    out->offset_s = off;
    out->days = days;
}

int64_t tz_next_transition(tz *z, int64_t t)
{
    t = clamp_unix(t);
    if (t >= z->cache_from && t < z->cache_to)
        return z->cache_to == INT64_MAX ? TZ_NEVER : z->cache_to;
    lookup(z, t);
    return z->cache_to == INT64_MAX ? TZ_NEVER : z->cache_to;
}

int64_t tz_make_local(tz *z, int64_t local_seconds, tz_pick pick)
{
    /* Keep the result inside the clamped range, with a day's margin for the
     * offset. */
    int64_t lo = TZ_MIN_UNIX + 86400, hi = TZ_MAX_UNIX - 86400;
    if (local_seconds < lo)
        local_seconds = lo;
    if (local_seconds > hi)
        local_seconds = hi;
    int64_t days = floor_div(local_seconds, 86400);
    int sod = (int)(local_seconds - days * 86400);
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    UErrorCode st = U_ZERO_ERROR;
    ucal_clear(z->cal);
    ucal_setAttribute(z->cal, UCAL_REPEATED_WALL_TIME,
                      pick == TZ_LATER ? UCAL_WALLTIME_LAST : UCAL_WALLTIME_FIRST);
    ucal_setAttribute(z->cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
    ucal_setDateTime(z->cal, y, m - 1, d, sod / 3600, sod / 60 % 60, sod % 60, &st);
    UDate ms = ucal_getMillis(z->cal, &st);
    if (U_FAILURE(st)) {
        /* Not expected for a clamped date; fall back to the cached offset. */
        LOG_WARN("cannot resolve local time in %s: %s", z->name, u_errorName(st));
        return local_seconds - z->cache_off;
    }
    return (int64_t)floor(ms / 1000.0);
}

int64_t tz_make(tz *z, int year, int month, int day, int hour, int minute, int second,
                tz_pick pick)
{
    /* Normalise the month first, then let day and time overflow through the
     * day count. */
    int64_t mi = (int64_t)month - 1;
    int64_t y = (int64_t)year + floor_div(mi, 12);
    mi -= floor_div(mi, 12) * 12;
    if (y < 1)
        y = 1;
    if (y > 9999)
        y = 9999;
    int64_t days = tz_days_from_civil((int)y, (int)mi + 1, 1) + (int64_t)day - 1;
    int64_t local =
        days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60 + (int64_t)second;
    return tz_make_local(z, local, pick);
}
