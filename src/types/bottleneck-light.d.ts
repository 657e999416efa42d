// bottleneck's light build (no Redis clustering) is the one @octokit/plugin-throttling bundles; its
// types are the full build's.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
