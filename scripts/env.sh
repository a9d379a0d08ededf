# Sourced by the other scripts: the tool environment for building offline.
# npm's binaryen first: Debian's wasm-opt (binaryen 108) breaks the app silently.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must not reach out to GitHub or crates.io for tools or version checks.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
