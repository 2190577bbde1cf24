// ES module declarations of doku-checkout: the same API as the
// CommonJS declarations (index.d.ts), typed for `import` so TypeScript resolves each module kind
// to its own file.
export * from './index.js'
declare const _default: typeof import('./index.js')
export default _default
