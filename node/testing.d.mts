// ES module declarations of doku-checkout/testing: the same API as the
// CommonJS declarations (testing.d.ts), typed for `import` so TypeScript resolves each module kind
// to its own file.
export * from './testing.js'
declare const _default: typeof import('./testing.js')
export default _default
