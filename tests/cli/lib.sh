# Shared preamble and helpers of the TAP shell suites (tests/cli/*.sh and
# tests/golden/run.sh). POSIX sh; source it first thing, with the binary as $1:
#
#	# shellcheck source=tests/cli/lib.sh
#	. "$(dirname "$0")/lib.sh"
#
# and end the suite with `finish`. It sets:
#	bin	the mgsleep binary ($1), made absolute
#	n	the number of the last test printed
#	failed	how many have failed
#	tmp	a private directory, removed on exit
# and exports MGSLEEP_DB="$tmp/mg.db" (a suite may point it elsewhere) after
# clearing every other MGSLEEP_* variable and COLUMNS, so that nothing from
# the caller's environment (a real store, a passphrase, a KB) leaks in.
# shellcheck shell=sh

bin=${1:?usage: $0 /path/to/mgsleep}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
n=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _v in $(env | sed -n 's/^\(MGSLEEP_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$_v"
done
unset _v COLUMNS
export LC_ALL=C
export MGSLEEP_DB="$tmp/mg.db"

ok() { # ok STATUS NAME: prints test n+1, passed when STATUS is 0
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

skip() { # skip REASON: a test that was not run
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# check NAME COMMAND...: passes when COMMAND succeeds. Its stdout and stderr
# go to $tmp/check.out (suites may read it after the call) and are shown as
# '# ' lines when it fails. COMMAND runs in this shell: a function or
# builtin may set variables.
check() {
	_name=$1
	shift
	"$@" >"$tmp/check.out" 2>&1
	_st=$?
	ok "$_st" "$_name"
	[ "$_st" -eq 0 ] || sed 's/^/# /' "$tmp/check.out"
}

# status COMMAND...: prints COMMAND's exit status; its stdout and stderr are
# left in $tmp/out and $tmp/err.
status() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	echo $?
}

lines() { wc -l <"$1" | tr -d ' '; } # lines FILE: the number of lines

finish() { # prints the plan; exit status 1 if any test failed
	echo "1..$n"
	[ "$failed" -eq 0 ] || exit 1
	exit 0
}
