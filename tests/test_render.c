/* render with the real fonts on SDL's software renderer: justified lines
 * reach the right margin and paragraph ends do not, rules, quotes, table
 * columns and code are drawn, the urgent template has its own colours, a page drawn again
 * is served from the texture cache, and the waiting slide is never blank. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
#include "image.h"
#include "params.h"
#include "render.h"
#include "test.h"

static SDL_Surface *target;
static SDL_Renderer *r;

/* The rightmost column in rows [y0, y1) whose pixel differs from bg. */
static int rightmost_ink(int y0, int y1, Uint32 bg)
{
    const Uint32 *px = target->pixels;
    int pitch = target->pitch / 4, right = -1;
    for (int y = y0; y < y1 && y < target->h; y++)
        for (int x = target->w - 1; x > right; x--)
            if ((px[y * pitch + x] & 0xffffff) != (bg & 0xffffff)) {
                right = x;
                break;
            }
    return right;
}

static Uint32 pixel(int x, int y)
{
    return ((const Uint32 *)target->pixels)[y * (target->pitch / 4) + x] & 0xffffff;
}

static const char feed_json[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
    "{\"id\":\"prose\",\"title\":\"园岭街道通知\",\"content_text\":"
    "\"经济发展，空间先行。依照福田区委"
    "八届三次党代会的工作要求，今年2月25日，在福田区领导挂帅下，迅速成立八卦岭产业园城市"
    "更新项目"
    "指挥部，园岭街道党工委书记出任执行指挥长，与 International Community Development "
    "Association 及 Shenzhen Urban Renewal Consultants 合作，全力开展清租攻坚工作。\"},"
    "{\"id\":\"alarm\",\"title\":\"停水\",\"content_text\":\"今日停水。\","
    "\"_signage\":{\"priority\":\"urgent\"}}]}";

/* One character with 60,000 combining marks (U+0489) once drew past the
 * right margin: nothing may be drawn right of the body box. */
static void test_marks_in_box(render *rd, fonts *f, const config *cfg, Uint32 bg)
{
    static const char head[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":"
        "\"t\",\"items\":[{\"id\":\"m\",\"content_text\":\"x";
    size_t n = 60000, len = sizeof head - 1;
    char *json = SDL_malloc(len + n * 6 + 8);
    memcpy(json, head, len);
    for (size_t i = 0; i < n; i++, len += 6)
        memcpy(json + len, "\\u0489", 6);
    memcpy(json + len, "\"}]}", 5);
    feed *fd = feed_parse(json, len + 4, "marks");
    SDL_free(json);
    CHECK(fd && fd->n_items == 1);
    if (!fd)
        return;
    layout_measure m = fonts_measure(f);
    layout_params base = params_layout(cfg, 1280, 720);
    deck_limits lim = params_deck(cfg);
    deck *d = deck_create(fd, &base, &lim, &m, NULL);
    const layout_item *it = deck_layout(d, 0);
    render_slide s = {.layout = it, .page = 0, .clock = "09:30", .day = "7月1日 星期一"};
    render_draw_slide(rd, &s);
    int right = it->frame.body.x + it->frame.body.w;
    int ink = rightmost_ink(it->frame.body.y, it->frame.body.y + it->frame.body.h, bg);
    CHECKF(ink < right, "ink at %d, margin %d", ink, right);
    deck_destroy(d);
}

/* The top of line k on page 0, as render draws it. */
static int line_top(const layout_item *it, int k)
{
    int y = it->frame.body.y;
    for (int i = 0; i < k; i++)
        y += it->lines[i].height + it->lines[i + 1].gap;
    return y;
}

/* Pixels in row y from x0 to x1 that differ from bg. */
static int ink_in_row(int y, int x0, int x1, Uint32 bg)
{
    int n = 0;
    for (int x = x0; x < x1; x++)
        n += pixel(x, y) != (bg & 0xffffff);
    return n;
}

/* What render draws for the kinds: an <hr> across the body, a quote's rule
 * at its left, table cells at their columns, code in a monospace face. */
static void test_kinds_drawn(render *rd, fonts *f, const config *cfg, Uint32 bg)
{
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"k\",\"title\":\"结构\",\"content_html\":\"<p>前言</p><blockquote>引文"
        "</blockquote><hr><table><tr><td>甲</td><td>乙</td></tr></table><pre>iiii\\nMMMM"
        "</pre>\"}]}";
    feed *fd = feed_parse(json, strlen(json), "kinds");
    CHECK(fd && fd->n_items == 1);
    if (!fd)
        return;
    layout_measure m = fonts_measure(f);
    layout_params base = params_layout(cfg, 1280, 720);
    base.body_size = 0.045; /* one page of them */
    deck_limits lim = params_deck(cfg);
    deck *d = deck_create(fd, &base, &lim, &m, NULL);
    const layout_item *it = deck_layout(d, 0);
    CHECKF(it->n_lines == 6 && it->n_pages == 1, "%d lines, %d pages", it->n_lines,
           it->n_pages);
    if (it->n_lines == 6 && it->n_pages == 1) {
        render_slide s = {.layout = it, .page = 0};
        render_draw_slide(rd, &s);
        const layout_rect *b = &it->frame.body;
        int rule_mid = line_top(it, 2) + it->lines[2].height / 2;
        CHECKF(ink_in_row(rule_mid, b->x, b->x + b->w, bg) >= b->w * 9 / 10,
               "no rule across row %d", rule_mid);
        int qx = b->x + it->lines[1].rule_x, qy = line_top(it, 1);
        CHECK(it->lines[1].rule_x >= 0 &&
              pixel(qx + 1, qy + it->lines[1].height / 2) != (bg & 0xffffff));
        CHECK(pixel(qx - 2, qy + it->lines[1].height / 2) == (bg & 0xffffff));
        const layout_line *row = &it->lines[3];
        int ry = line_top(it, 3), cell2 = b->x + row->indent + row->cell_x[1];
        int left2 = -1;
        for (int x = cell2 - row->px / 2; x < cell2 + row->px && left2 < 0; x++)
            for (int y = ry; y < ry + row->height && left2 < 0; y++)
                if (pixel(x, y) != (bg & 0xffffff))
                    left2 = x;
        CHECKF(left2 >= cell2 && left2 < cell2 + row->px / 2,
               "cell 2 ink at %d, column %d", left2, cell2);
        CHECK(it->lines[4].mono && it->lines[4].width == it->lines[5].width);
    }
    deck_destroy(d); /* and the feed it took */
}

/* Three hours of clock minutes over an unchanged slide and the waiting slide:
 * the textures held stay as many as for the first minute (each minute's
 * clock replaces the last), where a cache of every minute would grow by
 * one a minute until its cap. */
static void test_clock_minutes(render *rd, const layout_item *it)
{
    render_slide s = {.layout = it, .page = 0, .clock = "00:00", .day = "7月1日 星期一"};
    render_draw_slide(rd, &s);
    render_draw_waiting(
        rd, 1280, 720, &(render_waiting){.clock = "00:00", .day = s.day, .label_px = 40});
    size_t held = render_textures(rd);
    for (int m = 1; m < 180; m++) {
        char clock[8];
        snprintf(clock, sizeof clock, "%02d:%02d", m / 60, m % 60);
        s.clock = clock;
        render_draw_slide(rd, &s);
        if (m % 30 == 0)
            render_draw_waiting(
                rd, 1280, 720,
                &(render_waiting){.clock = clock, .day = s.day, .label_px = 40});
    }
    CHECKF(render_textures(rd) <= held, "%zu textures after 3 hours, %zu after a minute",
           render_textures(rd), held);
}

/* The height of the strong ink (a channel 64 or more from bg's) in the box
 * [x0, x1) x [y0, y1) of the target, in rows; 0: none. */
static int ink_height(int x0, int y0, int x1, int y1, Uint32 bg)
{
    int top = -1, bottom = -1;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < target->h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < target->w; x++) {
            Uint32 p = pixel(x, y);
            int d = 0;
            for (int sh = 0; sh < 24; sh += 8) {
                int a = (int)(p >> sh & 0xff), b = (int)(bg >> sh & 0xff);
                d = abs(a - b) > d ? abs(a - b) : d;
            }
            if (d >= 64) {
                top = top < 0 ? y : top;
                bottom = y;
                break;
            }
        }
    return top < 0 ? 0 : bottom - top + 1;
}

/* A w x h software screen as the target the pixel helpers read, with its
 * renderer; screen_close frees both and gives back the target kept. */
static SDL_Renderer *screen_open(int w, int h)
{
    target = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    return SDL_CreateSoftwareRenderer(target);
}

static void screen_close(SDL_Renderer *sr, SDL_Surface *keep)
{
    SDL_DestroyRenderer(sr);
    SDL_FreeSurface(target);
    target = keep;
}

/* The header's clock, what people glance at, is no smaller than the body
 * (ink rows of "14:05" against the body's tallest line of Han characters),
 * at every size; a ticker's text in its footer neither. On a 55-inch 1080p
 * panel (0.634 mm a pixel) the figures in mm are printed. */
static void test_header_sizes(fonts *f, const config *cfg)
{
    static const char han_json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
        "{\"id\":\"han\",\"title\":\"停水通知\",\"content_text\":\"本周六上午九点至十二点"
        "停水，请居民提前储水，给您带来不便，敬请谅解。社区服务中心今日下午开展义诊活动，"
        "测血压、测血糖、中医问诊、用药咨询，欢迎辖区居民参加。\"}]}";
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {800, 480}};
    SDL_Surface *keep = target;
    render_theme theme = params_theme(cfg);
    layout_measure m = fonts_measure(f);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        feed *fd = feed_parse(han_json, strlen(han_json), "sizes");
        if (!fd)
            break;
        SDL_Renderer *sr = screen_open(w, h);
        render *rd = render_create(sr, f, &theme);
        layout_params base = params_layout(cfg, w, h);
        base.ticker = true;
        deck_limits lim = params_deck(cfg);
        deck *d = deck_create(fd, &base, &lim, &m, NULL);
        const layout_item *it = deck_layout(d, 0);
        const layout_frame *fr = &it->frame;
        render_slide s = {.layout = it,
                          .clock = "14:05",
                          .day = "12月2日 星期三",
                          .lunar = "农历十月廿四"};
        render_draw_slide(rd, &s);
        Uint32 bg = SDL_MapRGB(target->format, cfg->background.r, cfg->background.g,
                               cfg->background.b);
        int right = fr->header.x + fr->header.w, row = fr->header.h - fr->date_row;
        int clock =
            ink_height(right - fr->clock_px, fr->header.y, right, fr->header.y + row, bg);
        int body = 0, y = fr->body.y;
        for (int k = 0; k < it->pages[0].count; k++) {
            const layout_line *l = &it->lines[k];
            y += k > 0 ? l->gap : 0;
            int ink =
                ink_height(fr->body.x, y, fr->body.x + fr->body.w, y + l->height, bg);
            body = ink > body ? ink : body;
            y += l->height;
        }
        CHECKF(body > 0 && clock >= body, "%dx%d: clock %d rows of ink, body %d", w, h,
               clock, body);
        render_ticker_strip t = {
            .footer = fr->footer, .text = "停水通知", .speed = 100, .now = 6000};
        render_draw_ticker(rd, &t);
        int ticker = ink_height(fr->footer.x, fr->footer.y, fr->footer.x + fr->footer.w,
                                fr->footer.y + fr->footer.h, bg);
        CHECKF(ticker >= body * 95 / 100, "%dx%d: ticker %d rows of ink, body %d", w, h,
               ticker, body);
        if (w == 1920)
            printf("55-inch 1080p: body %d px of ink (%.1f mm), clock %d px (%.1f mm), "
                   "ticker %d px (%.1f mm)\n",
                   body, body * 684.9 / 1080, clock, clock * 684.9 / 1080, ticker,
                   ticker * 684.9 / 1080);
        deck_destroy(d);
        render_destroy(rd);
        screen_close(sr, keep);
    }
}

