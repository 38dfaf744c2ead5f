# Shared helpers for the board tests (sourced). A test reports each check as "ok - what" or
# "not ok - what"; run-tests.sh counts them.
set -u
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
failures=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: runs the command, reports by its exit status.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
finish() { [ "$failures" -eq 0 ]; }

# The hark binary under test: $HARK_BIN, else the release build out/hark, else the debug build.
hark_binary() {
  if [ -n "${HARK_BIN:-}" ]; then echo "$HARK_BIN"
  elif [ -x "$repo/out/hark" ]; then echo "$repo/out/hark"
  else echo "$repo/.build/debug/hark"; fi
}

# needed_libraries BINARY: the NEEDED sonames (readelf -d).
needed_libraries() { readelf -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'; }

# package_of_library BINARY SONAME: the Debian package that ships the library the binary loads
# (resolved by ldd, then dpkg -S on the path; merged /usr is tried both ways). Empty when no
# package owns it.
package_of_library() {
  local path real candidate
  path=$(ldd "$1" 2>/dev/null | awk -v n="$2" '$1 == n && $3 ~ /^\// { print $3; exit } $1 ~ "/"n"$" { print $1; exit }')
  [ -n "$path" ] || return 0
  real=$(readlink -f "$path")
  for candidate in "$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr$real"; do
    dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 | grep . && return 0
  done
  return 0
}

# from_swift_toolchain BINARY SONAME: the library resolves into the Swift toolchain (a debug
# build's runtime, which the release build links statically).
from_swift_toolchain() {
  local swift_lib; swift_lib=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift
  ldd "$1" 2>/dev/null | awk -v n="$2" '$1 == n { print $3 }' | grep -q "^$swift_lib"
}

# listed WORD LIST: WORD is a whole line of LIST (and not empty).
listed() { [ -n "$1" ] && grep -qxF "$1" <<<"$2"; }
