# The one pin per Node.js major, sourced by scripts/node.sh (which .ci/run and the benchmark call).
# 22: HeyGen's hyperframes CLI refuses anything older (real-render tests, the benchmark).
# 24: the runtime action.yml declares (runs.using: node24); the end-to-end tests run dist/ on it.
# Each is the exact `node-<os>-<arch>` package version installed from the npm registry.
NODE_22_VERSION=22.23.5
NODE_24_VERSION=24.22.3