/* A centre's name too long for the header shrinks and is cut before the
 * date: the date and the clock are drawn the same as beside no name at
 * all, at 1920x1080 and 800x480. */
static void test_header_fit(fonts *f, const config *cfg)
{
    static const int sizes[][2] = {{1920, 1080}, {800, 480}};
    SDL_Surface *keep = target;
    layout_measure m = fonts_measure(f);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        SDL_Renderer *sr = screen_open(w, h);
        layout_params p = params_layout(cfg, w, h);
        layout_item *it = layout_item_create(&p, &m, "通知", "今日停水。");
        const layout_frame *fr = &it->frame;
        Uint32 *before = calloc((size_t)w * (size_t)fr->header.h, sizeof *before);
        for (int pass = 0; pass < 2; pass++) {
            render_theme theme = params_theme(cfg);
            theme.centre_name[0] = '\0';
            for (int k = 0; pass == 1 && k < 80; k++) /* 80 characters */
                strcat(theme.centre_name, "中");
            render *rd = render_create(sr, f, &theme);
            render_slide s = {.layout = it, .clock = "14:05", .day = "12月2日 星期三"};
            render_draw_slide(rd, &s);
            int day_w = fonts_width(f, s.day, strlen(s.day), fr->label_px, false);
            int clock_w = fonts_width(f, s.clock, strlen(s.clock), fr->clock_px, true);
            int x0 = fr->header.x + fr->header.w - clock_w - fr->label_px - day_w;
            int diff = 0;
            for (int y = 0; y < fr->header.h; y++)
                for (int x = x0; x < w; x++) {
                    Uint32 *b = &before[(size_t)y * (size_t)w + (size_t)x];
                    Uint32 now = pixel(x, fr->header.y + y);
                    diff += pass == 1 && *b != now;
                    *b = now;
                }
            CHECKF(diff == 0, "%dx%d: the long name changed %d px of the date and clock",
                   w, h, diff);
            render_destroy(rd);
        }
        free(before);
        layout_item_destroy(it);
        screen_close(sr, keep);
    }
}

