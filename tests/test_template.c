/* template: which design an item gets (a table of facts), how a picture
 * fits (the rule and the names), the items' fields that choose them (feed
 * and deck), and the zones each template gives at every screen size: no
 * zone overlapping another, the picture beside the text in landscape and
 * above it in portrait, a photo over the whole screen with its text at the
 * bottom, urgent type larger and filling its room, the badge beside the
 * title. Pure: a measure of one em per character. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deck.h"
#include "feed.h"
#include "layout.h"
#include "template.h"
#include "test.h"
#include "text.h"

static void test_choose(void)
{
    static const struct {
        template_facts f;
        template_kind want;
    } cases[] = {
        {{.urgent = false, .has_image = false, .body_chars = 10, .paragraphs = 1},
         TEMPLATE_TEXT},
        {{.urgent = false, .has_image = false, .body_chars = 5000, .paragraphs = 9},
         TEMPLATE_TEXT},
        {{.urgent = true, .has_image = true, .body_chars = 10, .paragraphs = 1},
         TEMPLATE_URGENT},
        {{.urgent = true, .has_image = false, .body_chars = 900, .paragraphs = 5},
         TEMPLATE_URGENT},
        {{.has_image = true, .body_chars = 0, .paragraphs = 0}, TEMPLATE_PHOTO},
        {{.has_image = true, .body_chars = TEMPLATE_PHOTO_MAX_CHARS, .paragraphs = 2},
         TEMPLATE_PHOTO},
        {{.has_image = true, .body_chars = TEMPLATE_PHOTO_MAX_CHARS + 1, .paragraphs = 1},
         TEMPLATE_IMAGE},
        {{.has_image = true, .body_chars = 20, .paragraphs = 3}, TEMPLATE_IMAGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        template_kind k = template_choose(&cases[i].f);
        CHECKF(k == cases[i].want, "case %zu: %s, want %s", i, template_name(k),
               template_name(cases[i].want));
    }
    CHECK(strcmp(template_name(TEMPLATE_PHOTO), "photo") == 0);
    CHECK(template_name(TEMPLATE_COUNT) == NULL);
}

static void test_fit(void)
{
    template_fit f = TEMPLATE_FIT_AUTO;
    CHECK(template_fit_parse("cover", &f) && f == TEMPLATE_FIT_COVER);
    CHECK(template_fit_parse("contain", &f) && f == TEMPLATE_FIT_CONTAIN);
    CHECK(template_fit_parse("auto", &f) && f == TEMPLATE_FIT_AUTO);
    CHECK(!template_fit_parse("stretch", &f) && !template_fit_parse(NULL, NULL));
    CHECK(strcmp(template_fit_name(TEMPLATE_FIT_COVER), "cover") == 0);
    /* The item's word first, then the config's, then the shapes. */
    CHECK(template_fit_for(TEMPLATE_FIT_CONTAIN, TEMPLATE_FIT_COVER, 16, 9, 16, 9) ==
          TEMPLATE_FIT_CONTAIN);
    CHECK(template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_COVER, 9, 16, 16, 9) ==
          TEMPLATE_FIT_COVER);
    CHECK(template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_AUTO, 1600, 900, 1920, 1080) ==
          TEMPLATE_FIT_COVER);
    CHECK(template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_AUTO, 4, 3, 16, 9) ==
          TEMPLATE_FIT_COVER); /* keeps 75% */
    CHECK(template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_AUTO, 1, 1, 16, 9) ==
          TEMPLATE_FIT_CONTAIN); /* would keep 56% */
    CHECK(
        template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_AUTO, 1920, 1080, 1080, 1920) ==
        TEMPLATE_FIT_CONTAIN); /* a wide photo on a portrait screen */
    CHECK(template_fit_for(TEMPLATE_FIT_AUTO, TEMPLATE_FIT_AUTO, 0, 10, 16, 9) ==
          TEMPLATE_FIT_CONTAIN);
}

