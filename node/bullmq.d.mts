// ES module declarations of doku-checkout/bullmq: the same API as the
// CommonJS declarations (bullmq.d.ts), typed for `import` so TypeScript resolves each module kind
// to its own file.
export * from './bullmq.js'
declare const _default: typeof import('./bullmq.js')
export default _default
