/* The SVG writer of svg.h. */
#include "svg.h"

#include <math.h>

static void num(struct mg_buf *b, double v)
{
	mg_buf_put_num(b, v, 1);
}

static void attr(struct mg_buf *b, const char *name, double v)
{
	mg_buf_putc(b, ' ');
	mg_buf_puts(b, name);
	mg_buf_puts(b, "=\"");
	num(b, v);
	mg_buf_putc(b, '"');
}

void mg_svg_begin(struct mg_svg *s, struct mg_buf *out, double width, double height, const char *cls,
		  const char *id, const char *title, const char *desc)
{
	s->out = out;
	s->width = width;
	s->height = height;
	mg_svg_margins(s, 60, 40, 30, 50);
	mg_svg_scale(s, 0, 1, 0, 1);
	mg_buf_puts(out, "<svg role=\"img\"");
	if (cls) {
		mg_buf_puts(out, " class=\"");
		mg_buf_put_html(out, cls);
		mg_buf_putc(out, '"');
	}
	mg_buf_puts(out, " viewBox=\"0 0 ");
	num(out, width);
	mg_buf_putc(out, ' ');
	num(out, height);
	mg_buf_puts(out, "\" aria-labelledby=\"");
	mg_buf_put_html(out, id);
	mg_buf_puts(out, "-t ");
	mg_buf_put_html(out, id);
	mg_buf_puts(out, "-d\">\n<title id=\"");
	mg_buf_put_html(out, id);
	mg_buf_puts(out, "-t\">");
	mg_buf_put_html(out, title);
	mg_buf_puts(out, "</title>\n<desc id=\"");
	mg_buf_put_html(out, id);
	mg_buf_puts(out, "-d\">");
	mg_buf_put_html(out, desc);
	mg_buf_puts(out, "</desc>\n");
	/* the visible title */
	mg_svg_text(s, width / 2, 18, "middle", "ct", title);
}

void mg_svg_margins(struct mg_svg *s, double left, double right, double top, double bottom)
{
	s->left = left;
	s->right = s->width - right;
	s->top = top;
	s->bottom = s->height - bottom;
}

void mg_svg_scale(struct mg_svg *s, double x0, double x1, double y0, double y1)
{
	s->x0 = x0;
	s->x1 = x1 > x0 ? x1 : x0 + 1;
	s->y0 = y0;
	s->y1 = y1 > y0 ? y1 : y0 + 1;
}

void mg_svg_end(struct mg_svg *s)
{
	mg_buf_puts(s->out, "</svg>\n");
}

double mg_svg_px(const struct mg_svg *s, double x)
{
	return s->left + (x - s->x0) / (s->x1 - s->x0) * (s->right - s->left);
}

double mg_svg_py(const struct mg_svg *s, double y)
{
	return s->bottom - (y - s->y0) / (s->y1 - s->y0) * (s->bottom - s->top);
}

