#include "edid.h"

#include <string.h>

static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};

static bool plausible(int w, int h)
{
    if (w < EDID_MIN_MM || h < EDID_MIN_MM || w > EDID_MAX_MM || h > EDID_MAX_MM)
        return false;
    return w <= 4 * h && h <= 4 * w;
}

/* Within 10% of each other, each dimension. */
static bool agree(int a, int b)
{
    int d = a > b ? a - b : b - a;
    return d * 10 <= (a > b ? a : b);
}

bool edid_size_mm(const uint8_t *b, size_t n, int *w_mm, int *h_mm)
{
    *w_mm = *h_mm = 0;
    if (!b || n < EDID_BLOCK || n > EDID_MAX_BYTES ||
        memcmp(b, header, sizeof header) != 0)
        return false;
    uint8_t sum = 0;
    for (size_t i = 0; i < EDID_BLOCK; i++)
        sum = (uint8_t)(sum + b[i]);
    if (sum != 0)
        return false;
    int bw = b[21] * 10, bh = b[22] * 10; /* centimetres */
    int dw = 0, dh = 0;
    if (b[54] || b[55]) /* a pixel clock: a timing, not a display descriptor */
        dw = b[66] | (b[68] >> 4) << 8, dh = b[67] | (b[68] & 0x0f) << 8;
    bool basic = plausible(bw, bh), dtd = plausible(dw, dh);
    if (dtd && (!basic || (agree(dw, bw) && agree(dh, bh))))
        *w_mm = dw, *h_mm = dh;
    else if (basic)
        *w_mm = bw, *h_mm = bh;
    return *w_mm > 0;
}
