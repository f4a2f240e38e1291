#define LOG_MODULE "media"
#include "media.h"

#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "log.h"

struct media {
    const config *cfg;
    source *src;
    fonts *fonts;
    layout_measure measure;
    char *image_url; /* which image `image` holds */
    layout_rect image_box;
    SDL_Surface *image;
    SDL_Surface *logo; /* scaled to logo_h, or NULL */
    int logo_w, logo_h;
    bool logo_tried;
};

media *media_create(const config *cfg, source *src)
{
    fonts *f = fonts_create(cfg->font_regular, cfg->font_bold, cfg->language);
    if (!f)
        return NULL;
    media *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    m->cfg = cfg;
    m->src = src;
    m->fonts = f;
    m->measure = fonts_measure(f);
    return m;
}

void media_forget_images(media *m)
{
    SDL_FreeSurface(m->image);
    m->image = NULL;
    free(m->image_url);
    m->image_url = NULL;
}

void media_destroy(media *m)
{
    if (!m)
        return;
    media_forget_images(m);
    SDL_FreeSurface(m->logo);
    fonts_destroy(m->fonts);
    free(m);
}

fonts *media_fonts(media *m)
{
    return m->fonts;
}

const layout_measure *media_measure(const media *m)
{
    return &m->measure;
}

static const char *item_image_url(const feed_item *item)
{
    return item->image ? item->image : item->banner_image;
}

SDL_Surface *media_image(media *m, const feed_item *item, const layout_rect *box)
{
    const char *url = item_image_url(item);
    if (!m->src || !url || box->w <= 0 || box->h <= 0)
        return NULL;
    if (m->image_url && strcmp(m->image_url, url) == 0 && m->image_box.w == box->w &&
        m->image_box.h == box->h)
        return m->image;
    media_forget_images(m);
    const char *path = source_image_path(m->src, url);
    if (!path)
        return NULL;
    m->image = image_load(path, m->cfg->max_image_pixels, box->w, box->h);
    m->image_url = strdup(url);
    if (!m->image_url)
        abort();
    m->image_box = *box;
    return m->image;
}

SDL_Surface *media_logo(media *m, int box_w, int box_h)
{
    if (!m->src || !m->cfg->logo[0])
        return NULL;
    if (m->logo_tried && m->logo_h == box_h && m->logo_w == box_w)
        return m->logo;
    const char *path = source_image_path(m->src, m->cfg->logo);
    if (!path)
        return NULL; /* not downloaded yet: try again next time */
    SDL_FreeSurface(m->logo);
    m->logo = image_load(path, m->cfg->max_image_pixels, box_w, box_h);
    m->logo_w = box_w;
    m->logo_h = box_h;
    m->logo_tried = true;
    return m->logo;
}
