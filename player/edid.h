/* edid: a screen's physical picture size from its EDID (VESA E-EDID 1.3
 * and 1.4, the bytes the kernel shows in /sys/class/drm/card*-*\/edid).
 * Pure: reads a buffer, no files. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDID_BLOCK 128       /* the base block; extensions follow it */
#define EDID_MAX_BYTES 32768 /* more than this is not an EDID */
#define EDID_MIN_MM 30       /* a dimension below this is a placeholder */
#define EDID_MAX_MM 4000     /* one above it (4 m) too */

/* The picture's width and height in millimetres from EDID bytes: the
 * first detailed timing descriptor's size (bytes 66-68: millimetres) when
 * it agrees with the basic size (bytes 21-22: centimetres) to 10% or the
 * basic size is zero, else the basic size. False, *w_mm and *h_mm 0, when
 * the bytes are not an EDID (short, wrong header, bad checksum of the base
 * block, longer than EDID_MAX_BYTES) or give no size: both zero (a
 * projector), an aspect ratio only (EDID 1.4 with one of bytes 21-22 zero),
 * or a dimension out of [EDID_MIN_MM, EDID_MAX_MM] or an aspect beyond
 * 1:4 (some TVs write 16x9 there). When the two sizes disagree, the basic
 * one: a TV that writes an aspect ratio in the descriptor's millimetres
 * (1600x900) is more common than one whose centimetres are wrong. */
bool edid_size_mm(const uint8_t *b, size_t n, int *w_mm, int *h_mm);
