/* What the two servers (cds, web) share: the --listen value, the log line
 * of each request and the PEM files of --tls-cert and --tls-key. */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PEM_MAX ((size_t)1 << 20)

void cli_http_log(void *ctx, const char *method, const char *route, int status, double ms)
{
	(void)ctx;
	time_t t = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s %d %.1f ms\n", when, method, route, status, ms);
}

/* "HOST:PORT", "[V6]:PORT". */
int cli_parse_listen(const char *v, char *host, size_t n, unsigned *port)
{
	const char *colon = strrchr(v, ':');
	if (!colon)
		return -1;
	const char *h = v, *he = colon;
	if (*h == '[') {
		if (he[-1] != ']')
			return -1;
		h++, he--;
	}
	if (he <= h || (size_t)(he - h) >= n)
		return -1;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = 0;
	char *end;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

/* A PEM file of --tls-cert or --tls-key: read here, so that an error names
 * the option (never the content); whether cert and key make a pair is for
 * the TLS library, at start. */
char *cli_read_pem(const char *path, const char *option, const char *label, int *status)
{
	size_t len;
	char *pem = cli_read_file(path, PEM_MAX, &len, option, status);
	if (pem && (strlen(pem) != len || !strstr(pem, "-----BEGIN ") || !strstr(pem, label))) {
		*status = cli_error(EXIT_USAGE, "%s: '%s' is not a PEM %s", option, path,
				    strcmp(option, "--tls-key") ? "certificate" : "private key");
		free(pem);
		pem = NULL;
	}
	return pem;
}

void cli_block_stop_signals(sigset_t *stop)
{
	/* Before the server's threads start, so that they inherit the mask and
	 * only the caller's sigwait sees the signal. */
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
}
