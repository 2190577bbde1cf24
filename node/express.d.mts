// ES module declarations of doku-checkout/express: the same API as the
// CommonJS declarations (express.d.ts), typed for `import` so TypeScript resolves each module kind
// to its own file.
export * from './express.js'
declare const _default: typeof import('./express.js')
export default _default
