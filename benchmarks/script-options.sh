# Sourced by the benchmark scripts after they set `name` (their name in messages). Defines:
#   die MESSAGE...          one line "<name>: MESSAGE" on stderr, exit 1
#   usage MESSAGE...        the same, exit 2 (a bad option)
#   positive OPTION VALUE   a usage error unless VALUE is a whole number above 0
#   whole OPTION VALUE      a usage error unless VALUE is a whole number, 0 or more
die() { echo "$name: $*" >&2; exit 1; }
usage() { echo "$name: $*" >&2; exit 2; }
positive() { [[ "${2-}" =~ ^[1-9][0-9]*$ ]] || usage "$1 needs a positive whole number, got ${2:-nothing}"; }
whole() { [[ "${2-}" =~ ^(0|[1-9][0-9]*)$ ]] || usage "$1 needs a whole number (0 or more), got ${2:-nothing}"; }
