#include "template.h"

#include <string.h>

template_kind template_choose(const template_facts *f)
{
    if (f->urgent)
        return TEMPLATE_URGENT;
    if (!f->has_image)
        return TEMPLATE_TEXT;
    if (f->body_chars <= TEMPLATE_PHOTO_MAX_CHARS && f->paragraphs <= 2)
        return TEMPLATE_PHOTO;
    return TEMPLATE_IMAGE;
}

static const char *const kind_names[] = {"text", "image", "photo", "urgent"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == TEMPLATE_COUNT,
               "one name per template");

const char *template_name(template_kind k)
{
    return (unsigned)k < TEMPLATE_COUNT ? kind_names[k] : NULL;
}

static const char *const fit_names[] = {"auto", "contain", "cover"};

bool template_fit_parse(const char *s, template_fit *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, fit_names[i]) == 0) {
            if (out)
                *out = (template_fit)i;
            return true;
        }
    return false;
}

const char *template_fit_name(template_fit f)
{
    return (unsigned)f < 3 ? fit_names[f] : NULL;
}

template_fit template_fit_for(template_fit item, template_fit config, int w, int h,
                              int box_w, int box_h)
{
    if (item == TEMPLATE_FIT_CONTAIN || item == TEMPLATE_FIT_COVER)
        return item;
    if (config == TEMPLATE_FIT_CONTAIN || config == TEMPLATE_FIT_COVER)
        return config;
    if (w <= 0 || h <= 0 || box_w <= 0 || box_h <= 0)
        return TEMPLATE_FIT_CONTAIN;
    /* Cover keeps the smaller of the two aspect ratios over the larger. */
    double a = (double)w / h, b = (double)box_w / box_h;
    double keep = a < b ? a / b : b / a;
    return keep >= TEMPLATE_COVER_KEEP ? TEMPLATE_FIT_COVER : TEMPLATE_FIT_CONTAIN;
}
