#!/usr/bin/env bash
# `npm run sqlmap`: see scripts/sqlmap.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bun scripts/sqlmap.ts "$@"