/* The lunar date, when asked for, shows at 1920x1080 beside the shipped
 * centre's name (which gives up a quarter of its size for it), left of the
 * date; the name is still drawn. */
static void test_header_lunar(fonts *f, const config *cfg)
{
    int w = 1920, h = 1080;
    SDL_Surface *keep = target;
    layout_measure m = fonts_measure(f);
    SDL_Renderer *sr = screen_open(w, h);
    layout_params p = params_layout(cfg, w, h);
    layout_item *it = layout_item_create(&p, &m, "通知", "今日停水。");
    const layout_frame *fr = &it->frame;
    render_theme theme = params_theme(cfg);
    snprintf(theme.centre_name, sizeof theme.centre_name, "%s", "园岭街道党群服务中心");
    render *rd = render_create(sr, f, &theme);
    Uint32 *plain = calloc((size_t)w * (size_t)fr->header.h, sizeof *plain);
    int lunar_px = 0, name_ink = 0;
    for (int pass = 0; pass < 2; pass++) {
        render_slide s = {.layout = it,
                          .clock = "14:05",
                          .day = "12月2日 星期三",
                          .lunar = pass ? "农历十月廿二" : NULL};
        render_draw_slide(rd, &s);
        Uint32 bg = pixel(fr->header.x, fr->header.y);
        for (int y = 0; y < fr->header.h; y++)
            for (int x = 0; x < w; x++) {
                Uint32 *b = &plain[(size_t)y * (size_t)w + (size_t)x];
                Uint32 now = pixel(x, fr->header.y + y);
                lunar_px += pass == 1 && *b != now;
                name_ink += pass == 1 && x < fr->header.x + fr->header.w / 4 && now != bg;
                *b = now;
            }
    }
    CHECKF(theme.centre_name[0] && lunar_px > 500 && name_ink > 500,
           "name '%s': %d px changed by the lunar date, %d px of name ink",
           theme.centre_name, lunar_px, name_ink);
    free(plain);
    render_destroy(rd);
    layout_item_destroy(it);
    screen_close(sr, keep);
}

