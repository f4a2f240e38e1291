#define LOG_MODULE "checkfeed"
#include "checkfeed.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "fetch.h"
#include "image.h"
#include "log.h"
#include "params.h"
#include "text.h"
#include "tz.h"
#include "util.h"

#define WALK_MAX_STEPS 4096 /* schedule changes looked at per item */

/* A schedule that knows only item i, so that its next change is that
 * item's (and the screen hours'), not the whole feed's. */
static schedule *one_item(const schedule_params *sp, const feed *f, size_t i, feed *one)
{
    *one = *f;
    one->n_items = 1;
    one->items = &f->items[i];
    schedule *s = schedule_create(sp);
    schedule_set_feed(s, one);
    return s;
}

/* The spans in [now, now + CHECKFEED_DAYS) when the item is open (and,
 * with screen, the screen on). */
static int walk(const schedule_params *sp, const feed *f, size_t i, int64_t now,
                bool screen, checkfeed_span *out, int max)
{
    feed one;
    schedule *s = one_item(sp, f, i, &one);
    int64_t end = now + CHECKFEED_DAYS * 86400, t = now, from = -1;
    int n = 0;
    for (int step = 0; t < end && step < WALK_MAX_STEPS; step++) {
        bool on =
            schedule_item_open(s, one.items, t) && (!screen || schedule_screen_on(s, t));
        if (on && from < 0)
            from = t;
        if (!on && from >= 0) {
            if (n < max)
                out[n] = (checkfeed_span){from, t};
            n++;
            from = -1;
        }
        int64_t next = schedule_next_change(s, t);
        t = next < end ? next : end;
    }
    if (from >= 0) {
        if (n < max)
            out[n] = (checkfeed_span){from, end};
        n++;
    }
    schedule_destroy(s);
    return n;
}

int checkfeed_spans(const schedule_params *sp, const feed *f, size_t i, int64_t now,
                    checkfeed_span *out, int max)
{
    return walk(sp, f, i, now, true, out, max);
}

static const char *why_closed(const schedule_params *sp, const feed *f,
                              const feed_item *it, int64_t now)
{
    const feed_signage *g = &it->signage;
    if (it->blocked)
        return "blocked by the blocklist";
    bool scheduled = g->has_start || g->has_end || g->days || g->n_hours;
    if (g->has_enabled && !g->enabled)
        return "disabled (_signage.enabled is false)";
    if (g->has_start && g->has_end && g->end <= g->start)
        return "_signage.end is not after _signage.start";
    if (g->has_end && g->end <= now)
        return "ended (_signage.end has passed)";
    if (!scheduled && f->expired)
        return "the feed is marked expired";
    if (!scheduled && sp->max_age_days > 0 && it->has_date_published &&
        it->date_published + (int64_t)sp->max_age_days * 86400 <= now)
        return "older than max_age_days";
    if (g->has_start && g->start > now + CHECKFEED_DAYS * 86400)
        return "starts after the next 7 days";
    return "no opening in the next 7 days";
}

checkfeed_state checkfeed_item_state(const schedule_params *sp, const feed *f, size_t i,
                                     int64_t now, const char **why)
{
    checkfeed_span first;
    *why = NULL;
    if (walk(sp, f, i, now, false, &first, 1) == 0) {
        *why = why_closed(sp, f, &f->items[i], now);
        return CHECKFEED_SKIPPED;
    }
    return first.from <= now ? CHECKFEED_OPEN : CHECKFEED_WAITING;
}

/* ---- raw bytes ---- */

static char *raw_remote(const config *cfg, size_t *len, char *err, size_t err_size)
{
    fetch *f = fetch_create();
    fetch_request req = {
        .url = cfg->feed,
        .kind = FETCH_KIND_JSON,
        .max_bytes = (size_t)cfg->max_feed_bytes,
        .connect_timeout_ms = cfg->connect_timeout * 1000L,
        .total_timeout_ms = cfg->total_timeout * 1000L,
        .ca_file = cfg->ca_file,
    };
    fetch_response r;
    char *body = NULL;
    if (fetch_get(f, &req, &r) == FETCH_OK) {
        body = r.body;
        *len = r.len;
        r.body = NULL;
    } else {
        snprintf(err, err_size, "%s: %s", fetch_result_name(r.result), r.error);
    }
    fetch_response_free(&r);
    fetch_destroy(f);
    return body;
}