static const char feed_json[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
    "\"_signage\":{\"fit\":\"contain\"},\"items\":["
    "{\"id\":\"a\",\"title\":\"活动\",\"content_text\":\"周六上午九点。\","
    "\"image\":\"a.png\",\"_signage\":{\"fit\":\"cover\"}},"
    "{\"id\":\"b\",\"title\":\"长文\",\"content_text\":\"" /* 70 characters */
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十\","
    "\"banner_image\":\"b.png\",\"_signage\":{\"fit\":\"stretch\",\"priority\":\"high\"}}"
    ","
    "{\"id\":\"c\",\"title\":\"停电\",\"content_text\":\"今晚停电。\","
    "\"image\":\"c.png\",\"_signage\":{\"priority\":\"urgent\"}}]}";

/* The fields that choose: _signage.fit (an item's over the feed's, a bad
 * one dropped), priority, and the picture through deck_template. */
static void test_item_fields(void)
{
    feed *f = feed_parse(feed_json, strlen(feed_json), "template");
    CHECK(f && f->n_items == 3);
    if (!f || f->n_items != 3)
        return;
    CHECK(f->items[0].signage.fit == TEMPLATE_FIT_COVER);
    CHECK(f->items[1].signage.fit == TEMPLATE_FIT_CONTAIN); /* the feed's stays */
    CHECK(f->items[2].signage.fit == TEMPLATE_FIT_CONTAIN);
    CHECK(feed_signage_known("fit"));
    CHECK(deck_template(&f->items[0], true) == TEMPLATE_PHOTO);
    CHECK(deck_template(&f->items[0], false) == TEMPLATE_TEXT);
    CHECK(deck_template(&f->items[1], true) == TEMPLATE_IMAGE);
    CHECK(deck_template(&f->items[2], true) == TEMPLATE_URGENT);
    feed_destroy(f);
}

/* One em per character, whatever the face. */
static int em_width(void *ctx, const char *s, size_t len, int px, bool bold)
{
    (void)ctx;
    (void)bold;
    return (int)text_count_chars(s, len) * px;
}

static layout_params params(int w, int h, template_kind kind)
{
    return (layout_params){.screen_w = w,
                           .screen_h = h,
                           .body_size = 0.045,
                           .title_size = 0.068,
                           .line_spacing = 1.55,
                           .paragraph_spacing = 0.45,
                           .margin = 0.06,
                           .indent = true,
                           .justify = true,
                           .enlarge_short = true,
                           .kind = kind,
                           .reading_speed = 300,
                           .page_min = 8,
                           .page_max = 45};
}

static bool overlap(layout_rect a, layout_rect b)
{
    return a.w > 0 && b.w > 0 && a.h > 0 && b.h > 0 && a.x < b.x + b.w &&
           b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool inside(layout_rect r, int w, int h)
{
    return r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h;
}

static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 720},
                               {1366, 768},  {800, 480},   {3840, 2160}};

