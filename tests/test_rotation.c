/* rotation as tables: each case is a list of events at made-up wall (s)
 * and monotonic (ms) times, each with the slide that should start then
 * ("id/page", "*" when the layout leaves room for an image, "-" for the
 * idle state, "off" with the screen off) or none. Decks are laid out with a
 * deterministic measurer (CJK = px, ASCII = px/3), so no fonts, no SDL, no
 * clock. What the app loop adds (power commands, signals, the wait) is
 * left to test_loop, which runs the binary. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "deck.h"
#include "feed.h"
#include "params.h"
#include "rotation.h"
#include "schedule.h"
#include "test.h"
#include "tz.h"

#define T0 1782878400LL /* 2026-07-01T12:00:00+08:00, a Wednesday */
#define W 640
#define H 360
#define LONG_CHARS 800 /* three pages at W x H */

typedef enum { FEED, IMAGES, SCREEN, TICK, END } step_kind;

typedef struct {
    step_kind kind;
    int64_t wall;    /* seconds after T0 */
    uint64_t mono;   /* ms */
    const char *arg; /* FEED: items; SCREEN: "on", "off", or "hours" */
    const char *now; /* the slide that starts here; NULL: none starts */
    uint64_t until;  /* when its page ends (mono ms); 0: not checked */
} step;

typedef struct {
    const char *name;
    bool alternate; /* urgent_alternate */
    bool night;     /* screen hours set, the screen off all week */
    step steps[24];
} table;

/* A UTF-8 byte is a third of the font size: CJK is px wide, ASCII px/3. */
static int fake_width(void *ctx, const char *s, size_t len, int px, bool bold)
{
    (void)ctx;
    (void)s;
    (void)bold;
    return (int)len * px / 3;
}

static config cfg;
static layout_measure measure = {.width = fake_width};
static tz *zone;
static char long_body[8192];

/* Items as JSON, with two stand-ins: LONG is a body of three pages, and
 * each item's page time is its _signage duration. */
static deck *make_deck(const char *items, const bool *has_image)
{
    char json[32768];
    const char *at = strstr(items, "LONG");
    int n = at ? snprintf(json, sizeof json,
                          "{\"version\":\"https://jsonfeed.org/version/"
                          "1.1\",\"title\":\"t\",\"items\":[%.*s%s%s]}",
                          (int)(at - items), items, long_body, at + 4)
               : snprintf(json, sizeof json,
                          "{\"version\":\"https://jsonfeed.org/version/"
                          "1.1\",\"title\":\"t\",\"items\":[%s]}",
                          items);
    feed *f = feed_parse(json, (size_t)n, "test");
    CHECKF(f != NULL, "feed %s", items);
    layout_params base = params_layout(&cfg, W, H);
    deck_limits lim = params_deck(&cfg);
    return f ? deck_create(f, &base, &lim, &measure, has_image) : NULL;
}

/* The slide on screen as "id/page[*]", "-" or "off". */
static const char *describe(const rotation *r, char *buf, size_t size)
{
    rotation_view v = rotation_get(r);
    if (v.item < 0)
        return v.screen_on ? "-" : "off";
    const layout_item *it = deck_layout(v.deck, (size_t)v.item);
    snprintf(buf, size, "%s/%d%s", deck_feed(v.deck)->items[v.item].id, v.page + 1,
             it->frame.image.w > 0 ? "*" : "");
    return buf;
}

static unsigned run_step(rotation *r, schedule *s, const step *st)
{
    int64_t wall = T0 + st->wall;
    switch (st->kind) {
    case FEED:
        return rotation_new_deck(r, make_deck(st->arg, NULL), wall, st->mono);
    case IMAGES: {
        bool all[16] = {true, true, true, true, true, true, true, true,
                        true, true, true, true, true, true, true, true};
        rotation_images_arrived(r, all);
        return 0;
    }
    case SCREEN: {
        bool on = strcmp(st->arg, "hours") == 0 ? schedule_screen_on(s, wall)
                                                : strcmp(st->arg, "on") == 0;
        if (strcmp(st->arg, "hours") == 0 && on == rotation_get(r).screen_on)
            return 0; /* as the app: only an edge switches */
        return rotation_set_screen(r, on, wall, st->mono);
    }
    default:
        return rotation_tick(r, wall, st->mono);
    }
}