char *checkfeed_raw(const config *cfg, size_t *len, char *err, size_t err_size)
{
    if (fetch_is_remote_url(cfg->feed))
        return raw_remote(cfg, len, err, err_size);
    const char *path =
        strncasecmp(cfg->feed, "file://", 7) == 0 ? cfg->feed + 7 : cfg->feed;
    char *buf = read_file_capped(path, (size_t)cfg->max_feed_bytes, len);
    if (!buf)
        snprintf(err, err_size, "%s: %s", path, read_file_error(errno));
    return buf;
}

/* ---- warnings ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
add_warning(char **list, int *n, const char *fmt, ...)
{
    if (*n >= CHECKFEED_MAX_WARNINGS)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    list[(*n)++] = xstrdup(buf);
}

#define WARN(ci, ...) add_warning((ci)->warnings, &(ci)->n_warnings, __VA_ARGS__)

static void check_image(checkfeed_item *ci, const config *cfg, source *src,
                        const char *url)
{
    const char *path = src ? source_image_path(src, url) : NULL;
    size_t len;
    char *data =
        path ? read_file_capped(path, IMAGE_MAX_FILE_BYTES + CACHE_HEADER_SIZE, &len)
             : NULL;
    if (!data) {
        WARN(ci,
             "image %s: missing (not downloaded or not readable; the slide shows "
             "without it)",
             url);
        return;
    }
    const void *p = data;
    size_t plen = len;
    bool intact = true;
    image_format fmt;
    int w, h;
    if (cache_unwrap(data, len, &p, &plen, &intact) && !intact)
        WARN(ci, "image %s: its cached copy is damaged", url);
    else if (!image_probe(p, plen, &fmt, &w, &h))
        WARN(ci, "image %s: refused (not PNG, JPEG, GIF, WebP or BMP, or a bad header)",
             url);
    else if ((int64_t)w * h > cfg->max_image_pixels)
        WARN(ci, "image %s: refused (%dx%d pixels, more than max_image_pixels %d)", url,
             w, h, cfg->max_image_pixels);
    free(data);
}

/* White space, which cleaning may fold; controls and invisible format
 * characters are not: cleaning dropping them is worth a warning. */
static bool blank(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0xa0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202f || cp == 0x205f;
}

/* Code points that are not white space. */
static size_t visible(const char *s)
{
    size_t n = 0, len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += text_utf8_next(s + i, len - i, &cp);
        n += !blank(cp);
    }
    return n;
}

static void check_dropped(checkfeed_item *ci, const feed_item *it, const cJSON *raw)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(raw, "content_text");
    if (cJSON_IsString(t) && visible(it->body) < visible(t->valuestring))
        WARN(ci,
             "text: %zu character(s) dropped by cleaning (control or format "
             "characters, or past the %d KiB cap)",
             visible(t->valuestring) - visible(it->body), FEED_MAX_TEXT / 1024);
    t = cJSON_GetObjectItemCaseSensitive(raw, "title");
    if (cJSON_IsString(t) && visible(it->title) < visible(t->valuestring))
        WARN(ci, "title: %zu character(s) dropped by cleaning",
             visible(t->valuestring) - visible(it->title));
}

static void check_signage_fields(char **list, int *n, const char *who, const cJSON *raw)
{
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(raw, "_signage");
    const cJSON *f;
    if (!cJSON_IsObject(sig))
        return;
    cJSON_ArrayForEach(f, sig)
    {
        if (!feed_signage_known(f->string))
            add_warning(list, n, "%s_signage.%s: unknown field, ignored", who, f->string);
    }
}