double mg_svg_nice_step(double span, int n)
{
	if (!(span > 0) || n < 1)
		return 1;
	double raw = span / n, p = pow(10, floor(log10(raw))), f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

void mg_svg_line(struct mg_svg *s, double x0, double y0, double x1, double y1, const char *cls)
{
	mg_buf_puts(s->out, "<line");
	attr(s->out, "x1", mg_svg_px(s, x0));
	attr(s->out, "y1", mg_svg_py(s, y0));
	attr(s->out, "x2", mg_svg_px(s, x1));
	attr(s->out, "y2", mg_svg_py(s, y1));
	mg_buf_printf(s->out, " class=\"%s\"/>\n", cls);
}

static void pixel_line(struct mg_svg *s, double x0, double y0, double x1, double y1, const char *cls)
{
	mg_buf_puts(s->out, "<line");
	attr(s->out, "x1", x0);
	attr(s->out, "y1", y0);
	attr(s->out, "x2", x1);
	attr(s->out, "y2", y1);
	mg_buf_printf(s->out, " class=\"%s\"/>\n", cls);
}

void mg_svg_text(struct mg_svg *s, double px, double py, const char *anchor, const char *cls, const char *text)
{
	mg_buf_puts(s->out, "<text");
	attr(s->out, "x", px);
	attr(s->out, "y", py);
	mg_buf_printf(s->out, " text-anchor=\"%s\" class=\"%s\">", anchor, cls);
	mg_buf_put_html(s->out, text);
	mg_buf_puts(s->out, "</text>\n");
}

void mg_svg_axes(struct mg_svg *s, const char *xlabel, const char *ylabel)
{
	pixel_line(s, s->left, s->top, s->left, s->bottom, "ax");
	pixel_line(s, s->left, s->bottom, s->right, s->bottom, "ax");
	if (xlabel && *xlabel)
		mg_svg_text(s, (s->left + s->right) / 2, s->height - 8, "middle", "al", xlabel);
	if (ylabel && *ylabel) {
		double cy = (s->top + s->bottom) / 2;
		mg_buf_puts(s->out, "<text");
		attr(s->out, "x", 14);
		attr(s->out, "y", cy);
		mg_buf_puts(s->out, " text-anchor=\"middle\" class=\"al\" transform=\"rotate(-90 14 ");
		num(s->out, cy);
		mg_buf_puts(s->out, ")\">");
		mg_buf_put_html(s->out, ylabel);
		mg_buf_puts(s->out, "</text>\n");
	}
}

void mg_svg_xtick(struct mg_svg *s, double x, const char *label, int grid)
{
	double px = mg_svg_px(s, x);
	if (grid)
		pixel_line(s, px, s->top, px, s->bottom, "gr");
	pixel_line(s, px, s->bottom, px, s->bottom + 5, "ax");
	mg_svg_text(s, px, s->bottom + 18, "middle", "tl", label);
}

void mg_svg_ytick(struct mg_svg *s, double y, const char *label, int grid)
{
	double py = mg_svg_py(s, y);
	if (grid)
		pixel_line(s, s->left, py, s->right, py, "gr");
	pixel_line(s, s->left - 5, py, s->left, py, "ax");
	mg_svg_text(s, s->left - 8, py + 4, "end", "tl", label);
}

void mg_svg_polyline(struct mg_svg *s, const double *x, const double *y, size_t n, const char *cls)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && isnan(y[i]))
			i++;
		size_t j = i;
		while (j < n && !isnan(y[j]))
			j++;
		if (j - i >= 2) {
			mg_buf_puts(s->out, "<polyline points=\"");
			for (size_t k = i; k < j; k++) {
				if (k > i)
					mg_buf_putc(s->out, ' ');
				num(s->out, mg_svg_px(s, x[k]));
				mg_buf_putc(s->out, ',');
				num(s->out, mg_svg_py(s, y[k]));
			}
			mg_buf_printf(s->out, "\" class=\"%s\"/>\n", cls);
		}
		i = j;
	}
}

void mg_svg_points(struct mg_svg *s, const double *x, const double *y, size_t n, double r, const char *cls)
{
	for (size_t k = 0; k < n; k++) {
		if (isnan(y[k]))
			continue;
		mg_buf_puts(s->out, "<circle");
		attr(s->out, "cx", mg_svg_px(s, x[k]));
		attr(s->out, "cy", mg_svg_py(s, y[k]));
		attr(s->out, "r", r);
		mg_buf_printf(s->out, " class=\"%s\"/>\n", cls);
	}
}

static void rect(struct mg_svg *s, double x0, double x1, double y0, double y1, const char *cls, const char *pattern)
{
	double a = fmax(mg_svg_px(s, x0), s->left), b = fmin(mg_svg_px(s, x1), s->right);
	double c = fmax(mg_svg_py(s, y1), s->top), d = fmin(mg_svg_py(s, y0), s->bottom);
	if (b <= a || d <= c)
		return;
	mg_buf_puts(s->out, "<rect");
	attr(s->out, "x", a);
	attr(s->out, "y", c);
	attr(s->out, "width", b - a);
	attr(s->out, "height", d - c);
	if (pattern)
		mg_buf_printf(s->out, " fill=\"url(#%s)\"/>\n", pattern);
	else
		mg_buf_printf(s->out, " class=\"%s\"/>\n", cls);
}

void mg_svg_rect(struct mg_svg *s, double x0, double x1, double y0, double y1, const char *cls)
{
	rect(s, x0, x1, y0, y1, cls, NULL);
}

void mg_svg_rect_pattern(struct mg_svg *s, double x0, double x1, double y0, double y1, const char *id)
{
	rect(s, x0, x1, y0, y1, NULL, id);
}

void mg_svg_hatch(struct mg_svg *s, const char *id, const char *bg_cls, const char *line_cls)
{
	mg_buf_printf(s->out,
		      "<defs><pattern id=\"%s\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"%s\"/>"
		      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"%s\"/></pattern></defs>\n",
		      id, bg_cls, line_cls);
}