static void run_table(const table *t)
{
    schedule_params p = {.zone = zone, .high_ratio = 1, .urgent_alternate = t->alternate};
    if (t->night) {
        p.screen_hours_set = true; /* all zero: off every day */
    }
    schedule *s = schedule_create(&p);
    rotation *r = rotation_create(s, W, H);
    char prev[160] = "-";
    for (const step *st = t->steps; st->kind != END; st++) {
        char buf[160];
        unsigned ev = run_step(r, s, st);
        const char *now = describe(r, buf, sizeof buf);
        int line = (int)(st - t->steps) + 1;
        if (!st->now) {
            /* Nothing started, and the slide on screen is laid out as it was. */
            CHECKF(!(ev & ROTATION_STARTED) && strcmp(now, prev) == 0,
                   "%s, step %d: %s (%s), want %s unchanged", t->name, line, now,
                   ev & ROTATION_STARTED ? "started" : "not started", prev);
            continue;
        }
        CHECKF((ev & ROTATION_STARTED) && strcmp(now, st->now) == 0,
               "%s, step %d: %s (%s), want %s", t->name, line, now,
               ev & ROTATION_STARTED ? "started" : "not started", st->now);
        uint64_t until = rotation_get(r).until;
        CHECKF(!st->until || until == st->until, "%s, step %d: until %llu, want %llu",
               t->name, line, (unsigned long long)until, (unsigned long long)st->until);
        snprintf(prev, sizeof prev, "%s", now);
    }
    rotation_destroy(r);
    schedule_destroy(s);
}

#define ITEM(id, secs)                                                                   \
    "{\"id\":\"" id "\",\"title\":\"题\",\"content_text\":\"短文。\","               \
    "\"_signage\":{\"duration\":" #secs "}}"
#define URGENT(id, extra)                                                                \
    "{\"id\":\"" id "\",\"title\":\"紧急\",\"content_text\":\"马上。\","            \
    "\"_signage\":{\"priority\":\"urgent\",\"duration\":2" extra "}}"
#define LONG_ITEM(id, secs)                                                              \
    "{\"id\":\"" id "\",\"title\":\"长\",\"content_text\":\"LONG\","                    \
    "\"_signage\":{\"duration\":" #secs "}}"
#define IMAGE_ITEM(id)                                                                   \
    "{\"id\":\"" id "\",\"title\":\"图\",\"content_text\":\"图。\",\"image\":"        \
    "\"http://x/i.png\",\"_signage\":{\"duration\":2}}"

static const table tables[] = {
    {"items rotate on their page times",
     .steps = {{FEED, 0, 1000, ITEM("a", 2) "," ITEM("b", 3) "," ITEM("c", 2), "a/1",
                3000},
               {TICK, 1, 2999, NULL, NULL, 0},
               {TICK, 2, 3000, NULL, "b/1", 6000},
               {TICK, 5, 5999, NULL, NULL, 0},
               {TICK, 6, 6000, NULL, "c/1", 8000},
               {TICK, 8, 8500, NULL, "a/1", 10500}, /* late wake: from then on */
               {END}}},
    {"pages advance, then the next item",
     .steps = {{FEED, 0, 0, LONG_ITEM("long", 4) "," ITEM("b", 2), "long/1", 4000},
               {TICK, 4, 4000, NULL, "long/2", 8000},
               {TICK, 8, 8000, NULL, "long/3", 12000},
               {TICK, 12, 12000, NULL, "b/1", 14000},
               {TICK, 14, 14000, NULL, "long/1", 18000},
               {END}}},
    {"a new feed mid-page: the page ends, then it keeps its place",
     .steps = {{FEED, 0, 0, LONG_ITEM("long", 4) "," ITEM("b", 2), "long/1", 4000},
               {FEED, 1, 1000, ITEM("b", 2) "," LONG_ITEM("long", 5), NULL},
               {TICK, 3, 3999, NULL, NULL, 0},
               {TICK, 4, 4000, NULL, "long/2", 9000}, /* the new feed's page time */
               {TICK, 9, 9000, NULL, "long/3", 14000},
               {TICK, 14, 14000, NULL, "b/1", 16000},
               {END}}},
    {"the item on screen left the new feed: the next item at once",
     .steps = {{FEED, 0, 0, LONG_ITEM("long", 4) "," ITEM("b", 2), "long/1", 4000},
               {FEED, 1, 1000, ITEM("b", 2) "," ITEM("c", 2), "b/1", 3000},
               {TICK, 3, 3000, NULL, "c/1", 5000},
               {TICK, 4, 4000, NULL, NULL, 0}, /* the old page's end: nothing */
               {TICK, 5, 5000, NULL, "b/1", 7000},
               {END}}},
    {"an urgent item in a new feed cuts in at once and holds the screen",
     .steps = {{FEED, 0, 0, ITEM("a", 3) "," ITEM("b", 3), "a/1", 3000},
               {FEED, 1, 1200, ITEM("a", 3) "," ITEM("b", 3) "," URGENT("water", ""),
                "water/1", 3200},
               {TICK, 2, 3000, NULL, NULL, 0},
               {TICK, 3, 3200, NULL, "water/1", 5200},
               {TICK, 5, 5200, NULL, "water/1", 7200},
               {END}}},
    {"an urgent item that opens later cuts in when it opens",
     .steps = {{FEED, 0, 0, ITEM("a", 60), "a/1", 60000},
               {FEED, 1, 1000,
                ITEM("a", 60) "," URGENT("u", ",\"start\":\"2026-07-01T12:00:06+08:00\""),
                NULL},
               {TICK, 5, 5999, NULL, NULL, 0},
               {TICK, 6, 6000, NULL, "u/1", 8000},
               {END}}},
    {"screen on at start: the waiting slide, then the feed at once",
     .steps = {{SCREEN, 0, 0, "on", "-"},
               {TICK, 1, 1000, NULL, NULL, 0},
               {FEED, 2, 2000, ITEM("a", 2), "a/1", 4000},
               {END}}},
    {"screen off: nothing shows or advances; on again: the rotation",
     .steps = {{FEED, 0, 0, ITEM("a", 2) "," ITEM("b", 2), "a/1", 2000},
               {SCREEN, 1, 1000, "off", "off"},
               {TICK, 5, 5000, NULL, NULL, 0},
               {FEED, 6, 6000, ITEM("a", 2), "off"},
               {SCREEN, 9, 9000, "on", "a/1", 11000},
               {END}}},
    {"outside screen hours an urgent item wakes the screen, a normal one never",
     .night = true,
     .steps = {{SCREEN, 0, 0, "hours", "off"},
               {FEED, 0, 500, ITEM("a", 1), "off"},
               {SCREEN, 1, 1000, "hours", NULL},
               {TICK, 2, 2000, NULL, NULL, 0},
               {FEED, 3, 3000, ITEM("a", 1) "," URGENT("alarm", ""), "off"},
               {SCREEN, 3, 3000, "hours", "alarm/1", 5000},
               {TICK, 5, 5000, NULL, "alarm/1", 7000},
               {END}}},
    {"images that arrive late: laid out again at the next slide only",
     .steps = {{FEED, 0, 0, IMAGE_ITEM("img"), "img/1", 2000},
               {IMAGES, 1, 1000, NULL, NULL},
               {TICK, 1, 1999, NULL, NULL, 0},
               {TICK, 2, 2000, NULL, "img/1*", 4000},
               {END}}},
    {"alternate: urgent, rotation, urgent, rotation", .alternate = true,
     .steps = {{FEED, 0, 0, ITEM("a", 2) "," ITEM("b", 2) "," URGENT("u", ""), "u/1",
                2000},
               {TICK, 2, 2000, NULL, "a/1", 4000},
               {TICK, 4, 4000, NULL, "u/1", 6000},
               {TICK, 6, 6000, NULL, "b/1", 8000},
               {TICK, 8, 8000, NULL, "u/1", 10000},
               {END}}},
};