static void check_glyphs(checkfeed_item *ci, fonts *fo, const char *s)
{
    char shown[64] = "";
    size_t used = 0, len = strlen(s), missing = 0;
    for (size_t i = 0; i < len && missing < 1000;) {
        uint32_t cp;
        i += text_utf8_next(s + i, len - i, &cp);
        if (blank(cp) || cp < 0x20 || cp == TEXT_UTF8_INVALID || fonts_has_glyph(fo, cp))
            continue;
        char code[12];
        snprintf(code, sizeof code, "U+%04X", (unsigned)cp);
        if (!strstr(shown, code) && used + strlen(code) + 2 < sizeof shown)
            used += (size_t)snprintf(shown + used, sizeof shown - used, "%s%s",
                                     used ? " " : "", code);
        missing++;
    }
    if (missing)
        WARN(ci, "%zu character%s no font has (drawn as boxes): %s", missing,
             missing == 1 ? "" : "s", shown);
}

/* ---- the report ---- */

static void span_label(tz *zone, const checkfeed_span *s, int64_t now, char *out,
                       size_t size)
{
    static const char *const wd[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    tz_time a, b;
    if (s->from <= now && s->to >= now + CHECKFEED_DAYS * 86400) {
        snprintf(out, size, "all the next %d days", CHECKFEED_DAYS);
        return;
    }
    tz_local(zone, s->from, &a);
    tz_local(zone, s->to, &b);
    if (a.days == b.days)
        snprintf(out, size, "%s %02d-%02d %02d:%02d-%02d:%02d", wd[a.weekday], a.month,
                 a.day, a.hour, a.minute, b.hour, b.minute);
    else
        snprintf(out, size, "%s %02d-%02d %02d:%02d - %s %02d-%02d %02d:%02d",
                 wd[a.weekday], a.month, a.day, a.hour, a.minute, wd[b.weekday], b.month,
                 b.day, b.hour, b.minute);
}

static void item_schedule(checkfeed_item *ci, const schedule_params *sp, const feed *f,
                          size_t i, int64_t now)
{
    ci->state = checkfeed_item_state(sp, f, i, now, &ci->why);
    if (f->items[i].blocked) {
        snprintf(ci->why_blocked, sizeof ci->why_blocked, "blocked: %s",
                 f->items[i].blocked);
        ci->why = ci->why_blocked;
    }
    ci->n_spans = checkfeed_spans(sp, f, i, now, ci->spans, CHECKFEED_MAX_SPANS);
    for (int k = 0; k < ci->n_spans && k < CHECKFEED_MAX_SPANS; k++)
        span_label(sp->zone, &ci->spans[k], now, ci->span_text[k],
                   sizeof ci->span_text[k]);
}

static void item_pages(checkfeed_item *ci, const layout_item *lay)
{
    ci->n_pages = lay->n_pages;
    ci->seconds = xcalloc((size_t)lay->n_pages, sizeof *ci->seconds);
    for (int p = 0; p < lay->n_pages; p++) {
        ci->seconds[p] = lay->pages[p].seconds;
        ci->total_seconds += lay->pages[p].seconds;
    }
}

/* Raw item objects by the index of the parsed item they became; items the
 * parser skipped become feed-level warnings. */
static const cJSON **raw_items(checkfeed_report *r, const feed *f, const cJSON *root)
{
    const cJSON **by = xcalloc(f->n_items ? f->n_items : 1, sizeof *by);
    const cJSON *it;
    size_t skipped = 0, seen = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "items"))
    {
        if (++seen > FEED_MAX_ITEMS)
            break;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        char num[32];
        if (cJSON_IsNumber(id))
            snprintf(num, sizeof num, "%.17g", id->valuedouble);
        long k = cJSON_IsString(id)   ? feed_find(f, id->valuestring)
                 : cJSON_IsNumber(id) ? feed_find(f, num)
                                      : -1;
        if (k >= 0 && !by[k])
            by[k] = it;
        else if (k < 0)
            skipped++;
    }
    if (skipped)
        add_warning(r->warnings, &r->n_warnings,
                    "%zu items skipped by the player (the log above says why)", skipped);
    check_signage_fields(r->warnings, &r->n_warnings, "feed: ", root);
    return by;
}