/* A one-character centre name is never what the lunar date's room costs:
 * at every width where the lunar date shows, the name shows too (the
 * name's room is at least its size, below which it is not drawn). */
static void test_header_short_name(fonts *f, const config *cfg)
{
    int h = 300;
    SDL_Surface *keep = target;
    layout_measure m = fonts_measure(f);
    render_theme theme = params_theme(cfg);
    snprintf(theme.centre_name, sizeof theme.centre_name, "%s", "园");
    int lunar_shown = 0, name_lost = 0;
    for (int w = 360; w <= 470; w++) { /* the lunar date goes near 411 */
        SDL_Renderer *sr = screen_open(w, h);
        layout_params p = params_layout(cfg, w, h);
        layout_item *it = layout_item_create(&p, &m, "通知", "停水。");
        const layout_rect *hd = &it->frame.header;
        render *rd = render_create(sr, f, &theme);
        int ink[2] = {0, 0}, name = 0, mid = hd->x + hd->w / 2;
        for (int pass = 0; pass < 2; pass++) {
            render_slide s = {.layout = it,
                              .clock = "14:05",
                              .day = "2026年12月2日 星期三",
                              .lunar = pass ? "十月廿二" : NULL};
            render_draw_slide(rd, &s);
            Uint32 bg = pixel(hd->x, hd->y);
            for (int y = hd->y; y < hd->y + hd->h - 2; y++)
                for (int x = hd->x; x < mid; x++) {
                    ink[pass] += pixel(x, y) != bg;
                    name += pass && x < hd->x + it->frame.label_px && pixel(x, y) != bg;
                }
        }
        if (ink[1] != ink[0]) { /* the lunar date came */
            lunar_shown++;
            name_lost += name == 0;
        }
        render_destroy(rd);
        layout_item_destroy(it);
        screen_close(sr, keep);
    }
    CHECKF(lunar_shown > 0 && name_lost == 0,
           "lunar date at %d widths, the name gone at %d of them", lunar_shown,
           name_lost);
}

/* WCAG relative luminance of an 0xRRGGBB pixel. */
static double luminance(Uint32 c)
{
    double v[3];
    for (int i = 0; i < 3; i++) {
        double x = ((c >> (16 - 8 * i)) & 0xff) / 255.0;
        v[i] = x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

/* The contrast of the lightest and darkest pixels in a rectangle: text
 * and what it stands on. */
static double contrast_in(layout_rect box)
{
    double lo = 2, hi = -1;
    for (int y = box.y; y < box.y + box.h && y < target->h; y++)
        for (int x = box.x; x < box.x + box.w && x < target->w; x++) {
            double l = luminance(pixel(x, y));
            lo = l < lo ? l : lo;
            hi = l > hi ? l : hi;
        }
    return hi < 0 ? 0 : (hi + 0.05) / (lo + 0.05);
}

/* The box holding every pixel in rows [y0, y1) that is not bg. */
static layout_rect ink_box(int y0, int y1, Uint32 bg)
{
    int x0 = target->w, x1 = -1, top = -1, bottom = -1;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < target->w; x++)
            if (pixel(x, y) != (bg & 0xffffff)) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                top = top < 0 ? y : top;
                bottom = y;
            }
    return x1 < 0 ? (layout_rect){0}
                  : (layout_rect){x0, top, x1 - x0 + 1, bottom - top + 1};
}

