/* template: which slide design an item gets, and how its picture fills
 * its box. Pure: facts about the item in, a kind out; no SDL, no clock.
 * deck chooses the kind once per layout (layout's geometry follows it),
 * render draws by it, and image fits a picture by template_fit_for. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TEMPLATE_TEXT,   /* title and body */
    TEMPLATE_IMAGE,  /* the picture beside the text (landscape), above it
                        (portrait) */
    TEMPLATE_PHOTO,  /* the picture full-screen, the title on a scrim */
    TEMPLATE_URGENT, /* the whole screen: 紧急通知 band, large type, times */
    TEMPLATE_COUNT   /* not a kind: the number of them */
} template_kind;

/* A body of at most this many characters (code points) with a picture
 * makes a photo slide: text this short leaves a picture room to fill. */
#define TEMPLATE_PHOTO_MAX_CHARS 60

/* What the choice reads of an item. */
typedef struct {
    bool urgent;       /* feed priority "urgent" */
    bool has_image;    /* a picture on disk that will be drawn */
    size_t body_chars; /* code points of its body */
    int paragraphs;    /* of its body */
} template_facts;

/* Urgent whatever else it has; else a picture and a body of at most
 * TEMPLATE_PHOTO_MAX_CHARS in at most two paragraphs: photo; else a
 * picture: image; else text. */
template_kind template_choose(const template_facts *f);

/* "text", "image", "photo" or "urgent"; NULL for a value that is no kind. */
const char *template_name(template_kind k);

/* How a picture fills its box: contain (all of it, letterboxed) or cover
 * (the box filled, the overflow cut off evenly). Never stretched. */
typedef enum {
    TEMPLATE_FIT_AUTO, /* not said: the config's, else the rule below */
    TEMPLATE_FIT_CONTAIN,
    TEMPLATE_FIT_COVER,
} template_fit;

/* "auto", "contain" or "cover" to *out (out may be NULL); false for
 * anything else. */
bool template_fit_parse(const char *s, template_fit *out);
const char *template_fit_name(template_fit f);

/* The fit a w x h picture gets in a box_w x box_h box: the item's if it
 * says one, else the config's, else cover when that keeps at least
 * TEMPLATE_COVER_KEEP of the picture (its shape near the box's), else
 * contain (a poster on a wide screen keeps its edges). Never AUTO. */
#define TEMPLATE_COVER_KEEP 0.70
template_fit template_fit_for(template_fit item, template_fit config, int w, int h,
                              int box_w, int box_h);
