// Wrappers for ncursesw's macros, globals and variadic calls, so Swift can use them.
#ifndef TURNS_CNCURSES_SHIM_H
#define TURNS_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include <langinfo.h>
#include <stdio.h>

static inline WINDOW *turns_stdscr(void) { return stdscr; }
/// newterm on the process's stdout/stdin; returns NULL (instead of exiting, as initscr does) for an unknown TERM.
static inline SCREEN *turns_newterm(void) { return newterm(NULL, stdout, stdin); }
/// Flushes the C stdout buffer ncurses writes through (so nothing it buffered lands after our own output).
static inline void turns_flush_stdout(void) { fflush(stdout); }
/// The locale's character encoding name ("UTF-8", "ANSI_X3.4-1968", …).
static inline const char *turns_codeset(void) { return nl_langinfo(CODESET); }
static inline int turns_lines(void) { return LINES; }
static inline int turns_cols(void) { return COLS; }
static inline int turns_colors(void) { return COLORS; }
static inline int turns_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t turns_color_pair(int n) { return COLOR_PAIR(n); }
static inline attr_t turns_a_bold(void) { return A_BOLD; }
static inline attr_t turns_a_underline(void) { return A_UNDERLINE; }
static inline attr_t turns_a_reverse(void) { return A_REVERSE; }
static inline attr_t turns_a_dim(void) { return A_DIM; }
static inline attr_t turns_a_italic(void) { return A_ITALIC; }
static inline int turns_key_resize(void) { return KEY_RESIZE; }
static inline int turns_key_mouse(void) { return KEY_MOUSE; }
static inline int turns_err(void) { return ERR; }

/// Draws one cell: a base character plus up to four combining marks, with attributes and colour pair.
static inline int turns_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}
/// Writes a plain, single-byte string at a position (used for fallbacks and notices).
static inline int turns_put_string(int y, int x, const char *text) { return mvaddstr(y, x, text); }
static inline int turns_move(int y, int x) { return move(y, x); }
static inline int turns_get_wch(wint_t *out) { return get_wch(out); }
static inline int turns_set_escdelay(int ms) { return set_escdelay(ms); }
static inline mmask_t turns_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t turns_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t turns_button5_pressed(void) { return BUTTON5_PRESSED; }

#endif
