/* The headless modes: --snapshot writes every page of the feed as PNG,
 * --layout-dump prints every page as JSON. No display: SDL's dummy video
 * driver and the software renderer on a surface. */
#define LOG_MODULE "headless"
#include <cJSON.h>
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkfeed.h"
#include "headless.h"
#include "deck.h"
#include "fetch.h"
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
#include "util.h"

typedef struct {
    source *src;
    media *media;
    deck *deck; /* NULL when there is no feed to show */
    int w, h;
    char clock[16], day[64], lunar[64]; /* the header's, at --now (stage_time) */
} stage;

static bool stage_open(stage *st, const config *cfg, const app_options *opt)
{
    memset(st, 0, sizeof *st);
    st->w = opt->width > 0 ? opt->width : 1920;
    st->h = opt->height > 0 ? opt->height : 1080;
    /* --size is the output's: with [display] rotation the slides are laid
     * out, and the PNGs written, upright at the size a viewer sees. */
    render_logical_size(cfg->rotation, &st->w, &st->h);
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
            st->deck = slide_deck(f, cfg, st->w, st->h, NULL, st->media, st->src);
    }
    return true;
}

/* The header's strings at now. */
static void stage_time(stage *st, tz *zone, int64_t now, const config *cfg)
{
    timefmt_clock(zone, now, st->clock, sizeof st->clock);
    timefmt_day(zone, now, st->day, sizeof st->day);
    st->lunar[0] = '\0';
    if (cfg->lunar_date)
        timefmt_lunar(zone, now, st->lunar, sizeof st->lunar);
}

static void stage_draw(stage *st, render *rd, tz *zone, size_t i, int page)
{
    slide_draw(rd, st->media, zone, st->deck, i, page, st->clock, st->day,
               st->lunar[0] ? st->lunar : NULL);
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
static void page_name(char *buf, size_t size, size_t item, const char *id, int page)
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
    snprintf(buf, size, "%03zu-%s-p%02d.png", item + 1, safe, page + 1);
}

static void page_file(char *buf, size_t size, const char *dir, size_t item,
                      const char *id, int page)
{
    char name[80];
    page_name(name, sizeof name, item, id, page);
    snprintf(buf, size, "%s/%s", dir, name);
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
                           const char *dir, tz *zone)
{
    char path[4096];
    const feed *f = deck_feed(st->deck);
    for (size_t i = 0; i < deck_count(st->deck); i++) {
        const feed_item *item = &f->items[i];
        const layout_item *it = deck_layout(st->deck, i);
        for (int p = 0; p < it->n_pages; p++) {
            stage_draw(st, rd, zone, i, p);
            SDL_RenderPresent(r);
            page_file(path, sizeof path, dir, i, item->id, p);
            if (!save(target, path))
                return false;
        }
    }
    return true;
}

/* The slide after item i's page p in the deck's order: (i, p + 1), else the
 * next item's first page, else the first item's. */
static void next_page(deck *d, size_t *i, int *p)
{
    if (*p + 1 < deck_layout(d, *i)->n_pages) {
        (*p)++;
        return;
    }
    *p = 0;
    *i = *i + 1 < deck_count(d) ? *i + 1 : 0;
}

/* --snapshot-transition: the first slide, then the next, drawn into pages
 * as the loop draws them, and n frames of the transition between them
 * composed at even times from its start (frame 1) to its end (frame n). */
static bool snapshot_transition(stage *st, render *rd, SDL_Renderer *r,
                                SDL_Surface *target, const char *dir, tz *zone, int n,
                                const config *cfg)
{
    char path[4096];
    transition t = {.kind = TRANSITION_FADE, .start = 1000, .ms = cfg->transition_ms};
    transition_kind_from_name(cfg->transition, &t.kind);
    size_t i = 0;
    int p = 0;
    for (int k = 0; k < 2; k++) {
        if (!render_page_begin(rd, k == 1))
            return false;
        stage_draw(st, rd, zone, i, p);
        render_page_end(rd);
        next_page(st->deck, &i, &p);
    }
    for (int k = 0; k < n; k++) {
        uint64_t at = t.start + (uint64_t)t.ms * (uint64_t)k / (uint64_t)(n - 1);
        if (k == n - 1)
            at--; /* the last frame still composed, a hair before the end */
        transition_frame f = transition_at(&t, at, st->w, st->h);
        render_compose(rd, &f);
        SDL_RenderPresent(r);
        snprintf(path, sizeof path, "%s/transition-%02d.png", dir, k + 1);
        if (!save(target, path))
            return false;
    }
    return true;
}

/* With --snapshot-transition and open ticker items: ticker.png, the last
 * page composed with the ticker as it stands 5 s after it started. */
