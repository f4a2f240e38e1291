#include "ticker.h"

int ticker_period(const ticker_params *p)
{
    int w = p->strip_w > 0 ? p->strip_w : 1;
    return w + (p->gap > 0 ? p->gap : 0);
}

int ticker_x(const ticker_params *p, uint64_t now)
{
    uint64_t t = now > p->start ? now - p->start : 0;
    int64_t speed = p->speed > 0 ? p->speed : 1;
    /* Pixels travelled, from the time alone (integer: exact and monotonic). */
    int64_t moved = (int64_t)(t * (uint64_t)speed / 1000);
    int64_t x = (int64_t)p->zone_w - moved;
    if (x > 0)
        return (int)x; /* still entering from the right */
    int64_t period = ticker_period(p);
    return (int)-((-x) % period);
}
