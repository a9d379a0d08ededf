# Sourced by the other scripts: the tool environment for building offline.
# npm's binaryen first: Debian's wasm-opt (binaryen 108) breaks the app silently.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must not reach out to GitHub or crates.io for tools or version checks.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
# The wasm build names source files without this machine's paths (panic
# locations end up in the shipped module): the module no longer depends on
# where the repository or cargo's home lives, and no home directory is
# published with it.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$PWD=."
