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
# `--cfg erase_components`: Leptos gives each component's view one erased type
# instead of a type per view tree, so its rendering code is compiled once
# rather than once per component: the page 20 KiB smaller. Since the long
# lists and the chart are written as markup, filter changes measure the same
# with it (docs/benchmarks.md, fifth sitting).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$PWD=. --cfg erase_components"
