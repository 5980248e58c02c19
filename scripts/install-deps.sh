#!/usr/bin/env bash
# npm's postinstall: fetches what npm does not — the Kafka broker's jars (Maven Central) and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# The same boolean spellings as contracts/connection.ts (BOOL_TRUE).
is_true() { case "$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')" in true|1|yes|on) return 0 ;; *) return 1 ;; esac; }

# fetch_kafka POM DIR: the runtime jars the pom pins, into DIR, unless DIR already holds that pom's jars.
fetch_kafka() {
  local pom="$1" dir="$2"
  if [ -f "$dir/.complete" ] && cmp -s "$pom" "$dir/.pom"; then
    echo "flowgate: Kafka jars already in $dir"
  elif ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
    # Not an install failure: a machine that only targets staging needs neither.
    echo "flowgate: embedded stack unavailable: no $(command -v java >/dev/null && echo Maven || echo JDK/Maven) to fetch the Kafka broker's jars; install a JDK 17 and Maven (apt-get install openjdk-17-jdk-headless maven) and run bash scripts/install-deps.sh, or target staging (see .env.example). npm run doctor lists what is missing." >&2
  else
    echo "flowgate: fetching the Kafka broker's jars ($pom) from Maven Central into $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$dir"
    cp "$pom" "$dir/.pom"
    touch "$dir/.complete"
  fi
}

# Kafka 4 always; the 3.9 line too when STACK_KAFKA_VERSION=3.9 asks the stack to run it (stack/infra/kafka-release.ts).
if ! is_true "${FLOWGATE_SKIP_KAFKA_FETCH:-}"; then
  fetch_kafka stack/kafka/pom.xml .cache/kafka/jars
  case "${STACK_KAFKA_VERSION:-}" in
    3.9|3.9.*) fetch_kafka stack/kafka/3.9/pom.xml .cache/kafka-3.9/jars ;;
  esac
fi

# Browser steps use Debian's chromium, never a browser download by Playwright; headless runs take its headless shell
# (package chromium-headless-shell, half the CPU of the full browser), headed runs the full one.
if ! is_true "${FLOWGATE_SKIP_CHROMIUM:-}" && [ -z "${CHROMIUM_PATH:-}" ]; then
  missing=""
  command -v chromium >/dev/null || missing=" chromium"
  command -v chromium-headless-shell >/dev/null || missing="$missing chromium-headless-shell"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "flowgate: installing Debian's$missing for the dashboard step"
      apt-get update -qq || true
      for pkg in $missing; do
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null \
          || echo "flowgate: could not install $pkg$([ "$pkg" = chromium ] && echo '; the dashboard step will fail until CHROMIUM_PATH points to one' || echo '; headless runs use the full chromium')" >&2
      done
    else
      echo "flowgate: missing$missing; install Debian's (apt-get install chromium chromium-headless-shell) or set CHROMIUM_PATH" >&2
    fi
  fi
fi
