#define LOG_MODULE "slide"
#include "slide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "params.h"
#include "timefmt.h"
#include "util.h"

bool *slide_images(source *src, const feed *f)
{
    bool *has = xcalloc(f->n_items, sizeof *has);
    for (size_t i = 0; src && i < f->n_items; i++) {
        const feed_item *item = &f->items[i];
        const char *url = feed_item_image(item);
        has[i] = url && source_image_path(src, url) != NULL;
    }
    return has;
}

static bool has_ticker(const feed *f)
{
    for (size_t i = 0; i < f->n_items; i++)
        if (f->items[i].signage.ticker)
            return true;
    return false;
}

deck *slide_deck(feed *f, const config *cfg, int screen_w, int screen_h,
                 const sizes_panel *panel, media *m, source *src)
{
    bool *has_image = slide_images(src, f);
    layout_params base = params_layout_panel(cfg, screen_w, screen_h, panel);
    base.ticker = has_ticker(f);
    deck_limits lim = params_deck(cfg);
    deck *d = deck_create(f, &base, &lim, media_measure(m), has_image);
    free(has_image);
    return d;
}

void slide_log_sizes(const config *cfg, int screen_w, int screen_h,
                     const sizes_panel *panel)
{
    sizes_text t = params_sizes(cfg, screen_w, screen_h, panel);
    LOG_INFO("text sizes for %dx%d: panel size from %s, %.3f mm per px; body %d px "
             "(%.1f mm of ink, for %.1f m%s), title %d px",
             screen_w, screen_h, sizes_source_name(t.source), t.mm_per_px, t.body_px,
             t.body_ink_mm, cfg->viewing_distance,
             cfg->body_size > 0 ? ": body_size set"
             : t.capped         ? ": capped to what the screen holds"
                                : "",
             t.title_px);
}

/* "<label> 7月2日 星期二 10:00" in zone, into buf. */
static void when(tz *zone, const char *label, int64_t t, char *buf, size_t size)
{
    char day[64], clock[16];
    timefmt_day(zone, t, day, sizeof day);
    timefmt_clock(zone, t, clock, sizeof clock);
    snprintf(buf, size, "%s %s %s", label, day, clock);
}

void slide_draw(render *rd, media *m, tz *zone, deck *d, size_t i, int page,
                const char *clock, const char *day, const char *lunar)
{
    const feed_item *item = &deck_feed(d)->items[i];
    const layout_item *it = deck_layout(d, i);
    char date[64] = "";
    if (item->has_date_published &&
        it->kind != TEMPLATE_URGENT) /* urgent: its meta line */
        timefmt_date(zone, item->date_published, date, sizeof date);
    char issued[128] = "", ends[128] = "";
    if (it->kind == TEMPLATE_URGENT) {
        if (item->has_date_published || item->has_date_modified)
            when(zone, "发布",
                 item->has_date_published ? item->date_published : item->date_modified,
                 issued, sizeof issued);
        if (item->signage.has_end)
            when(zone, "有效至", item->signage.end, ends, sizeof ends);
    }
    render_slide s = {
        .layout = it,
        .page = page,
        .date = date[0] ? date : NULL,
        .clock = clock,
        .day = day,
        .lunar = lunar,
        .image = media_image(m, item, &it->frame.image),
        .image_key = item,
        .logo = media_logo(m, it->frame.header.w / 4, it->frame.header.h * 3 / 4),
        .issued = issued[0] ? issued : NULL,
        .ends = ends[0] ? ends : NULL,
        .qr = deck_qr(d, i),
    };
    render_draw_slide(rd, &s);
}

/* Appends n bytes of t to out (used bytes *len) if they fit under the cap,
 * cut back to a whole UTF-8 character if not; false when full. */
static bool ticker_append(char *out, size_t *len, const char *t, size_t n)
{
    bool fits = *len + n < SLIDE_TICKER_MAX;
    if (!fits) {
        n = SLIDE_TICKER_MAX - 1 - *len;
        while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out + *len, t, n);
    *len += n;
    out[*len] = '\0';
    return fits;
}

char *slide_ticker_text(deck *d, const schedule *s, int64_t now)
{
    static const char sep[] = "\u3000\u25c6\u3000"; /* 　◆　 */
    const feed *f = d ? deck_feed(d) : NULL;
    char *out = NULL;
    size_t len = 0;
    for (size_t i = 0; f && i < f->n_items; i++) {
        const feed_item *item = &f->items[i];
        if (!item->signage.ticker || !schedule_item_open(s, item, now))
            continue;
        const char *t = item->title[0] ? item->title : item->body;
        size_t n = item->title[0] ? strlen(t) : strcspn(t, "\n");
        if (n == 0)
            continue;
        if (!out)
            out = xcalloc(1, SLIDE_TICKER_MAX);
        if ((len > 0 && !ticker_append(out, &len, sep, strlen(sep))) ||
            !ticker_append(out, &len, t, n))
            break;
    }
    return out;
}
