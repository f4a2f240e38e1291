/* listline: tells the plain-text lines that are lists or timetables, which
 * are set ragged and flush left (justifying "周二 19:30 书法入门" spreads
 * its characters apart; an indent hides the marker column). Pure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* True when the paragraph s[0..len) (normalised text: one space between
 * words) is a list item or a row of a timetable:
 * - it starts with a bullet (• · ▪ ● ○ ◦ ■ □ ◆ ◇ ★ ☆ ※ ▶ ►, or - * + –
 *   followed by a space), a number and a list mark ("1. ", "1、", "1．",
 *   "1）", "(1)", "（1）"), a Chinese numeral ("一、", "（一）") or a circled or
 *   parenthesised number (① ⑴ ⒈);
 * - or it holds a time of day (H:MM, HH:MM, full-width colon too, ranges
 *   with - – ～ ~ 至) set apart by spaces or starting the line, in a line with
 *   no "，", "；" or "。" before its end (prose that mentions a time);
 * - or it has two spaces or more between wide characters (columns). */
bool listline_is_ragged(const char *s, size_t len);