/* What the tables cannot show: which calls ask the app to drop its caches
 * (a new deck on screen, a relayout, a resize), a page that counts from
 * when its slide was ready, and a resize that keeps the page only while it
 * exists. */
static void test_flush_and_resize(void)
{
    schedule_params p = {.zone = zone, .high_ratio = 1};
    schedule *s = schedule_create(&p);
    rotation *r = rotation_create(s, W, H);
    unsigned ev = rotation_new_deck(r, make_deck(LONG_ITEM("long", 4), NULL), T0, 0);
    CHECK(ev == (ROTATION_STARTED | ROTATION_FLUSH)); /* the first deck on screen */
    rotation_started(r, 120); /* laid out slowly: the page counts from then */
    CHECK(rotation_get(r).until == 4120);
    CHECK(rotation_tick(r, T0 + 4, 4119) == 0);
    CHECK(rotation_tick(r, T0 + 4, 4120) == ROTATION_STARTED); /* same deck, page 2 */
    ev = rotation_new_deck(r, make_deck(LONG_ITEM("long", 4), NULL), T0 + 5, 5000);
    CHECK(ev == 0);
    CHECK(rotation_tick(r, T0 + 8, 8120) == (ROTATION_STARTED | ROTATION_FLUSH));
    CHECK(rotation_get(r).page == 2);
    CHECK(rotation_resize(r, 1920, 360) == ROTATION_FLUSH);
    rotation_view v = rotation_get(r);
    int pages = deck_layout(v.deck, (size_t)v.item)->n_pages;
    CHECKF(pages < 3 && v.page == pages - 1, "page %d of %d after a resize", v.page + 1,
           pages);
    rotation_destroy(r);
    schedule_destroy(s);
}

int main(void)
{
    config_defaults(&cfg);
    cfg.enlarge_short = false;
    zone = tz_create("Asia/Shanghai");
    CHECK(zone != NULL);
    if (!zone)
        return test_done("rotation");
    /* Three pages at 640x360 with the default sizes and the fake measure. */
    size_t n = 0;
    for (int i = 0; i < LONG_CHARS; i++)
        n += (size_t)snprintf(long_body + n, sizeof long_body - n, "%s",
                              i % 20 == 19 ? "。" : "字");
    deck *d = make_deck(LONG_ITEM("long", 4), NULL);
    CHECKF(d && deck_layout(d, 0)->n_pages == 3, "LONG has %d pages",
           d ? deck_layout(d, 0)->n_pages : 0);
    deck_destroy(d);
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        run_table(&tables[i]);
    RUN(test_flush_and_resize);
    tz_destroy(zone);
    return test_done("rotation");
}
