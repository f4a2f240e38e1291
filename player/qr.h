/* qr: an item's url as a QR code (libqrencode), and the one rule for how
 * large it is drawn. Pure: no SDL, no network, no clock.
 *
 * Size: a code is read from about ten times its width, so to scan from
 * 1.5 m it is 15 cm wide. A 55-inch 1080p panel has 0.63 mm per pixel: 15 cm
 * is 238 px, 22% of the short side (1080). The code scales with the short
 * side like the text; modules are whole pixels (sharp edges), rounded up.
 * Around it a light quiet zone of QR_QUIET modules (the standard's 4), and
 * under that the caption, all on one light plate. */
#pragma once
#include <stdbool.h>

#define QR_MAX_URL 512        /* bytes; a longer url gets no code */
#define QR_QUIET 4            /* light modules on each side */
#define QR_WIDTH_SHARE 0.22   /* code width / the screen's short side */
#define QR_CAPTION_SHARE 0.03 /* caption size / the screen's short side */

typedef struct {
    int size;            /* modules per side */
    unsigned char *dark; /* size * size, row by row: 1 = dark */
} qr_code;

/* The plate's geometry for a code of `size` modules on a screen whose
 * short side is `side` pixels. */
typedef struct {
    int module_px;  /* pixels per module */
    int quiet_px;   /* QR_QUIET modules */
    int caption_px; /* caption font size */
    int w, h;       /* the plate: quiet zone, code, quiet zone, caption line */
} qr_plate;

/* Whether url gets a code: http:// or https://, at most QR_MAX_URL bytes,
 * no control characters or spaces. */
bool qr_url_ok(const char *url);

/* The code of url (error correction level M), or NULL when qr_url_ok says
 * no or libqrencode fails (one log line). */
qr_code *qr_encode(const char *url);
void qr_destroy(qr_code *q);

qr_plate qr_plate_for(int size, int side);
