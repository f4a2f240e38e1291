#include "now.h"

static unsigned speed = 1;
static uint64_t base_real_ms; /* CLOCK_MONOTONIC ms when the speed was set */
static int64_t base_wall_ms;  /* wall ms then */

static uint64_t real_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void now_set_speed(unsigned s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    base_wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    base_real_ms = real_mono_ms();
    speed = s > 1 ? s : 1;
}

unsigned now_speed(void)
{
    return speed;
}

uint64_t now_mono_ms(void)
{
    uint64_t real = real_mono_ms();
    return speed == 1 ? real : base_real_ms + (real - base_real_ms) * speed;
}

int64_t now_wall(void)
{
    if (speed == 1)
        return (int64_t)time(NULL);
    return (base_wall_ms + (int64_t)(now_mono_ms() - base_real_ms)) / 1000;
}

int now_real_ms(int64_t ms)
{
    if (ms <= 0)
        return 0;
    int64_t real = (ms + speed - 1) / speed;
    return real > INT32_MAX ? INT32_MAX : (int)real;
}

struct timespec now_deadline(long ms)
{
    int real = now_real_ms(ms);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += real / 1000;
    ts.tv_nsec += (long)(real % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}
