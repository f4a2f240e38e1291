/* transition and ticker, the pure parts of what moves on screen: a
 * transition's frames as a function of time (fade opacity, slide offsets
 * monotonic, edge to edge, portrait from the bottom), and the ticker's
 * place as a function of time alone (the same whatever the frame times,
 * the wrap without a seam). */
#include "test.h"
#include "ticker.h"
#include "transition.h"

static void test_names(void)
{
    transition_kind k = TRANSITION_NONE;
    CHECK(transition_kind_from_name("fade", &k) && k == TRANSITION_FADE);
    CHECK(transition_kind_from_name("slide", &k) && k == TRANSITION_SLIDE);
    CHECK(transition_kind_from_name("none", &k) && k == TRANSITION_NONE);
    CHECK(!transition_kind_from_name("Fade", &k));
    CHECK(!transition_kind_from_name("", NULL));
    CHECK(!transition_kind_from_name(NULL, NULL));
}

static void test_fade(void)
{
    transition t = {.kind = TRANSITION_FADE, .start = 5000, .ms = 600};
    transition_frame f = transition_at(&t, 5000, 1920, 1080);
    CHECK(!f.done && f.alpha == 0);
    f = transition_at(&t, 5300, 1920, 1080);
    CHECKF(!f.done && f.alpha >= 120 && f.alpha <= 135, "middle alpha %d", f.alpha);
    CHECK(f.new_x == 0 && f.new_y == 0 && f.old_x == 0);
    int last = -1;
    for (uint64_t now = 5000; now < 5600; now += 7) {
        f = transition_at(&t, now, 1920, 1080);
        CHECKF(f.alpha >= last && !f.done, "alpha %d after %d at %llu", f.alpha, last,
               (unsigned long long)now);
        last = f.alpha;
    }
    f = transition_at(&t, 5600, 1920, 1080);
    CHECK(f.done && f.alpha == 255);
    f = transition_at(&t, 4000, 1920, 1080); /* before start: its first frame */
    CHECK(!f.done && f.alpha == 0);
}

/* The new page's left edge goes from the screen's width to 0, never back;
 * the old page is always just left of it (edge to edge: no gap, no overlap). */
static void test_slide(void)
{
    transition t = {.kind = TRANSITION_SLIDE, .start = 0, .ms = 600};
    int last = 1921;
    for (uint64_t now = 0; now < 600; now += 5) {
        transition_frame f = transition_at(&t, now, 1920, 1080);
        CHECK(!f.done && f.alpha == 255);
        CHECKF(f.new_x <= last && f.new_x >= 0 && f.new_x <= 1920, "new_x %d after %d",
               f.new_x, last);
        CHECK(f.old_x == f.new_x - 1920 && f.new_y == 0 && f.old_y == 0);
        last = f.new_x;
    }
    CHECK(transition_at(&t, 0, 1920, 1080).new_x == 1920);
    CHECK(transition_at(&t, 600, 1920, 1080).done);
    /* Portrait: from the bottom. */
    transition_frame p = transition_at(&t, 300, 1080, 1920);
    CHECK(p.new_x == 0 && p.old_x == 0 && p.new_y > 0 && p.new_y < 1920);
    CHECK(p.old_y == p.new_y - 1920);
}

static void test_cut(void)
{
    transition t = {.kind = TRANSITION_NONE, .start = 0, .ms = 600};
    CHECK(transition_at(&t, 0, 800, 480).done);
    t.kind = TRANSITION_FADE;
    t.ms = 0;
    CHECK(transition_at(&t, 0, 800, 480).done);
}

/* Where the ticker is depends on the time alone: stepping to the same
 * instant in frames of 16, 33 or 7 ms (or jumping there) gives the same x,
 * and the x travelled is speed * time. */
static void test_ticker_time(void)
{
    ticker_params p = {
        .zone_w = 1800, .strip_w = 5000, .gap = 200, .speed = 120, .start = 1000};
    CHECK(ticker_x(&p, 1000) == 1800); /* enters from the right edge */
    CHECK(ticker_x(&p, 500) == 1800);
    CHECK(ticker_x(&p, 11000) == 1800 - 1200); /* 10 s at 120 px/s */
    const int steps[] = {16, 33, 7, 1000};
    for (int s = 0; s < 4; s++) {
        int x = 0;
        for (uint64_t now = 1000; now <= 61000; now += (uint64_t)steps[s])
            x = ticker_x(&p, now);
        uint64_t at = 1000 + (60000 / (uint64_t)steps[s]) * (uint64_t)steps[s];
        CHECKF(x == ticker_x(&p, at), "frame step %d ms: x %d", steps[s], x);
    }
    /* The speed is pixels per second whatever the frame rate: after the
     * entry, one second moves the strip speed pixels (mod the period). */
    int period = ticker_period(&p);
    CHECK(period == 5200);
    for (uint64_t now = 30000; now < 90000; now += 997) {
        int a = ticker_x(&p, now), b = ticker_x(&p, now + 1000);
        int moved = ((a - b) % period + period) % period;
        CHECKF(moved == 120, "moved %d px in 1 s at %llu", moved,
               (unsigned long long)now);
    }
}

/* After the entry, x stays in (-period, 0]: drawing copies at x, x + period,
 * ... covers the zone from its left edge, and the step across the wrap is
 * the same as any other step (no jump: a seamless loop). */
static void test_ticker_wrap(void)
{
    ticker_params p = {
        .zone_w = 1000, .strip_w = 700, .gap = 100, .speed = 200, .start = 0};
    int period = ticker_period(&p);
    int prev = ticker_x(&p, 5000), wraps = 0;
    for (uint64_t now = 5010; now < 60000; now += 10) {
        int x = ticker_x(&p, now);
        CHECKF(x <= 0 && x > -period, "x %d outside (-%d, 0]", x, period);
        int step = ((prev - x) % period + period) % period;
        CHECKF(step == 2, "a step of %d px at %llu", step, (unsigned long long)now);
        wraps += x > prev;
        prev = x;
    }
    CHECKF(wraps >= 10, "wrapped %d times", wraps);
    /* Degenerate input is clamped, never a division by zero. */
    ticker_params z = {.zone_w = 10, .strip_w = 0, .gap = -5, .speed = 0};
    CHECK(ticker_period(&z) == 1);
    CHECK(ticker_x(&z, 100000) == 0);
}

int main(void)
{
    RUN(test_names);
    RUN(test_fade);
    RUN(test_slide);
    RUN(test_cut);
    RUN(test_ticker_time);
    RUN(test_ticker_wrap);
    return test_done("test_transition");
}
