import cjs from './pg.js'

export const { PgStore, CancelInProgressError, ReceiptBusyError } = cjs
export default cjs