/* A deck of one item of json at the target's size, with a picture or not. */
static deck *one_item(const char *json, fonts *f, const config *cfg, bool picture)
{
    feed *fd = feed_parse(json, strlen(json), "templates");
    if (!fd || fd->n_items != 1) {
        feed_destroy(fd);
        return NULL;
    }
    static layout_measure m;
    m = fonts_measure(f);
    layout_params base = params_layout(cfg, target->w, target->h);
    deck_limits lim = params_deck(cfg);
    bool has[1] = {picture};
    return deck_create(fd, &base, &lim, &m, has);
}

/* The software renderer keeps the lines of the slide it drew, not those
 * of the slides before: after A then B the cache holds what B alone makes,
 * and B drawn again (a minute's redraw) comes from it. */
static void test_cache_one_slide(render *rd, fonts *f, const config *cfg)
{
    static const char a_json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"a\",\"title\":\"健康讲座\",\"content_text\":\"周六上午九点，社区卫生服"
        "务中心医生讲解夏季防暑知识。\"}]}";
    static const char b_json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"b\",\"title\":\"停水通知\",\"content_text\":\"明日八点至十六点停水，请"
        "提前储水。\"}]}";
    deck *a = one_item(a_json, f, cfg, false), *b = one_item(b_json, f, cfg, false);
    CHECK(a && b);
    if (a && b) {
        render_slide sa = {.layout = deck_layout(a, 0), .clock = "09:30"};
        render_slide sb = {.layout = deck_layout(b, 0), .clock = "09:30"};
        render_flush(rd);
        render_draw_slide(rd, &sb);
        size_t b_alone = render_cache_bytes(rd);
        render_flush(rd);
        render_draw_slide(rd, &sa);
        size_t a_alone = render_cache_bytes(rd);
        render_draw_slide(rd, &sb);
        size_t after = render_cache_bytes(rd), n = render_textures(rd);
        CHECKF(b_alone > 0 && a_alone > 0 && after == b_alone,
               "cache after A then B %zu bytes, B alone %zu, A alone %zu", after, b_alone,
               a_alone);
        render_draw_slide(rd, &sb);
        CHECK(render_cache_bytes(rd) == after && render_textures(rd) == n);
        render_flush(rd);
    }
    deck_destroy(a);
    deck_destroy(b);
}

/* An urgent slide takes its colours from [theme]'s urgent_* keys, and the
 * ticker's band on it takes the slide's background, not the theme's. */
static void test_urgent_theme(fonts *f, const config *cfg)
{
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"u\",\"title\":\"停水\",\"content_text\":\"今日停水，请提前储水。\","
        "\"_signage\":{\"priority\":\"urgent\"}}]}";
    SDL_Renderer *sr = SDL_CreateSoftwareRenderer(target);
    render_theme theme = params_theme(cfg);
    theme.urgent_background = (SDL_Color){0x00, 0x33, 0x66, 0xff};
    theme.urgent_accent = (SDL_Color){0x11, 0xcc, 0x44, 0xff};
    render *rd = render_create(sr, f, &theme);
    deck *d = one_item(json, f, cfg, false);
    const layout_item *it = d ? deck_layout(d, 0) : NULL;
    CHECK(it && it->kind == TEMPLATE_URGENT);
    if (it) {
        render_slide s = {.layout = it, .clock = "09:30", .day = "7月1日 星期一"};
        render_draw_slide(rd, &s);
        const layout_frame *fr = &it->frame;
        CHECKF(pixel(target->w / 2, target->h - 2) == 0x003366, "urgent background %06x",
               pixel(target->w / 2, target->h - 2));
        CHECKF(pixel(2, fr->band.y + 2) == 0x11cc44, "band %06x",
               pixel(2, fr->band.y + 2));
        render_ticker_strip t = {.footer = fr->footer,
                                 .text = "明日恢复供水",
                                 .speed = 100,
                                 .start = 1000,
                                 .now = 1000};
        render_draw_ticker(rd, &t);
        CHECKF(pixel(fr->footer.x + 2, fr->footer.y + fr->footer.h / 2) == 0x003366,
               "ticker band on the urgent slide %06x",
               pixel(fr->footer.x + 2, fr->footer.y + fr->footer.h / 2));
    }
    deck_destroy(d);
    render_destroy(rd);
    SDL_DestroyRenderer(sr);
}

/* Urgent: the band across the screen in its colour with 紧急通知 on it,
 * the times above the footer, and a short notice set large: its ink
 * spans most of the room between band and times. */