/* The zones of each template at each size. */
static void test_zones(void)
{
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int W = sizes[s][0], H = sizes[s][1];
        for (int k = 0; k < TEMPLATE_COUNT; k++) {
            layout_params p = params(W, H, (template_kind)k);
            layout_frame f = layout_frame_compute(&p);
            const char *name = template_name((template_kind)k);
            layout_frame text =
                layout_frame_compute(&(layout_params){.screen_w = W,
                                                      .screen_h = H,
                                                      .body_size = 0.045,
                                                      .title_size = 0.068,
                                                      .line_spacing = 1.55,
                                                      .margin = 0.06});
            /* Header and footer are the same in every template. */
            CHECKF(!memcmp(&f.header, &text.header, sizeof f.header) &&
                       !memcmp(&f.footer, &text.footer, sizeof f.footer),
                   "%dx%d %s: header or footer moved", W, H, name);
            CHECKF(inside(f.title, W, H) && inside(f.body, W, H) &&
                       inside(f.image, W, H) && inside(f.band, W, H) &&
                       inside(f.meta, W, H),
                   "%dx%d %s: a zone off screen", W, H, name);
            CHECKF(f.header.y + f.header.h <= f.title.y &&
                       f.title.y + f.title.h <= f.body.y &&
                       f.body.y + f.body.h <= f.footer.y && f.body.h > 0,
                   "%dx%d %s: header, title, body, footer out of order", W, H, name);
            if (k == TEMPLATE_IMAGE) {
                CHECKF(!overlap(f.image, f.title) && !overlap(f.image, f.body) &&
                           !overlap(f.image, f.header) && !overlap(f.image, f.footer),
                       "%dx%d image: the picture overlaps", W, H);
                if (W >= H) /* beside: the right 38%, from the title's top down */
                    CHECKF(f.image.x >= f.body.x + f.body.w && f.image.y == f.title.y &&
                               abs(f.image.w * 100 / (W - 2 * (int)lround(0.06 * H)) -
                                   38) <= 1 &&
                               f.image.h * 2 > f.image.w,
                           "%dx%d image: box %d,%d %dx%d", W, H, f.image.x, f.image.y,
                           f.image.w, f.image.h);
                else /* above: across, the title under it */
                    CHECKF(f.image.y + f.image.h <= f.title.y && f.image.w == f.body.w &&
                               f.image.w * 3 > f.image.h * 2,
                           "%dx%d image: box %d,%d %dx%d", W, H, f.image.x, f.image.y,
                           f.image.w, f.image.h);
            } else if (k == TEMPLATE_PHOTO) {
                CHECKF(f.image.x == 0 && f.image.y == 0 && f.image.w == W &&
                           f.image.h == H,
                       "%dx%d photo: not the whole screen", W, H);
            } else {
                CHECKF(f.image.w == 0, "%dx%d %s: a picture box", W, H, name);
            }
            if (k == TEMPLATE_URGENT)
                CHECKF(f.band.x == 0 && f.band.w == W &&
                           f.band.y >= f.header.y + f.header.h &&
                           f.band.y + f.band.h <= f.title.y && f.meta.w > 0 &&
                           f.meta.y >= f.body.y + f.body.h &&
                           f.meta.y + f.meta.h <= f.footer.y,
                       "%dx%d urgent: band %d+%d, meta %d+%d", W, H, f.band.y, f.band.h,
                       f.meta.y, f.meta.h);
            else
                CHECKF(f.meta.w == 0, "%dx%d %s: a meta line", W, H, name);
        }
    }
}

/* The height from the title's top to the end of the body's lines. */
static int block_bottom(const layout_item *it)
{
    int y = it->frame.body.y;
    for (int i = 0; i < it->n_lines; i++)
        y += it->lines[i].height + (i > 0 ? it->lines[i].gap : 0);
    return y;
}

