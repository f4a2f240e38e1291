#include "params.h"

#include <assert.h>
#include <string.h>

static SDL_Color rgb(config_color c)
{
    return (SDL_Color){c.r, c.g, c.b, 0xff};
}

render_theme params_theme(const config *cfg)
{
    render_theme t = {
        .background = rgb(cfg->background),
        .foreground = rgb(cfg->foreground),
        .accent = rgb(cfg->accent),
        .muted = rgb(cfg->muted),
        .urgent_background = rgb(cfg->urgent_background),
        .urgent_foreground = rgb(cfg->urgent_foreground),
        .urgent_accent = rgb(cfg->urgent_accent),
        .urgent_muted = rgb(cfg->urgent_muted),
    };
    static_assert(sizeof t.centre_name == sizeof cfg->centre_name, "same length");
    memcpy(t.centre_name, cfg->centre_name, sizeof t.centre_name);
    static_assert(sizeof t.qr_caption == sizeof cfg->qr_caption, "same length");
    memcpy(t.qr_caption, cfg->qr_caption, sizeof t.qr_caption);
    return t;
}

schedule_params params_schedule(const config *cfg, tz *zone)
{
    schedule_params p = {
        .zone = zone,
        .high_ratio = cfg->high_ratio,
        .urgent_alternate = cfg->urgent_alternate,
        .max_age_days = cfg->max_age_days,
        .screen_hours_set = cfg->hours_set,
    };
    for (int d = 0; d < 7; d++)
        p.screen_hours[d] = (feed_window){cfg->hours[d].from, cfg->hours[d].to};
    return p;
}

source_params params_source(const config *cfg)
{
    return (source_params){
        .feed = cfg->feed,
        .cache_dir = cfg->cache_dir,
        .logo = cfg->logo,
        .ca_file = cfg->ca_file,
        .blocklist = cfg->blocklist,
        .public_key = cfg->feed_public_key,
        .signature = cfg->feed_signature,
        .max_feed_bytes = (size_t)cfg->max_feed_bytes,
        .max_image_bytes = (size_t)cfg->max_image_bytes,
        .max_image_pixels = cfg->max_image_pixels,
        .timing =
            {
                .poll_ms = cfg->poll_interval * 1000,
                .backoff_max_ms = cfg->backoff_max * 1000,
                .connect_timeout_ms = cfg->connect_timeout * 1000,
                .total_timeout_ms = cfg->total_timeout * 1000,
            },
    };
}

fleet_params params_fleet(const config *cfg)
{
    return (fleet_params){
        .url = cfg->report_url,
        .token_file = cfg->report_token_file,
        .screen_id = cfg->screen_id,
        .cache_dir = cfg->cache_dir,
        .ca_file = cfg->ca_file,
        .interval_s = cfg->report_interval,
        .connect_timeout_ms = cfg->connect_timeout * 1000,
        .total_timeout_ms = cfg->total_timeout * 1000,
        .allow_http = cfg->report_allow_http,
        .queue_max = (size_t)cfg->report_queue_max,
    };
}

sizes_text params_sizes(const config *c, int screen_w, int screen_h,
                        const sizes_panel *panel)
{
    sizes_input in = {
        .screen_w = screen_w,
        .screen_h = screen_h,
        .diagonal_in = c->screen_diagonal,
        .distance_m = c->viewing_distance,
        .body_size = c->body_size,
        .title_size = c->title_size,
    };
    if (panel)
        in.panel = *panel;
    return sizes_compute(&in);
}

layout_params params_layout_panel(const config *c, int screen_w, int screen_h,
                                  const sizes_panel *panel)
{
    sizes_text t = params_sizes(c, screen_w, screen_h, panel);
    double side = screen_w < screen_h ? screen_w : screen_h;
    if (side < 1)
        side = 1;
    return (layout_params){
        .screen_w = screen_w,
        .screen_h = screen_h,
        .body_size = t.body_px / side,
        .title_size = t.title_px / side,
        .line_spacing = c->line_spacing,
        .paragraph_spacing = c->paragraph_spacing,
        .margin = c->margin,
        .indent = c->indent,
        .justify = c->justify,
        .enlarge_short = c->enlarge_short,
        .language = c->language,
        .reading_speed = c->reading_speed,
        .page_min = c->page_min,
        .page_max = c->page_max,
    };
}

layout_params params_layout(const config *c, int screen_w, int screen_h)
{
    return params_layout_panel(c, screen_w, screen_h, NULL);
}

deck_limits params_deck(const config *cfg)
{
    return (deck_limits){
        .duration_cap = cfg->duration_cap,
        .cap = {cfg->max_pages, cfg->max_item_seconds},
        .qr = cfg->qr,
    };
}

static template_fit fit_of(const char *name)
{
    template_fit f = TEMPLATE_FIT_AUTO;
    template_fit_parse(name, &f);
    return f;
}

media_params params_media(const config *cfg)
{
    return (media_params){
        .font_regular = cfg->font_regular,
        .font_bold = cfg->font_bold,
        .language = cfg->language,
        .logo = cfg->logo,
        .max_image_pixels = cfg->max_image_pixels,
        .fit = fit_of(cfg->image_fit),
    };
}

push_params params_push(const config *cfg)
{
    return (push_params){
        .url = cfg->mqtt_url,
        .topic = cfg->mqtt_topic,
        .ca_file = cfg->ca_file,
        .screen_id = cfg->screen_id,
    };
}
