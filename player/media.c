#define LOG_MODULE "media"
#include "media.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "log.h"
#include "util.h"

typedef enum { SLOT_EMPTY, SLOT_PENDING, SLOT_READY, SLOT_FAILED } slot_state;

/* One picture the slides want. The main thread alone writes the request
 * (ref, path, box, gen); the worker writes the answer (state, surface) for
 * the request whose gen it took. Fields the worker touches are read and
 * written under media.lock. */
typedef struct {
    char *ref;  /* the feed's URL or the logo; NULL: empty */
    char *path; /* the file to decode */
    int box_w, box_h;
    template_fit fit;
    unsigned gen; /* a new request or a forget bumps it: late answers drop */
    bool queued;  /* waiting for the worker */
    slot_state state;
    SDL_Surface *surface; /* SLOT_READY */
} slot;

enum { SLOT_IMAGE, SLOT_LOGO, SLOT_COUNT };

struct media {
    char *logo;           /* "": none */
    int max_image_pixels; /* read by the worker; never changes */
    template_fit fit;     /* the config's; never changes */
    source *src;
    fonts *fonts;
    layout_measure measure;
    media_wake_fn wake; /* NULL: callers wait for their decode */
    void *wake_ctx;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a request queued, or quit */
    pthread_cond_t done; /* an answer in */
    slot slots[SLOT_COUNT];
    bool changed; /* a surface arrived since media_changed() last looked */
    bool quit;
};

/* The first queued slot, or NULL. Under the lock. */
static slot *next_request(media *m)
{
    for (int i = 0; i < SLOT_COUNT; i++)
        if (m->slots[i].queued)
            return &m->slots[i];
    return NULL;
}

/* Hands the answer to request gen of s, or frees it when the slot has been
 * asked for something else since. Under the lock. */
static void deliver(media *m, slot *s, unsigned gen, SDL_Surface *surface)
{
    if (s->gen != gen) {
        SDL_FreeSurface(surface);
        return;
    }
    s->surface = surface;
    s->state = surface ? SLOT_READY : SLOT_FAILED;
    m->changed |= surface != NULL;
    pthread_cond_broadcast(&m->done);
}

/* Decodes the requests one at a time, without the lock held. */
static void *worker_main(void *arg)
{
    media *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->quit) {
        slot *s = next_request(m);
        if (!s) {
            pthread_cond_wait(&m->work, &m->lock);
            continue;
        }
        s->queued = false;
        char *path = xstrdup(s->path);
        int w = s->box_w, h = s->box_h;
        template_fit fit = s->fit;
        unsigned gen = s->gen;
        pthread_mutex_unlock(&m->lock);
        SDL_Surface *surface = image_load_fit(path, m->max_image_pixels, w, h, fit);
        free(path);
        pthread_mutex_lock(&m->lock);
        deliver(m, s, gen, surface);
        if (m->wake) {
            pthread_mutex_unlock(&m->lock); /* the wake may take other locks */
            m->wake(m->wake_ctx);
            pthread_mutex_lock(&m->lock);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

media *media_create(const media_params *p, source *src, media_wake_fn wake, void *ctx)
{
    fonts *f = fonts_create(p->font_regular, p->font_bold, p->language);
    if (!f)
        return NULL;
    media *m = xcalloc(1, sizeof *m);
    m->logo = xstrdup(p->logo);
    m->max_image_pixels = p->max_image_pixels;
    m->fit = p->fit;
    m->src = src;
    m->fonts = f;
    m->measure = fonts_measure(f);
    m->wake = wake;
    m->wake_ctx = ctx;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->work, NULL);
    pthread_cond_init(&m->done, NULL);
    if (pthread_create(&m->worker, NULL, worker_main, m) != 0) {
        LOG_ERR("cannot start the image decoder thread");
        pthread_cond_destroy(&m->done);
        pthread_cond_destroy(&m->work);
        pthread_mutex_destroy(&m->lock);
        fonts_destroy(f);
        free(m->logo);
        free(m);
        return NULL;
    }
    return m;
}

/* Empties s; an answer still on its way is dropped. Under the lock. */
static void slot_clear(slot *s)
{
    SDL_FreeSurface(s->surface);
    free(s->ref);
    free(s->path);
    unsigned gen = s->gen + 1;
    *s = (slot){.gen = gen, .state = SLOT_EMPTY};
}

size_t media_image_bytes(media *m)
{
    size_t bytes = 0;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < SLOT_COUNT; i++) {
        const SDL_Surface *s = m->slots[i].surface;
        if (s)
            bytes += (size_t)s->pitch * (size_t)s->h;
    }
    pthread_mutex_unlock(&m->lock);
    return bytes;
}