/* What each template does with a short item. */
static void test_short_items(void)
{
    layout_measure m = {.width = em_width};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int W = sizes[s][0], H = sizes[s][1], side = W < H ? W : H;
        int base = (int)lround(0.045 * side);
        /* Urgent: larger type that fills the room, the block in its middle. */
        layout_params p = params(W, H, TEMPLATE_URGENT);
        layout_item *it = layout_item_create(
            &p, &m, "停水", "园岭新村1至12栋正在停水抢修，预计下午四点恢复供水。");
        layout_frame f = layout_frame_compute(&p);
        int room = f.body.y + f.body.h - f.title.y;
        int top_gap = it->frame.title.y - f.title.y,
            bottom_gap = f.body.y + f.body.h - block_bottom(it);
        CHECKF(it->body_px >= base * 14 / 10 && it->n_pages == 1,
               "%dx%d urgent: body %d px (base %d), %d pages", W, H, it->body_px, base,
               it->n_pages);
        CHECKF((block_bottom(it) - it->frame.title.y) * 2 >= room,
               "%dx%d urgent: text takes %d of %d px", W, H,
               block_bottom(it) - it->frame.title.y, room);
        CHECKF(abs(top_gap - bottom_gap) <= it->body_line_h,
               "%dx%d urgent: %d px above, %d below", W, H, top_gap, bottom_gap);
        layout_item_destroy(it);

        /* Photo: the caption at the bottom, just above the footer, on the scrim. */
        p = params(W, H, TEMPLATE_PHOTO);
        it = layout_item_create(&p, &m, "周末健步走", "七点半门口集合。");
        f = it->frame;
        CHECKF(block_bottom(it) <= f.footer.y &&
                   f.footer.y - block_bottom(it) <= f.footer.h,
               "%dx%d photo: text ends at %d, footer at %d", W, H, block_bottom(it),
               f.footer.y);
        CHECKF(f.band.y < f.title.y && f.band.y + f.band.h == H && f.band.w == W,
               "%dx%d photo: scrim %d+%d", W, H, f.band.y, f.band.h);
        CHECKF(f.title.y > H / 2, "%dx%d photo: title at %d", W, H, f.title.y);
        layout_item_destroy(it);

        /* Text and image: a short item is centred, not left at the top. */
        for (int k = TEMPLATE_TEXT; k <= TEMPLATE_IMAGE; k++) {
            p = params(W, H, (template_kind)k);
            f = layout_frame_compute(&p);
            it = layout_item_create(&p, &m, "开放时间",
                                    "周一至周五九点开放。\n周末休息。");
            room = f.body.y + f.body.h - f.title.y;
            top_gap = it->frame.title.y - f.title.y;
            bottom_gap = f.body.y + f.body.h - block_bottom(it);
            CHECKF(top_gap > 0 && abs(top_gap - bottom_gap) <= it->body_line_h,
                   "%dx%d %s: %d px above, %d below", W, H,
                   template_name((template_kind)k), top_gap, bottom_gap);
            layout_item_destroy(it);
        }

        /* The badge: after the first title line, inside the title's box and
         * never over the picture, even for a title that fills its lines. */
        for (int k = TEMPLATE_TEXT; k <= TEMPLATE_PHOTO; k++) {
            p = params(W, H, (template_kind)k);
            p.badge = true;
            it = layout_item_create(&p, &m,
                                    "园岭街道聚焦百千万工程塑造全新美好园岭街道聚焦百千万"
                                    "工程塑造全新美好园岭",
                                    "正文。");
            const layout_rect *b = &it->frame.badge, *t = &it->frame.title;
            const layout_line *l = &it->title_lines[0];
            CHECKF(b->w > 0 && b->x >= t->x + l->indent + l->width &&
                       b->x + b->w <= t->x + t->w && b->y >= t->y &&
                       b->y + b->h <= t->y + it->title_line_h &&
                       (k != TEMPLATE_IMAGE || !overlap(*b, it->frame.image)),
                   "%dx%d %s: badge %d,%d %dx%d, title %d..%d", W, H,
                   template_name((template_kind)k), b->x, b->y, b->w, b->h, t->x,
                   t->x + t->w);
            layout_item_destroy(it);
        }
        p = params(W, H, TEMPLATE_URGENT);
        p.badge = true;
        it = layout_item_create(&p, &m, "停水", "今日停水。");
        CHECK(it->frame.badge.w == 0); /* urgent has its band */
        layout_item_destroy(it);
    }
}

/* On a portrait screen a short item is set larger, title and body, but a
 * timetable's rows stay one line each; in landscape it keeps its sizes. */
static void test_portrait_poster(void)
{
    layout_measure m = {.width = em_width};
    static const char rows[] =
        "周二 19:30 书法入门\n周三 19:30 瑜伽拉伸\n周五 19:00 花艺体验";
    layout_params p = params(1080, 1920, TEMPLATE_TEXT);
    layout_item *it = layout_item_create(&p, &m, "课程表", rows);
    int title = (int)lround(0.068 * 1080);
    CHECKF(it->title_px > title && it->n_lines == 3 && it->n_pages == 1,
           "portrait: title %d px (configured %d), %d lines", it->title_px, title,
           it->n_lines);
    layout_item_destroy(it);
    p.enlarge_short = false;
    it = layout_item_create(&p, &m, "课程表", rows);
    CHECKF(it->title_px == title, "enlarge_short off: title %d px", it->title_px);
    layout_item_destroy(it);
    p = params(1920, 1080, TEMPLATE_TEXT);
    it = layout_item_create(&p, &m, "课程表", rows);
    CHECKF(it->title_px == title, "landscape: title %d px", it->title_px);
    layout_item_destroy(it);
}

