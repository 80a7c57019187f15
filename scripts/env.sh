# Sourced by the other scripts: where the tools and the build output are.
BESACE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BESACE_TOOLS_DIR="${BESACE_TOOLS_DIR:-$HOME/.cache/besace/tools}"
export BESACE_TOOLS_DIR
export PATH="$HOME/.cargo/bin:$BESACE_TOOLS_DIR/node_modules/.bin:$PATH"
BESACE_TARGET_DIR="${CARGO_TARGET_DIR:-$BESACE_ROOT/target}"
