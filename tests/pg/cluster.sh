# A throwaway PostgreSQL 15 cluster with the mgsleep extension, for
# tests/pg/run.sh and bench/pg.sh. POSIX sh; set pg_top to the repository's
# root and source it, then:
#
#	pg_missing                     prints why the extension cannot be tested here (nothing: it can)
#	pg_start DIR BUILD [SETTING...] installs the extension built against BUILD under DIR, starts a
#	                               cluster in DIR (extra -c settings), sets $pg_psql
#	pg_stop                        stops it (call it from the EXIT trap; safe to call twice)
#	pg_sql [psql options]          runs the SQL on stdin, tuples only, stops at the first error
#
# Nothing is written outside DIR. PostgreSQL 15 has no extension_control_path,
# and CREATE EXTENSION reads control files only from the share directory of
# the running postgres. postgres computes its share and lib directories
# relative to its own binary (make_relative_path in src/port/path.c), so a
# copy of the binary in a relocated tree, DIR/inst plus pg_config's paths,
# finds the extension installed there by `make install DESTDIR=DIR/inst` (the
# same command as `make postgres-install`) and everything else of the system's
# installation through symlinks. The alternative (dynamic_library_path and
# CREATE FUNCTION by hand) would not test the control and script files.
# DIR must be on a file system that allows running programs (not noexec).
#
# As root, initdb and postgres refuse to run: they run as the `postgres`
# user (runuser), and DIR is given to it (its parents must let it pass).
# Unix socket only, in DIR.
# shellcheck shell=sh

pg_dir=
pg_data=

pg_missing() {
	if ! command -v pg_config >/dev/null 2>&1; then
		echo "pg_config not found: install postgresql-server-dev-15 (make deps-dev)"
	elif [ "$(pg_config --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')" != 15 ]; then
		echo "pg_config is not PostgreSQL 15's"
	elif [ ! -f "$(pg_config --pgxs)" ]; then
		echo "PGXS not found: install postgresql-server-dev-15 (make deps-dev)"
	elif [ ! -x "$(pg_config --bindir)/postgres" ] || [ ! -x "$(pg_config --bindir)/initdb" ]; then
		echo "the PostgreSQL 15 server is not installed: install postgresql-15 (make deps-dev)"
	elif [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "running as root and there is no postgres user to run the server"
	fi
}

# as_pg COMMAND...: as the postgres user when we are root.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# link_all FROM TO: a symlink in TO for each entry of FROM that TO lacks.
link_all() {
	mkdir -p "$2"
	for _f in "$1"/*; do
		[ -e "$2/${_f##*/}" ] || ln -s "$_f" "$2/${_f##*/}"
	done
}

pg_start() {
	pg_dir=$1
	_build=$2
	shift 2
	_inst=$pg_dir/inst
	_bindir=$(pg_config --bindir)
	_libdir=$(pg_config --pkglibdir)
	_sharedir=$(pg_config --sharedir)
	mkdir -p "$pg_dir/ext" "$pg_dir/sock" || return 1
	# Out of the source tree, like make postgres (which builds in BUILD/pg).
	make -s -C "$pg_dir/ext" -f "$pg_top/pg/Makefile" MGSLEEP_BUILD="$_build" install DESTDIR="$_inst" \
		>"$pg_dir/make.log" 2>&1 || { cat "$pg_dir/make.log"; return 1; }
	mkdir -p "$_inst$_bindir"
	cp "$_bindir/postgres" "$_inst$_bindir/postgres"
	link_all "$_libdir" "$_inst$_libdir"
	link_all "$_sharedir/extension" "$_inst$_sharedir/extension"
	link_all "$_sharedir" "$_inst$_sharedir"
	pg_data=$pg_dir/data
	[ "$(id -u)" -ne 0 ] || chown -R postgres "$pg_dir"
	as_pg "$_bindir/initdb" -D "$pg_data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C \
		>"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log"; return 1; }
	_opts="-c listen_addresses='' -c unix_socket_directories='$pg_dir/sock' -c fsync=off"
	for _s in "$@"; do
		_opts="$_opts -c $_s"
	done
	as_pg "$_bindir/pg_ctl" start -w -t 60 -D "$pg_data" -p "$_inst$_bindir/postgres" -l "$pg_dir/server.log" \
		-o "$_opts" >"$pg_dir/pg_ctl.log" 2>&1 || { cat "$pg_dir/pg_ctl.log" "$pg_dir/server.log"; return 1; }
	pg_psql="$_bindir/psql -X -q -At -v ON_ERROR_STOP=1 -h $pg_dir/sock -U postgres -d postgres"
}

pg_stop() {
	if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
		as_pg "$(pg_config --bindir)/pg_ctl" stop -D "$pg_data" -m immediate -w >/dev/null 2>&1
	fi
	pg_data=
}

pg_sql() {
	# shellcheck disable=SC2086 # pg_psql is a command line on purpose
	$pg_psql "$@"
}