/* The badge at the title size's end of range, on a narrow or a tiny
 * screen: inside the title's box, or none when the box has no room for
 * it next to a character of the title (it ran off the screen). */
static void test_badge_extremes(void)
{
    layout_measure m = {.width = em_width};
    static const int screens[][2] = {{1080, 1920}, {720, 1280}, {320, 240},  {240, 320},
                                     {160, 120},   {64, 64},    {100000, 10}};
    static const double title_sizes[] = {0.3, 0.068, 0.0};
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
        for (size_t j = 0; j < sizeof title_sizes / sizeof title_sizes[0]; j++)
            for (int k = TEMPLATE_TEXT; k <= TEMPLATE_PHOTO; k++) {
                layout_params p = params(screens[i][0], screens[i][1], (template_kind)k);
                p.title_size = title_sizes[j];
                p.badge = true;
                layout_item *it =
                    layout_item_create(&p, &m, "园岭街道聚焦百千万工程", "正文。");
                const layout_rect *b = &it->frame.badge, *t = &it->frame.title;
                CHECKF(b->w == 0 || (b->x >= t->x && b->x + b->w <= t->x + t->w),
                       "%dx%d %s title %.3f: badge %d..%d, title %d..%d", screens[i][0],
                       screens[i][1], template_name((template_kind)k), title_sizes[j],
                       b->x, b->x + b->w, t->x, t->x + t->w);
                layout_item_destroy(it);
            }
}

/* A title at title_size's top (0.3) leaves no room for the body under a
 * two-line title box: a one-line title gives it back, and the body then
 * ends above the footer, its QR plate on the screen, in every template. */
static void test_title_at_range_end(void)
{
    layout_measure m = {.width = em_width};
    static const int screens[][2] = {{1920, 1080}, {1280, 720}, {2680, 2052}};
    static const char *const titles[] = {"停水", "服务中心开放时间"};
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
        for (int k = TEMPLATE_TEXT; k < TEMPLATE_COUNT; k++) {
            int W = screens[i][0], H = screens[i][1];
            layout_params p = params(W, H, (template_kind)k);
            p.title_size = 0.3;
            p.ticker = true;
            p.qr_w = p.qr_h = H / 8;
            layout_item *it = layout_item_create(&p, &m, titles[i % 2], "今日停水。");
            const layout_frame *f = &it->frame;
            /* The title's lines end above the body, and take at most half
             * the room from the title's top to the body's end. */
            int lines_end = f->title.y + it->n_title_lines * it->title_line_h;
            int room = layout_frame_compute(&p).body.y + layout_frame_compute(&p).body.h -
                       layout_frame_compute(&p).title.y;
            CHECKF(lines_end <= f->body.y &&
                       it->n_title_lines * it->title_line_h <= room / 2 + 1,
                   "%dx%d %s: title %d px, lines to %d, body from %d, room %d", W, H,
                   template_name((template_kind)k), it->title_px, lines_end, f->body.y,
                   room);
            int end = k == TEMPLATE_URGENT ? f->meta.y : f->footer.y;
            CHECKF(f->body.y + f->body.h <= end && f->body.h >= 0,
                   "%dx%d %s: body %d..%d, footer (meta) at %d", W, H,
                   template_name((template_kind)k), f->body.y, f->body.y + f->body.h,
                   end);
            CHECKF(f->qr.w == 0 || inside(f->qr, W, H), "%dx%d %s: QR plate at %d,%d", W,
                   H, template_name((template_kind)k), f->qr.x, f->qr.y);
            layout_item_destroy(it);
        }
}

int main(void)
{
    test_run("test_choose", test_choose);
    test_run("test_fit", test_fit);
    test_run("test_item_fields", test_item_fields);
    test_run("test_zones", test_zones);
    test_run("test_short_items", test_short_items);
    test_run("test_portrait_poster", test_portrait_poster);
    test_run("test_badge_extremes", test_badge_extremes);
    test_run("test_title_at_range_end", test_title_at_range_end);
    return test_done("template");
}
