/* power: runs the configured display power commands (for example
 * "vcgencmd display_power 0" or a CEC command) when the screen hours end
 * and begin. The command runs through /bin/sh in the background; the loop
 * never waits for it. Children are reaped by power_reap().
 *
 * Changes are rate-limited: a feed whose urgent items open and close every
 * minute outside screen hours must not cycle the display's power (and its
 * backlight or CEC link) every minute. Time comes in as an argument. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define POWER_MIN_GAP 300 /* seconds between two display power changes */

typedef struct power power;

/* Commands may be NULL or empty (nothing is run for that side); both are
 * borrowed and must outlive the power. min_gap: seconds (POWER_MIN_GAP in
 * the player; tests pass their own). */
power *power_create(const char *on_cmd, const char *off_cmd, int64_t min_gap);
void power_destroy(power *p);

/* Asks for the display on or off at now (seconds on a clock that does not
 * step: the loop passes monotonic time). The first call runs its command
 * at once (a run that ended at night may have left the display off). Then
 * a change runs at most once per min_gap seconds, except an urgent switch
 * on, which runs at once. A change held back is logged once and runs on the
 * first call after the gap has passed, if it is still wanted; asking for
 * the current state again drops it. A command never starts while the one
 * before it still runs (they would race). Returns the seconds until a
 * held-back change is due (call again then), or -1 when none is held. */
int64_t power_want(power *p, bool on, bool urgent, int64_t now);

/* Reaps finished commands and logs a non-zero exit. Non-blocking. */
void power_reap(void);