static void test_urgent_fills(render *rd, fonts *f, const config *cfg)
{
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"u\",\"title\":\"停水\",\"content_text\":\"今日停水，请提前储水。\","
        "\"_signage\":{\"priority\":\"urgent\"}}]}";
    deck *d = one_item(json, f, cfg, false);
    CHECK(d != NULL);
    if (!d)
        return;
    const layout_item *it = deck_layout(d, 0);
    render_slide s = {.layout = it,
                      .clock = "09:30",
                      .day = "7月1日 星期一",
                      .issued = "发布 7月1日 星期一 09:00",
                      .ends = "有效至 7月1日 星期一 18:00"};
    render_draw_slide(rd, &s);
    const layout_frame *fr = &it->frame;
    Uint32 red = pixel(target->w / 2, target->h - 2), band = pixel(2, fr->band.y + 2);
    CHECKF(it->kind == TEMPLATE_URGENT && fr->band.w == target->w, "template %d",
           it->kind);
    CHECKF(band == 0xffe38a && pixel(target->w - 3, fr->band.y + fr->band.h - 2) == band,
           "band pixel %06x", band);
    layout_rect word = ink_box(fr->band.y + 1, fr->band.y + fr->band.h - 1, band);
    CHECKF(word.h >= fr->band.h / 3 && abs(word.x + word.w / 2 - target->w / 2) < 8,
           "紧急通知 %d px high at %d", word.h, word.x);
    int top = fr->band.y + fr->band.h, bottom = fr->meta.y;
    layout_rect ink = ink_box(top, bottom, red);
    CHECKF(ink.h * 10 >= (bottom - top) * 6 && ink.w * 10 >= target->w * 6,
           "urgent text %dx%d in %dx%d", ink.w, ink.h, target->w, bottom - top);
    layout_rect times = ink_box(fr->meta.y, fr->meta.y + fr->meta.h, red);
    CHECKF(times.w > target->w / 2, "times %d px wide", times.w);
    CHECKF(contrast_in(ink) >= 7.0, "urgent contrast %.1f", contrast_in(ink));
    printf("urgent: text %dx%d px of the %dx%d between band and times, contrast %.1f:1\n",
           ink.w, ink.h, target->w, bottom - top, contrast_in(ink));
    deck_destroy(d);
}

/* A white picture (the worst case for light text), w x h, in a surface. */
static SDL_Surface *white(int w, int h)
{
    SDL_Surface *p =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(p, NULL, SDL_MapRGB(p->format, 0xff, 0xff, 0xff));
    return p;
}

/* Photo: the picture over the whole screen, the title and caption on the
 * scrim readable over it (contrast from the pixels), the header too. */
static void test_photo_scrim(render *rd, fonts *f, const config *cfg)
{
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"p\",\"title\":\"周末健步走\",\"content_text\":\"七点半门口集合。\","
        "\"image\":\"p.png\"}]}";
    deck *d = one_item(json, f, cfg, true);
    CHECK(d != NULL);
    if (!d)
        return;
    const layout_item *it = deck_layout(d, 0);
    SDL_Surface *pic = white(target->w, target->h);
    render_slide s = {.layout = it,
                      .clock = "09:30",
                      .day = "7月1日 星期一",
                      .image = pic,
                      .image_key = pic};
    render_draw_slide(rd, &s);
    const layout_frame *fr = &it->frame;
    CHECKF(it->kind == TEMPLATE_PHOTO, "template %d", it->kind);
    CHECKF(pixel(target->w / 2, target->h / 3) == 0xffffff &&
               pixel(2, fr->band.y - 2) == 0xffffff &&
               pixel(target->w - 3, fr->band.y * 3 / 4) == 0xffffff,
           "the photo is not on screen: %06x", pixel(target->w / 2, target->h / 3));
    layout_rect title = {fr->title.x, fr->title.y, fr->title.w, it->title_line_h};
    double c = contrast_in(title);
    CHECKF(c >= 4.5, "title contrast %.2f over a white photo", c);
    layout_rect body = {fr->body.x, fr->body.y, fr->body.w, it->body_line_h};
    CHECKF(contrast_in(body) >= 4.5, "caption contrast %.2f", contrast_in(body));
    CHECKF(contrast_in(fr->header) >= 4.5, "header contrast %.2f",
           contrast_in(fr->header));
    printf("photo over white: title %.1f:1, caption %.1f:1, header %.1f:1\n", c,
           contrast_in(body), contrast_in(fr->header));
    render_flush(rd);
    SDL_FreeSurface(pic);
    deck_destroy(d);
}

/* The squares of a checkerboard of cell px in s, counted along its middle
 * row and column: never stretched means as many cells per pixel each way. */
static void cells(SDL_Surface *s, int *across, int *down)
{
    const Uint32 *p = s->pixels;
    int pitch = s->pitch / 4;
    *across = *down = 1;
    for (int x = 1; x < s->w; x++)
        *across += (p[(s->h / 2) * pitch + x] & 0x800000) !=
                   (p[(s->h / 2) * pitch + x - 1] & 0x800000);
    for (int y = 1; y < s->h; y++)
        *down += (p[y * pitch + s->w / 2] & 0x800000) !=
                 (p[(y - 1) * pitch + s->w / 2] & 0x800000);
}

