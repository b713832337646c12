# Sourced by ./sloop and ./test: finds JDK 25 and Maven, builds Sloop when its sources changed.
# Nothing here downloads at run time except Maven's own dependency resolution from Maven Central.

sloop_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

sloop_java_ok() {  # $1 = a JDK home; true if it holds a java and javac of feature release 25 or newer
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null
}

sloop_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && sloop_java_ok "$JAVA_HOME"; then return 0; fi
  local d
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -d "$d" ] && sloop_java_ok "$d"; then export JAVA_HOME="$d"; return 0; fi
  done
  echo "sloop: no JDK 25 found. Set JAVA_HOME to a JDK 25 (or newer), or install one under /usr/lib/jvm" >&2
  echo "       (for example: apt-get install -y openjdk-25-jdk, or Temurin 25)." >&2
  [ -n "${JAVA_HOME:-}" ] && echo "       JAVA_HOME=$JAVA_HOME is not a JDK 25." >&2
  return 1
}

sloop_find_maven() {
  if command -v mvn >/dev/null 2>&1; then return 0; fi
  echo "sloop: Maven not found; installing Debian's maven package" >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq maven) >&2 || true
  fi
  command -v mvn >/dev/null 2>&1 || { echo "sloop: Maven (mvn) is needed to build Sloop" >&2; return 1; }
}

# Debian packages the tests or commands need; installed once, only if missing, only as root.
sloop_need_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "sloop: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    return 1
  fi
  echo "sloop: installing ${missing[*]}" >&2
  { apt-get update -qq || true; apt-get install -y -qq "${missing[@]}"; } >&2
}

# Builds sloop-cli/target/sloop.jar (and sloop-cli/target/lib: the other modules' jars and picocli)
# when any main source or pom is newer than the jar.
sloop_build() {
  local jar="$sloop_root/sloop-cli/target/sloop.jar"
  if [ -f "$jar" ] && [ -z "$(find "$sloop_root"/sloop-{core,tun,services,cli}/src/main "$sloop_root"/pom.xml "$sloop_root"/sloop-*/pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "sloop: building (first use or sources changed)..." >&2
  local log; log=$(mktemp)
  if ! (cd "$sloop_root" && mvn -q -B -Dstyle.color=never -DskipTests package) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; echo "sloop: build failed" >&2; return 1
  fi
  rm -f "$log"
  touch "$jar" # Maven leaves a jar whose content did not change as it was, older than the sources
}
