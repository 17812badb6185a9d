/* Markdown backend (CommonMark): headings, bold labels, lists. */
#include "doc.h"

static void md_text(struct mg_doc *d, const char *s)
{
	/* Escape the few characters that would start markup mid-sentence. */
	for (; *s; s++) {
		if (*s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[' || *s == ']')
			mg_buf_putc(d->out, '\\');
		mg_buf_putc(d->out, *s);
	}
}

static void end_list(struct mg_doc *d)
{
	if (d->in_list)
		mg_buf_putc(d->out, '\n');
	d->in_list = 0;
}

static void m_title(struct mg_doc *d, const char *text)
{
	mg_buf_puts(d->out, "# ");
	md_text(d, text);
	mg_buf_puts(d->out, "\n\n");
}

static void m_heading(struct mg_doc *d, const char *text)
{
	end_list(d);
	mg_buf_puts(d->out, "## ");
	md_text(d, text);
	mg_buf_puts(d->out, "\n\n");
}

static void line(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	if (label) {
		mg_buf_puts(d->out, "**");
		md_text(d, label);
		mg_buf_puts(d->out, "** ");
	}
	md_text(d, text);
	if (*cites) {
		mg_buf_putc(d->out, ' ');
		md_text(d, cites);
	}
	mg_buf_putc(d->out, '\n');
}

static void m_para(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	end_list(d);
	line(d, label, text, cites);
	mg_buf_putc(d->out, '\n');
}

static void m_item(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	d->in_list = 1;
	mg_buf_puts(d->out, "- ");
	line(d, label, text, cites);
}

static void m_ref(struct mg_doc *d, int num, const char *id, const char *citation, const char *url)
{
	(void)id;
	d->in_list = 1;
	mg_buf_printf(d->out, "%d. ", num);
	md_text(d, citation);
	if (*url) {
		mg_buf_puts(d->out, " <");
		mg_buf_puts(d->out, url);
		mg_buf_putc(d->out, '>');
	}
	mg_buf_putc(d->out, '\n');
}

static void m_end(struct mg_doc *d)
{
	(void)d;
}

const struct mg_doc_ops mg_doc_markdown = {m_title, m_heading, m_para, m_item, m_ref, m_end};