/* Cover fills the box and cuts the sides evenly; contain keeps all and
 * leaves bars; neither stretches: a 400x200 checkerboard of 20 px squares
 * into a 100x100 box. Drawn as a photo, contain leaves the bars dark. */
static void test_fit(render *rd, fonts *f, const config *cfg)
{
    char path[] = "/tmp/test_render_fit_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    SDL_Surface *src =
        SDL_CreateRGBSurfaceWithFormat(0, 400, 200, 32, SDL_PIXELFORMAT_ARGB8888);
    for (int y = 0; y < 200; y += 20)
        for (int x = 0; x < 400; x += 20) {
            SDL_Rect sq = {x, y, 20, 20};
            bool light = ((x + y) / 20) % 2 == 0;
            SDL_FillRect(src, &sq, light ? 0xffffffff : 0xff000000);
        }
    CHECK(IMG_SavePNG(src, path) == 0);
    SDL_FreeSurface(src);
    int across, down;
    SDL_Surface *cover = image_load_fit(path, 0, 100, 100, TEMPLATE_FIT_COVER);
    CHECK(cover && cover->w == 100 && cover->h == 100);
    if (cover) {
        cells(cover, &across, &down);
        /* the middle 200x200 at half size: 10 cells each way, 10 px each */
        CHECKF(across == 10 && down == 10, "cover: %d x %d cells", across, down);
        SDL_FreeSurface(cover);
    }
    SDL_Surface *contain = image_load_fit(path, 0, 100, 100, TEMPLATE_FIT_CONTAIN);
    CHECK(contain && contain->w == 100 && contain->h == 50);
    if (contain) {
        cells(contain, &across, &down);
        CHECKF(across == 20 && down == 10, "contain: %d x %d cells", across, down);
        SDL_FreeSurface(contain);
    }
    SDL_Surface *a =
        image_load_fit(path, 0, 160, 90, TEMPLATE_FIT_AUTO); /* 2:1 in 16:9 */
    CHECK(a && a->w == 160 && a->h == 90);
    SDL_FreeSurface(a);
    a = image_load_fit(path, 0, 90, 160, TEMPLATE_FIT_AUTO); /* 2:1 in 9:16 */
    CHECK(a && a->w == 90 && a->h == 45);
    /* A contained photo: the picture in the middle, the bars not the
     * picture stretched (dark, its colours dimmed). */
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"c\",\"title\":\"海报\",\"content_text\":\"周六。\","
        "\"image\":\"c.png\"}]}";
    deck *d = one_item(json, f, cfg, true);
    SDL_Surface *tall = white(target->h / 2, target->h);
    const layout_item *it = d ? deck_layout(d, 0) : NULL;
    if (it) {
        render_slide s = {.layout = it, .image = tall, .image_key = tall};
        render_draw_slide(rd, &s);
        int mid_y = (it->frame.header.y + it->frame.header.h + it->frame.title.y) / 2;
        CHECKF(pixel(target->w / 2, mid_y) == 0xffffff, "picture %06x",
               pixel(target->w / 2, mid_y));
        CHECKF(luminance(pixel(target->w / 8, mid_y)) < 0.5 &&
                   luminance(pixel(target->w * 7 / 8, mid_y)) < 0.5,
               "bars %06x %06x", pixel(target->w / 8, mid_y),
               pixel(target->w * 7 / 8, mid_y));
        /* The software renderer keeps no second copy of a drawn picture,
         * and makes it again for the next drawing. */
        size_t held = render_get_bytes(rd).images;
        CHECKF(held == 0, "%zu bytes of picture texture held after drawing", held);
        SDL_FillRect(target, NULL, 0);
        render_draw_slide(rd, &s);
        CHECKF(pixel(target->w / 2, mid_y) == 0xffffff, "picture drawn again %06x",
               pixel(target->w / 2, mid_y));
        render_flush(rd);
    }
    SDL_FreeSurface(tall);
    SDL_FreeSurface(a);
    deck_destroy(d);
    unlink(path);
}

