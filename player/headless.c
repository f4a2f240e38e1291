/* The headless modes: --snapshot writes every page of the feed as PNG,
 * --layout-dump prints every page as JSON. No display: SDL's dummy video
 * driver and the software renderer on a surface. */
#define LOG_MODULE "headless"
#include <cJSON.h>
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "headless.h"
#include "deck.h"
#include "log.h"
#include "media.h"
#include "params.h"
#include "render.h"
#include "rotation.h"
#include "source.h"
#include "schedule.h"
#include "slide.h"
#include "timefmt.h"
#include "tz.h"

typedef struct {
    source *src;
    media *media;
    deck *deck; /* NULL when there is no feed to show */
    int w, h;
} stage;

static bool stage_open(stage *st, const config *cfg, const app_options *opt)
{
    memset(st, 0, sizeof *st);
    st->w = opt->width > 0 ? opt->width : 1920;
    st->h = opt->height > 0 ? opt->height : 1080;
    if (!getenv("SDL_VIDEODRIVER"))
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        LOG_ERR("SDL: %s", SDL_GetError());
        return false;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    source_params sp = params_source(cfg);
    st->src = source_create(&sp, NULL, NULL);
    media_params mp = params_media(cfg);
    st->media = media_create(&mp, st->src, NULL, NULL); /* waits for images */
    if (!st->media)
        return false;
    if (st->src) {
        source_wait_first(st->src, opt->wait_ms > 0 ? opt->wait_ms : 15000);
        feed *f = source_take_feed(st->src);
        if (f)
            st->deck = slide_deck(f, cfg, st->w, st->h, st->media, st->src);
    }
    return true;
}

static void stage_close(stage *st)
{
    deck_destroy(st->deck);
    media_destroy(st->media);
    source_destroy(st->src);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

static int64_t wall_now(const app_options *opt)
{
    return opt->has_now ? opt->now : (int64_t)time(NULL);
}

/* A file name that shows what the page is: 003-health-check-p01.png */
static void page_file(char *buf, size_t size, const char *dir, size_t item,
                      const char *id, int page)
{
    char safe[48];
    size_t n = 0;
    for (const char *p = id; *p && n < sizeof safe - 1; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_';
        safe[n++] = ok ? c : '_';
    }
    safe[n] = '\0';
    snprintf(buf, size, "%s/%03zu-%s-p%02d.png", dir, item + 1, safe, page + 1);
}

static bool save(SDL_Surface *s, const char *path)
{
    if (IMG_SavePNG(s, path) != 0) {
        LOG_ERR("cannot write %s: %s", path, SDL_GetError());
        return false;
    }
    printf("%s\n", path);
    return true;
}

static bool snapshot_pages(stage *st, render *rd, SDL_Renderer *r, SDL_Surface *target,
                           const char *dir, tz *zone, int64_t now)
{
    char clock[16], day[64], path[4096];
    timefmt_clock(zone, now, clock, sizeof clock);
    timefmt_day(zone, now, day, sizeof day);
    const feed *f = deck_feed(st->deck);
    for (size_t i = 0; i < deck_count(st->deck); i++) {
        const feed_item *item = &f->items[i];
        const layout_item *it = deck_layout(st->deck, i);
        for (int p = 0; p < it->n_pages; p++) {
            slide_draw(rd, st->media, zone, item, it, p, clock, day);
            SDL_RenderPresent(r);
            page_file(path, sizeof path, dir, i, item->id, p);
            if (!save(target, path))
                return false;
        }
    }
    return true;
}

int headless_snapshot(const config *cfg, const app_options *opt, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        LOG_ERRNO("cannot create %s", dir);
        return 1;
    }
    stage st;
    if (!stage_open(&st, cfg, opt)) {
        stage_close(&st);
        return 1;
    }
    SDL_Surface *target =
        SDL_CreateRGBSurfaceWithFormat(0, st.w, st.h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = target ? SDL_CreateSoftwareRenderer(target) : NULL;
    if (!r) {
        LOG_ERR("software renderer: %s", SDL_GetError());
        SDL_FreeSurface(target);
        stage_close(&st);
        return 1;
    }
    render_theme theme = params_theme(cfg);
    render *rd = render_create(r, media_fonts(st.media), &theme);
    int64_t now = wall_now(opt);
    tz *zone = tz_create(cfg->time_zone);
    bool ok = false;
    if (zone && st.deck && deck_count(st.deck) > 0) {
        ok = snapshot_pages(&st, rd, r, target, dir, zone, now);
    } else if (zone) {
        char clock[16], day[64], path[4096];
        timefmt_clock(zone, now, clock, sizeof clock);
        timefmt_day(zone, now, day, sizeof day);
        source_status ss = {0};
        if (st.src)
            source_get_status(st.src, &ss);
        render_draw_waiting(rd, st.w, st.h, clock, day,
                            ss.result == SOURCE_ERROR ? "暂时无法获取信息，正在重试……"
                                                      : "正在获取最新信息……");
        SDL_RenderPresent(r);
        snprintf(path, sizeof path, "%s/000-waiting.png", dir);
        ok = save(target, path);
    }
    tz_destroy(zone);
    render_destroy(rd);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(target);
    stage_close(&st);
    return ok ? 0 : 1;
}

static cJSON *dump_line(const layout_line *ln)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "text", ln->text);
    cJSON_AddNumberToObject(o, "width", ln->width);
    cJSON_AddNumberToObject(o, "indent", ln->indent);
    cJSON_AddBoolToObject(o, "para_end", ln->para_end);
    cJSON_AddBoolToObject(o, "justify", ln->justify);
    return o;
}

