/* libFuzzer target: a whole file through mg_import_path, so the format
 * sniffer, the zip reader (libarchive, streamed) and every parser behind
 * them see arbitrary bytes. The sink checks the interface's promises. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mgsleep/import.h>

static int on_interval(void *ctx, const struct mg_interval *iv, struct mg_error *err)
{
	(void)ctx;
	(void)err;
	if (!iv->source || !*iv->source || !iv->device || !iv->tz || !iv->note || iv->start >= iv->end ||
	    iv->stage < 0 || iv->stage >= MG_STAGE_COUNT || iv->kind < 0 || iv->kind > MG_DEV_OTHER)
		abort();
	return 0;
}

static int on_period(void *ctx, const struct mg_period *p, struct mg_error *err)
{
	(void)ctx;
	(void)err;
	if (!p->source || !*p->source || p->start >= p->end)
		abort();
	return 0;
}

static void on_skipped(void *ctx, const char *what, const char *source, const char *reason)
{
	(void)ctx;
	if (!what || !source || !reason)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static struct mg_import_opts o = {"UTC", NULL, NULL};
	struct mg_import_sink s = {NULL, on_interval, on_period, on_skipped, NULL};
	struct mg_error err = {0};
	int fd;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/mgsleep-fuzz-%ld", (long)getpid());
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	/* Either it imports or it fails with a message naming the file. */
	if (mg_import_path(path, &o, &s, NULL, NULL, NULL, NULL, &err) && (!err.msg[0] || !strstr(err.msg, path)))
		abort();
	return 0;
}
