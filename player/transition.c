#include "transition.h"

#include <string.h>

bool transition_kind_from_name(const char *name, transition_kind *out)
{
    static const char *const names[] = {[TRANSITION_NONE] = "none",
                                        [TRANSITION_FADE] = "fade",
                                        [TRANSITION_SLIDE] = "slide"};
    for (int k = 0; k < 3; k++) {
        if (name && strcmp(name, names[k]) == 0) {
            if (out)
                *out = (transition_kind)k;
            return true;
        }
    }
    return false;
}

transition_frame transition_at(const transition *t, uint64_t now, int w, int h)
{
    transition_frame f = {.done = true, .eased = 1.0, .alpha = 255};
    if (t->kind == TRANSITION_NONE || t->ms <= 0 || now >= t->start + (uint64_t)t->ms)
        return f;
    double p = now <= t->start ? 0.0 : (double)(now - t->start) / t->ms;
    double e = p * p * (3.0 - 2.0 * p);
    f.done = false;
    f.eased = e;
    if (t->kind == TRANSITION_FADE)
        f.alpha = (int)(e * 255.0 + 0.5);
    else {
        bool portrait = h > w;
        int span = portrait ? h : w;
        int pos = span - (int)(e * span + 0.5); /* the new page's edge */
        f.new_x = portrait ? 0 : pos;
        f.new_y = portrait ? pos : 0;
        f.old_x = portrait ? 0 : pos - span;
        f.old_y = portrait ? pos - span : 0;
    }
    return f;
}