static cJSON *dump_item(const feed_item *item, const layout_item *it, bool open)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", item->id);
    cJSON_AddBoolToObject(o, "open", open);
    cJSON_AddStringToObject(o, "priority", feed_priority_name(item->signage.priority));
    cJSON_AddBoolToObject(o, "image", it->frame.image.w > 0);
    cJSON_AddNumberToObject(o, "title_px", it->title_px);
    cJSON_AddNumberToObject(o, "font_px", it->body_px);
    cJSON_AddNumberToObject(o, "box_width", it->frame.body.w);
    cJSON_AddNumberToObject(o, "box_height", it->frame.body.h);
    cJSON *title = cJSON_AddArrayToObject(o, "title");
    for (int i = 0; i < it->n_title_lines; i++)
        cJSON_AddItemToArray(title, dump_line(&it->title_lines[i]));
    cJSON *pages = cJSON_AddArrayToObject(o, "pages");
    for (int p = 0; p < it->n_pages; p++) {
        const layout_page *pg = &it->pages[p];
        cJSON *po = cJSON_CreateObject();
        cJSON_AddNumberToObject(po, "seconds", pg->seconds);
        cJSON_AddNumberToObject(po, "chars", pg->chars);
        cJSON *lines = cJSON_AddArrayToObject(po, "lines");
        for (int l = pg->first; l < pg->first + pg->count; l++)
            cJSON_AddItemToArray(lines, dump_line(&it->lines[l]));
        cJSON_AddItemToArray(pages, po);
    }
    return o;
}

/* The next rounds of the rotation from now (ids, at most 64 slides), played
 * through the loop's own rotation: each page's end is the next tick. */
static void dump_rotation(cJSON *out, rotation *r, int64_t now, size_t picks)
{
    rotation_view v = rotation_get(r);
    for (size_t k = 0; k < picks && k < 64 && v.item >= 0;) {
        if (v.page == 0) {
            cJSON_AddItemToArray(out,
                                 cJSON_CreateString(deck_feed(v.deck)->items[v.item].id));
            k++;
        }
        rotation_tick(r, now, v.until);
        v = rotation_get(r);
    }
}

/* The feed's items and what the loop would show from now: screen state,
 * which items are open, and the rotation, so admins and tests can check a
 * feed's _signage fields without waiting. Takes the stage's deck. */
static bool dump_feed(cJSON *root, const config *cfg, stage *st, int64_t now)
{
    tz *zone = tz_create(cfg->time_zone);
    if (!zone)
        return false;
    schedule_params sp = params_schedule(cfg, zone);
    schedule *s = schedule_create(&sp);
    rotation *r = rotation_create(s, st->w, st->h);
    deck *d = st->deck;
    st->deck = NULL; /* the rotation's now */
    rotation_new_deck(r, d, now, 0);
    const feed *f = deck_feed(d);
    cJSON *items = cJSON_GetObjectItem(root, "items");
    for (size_t i = 0; i < deck_count(d); i++)
        cJSON_AddItemToArray(items, dump_item(&f->items[i], deck_layout(d, i),
                                              schedule_item_open(s, &f->items[i], now)));
    cJSON_AddNumberToObject(root, "now", (double)now);
    cJSON_AddBoolToObject(root, "screen_on", schedule_screen_on(s, now));
    dump_rotation(cJSON_AddArrayToObject(root, "rotation"), r, now,
                  f->n_items * (size_t)(cfg->high_ratio + 1));
    rotation_destroy(r);
    schedule_destroy(s);
    tz_destroy(zone);
    return true;
}

int headless_layout_dump(const config *cfg, const app_options *opt, FILE *out)
{
    stage st;
    if (!stage_open(&st, cfg, opt)) {
        stage_close(&st);
        return 1;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "width", st.w);
    cJSON_AddNumberToObject(root, "height", st.h);
    cJSON_AddArrayToObject(root, "items");
    bool ok = !st.deck || dump_feed(root, cfg, &st, wall_now(opt));
    if (ok) {
        char *text = cJSON_Print(root);
        fputs(text, out);
        fputc('\n', out);
        cJSON_free(text);
    }
    cJSON_Delete(root);
    stage_close(&st);
    return ok ? 0 : 1;
}
