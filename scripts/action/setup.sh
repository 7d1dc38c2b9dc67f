#!/usr/bin/env bash
# Step 1 of action.yml: makes the Runlens CLI available as $RUNLENS_CLI for the next steps. A release of the action
# ships dist/cli.js; a checkout of a branch builds it (npm ci, then the bundle).
set -euo pipefail
cd "$ACTION_PATH"
if [ ! -f dist/cli.js ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  node scripts/build.mjs
fi
echo "RUNLENS_CLI=$ACTION_PATH/dist/cli.js" >> "$GITHUB_ENV"
