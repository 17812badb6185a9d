# bash completion for mgsleep: commands, subcommands, options and the values
# a usage line lists (--format text|json). All of it is read from the
# program's own help (mgsleep --help, mgsleep help COMMAND), so it follows the
# command table in src/cli/main.c and cannot go stale; tests/cli/completion.sh
# checks it against that table. Installed by `make install` as
# PREFIX/share/bash-completion/completions/mgsleep. No store is opened.
# shellcheck shell=bash

_mgsleep_commands()
{
	"$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

_mgsleep()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} cmd='' at=0 i words='' usage
	COMPREPLY=()
	# The command is the first word that is neither an option nor the value
	# of a global one (--kb DIR, --db PATH are accepted anywhere).
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--kb | --db) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]} at=$i && break ;;
		esac
	done
	case $prev in
	--kb) mapfile -t COMPREPLY < <(compgen -d -- "$cur") && return ;;
	--db | --profile | --out | --ics | --answers | --tls-cert | --tls-key | --input | --output) mapfile -t COMPREPLY < <(compgen -f -- "$cur") && return ;;
	esac
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			words="--kb --db --version --help"
		else
			words=$(_mgsleep_commands "$prog")
		fi
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	if [[ $cmd == help ]]; then
		((at + 1 == COMP_CWORD)) && mapfile -t COMPREPLY < <(compgen -W "$(_mgsleep_commands "$prog") conditions symptoms" -- "$cur")
		return
	fi
	usage=$("$prog" help "$cmd" 2>/dev/null) || return
	# A value the usage lists after the option: "--format text|json".
	if [[ $prev == --* ]]; then
		words=$(grep -oE -- "$prev [a-z0-9-]+(\|[a-z0-9-]+)+" <<<"$usage" | cut -d' ' -f2 | tr '|' '\n' | sort -u)
		[[ -n $words ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur") && return
	fi
	if [[ $cur == -* ]]; then
		words=$(grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' <<<"$usage" | sort -u)
	elif ((at + 1 == COMP_CWORD)); then
		# Subcommands: the lowercase word after "mgsleep CMD" in the usage lines.
		words=$(sed -n "s/^ *\(usage: \)\{0,1\}mgsleep $cmd \([a-z][a-z-]*\).*/\2/p" <<<"$usage" | sort -u)
	fi
	# Nothing to offer: -o default completes file names (import FILE, backup FILE).
	[[ -n $words ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	return 0
}

complete -o default -F _mgsleep mgsleep
