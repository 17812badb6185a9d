/* Where the store lives, how the passphrase is asked, and opening it. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

const char *cli_db_path(struct mg_cli *cli)
{
	static char path[4096];
	const char *env;
	if (cli->db_path)
		return cli->db_path;
	if ((env = getenv("MGSLEEP_DB")) && *env)
		return env;
	if ((env = getenv("XDG_DATA_HOME")) && *env == '/')
		snprintf(path, sizeof path, "%s/mgsleep/mgsleep.db", env);
	else if ((env = getenv("HOME")) && *env)
		snprintf(path, sizeof path, "%s/.local/share/mgsleep/mgsleep.db", env);
	else
		snprintf(path, sizeof path, "mgsleep.db");
	return path;
}

/* MGSLEEP_PASSPHRASE for scripts, else a prompt on the terminal without echo. */
int cli_passphrase(const char *prompt, char *buf, size_t n, int *status)
{
	const char *env = getenv("MGSLEEP_PASSPHRASE");
	if (env) {
		if (!*env || strlen(env) >= n) {
			*status = cli_error(EXIT_USAGE, "MGSLEEP_PASSPHRASE: accepted: 1 to %zu characters", n - 1);
			return -1;
		}
		snprintf(buf, n, "%s", env);
		return 0;
	}
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fd < 0) {
		*status = cli_error(EXIT_USAGE, "passphrase: no terminal to ask on; set MGSLEEP_PASSPHRASE");
		return -1;
	}
	struct termios old, quiet;
	int have_tc = tcgetattr(fd, &old) == 0;
	if (have_tc) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy; reading still works */
	}
	size_t len = 0;
	char c;
	ssize_t got;
	while ((got = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (len + 1 < n)
			buf[len++] = c;
	buf[len] = '\0';
	if (have_tc)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* ignore */
	}
	close(fd);
	if (!len) {
		*status = cli_error(EXIT_USAGE, "passphrase: empty");
		return -1;
	}
	return 0;
}

/* A set MGSLEEP_PASSPHRASE goes to every open, even of a missing store, so
 * that the store refuses to create an unencrypted one. */
struct mg_db *cli_db_open(struct mg_cli *cli, unsigned flags, int *status)
{
	struct mg_db *db = NULL;
	struct mg_error err = {0}, probe = {0};
	char pass[256] = "";
	const char *path = cli_db_path(cli), *env = getenv("MGSLEEP_PASSPHRASE");
	int ask = (env && *env) || (flags & MG_DB_SEAL) || mg_db_is_sealed(path, &probe) == 1;
	for (int tries = 0;; tries++) {
		if (ask && !pass[0] && cli_passphrase("Passphrase: ", pass, sizeof pass, status))
			break;
		if (!mg_db_open(&db, path, pass, flags, &err))
			break;
		/* Another process made a sealed store there since the check: ask once. */
		ask = !tries && !pass[0] && !strcmp(err.field, "passphrase") && mg_db_is_sealed(path, &probe) == 1;
		if (!ask) {
			*status = cli_fail(&err);
			break;
		}
	}
	sodium_memzero(pass, sizeof pass);
	return db;
}

const char *cli_now(void)
{
	static char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
