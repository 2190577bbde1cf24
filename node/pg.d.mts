// ES module declarations of doku-checkout/pg: the same API as the
// CommonJS declarations (pg.d.ts), typed for `import` so TypeScript resolves each module kind
// to its own file.
export * from './pg.js'
declare const _default: typeof import('./pg.js')
export default _default
