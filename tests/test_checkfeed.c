/* checkfeed's schedule part: the spans an item shows in over 7 days and
 * its state, with feeds built as structs. */
#define LOG_MODULE "test"
#include "checkfeed.h"
#include "log.h"
#include "test.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>

/* An RFC 3339 instant, read by feed's parser (not the code under test). */
static int64_t at(const char *rfc3339)
{
    int64_t t = 0;
    CHECK(feed_parse_time(rfc3339, &t));
    return t;
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
    int64_t now = at("2026-12-01T10:00:00+08:00");
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
    int64_t now = at("2026-12-01T10:00:00+08:00");
    int n = checkfeed_spans(&sp, &f, 0, now, s, 16);
    CHECKF(n == 7, "%d spans", n);
    /* open 07-09, screen on from 08: shows 08:00-09:00 each morning */
    CHECK(s[0].from == at("2026-12-02T08:00:00+08:00") &&
          s[0].to == at("2026-12-02T09:00:00+08:00"));
    CHECK(s[6].from == at("2026-12-08T08:00:00+08:00") &&
          s[6].to == at("2026-12-08T09:00:00+08:00"));
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
    int64_t now = at("2027-03-25T12:00:00Z");
    CHECK(checkfeed_spans(&sp, &f, 0, now, s, 4) == 1);
    CHECK(s[0].from == at("2027-03-28T00:30:00Z") &&
          s[0].to == at("2027-03-28T01:00:00Z"));
    tz_destroy(z);
}

static void test_reasons(void)
{
    tz *z = tz_create("Asia/Shanghai");
    feed_item it;
    feed f = one_feed(&it);
    schedule_params sp = params(z);
    int64_t now = at("2026-12-01T10:00:00+08:00");
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