void media_forget_images(media *m)
{
    pthread_mutex_lock(&m->lock);
    slot_clear(&m->slots[SLOT_IMAGE]);
    pthread_mutex_unlock(&m->lock);
}

void media_destroy(media *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->quit = true;
    pthread_cond_signal(&m->work);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->worker, NULL);
    for (int i = 0; i < SLOT_COUNT; i++)
        slot_clear(&m->slots[i]);
    pthread_cond_destroy(&m->done);
    pthread_cond_destroy(&m->work);
    pthread_mutex_destroy(&m->lock);
    fonts_destroy(m->fonts);
    free(m->logo);
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

/* True when s holds (or waits for) ref at this box. The request fields are
 * written by this thread only, so no lock is needed to read them. */
static bool slot_is(const slot *s, const char *ref, int box_w, int box_h,
                    template_fit fit)
{
    return s->ref && strcmp(s->ref, ref) == 0 && s->box_w == box_w && s->box_h == box_h &&
           s->fit == fit;
}

/* The picture ref at box_w x box_h: asks the worker for it when s holds
 * something else; NULL until it is decoded (or for good when refused). */
static SDL_Surface *slot_get(media *m, slot *s, const char *ref, int box_w, int box_h,
                             template_fit fit)
{
    const char *path = NULL;
    if (!slot_is(s, ref, box_w, box_h, fit)) {
        path = source_image_path(m->src, ref);
        if (!path) {
            pthread_mutex_lock(&m->lock);
            slot_clear(s);
            pthread_mutex_unlock(&m->lock);
            return NULL; /* not downloaded yet: asked again next time */
        }
    }
    pthread_mutex_lock(&m->lock);
    if (path) {
        slot_clear(s);
        s->ref = xstrdup(ref);
        s->path = xstrdup(path);
        s->box_w = box_w;
        s->box_h = box_h;
        s->fit = fit;
        s->state = SLOT_PENDING;
        s->queued = true;
        pthread_cond_signal(&m->work);
    }
    while (!m->wake && s->state == SLOT_PENDING)
        pthread_cond_wait(&m->done, &m->lock);
    SDL_Surface *surface = s->state == SLOT_READY ? s->surface : NULL;
    pthread_mutex_unlock(&m->lock);
    return surface;
}

bool media_image_pending(media *m)
{
    pthread_mutex_lock(&m->lock);
    bool pending = m->slots[SLOT_IMAGE].state == SLOT_PENDING;
    pthread_mutex_unlock(&m->lock);
    return pending;
}

SDL_Surface *media_image(media *m, const feed_item *item, const layout_rect *box)
{
    const char *url = feed_item_image(item);
    if (!m->src || !url || box->w <= 0 || box->h <= 0) {
        /* A slide without a picture: the last one's pixels go (up to a
         * screen's worth); it is decoded again when next shown. */
        media_forget_images(m);
        return NULL;
    }
    template_fit fit =
        item->signage.fit != TEMPLATE_FIT_AUTO ? item->signage.fit : m->fit;
    return slot_get(m, &m->slots[SLOT_IMAGE], url, box->w, box->h, fit);
}

SDL_Surface *media_logo(media *m, int box_w, int box_h)
{
    if (!m->src || !m->logo[0] || box_w <= 0 || box_h <= 0)
        return NULL;
    return slot_get(m, &m->slots[SLOT_LOGO], m->logo, box_w, box_h, TEMPLATE_FIT_CONTAIN);
}

bool media_changed(media *m)
{
    pthread_mutex_lock(&m->lock);
    bool changed = m->changed;
    m->changed = false;
    pthread_mutex_unlock(&m->lock);
    return changed;
}
