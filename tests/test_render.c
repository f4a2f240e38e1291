/* render with the real fonts on SDL's software renderer: justified lines
 * reach the right margin and paragraph ends do not, rules, quotes, table
 * columns and code are drawn, the urgent template has its own colours, a page drawn again
 * is served from the texture cache, and the waiting slide is never blank. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <string.h>

#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
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
    render_draw_waiting(rd, 1280, 720, "00:00", s.day, NULL);
    size_t held = render_textures(rd);
    for (int m = 1; m < 180; m++) {
        char clock[8];
        snprintf(clock, sizeof clock, "%02d:%02d", m / 60, m % 60);
        s.clock = clock;
        render_draw_slide(rd, &s);
        if (m % 30 == 0)
            render_draw_waiting(rd, 1280, 720, clock, s.day, NULL);
    }
    CHECKF(render_textures(rd) <= held, "%zu textures after 3 hours, %zu after a minute",
           render_textures(rd), held);
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
    render_draw_waiting(rd, 1280, 720, "09:30", "7月1日 星期一", "正在获取最新信息……");
    CHECK(rightmost_ink(300, 420, bg) > 640);
    render_draw_off(rd);
    CHECK(pixel(640, 360) == 0);
    test_marks_in_box(rd, f, &cfg, bg);
    test_kinds_drawn(rd, f, &cfg, bg);
    test_clock_minutes(rd, it);

    render_destroy(rd);
    deck_destroy(d);
    fonts_destroy(f);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(target);
    TTF_Quit();
    SDL_Quit();
    return test_done("render");
}