static bool snapshot_ticker(stage *st, render *rd, SDL_Renderer *r, SDL_Surface *target,
                            const char *dir, tz *zone, int64_t now, const config *cfg)
{
    schedule_params sp = params_schedule(cfg, zone);
    schedule *s = schedule_create(&sp);
    char *text = slide_ticker_text(st->deck, s, now);
    schedule_destroy(s);
    if (!text)
        return true;
    render_ticker_strip t = {.footer = deck_layout(st->deck, 0)->frame.footer,
                             .text = text,
                             .speed = cfg->ticker_speed,
                             .start = 0,
                             .now = 5000};
    transition_frame done = {.done = true, .eased = 1.0, .alpha = 255};
    render_compose(rd, &done);
    render_draw_ticker(rd, &t);
    SDL_RenderPresent(r);
    free(text);
    char path[4096];
    snprintf(path, sizeof path, "%s/ticker.png", dir);
    return save(target, path);
}

/* ---- the contact sheet: index.html beside the pages ---- */

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* Item indices in the order the screen shows them from now (the
 * schedule's own picks over a round; *n_open of them), then the rest in
 * feed order: open ones held back (by an urgent item), waiting ones, the
 * ones that will not show. The caller frees. */
static size_t *sheet_order(const config *cfg, const checkfeed_report *rep, const feed *f,
                           int64_t now, size_t *n_open)
{
    size_t *order = xcalloc(f->n_items ? f->n_items : 1, sizeof *order), n = 0;
    bool *seen = xcalloc(f->n_items ? f->n_items : 1, sizeof *seen);
    tz *zone = tz_create(cfg->time_zone);
    schedule_params sp = params_schedule(cfg, zone);
    schedule *s = schedule_create(&sp);
    schedule_set_feed(s, f);
    size_t picks = f->n_items * (size_t)(cfg->high_ratio + 1);
    for (size_t k = 0; k < picks && n < f->n_items; k++) {
        int i = schedule_next(s, now);
        if (i < 0)
            break;
        if (!seen[i])
            order[n++] = (size_t)i;
        seen[i] = true;
    }
    *n_open = n;
    for (int state = CHECKFEED_OPEN; state <= CHECKFEED_SKIPPED; state++)
        for (size_t i = 0; i < f->n_items; i++)
            if (!seen[i] && (int)rep->items[i].state == state)
                order[n++] = i;
    schedule_destroy(s);
    tz_destroy(zone);
    free(seen);
    return order;
}

static const char sheet_style[] =
    "body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#222}"
    "header{background:#102a3c;color:#fff;padding:16px 32px}h1{margin:0;font-size:22px}"
    "main{padding:16px 32px}section{background:#fff;border-radius:8px;margin:0 0 18px;"
    "padding:14px 18px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "section.closed{opacity:.6;border-left:6px solid #999}"
    "h2{font-size:17px;margin:0 0 4px}h2 small{color:#777;font-weight:normal}"
    ".state{margin:0;color:#375}.closed .state{color:#844}"
    ".shows{margin:0;color:#555}ul.warn{margin:6px 0;padding-left:20px;color:#a40}"
    ".pages{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}"
    "figure{margin:0}figure img{width:320px;height:auto;border:1px solid #ccc;"
    "display:block}figcaption{font-size:13px;color:#555}";

/* Marks the body data-images="loaded/total" once the page has loaded, so
 * a headless browser can tell that every thumbnail decoded. */
static const char sheet_script[] =
    "<script>addEventListener('load',function(){var m=document.images,ok=0;"
    "for(var i=0;i<m.length;i++)if(m[i].complete&&m[i].naturalWidth>0)ok++;"
    "document.body.setAttribute('data-images',ok+'/'+m.length);});</script>\n";

static const char *sheet_state(const checkfeed_item *ci, bool shown)
{
    if (shown)
        return "On screen now, in this order";
    if (ci->state == CHECKFEED_OPEN)
        return "Open, but not shown now: an urgent item holds the screen";
    if (ci->state == CHECKFEED_WAITING)
        return "Not open now: waiting for its schedule";
    return "Not open now: ";
}

static void sheet_item(FILE *out, const checkfeed_item *ci, size_t i, int pos, bool shown)
{
    fprintf(out, "<section class=\"%s\"><h2>%d. ", shown ? "open" : "closed", pos);
    html_text(out, ci->title[0] ? ci->title : ci->id);
    fputs(" <small>", out);
    html_text(out, ci->id);
    fprintf(out, "</small></h2>\n<p class=\"state\">%s", sheet_state(ci, shown));
    if (ci->why)
        html_text(out, ci->why);
    fprintf(out, " &middot; %d page%s, %d s</p>\n<p class=\"shows\">Shows: ", ci->n_pages,
            ci->n_pages == 1 ? "" : "s", ci->total_seconds);
    for (int k = 0; k < ci->n_spans && k < CHECKFEED_MAX_SPANS; k++)
        fprintf(out, "%s%s", k ? " &middot; " : "", ci->span_text[k]);
    fputs(ci->n_spans ? "</p>\n" : "not in the next 7 days</p>\n", out);
    if (ci->n_warnings)
        fputs("<ul class=\"warn\">", out);
    for (int k = 0; k < ci->n_warnings; k++) {
        fputs("<li>", out);
        html_text(out, ci->warnings[k]);
        fputs("</li>", out);
    }
    fputs(ci->n_warnings ? "</ul>\n<div class=\"pages\">\n" : "<div class=\"pages\">\n",
          out);
    for (int p = 0; p < ci->n_pages; p++) {
        char name[80];
        page_name(name, sizeof name, i, ci->id, p);
        fprintf(out,
                "<figure><img src=\"%s\" alt=\"page %d\"><figcaption>Page %d of %d "
                "&middot; %d s</figcaption></figure>\n",
                name, p + 1, p + 1, ci->n_pages, ci->seconds[p]);
    }
    fputs("</div></section>\n", out);
}

static void sheet_html(FILE *out, const checkfeed_report *rep, const size_t *order,
                       size_t n_open)
{
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            "<title>Contact sheet</title><style>%s</style></head>\n<body>\n",
            sheet_style);
    fprintf(out,
            "<header><h1>Contact sheet</h1><p>At %s, screen %dx%d: %zu items, %zu on "
            "screen now, in the order it shows them; the others after, "
            "dimmed.</p></header>\n<main>\n",
            rep->now_text, rep->width, rep->height, rep->n_items, n_open);
    for (int k = 0; k < rep->n_warnings; k++) {
        fputs("<p class=\"warn\">", out);
        html_text(out, rep->warnings[k]);
        fputs("</p>\n", out);
    }
    for (size_t k = 0; k < rep->n_items; k++)
        sheet_item(out, &rep->items[order[k]], order[k], (int)k + 1, k < n_open);
    fprintf(out, "</main>\n%s</body></html>\n", sheet_script);
}

/* DIR/index.html: every page written, grouped by item in the screen's
 * order, with the same rows as --check-feed. */
static bool sheet_write(stage *st, const config *cfg, const char *dir, int64_t now)
{
    char err[256], path[4096];
    size_t raw_len = 0;
    char *raw = checkfeed_raw(cfg, &raw_len, err, sizeof err);
    checkfeed_report *rep = checkfeed_build(cfg, st->deck, raw, raw_len, st->src,
                                            media_fonts(st->media), now);
    rep->width = st->w;
    rep->height = st->h;
    size_t n_open;
    size_t *order = sheet_order(cfg, rep, deck_feed(st->deck), now, &n_open);
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *out = fopen(path, "w");
    if (out)
        sheet_html(out, rep, order, n_open);
    bool ok = out && fclose(out) == 0;
    if (!ok)
        LOG_ERR("cannot write %s", path);
    else
        printf("%s\n", path);
    free(order);
    checkfeed_destroy(rep);
    free(raw);
    return ok;
}

/* ---- --check-feed ---- */

/* The cache directory the check uses and removes: never the player's. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[4096];
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static checkfeed_report *check_report(stage *st, const config *cfg, int64_t now)
{
    if (!st->deck) {
        source_status ss = {0};
        if (st->src)
            source_get_status(st->src, &ss);
        return checkfeed_refused(now, ss.message[0] ? ss.message : "no feed");
    }
    char err[256];
    size_t raw_len = 0;
    char *raw = checkfeed_raw(cfg, &raw_len, err, sizeof err);
    checkfeed_report *rep = checkfeed_build(cfg, st->deck, raw, raw_len, st->src,
                                            media_fonts(st->media), now);
    free(raw);
    rep->width = st->w;
    rep->height = st->h;
    return rep;
}

int headless_check_feed(const config *base, const app_options *opt, const char *target,
                        bool json)
{
    config cfg = *base;
    char tmp[512];
    const char *td = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/signage-check-XXXXXX", td && td[0] ? td : "/tmp");
    char *abs = fetch_is_remote_url(target) ? NULL : realpath(target, NULL);
    snprintf(cfg.feed, sizeof cfg.feed, "%s", abs ? abs : target);
    if (strcmp(cfg.feed, base->feed) != 0)
        cfg.feed_signature[0] = '\0'; /* the configured one signs another feed */
    free(abs);
    if (!mkdtemp(tmp)) {
        LOG_ERRNO("cannot create %s", tmp);
        return 2;
    }
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s", tmp);
    stage st;
    checkfeed_report *rep = NULL;
    if (stage_open(&st, &cfg, opt))
        rep = check_report(&st, &cfg, wall_now(opt));
    else
        rep =
            checkfeed_refused(wall_now(opt), "the player could not start (see the log)");
    if (json) {
        cJSON *o = checkfeed_json(rep);
        char *text = cJSON_Print(o);
        puts(text);
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        checkfeed_print(rep, stdout);
    }
    int rc = rep->refused ? 1 : 0;
    checkfeed_destroy(rep);
    stage_close(&st);
    remove_dir(tmp);
    return rc;
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
    slide_log_sizes(cfg, st.w, st.h, NULL); /* no screen: its size is unknown */
    if (zone)
        stage_time(&st, zone, now, cfg);
    if (zone && st.deck && deck_count(st.deck) > 0) {
        ok = snapshot_pages(&st, rd, r, target, dir, zone) &&
             sheet_write(&st, cfg, dir, now) &&
             (opt->transition_frames < 2 ||
              (snapshot_transition(&st, rd, r, target, dir, zone, opt->transition_frames,
                                   cfg) &&
               snapshot_ticker(&st, rd, r, target, dir, zone, now, cfg)));
    } else if (zone) {
        char path[4096];
        source_status ss = {0};
        if (st.src)
            source_get_status(st.src, &ss);
        render_waiting wt = {
            .clock = st.clock,
            .day = st.day,
            .lunar = st.lunar[0] ? st.lunar : NULL,
            .status = ss.result == SOURCE_ERROR ? "暂时无法获取信息，正在重试……"
                                                : "正在获取最新信息……",
            .label_px = params_sizes(cfg, st.w, st.h, NULL).body_px,
        };
        render_draw_waiting(rd, st.w, st.h, &wt);
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
    static const char *const kinds[] = {"body", "heading", "item", "quote",
                                        "rule", "code",    "row",  "break"};
    if (ln->kind > 0 && ln->kind < 8) /* body lines say nothing more */
        cJSON_AddStringToObject(o, "kind", kinds[ln->kind]);
    if (ln->mark)
        cJSON_AddStringToObject(o, "mark", ln->mark);
    return o;
}

/* A zone's box, or null when it has none (the QR plate, the image). */
static cJSON *dump_rect(const layout_rect *q)
{
    if (q->w == 0)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "x", q->x);
    cJSON_AddNumberToObject(o, "y", q->y);
    cJSON_AddNumberToObject(o, "w", q->w);
    cJSON_AddNumberToObject(o, "h", q->h);
    return o;
}

