/* checkfeed's schedule part: the spans an item shows in over 7 days and
 * its state, with feeds built as structs and instants computed with
 * glibc's timegm (not by the code under test). */
#define LOG_MODULE "test"
#include "checkfeed.h"
#include "log.h"
#include "test.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR 3600

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm);
}

/* Shanghai wall time (UTC+8). 2026-12-01 is a Tuesday. */
static int64_t sh(int y, int mo, int d, int h, int mi)
{
    return utc(y, mo, d, h, mi) - 8 * HOUR;
}

static feed one_feed(feed_item *it)
{
    memset(it, 0, sizeof *it);
    it->id = "x";
    it->title = "t";
    it->body = "b";
    return (feed){.n_items = 1, .items = it};
}

static schedule_params params(tz *zone)
{
    return (schedule_params){.zone = zone, .high_ratio = 2};
}

static void test_unscheduled_all_week(void)
{
    tz *z = tz_create("Asia/Shanghai");
    feed_item it;
    feed f = one_feed(&it);
    schedule_params sp = params(z);
    checkfeed_span s[4];
    int64_t now = sh(2026, 12, 1, 10, 0);
    CHECK(checkfeed_spans(&sp, &f, 0, now, s, 4) == 1);
    CHECK(s[0].from == now && s[0].to == now + 7 * 86400);
    const char *why;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_OPEN && !why);
    tz_destroy(z);
}

static void test_windows_and_screen_hours(void)
{
    tz *z = tz_create("Asia/Shanghai");
    feed_item it;
    feed f = one_feed(&it);
    it.signage.n_hours = 1;
    it.signage.hours[0] = (feed_window){7 * 60, 9 * 60}; /* 07:00-09:00 */
    schedule_params sp = params(z);
    sp.screen_hours_set = true;
    for (int d = 0; d < 7; d++)
        sp.screen_hours[d] = (feed_window){8 * 60, 20 * 60}; /* screen 08:00-20:00 */
    checkfeed_span s[16];
    int64_t now = sh(2026, 12, 1, 10, 0);
    int n = checkfeed_spans(&sp, &f, 0, now, s, 16);
    CHECKF(n == 7, "%d spans", n);
    /* open 07-09, screen on from 08: shows 08:00-09:00 each morning */
    CHECK(s[0].from == sh(2026, 12, 2, 8, 0) && s[0].to == sh(2026, 12, 2, 9, 0));
    CHECK(s[6].from == sh(2026, 12, 8, 8, 0) && s[6].to == sh(2026, 12, 8, 9, 0));
    const char *why;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_WAITING && !why);
    CHECK(checkfeed_spans(&sp, &f, 0, now, s, 2) == 7); /* counted past max */
    tz_destroy(z);
}

static void test_dst_window(void)
{
    tz *z = tz_create("Europe/Berlin");
    if (!z) {
        SKIP("no Europe/Berlin zone");
        return;
    }
    feed_item it;
    feed f = one_feed(&it);
    it.signage.n_hours = 1;
    it.signage.hours[0] = (feed_window){1 * 60 + 30, 3 * 60}; /* 01:30-03:00 */
    it.signage.days = 1u << 7;                                /* Sundays */
    schedule_params sp = params(z);
    checkfeed_span s[4];
    /* 2027-03-28 is the spring-forward Sunday: 01:30-02:00 CET, then 03:00. */
    int64_t now = utc(2027, 3, 25, 12, 0);
    CHECK(checkfeed_spans(&sp, &f, 0, now, s, 4) == 1);
    CHECK(s[0].from == utc(2027, 3, 28, 0, 30) && s[0].to == utc(2027, 3, 28, 1, 0));
    tz_destroy(z);
}

static void test_reasons(void)
{
    tz *z = tz_create("Asia/Shanghai");
    feed_item it;
    feed f = one_feed(&it);
    schedule_params sp = params(z);
    int64_t now = sh(2026, 12, 1, 10, 0);
    const char *why;
    it.signage.has_enabled = true;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_SKIPPED && why &&
          strstr(why, "disabled"));
    it.signage.has_enabled = false;
    it.signage.has_end = true;
    it.signage.end = now - 1;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_SKIPPED && why &&
          strstr(why, "ended"));
    it.signage.has_end = false;
    it.signage.has_start = true;
    it.signage.start = now + 10 * 86400;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_SKIPPED && why &&
          strstr(why, "after the next 7 days"));
    it.signage.start = now + 86400;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_WAITING);
    it.signage.has_start = false;
    f.expired = true;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_SKIPPED && why &&
          strstr(why, "expired"));
    f.expired = false;
    sp.max_age_days = 3;
    it.has_date_published = true;
    it.date_published = now - 4 * 86400;
    CHECK(checkfeed_item_state(&sp, &f, 0, now, &why) == CHECKFEED_SKIPPED && why &&
          strstr(why, "max_age_days"));
    tz_destroy(z);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    RUN(test_unscheduled_all_week);
    RUN(test_windows_and_screen_hours);
    RUN(test_dst_window);
    RUN(test_reasons);
    return test_done("test_checkfeed");
}