/* A high item: the badge in the accent colour beside the title. */
static void test_badge(render *rd, fonts *f, const config *cfg)
{
    static const char json[] =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{"
        "\"id\":\"h\",\"title\":\"停水通知\",\"content_text\":\"明日停水。\","
        "\"_signage\":{\"priority\":\"high\"}}]}";
    deck *d = one_item(json, f, cfg, false);
    const layout_item *it = d ? deck_layout(d, 0) : NULL;
    CHECK(it && it->frame.badge.w > 0);
    if (it && it->frame.badge.w > 0) {
        render_slide s = {.layout = it};
        render_draw_slide(rd, &s);
        const layout_rect *b = &it->frame.badge;
        Uint32 accent =
            (Uint32)cfg->accent.r << 16 | (Uint32)cfg->accent.g << 8 | cfg->accent.b;
        CHECKF(pixel(b->x + 1, b->y + 1) == accent &&
                   pixel(b->x + b->w - 2, b->y + b->h - 2) == accent,
               "badge %06x, accent %06x", pixel(b->x + 1, b->y + 1), accent);
        CHECKF(contrast_in(*b) >= 4.5, "badge contrast %.2f", contrast_in(*b));
    }
    deck_destroy(d);
}

int main(void)
{
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    CHECK(SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0);
    target = SDL_CreateRGBSurfaceWithFormat(0, 1280, 720, 32, SDL_PIXELFORMAT_ARGB8888);
    r = SDL_CreateSoftwareRenderer(target);
    config cfg;
    config_defaults(&cfg);
    cfg.enlarge_short = false;
    fonts *f = fonts_create(NULL, NULL, "zh");
    CHECK(f != NULL && r != NULL);
    if (!f || !r)
        return test_done("render");
    layout_measure m = fonts_measure(f);
    feed *fd = feed_parse(feed_json, strlen(feed_json), "test");
    CHECK(fd && fd->n_items == 2);
    layout_params base = params_layout(&cfg, 1280, 720);
    base.body_size = 0.045; /* the size whose lines the checks below were written for */
    base.title_size = 0.068;
    deck_limits lim = params_deck(&cfg);
    deck *d = deck_create(fd, &base, &lim, &m, NULL);
    render_theme theme = params_theme(&cfg);
    render *rd = render_create(r, f, &theme);
    const layout_item *it = deck_layout(d, 0);
    CHECKF(it->n_lines >= 2, "%d lines", it->n_lines);
    render_slide s = {.layout = it, .page = 0, .clock = "09:30", .day = "7月1日 星期一"};
    render_draw_slide(rd, &s);
    Uint32 bg =
        SDL_MapRGB(target->format, cfg.background.r, cfg.background.g, cfg.background.b);
    CHECK(pixel(2, target->h - 3) == (bg & 0xffffff));
    int right = it->frame.body.x + it->frame.body.w, short_justified = 0;
    for (int i = 0; i < it->n_lines; i++) {
        if (it->lines[i].justify &&
            it->lines[i].width < it->frame.body.w - it->body_px / 2)
            short_justified++;
        int y = it->frame.body.y + i * it->body_line_h; /* one paragraph: no gaps */
        int ink = rightmost_ink(y, y + it->body_line_h, bg);
        if (it->lines[i].justify)
            CHECKF(ink >= right - it->body_px / 3 && ink < right,
                   "justified line %d ends at %d, margin %d", i, ink, right);
        else
            CHECKF(ink < right - it->body_px, "last line %d ends at %d, margin %d", i,
                   ink, right);
    }
    /* Lines broken before a long Latin word are well short of the margin
     * as measured: only justification brings their ink to it. */
    CHECKF(short_justified >= 1, "no justified line was short (%d lines)", it->n_lines);
    /* The same page again: every texture from the cache. */
    size_t bytes = render_cache_bytes(rd);
    CHECK(bytes > 0);
    render_draw_slide(rd, &s);
    CHECK(render_cache_bytes(rd) == bytes);

    /* Urgent: its own background, not the theme's. */
    render_slide u = {.layout = deck_layout(d, 1), .page = 0};
    render_draw_slide(rd, &u);
    CHECK(pixel(2, target->h - 3) != (bg & 0xffffff));

    /* The waiting slide: background with the clock drawn in the middle. */
    render_draw_waiting(rd, 1280, 720,
                        &(render_waiting){.clock = "09:30",
                                          .day = "7月1日 星期一",
                                          .status = "正在获取最新信息……",
                                          .label_px = 40});
    CHECK(rightmost_ink(300, 420, bg) > 640);
    render_draw_off(rd);
    CHECK(pixel(640, 360) == 0);
    test_marks_in_box(rd, f, &cfg, bg);
    test_kinds_drawn(rd, f, &cfg, bg);
    test_header_sizes(f, &cfg);
    test_header_fit(f, &cfg);
    test_header_lunar(f, &cfg);
    test_header_short_name(f, &cfg);
    test_cache_one_slide(rd, f, &cfg);
    test_urgent_theme(f, &cfg);
    test_clock_minutes(rd, it);
    test_urgent_fills(rd, f, &cfg);
    test_photo_scrim(rd, f, &cfg);
    test_fit(rd, f, &cfg);
    test_badge(rd, f, &cfg);

    render_destroy(rd);
    deck_destroy(d);
    fonts_destroy(f);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(target);
    TTF_Quit();
    SDL_Quit();
    return test_done("render");
}
