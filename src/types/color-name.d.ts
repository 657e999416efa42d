// color-name ships no types: it is one frozen map of the CSS named colours to their RGB triples.
declare module 'color-name' {
  const colors: Readonly<Record<string, readonly [number, number, number]>>
  export default colors
}
