import cjs from './pg.js'

export const { PgStore, CancelInProgressError } = cjs
export default cjs
