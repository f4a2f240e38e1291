/* now: the running player's one reading of time. The loop, the feed worker
 * and the waits read monotonic and wall time here, never the system clock
 * directly, so that the soak test hook (SIGNAGE_TEST_CLOCK_SPEED) can run a
 * week of the real loop in minutes. At speed 1 (always, outside that hook)
 * it is CLOCK_MONOTONIC and time(): a stepped wall clock is seen as such.
 * Network timeouts (curl) and file times stay real. */
#pragma once
#include <stdint.h>
#include <time.h>

/* Test hook: from now on this clock runs speed times faster than the real
 * one (1 or less: real time). Wall time then advances from its value now
 * at the same pace, whatever the system clock does. Call it before any
 * thread reads the clock. */
void now_set_speed(unsigned speed);
unsigned now_speed(void);

/* Monotonic milliseconds (CLOCK_MONOTONIC at speed 1). */
uint64_t now_mono_ms(void);

/* Wall time, Unix seconds (time() at speed 1). */
int64_t now_wall(void);

/* The real milliseconds a wait of ms on this clock takes, rounded up so
 * that a deadline is never woken for early; 0 for ms <= 0. */
int now_real_ms(int64_t ms);

/* The CLOCK_MONOTONIC deadline of a wait of ms on this clock from now, for
 * pthread_cond_timedwait on a condition set to CLOCK_MONOTONIC. */
struct timespec now_deadline(long ms);
