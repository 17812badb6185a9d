/* A small SVG writer for the HTML report's charts (docs/architecture.md,
 * "Rendering"). Pure: everything goes into a struct mg_buf, nothing is read
 * from the environment, and numbers are written with mg_buf_put_num (one
 * decimal, locale-independent), so the same data gives the same bytes.
 *
 * A chart is a fixed pixel box with a plot area inside it; data coordinates
 * map linearly onto the plot area (y grows upwards). Every chart carries a
 * <title> and a <desc> (its text alternative) and role="img". */
#ifndef MG_REPORT_SVG_H
#define MG_REPORT_SVG_H

#include <mgsleep/buf.h>

struct mg_svg {
	struct mg_buf *out;
	double width, height;              /* pixels */
	double left, right, top, bottom;   /* plot area, pixels */
	double x0, x1, y0, y1;             /* data range shown */
};

/* Open <svg> with its title and text alternative; cls (may be NULL) is the
 * CSS class of the <svg> element (the report shows one of a wide and a
 * narrow drawing of each chart). Plot area margins in px. */
void mg_svg_begin(struct mg_svg *s, struct mg_buf *out, double width, double height, const char *cls,
		  const char *id, const char *title, const char *desc);
void mg_svg_margins(struct mg_svg *s, double left, double right, double top, double bottom);
void mg_svg_scale(struct mg_svg *s, double x0, double x1, double y0, double y1);
void mg_svg_end(struct mg_svg *s);

/* Data -> pixels. */
double mg_svg_px(const struct mg_svg *s, double x);
double mg_svg_py(const struct mg_svg *s, double y);

/* A "nice" tick step (1, 2 or 5 x 10^k) giving at most about n ticks. */
double mg_svg_nice_step(double span, int n);

/* The plot frame (left and bottom axis lines) and the axis titles. */
void mg_svg_axes(struct mg_svg *s, const char *xlabel, const char *ylabel);
/* A tick with its label on the x or y axis; grid adds a faint line across. */
void mg_svg_xtick(struct mg_svg *s, double x, const char *label, int grid);
void mg_svg_ytick(struct mg_svg *s, double y, const char *label, int grid);
/* Line through the points; a NaN y breaks it. cls is a CSS class. */
void mg_svg_polyline(struct mg_svg *s, const double *x, const double *y, size_t n, const char *cls);
/* Small circles at the points (NaN y skipped). */
void mg_svg_points(struct mg_svg *s, const double *x, const double *y, size_t n, double r, const char *cls);
/* Rectangle in data coordinates (clipped to the plot area), for shading. */
void mg_svg_rect(struct mg_svg *s, double x0, double x1, double y0, double y1, const char *cls);
/* A hatch pattern (diagonal lines of class line_cls on class bg_cls) named
 * id, for mg_svg_rect_pattern; once per <svg>, before it is used. */
void mg_svg_hatch(struct mg_svg *s, const char *id, const char *bg_cls, const char *line_cls);
/* mg_svg_rect filled with the pattern id. */
void mg_svg_rect_pattern(struct mg_svg *s, double x0, double x1, double y0, double y1, const char *id);
/* Straight line in data coordinates. */
void mg_svg_line(struct mg_svg *s, double x0, double y0, double x1, double y1, const char *cls);
/* Text at pixel position; anchor "start", "middle" or "end". */
void mg_svg_text(struct mg_svg *s, double px, double py, const char *anchor, const char *cls, const char *text);

#endif
