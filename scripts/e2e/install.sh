#!/usr/bin/env bash
# Installs what the real-editor (e2e) tests need, idempotently:
#   - Debian packages: chromium (headless browser), ripgrep (code-server's search binary),
#     libkrb5-dev (to build code-server's native `kerberos` module);
#   - code-server (VS Code in the browser) into .vscode-test/code-server/, outside the project's
#     node_modules, with the workarounds needed on a machine without internet access
#     (no prebuilt-binary downloads: native modules are built here, ripgrep comes from Debian).
# Fast when already installed (a marker file records a finished install).
# Works as root, non-interactively (CI=true, no stdin). Environment:
#   CODE_SERVER_VERSION  (default 4.100.3: the newest that accepts node 20)
#   CODE_SERVER_DIR      (default <repo>/.vscode-test/code-server)
#   E2E_SKIP_APT=1       skip the Debian packages step (they must then already be there)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
DIR="${CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}"
CS="$DIR/node_modules/code-server"
VSC="$CS/lib/vscode"
MARKER="$DIR/.installed-$VERSION"
START=$(date +%s)

log() { printf 'e2e-install: %s\n' "$*"; }

# ---------------------------------------------------------------- Debian packages
apt_install() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  if [ "${#missing[@]}" -eq 0 ]; then log "Debian packages present"; return 0; fi
  if [ "${E2E_SKIP_APT:-}" = 1 ]; then log "missing Debian packages: ${missing[*]} (E2E_SKIP_APT=1)"; return 1; fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else log "need root to install: ${missing[*]}"; return 1; fi
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # apt-get update only when the package lists are empty or the install fails without it.
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    "${sudo[@]}" apt-get update -q </dev/null
  fi
  if ! "${sudo[@]}" apt-get install "${opts[@]}" "${missing[@]}" </dev/null; then
    "${sudo[@]}" apt-get update -q </dev/null
    "${sudo[@]}" apt-get install "${opts[@]}" "${missing[@]}" </dev/null
  fi
}
apt_install

# ---------------------------------------------------------------- code-server
if [ -f "$MARKER" ] && [ -f "$CS/out/node/entry.js" ] && [ -x "$VSC/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server $VERSION already installed in $DIR ($(( $(date +%s) - START ))s)"
  exit 0
fi

NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$NODE_MAJOR" != 20 ]; then
  log "warning: code-server $VERSION wants node 20, this is node $NODE_MAJOR"
fi

export CI=true npm_config_yes=true npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false npm_config_loglevel=warn
# Native modules are built from source here: prebuilt binaries live on GitHub, which is unreachable.
# build-from-source is read by the native modules' install tools, not by npm, which warns about it
# on every call: that one warning is left out of what is shown.
export npm_config_build_from_source=true
npm() { command npm "$@" 2> >(grep -v 'Unknown env config "build-from-source"' >&2); }

rm -f "$MARKER"
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || printf '{\n  "name": "e2e-code-server",\n  "private": true\n}\n' > package.json

log "npm install code-server@$VERSION (scripts off; its postinstall is redone below)"
npm install --no-save --ignore-scripts --no-package-lock "code-server@$VERSION" </dev/null
log "building argon2"
npm rebuild argon2 </dev/null

cd "$VSC"
log "installing VS Code server dependencies (lib/vscode, scripts off)"
npm install --omit=dev --ignore-scripts </dev/null
log "building native modules"
npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid </dev/null
log "ripgrep from Debian"
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
chmod +x node_modules/@vscode/ripgrep/bin/rg

# The rest of code-server's postinstall.sh.
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
(cd bin/remote-cli && rm -f code-server && ln -s code-linux.sh code-server)
(cd bin/helpers && rm -f browser.sh && ln -s browser-linux.sh browser.sh)
log "installing built-in extensions' shared dependencies"
(cd extensions && npm install --omit=dev </dev/null)

# Smoke checks: every native module loads.
cd "$VSC"
node -e '
  for (const m of ["kerberos", "node-pty", "@parcel/watcher", "@vscode/spdlog", "native-watchdog", "@vscode/deviceid"]) {
    require(require.resolve(m, { paths: [process.cwd()] }));
  }
' || { log "a native module does not load"; exit 1; }
(cd "$DIR" && node -e 'require("argon2")') || { log "argon2 does not load"; exit 1; }
"$VSC/node_modules/@vscode/ripgrep/bin/rg" --version >/dev/null
XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" node "$CS/out/node/entry.js" --version

date -u +%FT%TZ > "$MARKER"
log "code-server $VERSION installed in $DIR ($(( $(date +%s) - START ))s)"
