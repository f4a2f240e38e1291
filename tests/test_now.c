/* now: real time at speed 1, and a fast clock under the soak hook whose
 * monotonic and wall times advance together and whose waits shrink. */
#include <time.h>
#include <unistd.h>

#include "now.h"
#include "test.h"

static uint64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The unmodified player: the system's clocks, and waits as asked. */
static void real_speed(void)
{
    now_set_speed(1);
    uint64_t before = real_ms();
    uint64_t mono = now_mono_ms();
    CHECK(mono >= before && mono <= real_ms());
    int64_t t = time(NULL);
    int64_t wall = now_wall();
    CHECK(wall >= t && wall <= time(NULL));
    CHECK(now_real_ms(1500) == 1500);
    CHECK(now_real_ms(0) == 0 && now_real_ms(-5) == 0);
    struct timespec d = now_deadline(2000);
    uint64_t d_ms = (uint64_t)d.tv_sec * 1000u + (uint64_t)d.tv_nsec / 1000000u;
    CHECKF(d_ms >= before + 2000 && d_ms <= real_ms() + 2000, "deadline %llu",
           (unsigned long long)d_ms);
}

/* 1000 times as fast: 50 ms of real time are 50 s of this clock, on both
 * clocks; a 60 s wait takes 60 ms, and a wait never rounds to 0 early. Real
 * time is read on both sides of each reading, so a preempted test still
 * brackets what the clock should say. */
static void fast_speed(void)
{
    now_set_speed(1000);
    CHECK(now_speed() == 1000);
    uint64_t a = real_ms();
    uint64_t mono0 = now_mono_ms();
    int64_t wall0 = now_wall();
    uint64_t b = real_ms();
    usleep(50 * 1000);
    uint64_t c = real_ms();
    uint64_t mono = now_mono_ms();
    int64_t wall = now_wall();
    uint64_t d = real_ms();
    CHECKF(mono - mono0 + 1000 >= (c - b) * 1000 && mono - mono0 <= (d - a + 1) * 1000,
           "mono advanced %llu ms in %llu..%llu real ms",
           (unsigned long long)(mono - mono0), (unsigned long long)(c - b),
           (unsigned long long)(d - a));
    CHECKF(wall - wall0 >= 48 && wall - wall0 <= (int64_t)(d - a) + 2,
           "wall advanced %lld s", (long long)(wall - wall0));
    CHECK(now_real_ms(60000) == 60);
    CHECK(now_real_ms(1) == 1);
    CHECK(now_real_ms(1001) == 2);
    now_set_speed(0); /* back to real time */
    CHECK(now_speed() == 1 && now_real_ms(60000) == 60000);
}

int main(void)
{
    RUN(real_speed);
    RUN(fast_speed);
    return test_done("test_now");
}
