#define LOG_MODULE "qr"
#include "qr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "log.h"
#include "util.h"

bool qr_url_ok(const char *url)
{
    if (!url)
        return false;
    size_t n = strlen(url);
    if (n > QR_MAX_URL ||
        (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7F)
            return false;
    return true;
}

qr_code *qr_encode(const char *url)
{
    if (!qr_url_ok(url))
        return NULL;
    QRcode *c = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!c) {
        LOG_WARN("no QR code for a url of %zu bytes", strlen(url));
        return NULL;
    }
    qr_code *q = xmalloc(sizeof *q);
    q->size = c->width;
    size_t n = (size_t)c->width * (size_t)c->width;
    q->dark = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        q->dark[i] = c->data[i] & 1;
    QRcode_free(c);
    return q;
}

void qr_destroy(qr_code *q)
{
    if (!q)
        return;
    free(q->dark);
    free(q);
}

qr_plate qr_plate_for(int size, int side)
{
    qr_plate p = {0};
    if (size < 1)
        size = 1;
    p.module_px = (int)ceil(QR_WIDTH_SHARE * side / size);
    if (p.module_px < 1)
        p.module_px = 1;
    p.quiet_px = QR_QUIET * p.module_px;
    p.caption_px = (int)lround(QR_CAPTION_SHARE * side);
    p.w = size * p.module_px + 2 * p.quiet_px;
    p.h = p.w + p.caption_px * 3 / 2;
    return p;
}
