/* Plain-text backend: wrapped to the terminal width, hanging indents for list
 * items, ANSI bold only when asked (a TTY). */
#include "doc.h"

#include <stdio.h>
#include <string.h>

static void bold(struct mg_doc *d, const char *s)
{
	if (d->opts->color)
		mg_buf_puts(d->out, "\033[1m");
	mg_buf_puts(d->out, s);
	if (d->opts->color)
		mg_buf_puts(d->out, "\033[0m");
}

/* Word-wrap words from `s` starting at column col; continuation lines are
 * indented by `indent`. Counts UTF-8 code points, not bytes, as columns. */
static void wrap(struct mg_doc *d, const char *s, int col, int indent)
{
	int width = d->width;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (!n)
			break;
		int cols = 0;
		for (size_t i = 0; i < n; i++)
			cols += ((unsigned char)s[i] & 0xC0) != 0x80;
		if (col > indent && col + 1 + cols > width) {
			mg_buf_putc(d->out, '\n');
			for (int i = 0; i < indent; i++)
				mg_buf_putc(d->out, ' ');
			col = indent;
		} else if (col > indent) {
			mg_buf_putc(d->out, ' ');
			col++;
		}
		mg_buf_add(d->out, s, n);
		col += cols;
		s += n;
	}
	mg_buf_putc(d->out, '\n');
}

static void body(struct mg_doc *d, const char *label, const char *text, const char *cites, int indent,
		 const char *bullet)
{
	struct mg_buf line = MG_BUF_INIT;
	if (label) {
		mg_buf_puts(&line, label);
		mg_buf_putc(&line, ' ');
	}
	mg_buf_puts(&line, text);
	if (*cites) {
		mg_buf_putc(&line, ' ');
		mg_buf_puts(&line, cites);
	}
	mg_buf_puts(d->out, bullet);
	if (line.data)
		wrap(d, line.data, indent, indent);
	mg_buf_release(&line);
}

static void t_title(struct mg_doc *d, const char *text)
{
	bold(d, text);
	mg_buf_puts(d->out, "\n\n");
}

static void t_heading(struct mg_doc *d, const char *text)
{
	mg_buf_putc(d->out, '\n');
	bold(d, text);
	mg_buf_putc(d->out, '\n');
}

static void t_para(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	body(d, label, text, cites, 0, "");
}

static void t_item(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	body(d, label, text, cites, 2, "- ");
}

static void t_ref(struct mg_doc *d, int num, const char *id, const char *citation, const char *url)
{
	struct mg_buf line = MG_BUF_INIT;
	char lead[16];
	int n = snprintf(lead, sizeof lead, "%d. ", num);
	(void)id;
	mg_buf_puts(&line, citation);
	if (*url) {
		mg_buf_puts(&line, " ");
		mg_buf_puts(&line, url);
	}
	mg_buf_puts(d->out, lead);
	wrap(d, line.data, n, n);
	mg_buf_release(&line);
}

static void t_end(struct mg_doc *d)
{
	(void)d;
}

const struct mg_doc_ops mg_doc_text = {t_title, t_heading, t_para, t_item, t_ref, t_end};
