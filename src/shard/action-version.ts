/** The action's own version, recorded in shard manifests; a unit test keeps it equal to package.json's. */
export const ACTION_VERSION = '0.1.0'