static void build_item(checkfeed_item *ci, const config *cfg, const schedule_params *sp,
                       deck *d, size_t i, const cJSON *raw, source *src, fonts *fo,
                       int64_t now)
{
    const feed *f = deck_feed(d);
    const feed_item *it = &f->items[i];
    ci->id = xstrdup(it->id);
    ci->title = xstrdup(it->title);
    item_schedule(ci, sp, f, i, now);
    item_pages(ci, deck_layout(d, i));
    ci->airtime = deck_airtime(d, i);
    ci->qr = deck_qr(d, i) != NULL;
    if (feed_item_image(it))
        check_image(ci, cfg, src, feed_item_image(it));
    if (raw) {
        check_signage_fields(ci->warnings, &ci->n_warnings, "", raw);
        check_dropped(ci, it, raw);
    }
    if (fo) {
        check_glyphs(ci, fo, it->title);
        check_glyphs(ci, fo, it->body);
    }
}

static void now_label(checkfeed_report *r, tz *zone)
{
    tz_time t;
    tz_local(zone, r->now, &t);
    snprintf(r->now_text, sizeof r->now_text, "%04d-%02d-%02d %02d:%02d", t.year, t.month,
             t.day, t.hour, t.minute);
}

checkfeed_report *checkfeed_build(const config *cfg, deck *d, const char *raw,
                                  size_t raw_len, source *src, fonts *fo, int64_t now)
{
    checkfeed_report *r = xcalloc(1, sizeof *r);
    const feed *f = deck_feed(d);
    tz *zone = tz_create(cfg->time_zone);
    schedule_params sp = params_schedule(cfg, zone);
    cJSON *root = raw ? cJSON_ParseWithLength(raw, raw_len) : NULL;
    const cJSON **by = raw_items(r, f, root);
    r->now = now;
    now_label(r, zone);
    r->n_items = f->n_items;
    r->items = xcalloc(f->n_items ? f->n_items : 1, sizeof *r->items);
    for (size_t i = 0; i < f->n_items; i++)
        build_item(&r->items[i], cfg, &sp, d, i, by[i], src, fo, now);
    free(by);
    cJSON_Delete(root);
    tz_destroy(zone);
    return r;
}

checkfeed_report *checkfeed_refused(int64_t now, const char *error)
{
    checkfeed_report *r = xcalloc(1, sizeof *r);
    r->now = now;
    r->refused = true;
    snprintf(r->error, sizeof r->error, "%s", error);
    return r;
}

void checkfeed_destroy(checkfeed_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_items; i++) {
        checkfeed_item *ci = &r->items[i];
        free(ci->id);
        free(ci->title);
        free(ci->seconds);
        for (int k = 0; k < ci->n_warnings; k++)
            free(ci->warnings[k]);
    }
    for (int k = 0; k < r->n_warnings; k++)
        free(r->warnings[k]);
    free(r->items);
    free(r);
}

/* ---- output ---- */

static const char *state_name(checkfeed_state s)
{
    static const char *const names[] = {"open", "waiting", "skipped"};
    return names[s];
}

