/* screenshot: the frame a renderer holds, as a PNG in memory, for the
 * report server (fleet.h). Read back with SDL_RenderReadPixels after the
 * frame is drawn and before it is presented (the same pixels the screen
 * then shows; after a present the back buffer is undefined with GL), with
 * any renderer (the software one and the headless dummy driver too). */
#pragma once
#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

/* The renderer's frame turned upright (rotation: the degrees clockwise
 * [display] rotation turns the picture on the output; a screenshot shows
 * what a viewer sees), scaled to width pixels (the height keeps the aspect),
 * PNG-encoded into *png (malloc'd, *len bytes). False (logged) when reading
 * or encoding fails. */
bool screenshot_png(SDL_Renderer *r, int width, int rotation, void **png, size_t *len);