/* The slide's zones, the rectangles its pieces are drawn in (the QR plate
 * on the last page only; a template's band, badge and times line): what
 * tests/screens.py holds the pixels to. */
static cJSON *dump_frame(const layout_frame *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "header", dump_rect(&f->header));
    cJSON_AddItemToObject(o, "title", dump_rect(&f->title));
    cJSON_AddItemToObject(o, "body", dump_rect(&f->body));
    cJSON_AddItemToObject(o, "image", dump_rect(&f->image));
    cJSON_AddItemToObject(o, "footer", dump_rect(&f->footer));
    cJSON_AddItemToObject(o, "qr", dump_rect(&f->qr));
    cJSON_AddItemToObject(o, "band", dump_rect(&f->band));
    cJSON_AddItemToObject(o, "badge", dump_rect(&f->badge));
    cJSON_AddItemToObject(o, "meta", dump_rect(&f->meta));
    return o;
}

static cJSON *dump_item(const feed_item *item, deck *d, size_t k, bool open)
{
    const layout_item *it = deck_layout(d, k);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", item->id);
    cJSON_AddBoolToObject(o, "open", open); /* a blocked item is never open */
    if (item->blocked)
        cJSON_AddStringToObject(o, "blocked", item->blocked);
    cJSON_AddStringToObject(o, "priority", feed_priority_name(item->signage.priority));
    if (item->signage.ticker) /* in the footer, never in "rotation" */
        cJSON_AddBoolToObject(o, "ticker", true);
    cJSON_AddBoolToObject(o, "image", it->frame.image.w > 0);
    cJSON_AddStringToObject(o, "template", template_name(it->kind));
    cJSON_AddNumberToObject(o, "title_px", it->title_px);
    cJSON_AddNumberToObject(o, "font_px", it->body_px);
    cJSON_AddNumberToObject(o, "box_width", it->frame.body.w);
    cJSON_AddNumberToObject(o, "box_height", it->frame.body.h);
    cJSON_AddStringToObject(o, "airtime", airtime_how_name(deck_airtime(d, k)));
    cJSON_AddItemToObject(o, "qr", dump_rect(&it->frame.qr));
    cJSON_AddItemToObject(o, "frame", dump_frame(&it->frame));
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
        cJSON_AddItemToArray(items, dump_item(&f->items[i], d, i,
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