static void print_item(const checkfeed_item *ci, FILE *out)
{
    fprintf(out, "%-20s %-8s %5d %7d  %s\n", ci->id, state_name(ci->state), ci->n_pages,
            ci->total_seconds, ci->title);
    if (ci->why)
        fprintf(out, "    not shown: %s\n", ci->why);
    for (int k = 0; k < ci->n_spans && k < CHECKFEED_MAX_SPANS; k++)
        fprintf(out, "%s%s", k ? "; " : "    shows: ", ci->span_text[k]);
    if (ci->n_spans > CHECKFEED_MAX_SPANS)
        fprintf(out, "; and %d more", ci->n_spans - CHECKFEED_MAX_SPANS);
    if (ci->n_spans)
        fputc('\n', out);
    if (ci->n_spans == 0 && !ci->why)
        fprintf(out, "    shows: not in the next %d days (outside screen hours)\n",
                CHECKFEED_DAYS);
    fprintf(out, "    pages:");
    for (int p = 0; p < ci->n_pages; p++)
        fprintf(out, " %d s", ci->seconds[p]);
    fputc('\n', out);
    static const char *const capped[] = {
        NULL, "its summary", "its first pages, cut at a sentence end",
        "its summary's first pages, cut at a sentence end"};
    if (ci->airtime != AIRTIME_WHOLE && ci->airtime < AIRTIME_COUNT)
        fprintf(out, "    over the airtime cap: shows %s%s\n", capped[ci->airtime],
                ci->qr ? " and a QR code of its url" : "");
    for (int k = 0; k < ci->n_warnings; k++)
        fprintf(out, "    warning: %s\n", ci->warnings[k]);
}

void checkfeed_print(const checkfeed_report *r, FILE *out)
{
    if (r->refused) {
        fprintf(out, "REFUSED: %s\nThe player would keep showing its last good feed.\n",
                r->error);
        return;
    }
    size_t open = 0;
    for (size_t i = 0; i < r->n_items; i++)
        open += r->items[i].state == CHECKFEED_OPEN;
    fprintf(out, "feed OK: %zu items, %zu open at %s, screen %dx%d\n", r->n_items, open,
            r->now_text, r->width, r->height);
    for (int k = 0; k < r->n_warnings; k++)
        fprintf(out, "warning: %s\n", r->warnings[k]);
    fprintf(out, "%-20s %-8s %5s %7s  %s\n", "ID", "NOW", "PAGES", "SECONDS", "TITLE");
    for (size_t i = 0; i < r->n_items; i++)
        print_item(&r->items[i], out);
}

static cJSON *strings(char *const *list, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int k = 0; k < n; k++)
        cJSON_AddItemToArray(a, cJSON_CreateString(list[k]));
    return a;
}

cJSON *checkfeed_item_json(const checkfeed_item *ci)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", ci->id);
    cJSON_AddStringToObject(o, "title", ci->title);
    cJSON_AddStringToObject(o, "now", state_name(ci->state));
    if (ci->why)
        cJSON_AddStringToObject(o, "why", ci->why);
    cJSON *spans = cJSON_AddArrayToObject(o, "shows");
    for (int k = 0; k < ci->n_spans && k < CHECKFEED_MAX_SPANS; k++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "from", (double)ci->spans[k].from);
        cJSON_AddNumberToObject(s, "to", (double)ci->spans[k].to);
        cJSON_AddStringToObject(s, "local", ci->span_text[k]);
        cJSON_AddItemToArray(spans, s);
    }
    cJSON_AddNumberToObject(o, "spans", ci->n_spans);
    cJSON_AddItemToObject(o, "pages", cJSON_CreateIntArray(ci->seconds, ci->n_pages));
    cJSON_AddNumberToObject(o, "seconds", ci->total_seconds);
    cJSON_AddStringToObject(o, "airtime", airtime_how_name(ci->airtime));
    cJSON_AddBoolToObject(o, "qr", ci->qr);
    cJSON_AddItemToObject(o, "warnings", strings(ci->warnings, ci->n_warnings));
    return o;
}

cJSON *checkfeed_json(const checkfeed_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "refused", r->refused);
    cJSON_AddNumberToObject(o, "now", (double)r->now);
    if (r->refused) {
        cJSON_AddStringToObject(o, "error", r->error);
        return o;
    }
    cJSON_AddStringToObject(o, "local", r->now_text);
    cJSON_AddNumberToObject(o, "width", r->width);
    cJSON_AddNumberToObject(o, "height", r->height);
    cJSON_AddItemToObject(o, "warnings", strings(r->warnings, r->n_warnings));
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    for (size_t i = 0; i < r->n_items; i++)
        cJSON_AddItemToArray(items, checkfeed_item_json(&r->items[i]));
    return o;
}
