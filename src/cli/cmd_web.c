/* mgsleep web: the local web app (issue 14; docs/web-api.md). The server is
 * src/net/web.h; this file parses the options, prints the address and opens
 * the browser. */
#include "cli.h"

#include "../net/web.h"

#include <sodium.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

struct web_opts {
	const char *listen, *tls_cert, *tls_key;
	int no_open, allow_remote;
};

static const struct cli_option web_options[] = {
	CLI_OPT_STRING(struct web_opts, listen, "listen", "HOST:PORT",
		       "address to listen on (default 127.0.0.1:0, any free port); loopback only"),
	CLI_OPT_BOOL(struct web_opts, no_open, "no-open", "do not open the browser"),
	CLI_OPT_BOOL(struct web_opts, allow_remote, "allow-remote", "listen on another address (needs TLS)"),
	CLI_OPT_STRING(struct web_opts, tls_cert, "tls-cert", "FILE", "the certificate (PEM), with --allow-remote"),
	CLI_OPT_STRING(struct web_opts, tls_key, "tls-key", "FILE", "its private key (PEM), with --allow-remote"),
	CLI_OPT_END(),
};

const struct cli_help cli_help_web = {
	"usage: mgsleep web [--listen 127.0.0.1:PORT] [--no-open]\n"
	"       mgsleep web --listen HOST:PORT --allow-remote --tls-cert FILE --tls-key FILE [--no-open]\n",
	{web_options},
	"Prints 'Open http://127.0.0.1:PORT/?token=...' as its first line: the token is needed once, then\n"
	"kept in a cookie. One log line per request on stderr (time, method, route, status, milliseconds).\n"
	"SIGTERM or SIGINT (Ctrl-C) stops it.\n",
};

/* xdg-open, if there is one; never fatal. Its output is dropped: stdout's
 * first line is ours. */
static void open_browser(const char *url)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char prog[] = "xdg-open", arg[256];
	snprintf(arg, sizeof arg, "%s", url);
	char *argv[] = {prog, arg, NULL};
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) == 0)
		waitpid(pid, NULL, WNOHANG);
	posix_spawn_file_actions_destroy(&fa);
}

int cmd_web(int argc, char **argv, struct mg_cli *cli)
{
	struct web_opts o = {"127.0.0.1:0", NULL, NULL, 0, 0};
	struct mg_web *w = NULL;
	struct mg_error err = {0};
	char host[64], url[256], *cert = NULL, *key = NULL;
	unsigned port;
	int status = EXIT_OK;
	if (cli_parse_options("web", argc, argv, web_options, &o, 0, &status) < 0)
		return status;
	if (cli_parse_listen(o.listen, host, sizeof host, &port))
		return cli_error(EXIT_USAGE, "--listen: accepted: HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:0");
	if ((o.tls_cert || o.tls_key) && !o.allow_remote)
		return cli_error(EXIT_USAGE, "--tls-cert, --tls-key: only with --allow-remote");
	if (o.allow_remote && (!o.tls_cert || !o.tls_key))
		return cli_error(EXIT_USAGE, "--allow-remote: needs --tls-cert FILE and --tls-key FILE");
	const struct mg_kb *kb = cli_kb(cli, &status);
	if (!kb)
		return status;
	if (o.tls_cert && (!(cert = cli_read_pem(o.tls_cert, "--tls-cert", "CERTIFICATE-----", &status)) ||
			   !(key = cli_read_pem(o.tls_key, "--tls-key", "PRIVATE KEY-----", &status))))
		goto out;
	sigset_t stop;
	cli_block_stop_signals(&stop);
	struct mg_web_opts wo = {.host = host,
				 .port = port,
				 .db_path = cli_db_path(cli),
				 .kb = kb,
				 .allow_remote = o.allow_remote,
				 .tls_cert = cert,
				 .tls_key = key,
				 .threads = 2,
				 .log = cli_http_log};
	if (mg_web_start(&w, &wo, &err)) {
		status = err.code != MG_EINVAL				? cli_fail(&err)
			 : !strcmp(err.field, "tls") ? cli_error(EXIT_USAGE, "--tls-cert/--tls-key: %s", err.msg)
						     : cli_error(EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	mg_web_url(w, url, sizeof url);
	printf("Open %s\n", url);
	fflush(stdout);
	if (!o.no_open)
		open_browser(url);
	int sig;
	sigwait(&stop, &sig);
	mg_web_stop(w);
out:
	if (key)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	return status;
}
