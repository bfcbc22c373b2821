#!/usr/bin/env bash
# Starts the sample webapp, building it first when the jar is missing or older than the sources.
# Arguments are passed to the jar (for example: ./run-sample.sh pay http://127.0.0.1:8080/premium/report).
set -euo pipefail
cd "$(dirname "$0")"
jar=sample-webapp/target/tollgate-sample.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml */pom.xml */src -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "Building the sample (first run, or sources changed)..." >&2
  mvn -B -q -DskipTests -pl sample-webapp -am package >&2
fi
exec java -jar "$jar" "$@"
