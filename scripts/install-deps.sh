#!/usr/bin/env bash
# npm's postinstall: fetches what npm does not — the Kafka broker's jars (Maven Central) and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# The same boolean spellings as helpers/config.ts (BOOL_TRUE).
is_true() { case "$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')" in true|1|yes|on) return 0 ;; *) return 1 ;; esac; }

KAFKA_DIR=".cache/kafka/jars"
if ! is_true "${FLOWGATE_SKIP_KAFKA_FETCH:-}"; then
  if [ -f "$KAFKA_DIR/.complete" ] && cmp -s stack/kafka/pom.xml "$KAFKA_DIR/.pom"; then
    echo "flowgate: Kafka jars already in $KAFKA_DIR"
  else
    if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
      # Not an install failure: a machine that only targets staging needs neither.
      echo "flowgate: embedded stack unavailable: no $(command -v java >/dev/null && echo Maven || echo JDK/Maven) to fetch the Kafka broker's jars; install a JDK 17 and Maven (apt-get install openjdk-17-jdk-headless maven) and run bash scripts/install-deps.sh, or target staging (see .env.example). npm run doctor lists what is missing." >&2
    else
    echo "flowgate: fetching the Kafka broker's jars from Maven Central into $KAFKA_DIR"
    rm -rf "$KAFKA_DIR" && mkdir -p "$KAFKA_DIR"
    mvn -q -B -f stack/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$KAFKA_DIR"
    cp stack/kafka/pom.xml "$KAFKA_DIR/.pom"
    touch "$KAFKA_DIR/.complete"
    fi
  fi
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
